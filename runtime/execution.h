/* execution.h — running one execution inside a host (`aslc serve`), many at
 * once in one process.
 *
 * aslrt_execute() runs one execution of a compiled program on the calling
 * thread and returns when it has ended. It has no process-wide side
 * effects: nothing is printed, no signal disposition changes, no history
 * file is written; what the execution does is reported through the host's
 * hooks (aslrt_host) and its result (aslrt_execution_result). Any number of
 * threads may call it at once, on the same program, mock configuration and
 * bindings (all read only).
 *
 * The host ignores SIGPIPE once, before the first execution: an exec
 * handler that closes its stdin early must not end the process, and the
 * runtime leaves signal dispositions alone in embedded runs. It does not
 * call aslrt_alloc_init (alloc.h: that allocator suits one execution per
 * process). Native handlers register before the first execution.
 *
 * Known gap: an execution waiting (on a task token, an activity, a long
 * Wait) holds its thread until it ends.
 *
 *   aslrt_stop_handle *stop = aslrt_stop_handle_new();
 *   aslrt_execution_params p = {.program = prog, .name = "n", ..., .stop = stop, .host = &host};
 *   aslrt_execution_result r;
 *   aslrt_execute(&p, &r);         // StopExecution: aslrt_stop_execution(stop, err, cause) elsewhere
 *   ... r.status, r.output / r.error, r.cause ...
 *   aslrt_execution_result_free(&r);
 *   aslrt_stop_handle_free(stop);  // once no thread can still stop it
 */
#ifndef ASLRT_EXECUTION_H
#define ASLRT_EXECUTION_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "aslrt.h"

struct aslrt_mock;     /* task/mock.h: aslrt_mock_parse() */
struct aslrt_bindings; /* task/bindings.h: aslrt_bindings_parse() */
struct aslrt_map_run_report;
struct aslrt_map_run_child;

/* ------------------------------------------------------------ stopping */

/* Stops one execution from another thread (StopExecution). Made before the
   execution starts, it may be triggered at any time, even before
   aslrt_execute() begins (the execution then ends at once, ABORTED). */
typedef struct aslrt_stop_handle aslrt_stop_handle;

/* A new handle; it never fails (the process ends when memory runs out). */
aslrt_stop_handle *aslrt_stop_handle_new(void);
/* Stops the execution: every wait of it (Wait states, retry intervals, exec
   handlers, HTTP requests, task tokens, activities, Parallel branches and
   Map iterations) ends at once, no further state runs, nothing catches it,
   and it ends ABORTED, its ExecutionAborted event carrying error and cause
   (each may be NULL; copied). Safe from any thread; only the first call
   counts (0), later ones return -1. */
int aslrt_stop_execution(aslrt_stop_handle *h, const char *error, const char *cause);
/* Frees the handle: after aslrt_execute() returned and no thread will call
   aslrt_stop_execution() on it again. NULL is allowed. */
void aslrt_stop_handle_free(aslrt_stop_handle *h);

/* ------------------------------------------------------- task callbacks */

/* One task waiting for the host: a .waitForTaskToken Task (wait_task) or an
   activity task (activity). The runtime owns it; the host may call the
   aslrt_callback_* functions below on it, from any thread, from the moment
   the hook receives it until the host's `task_done` hook returns for it.
   The host must make those calls and its own task_done exclude each other
   (one lock around its table of pending tokens does it): after task_done
   returns, the callback is freed. */
typedef struct aslrt_callback aslrt_callback;

/* What the hook is told about the task. Everything is borrowed, valid until
   task_done returns for it. */
typedef struct aslrt_task_request {
    const char *token;             /* the task token: 64 hex digits, 256 bits from the
                                      kernel's random source (unguessable) */
    const char *resource;          /* the Task's Resource (an activity ARN for activities) */
    const char *state_name;        /* the Task state */
    const cJSON *input;            /* the Task's effective parameters (its input for an activity) */
    const char *input_text;        /* the same as compact JSON text */
    double timeout_seconds;        /* TimeoutSeconds; 0: none */
    double heartbeat_seconds;      /* HeartbeatSeconds; 0: none */
    const char *execution_arn;     /* the execution's (aslrt_execution_params.execution_arn) */
} aslrt_task_request;

/* The task succeeded with output (JSON text, len bytes: SendTaskSuccess).
   0; -1 when the task has already ended (answered, timed out, stopped), or
   when output is not JSON (nothing changes then; *why, if given, is set to a
   static text saying so). */
int aslrt_callback_succeed(aslrt_callback *cb, const char *output, size_t len, const char **why);
/* The task failed with error and cause (each may be NULL: SendTaskFailure).
   0; -1 when the task has already ended. */
int aslrt_callback_fail(aslrt_callback *cb, const char *error, const char *cause);
/* SendTaskHeartbeat: the heartbeat timer starts again. 0; -1 when the task
   has already ended. */
int aslrt_callback_heartbeat(aslrt_callback *cb);
/* Activities only: a worker took the task (GetActivityTask); records
   ActivityStarted {workerName} (worker_name may be NULL) and starts the
   heartbeat timer. 0; -1 when the task has already ended or was taken
   (the host then offers the worker another task). */
int aslrt_callback_start(aslrt_callback *cb, const char *worker_name);

/* --------------------------------------------------------------- host */

/* What the host hears of an execution. Every member is optional (NULL). */
typedef struct aslrt_host {
    void *ctx; /* the first argument of every hook */

    /* Every history event, with AWS's names and details (asl-reference.md
       §11): id counts from 1, previous_id is previousEventId (0 for the
       first ones), timestamp in seconds since the epoch, details_key e.g.
       "taskScheduledEventDetails", details the object under it (NULL: the
       event has none). Borrowed for the call. Called from the execution's
       threads (Parallel branches, Map iterations) but never two at once for
       one execution, and in id order. Distributed Map child executions'
       events are not reported (AWS keeps them out of the parent's history). */
    void (*event)(void *ctx, long id, long previous_id, double timestamp, const char *type,
                  const char *details_key, const cJSON *details);

    /* A .waitForTaskToken Task that no mock, binding or native handler
       claims: the host keeps cb under req->token until SendTaskSuccess/
       Failure/Heartbeat calls aslrt_callback_*(). Must not block. Without
       this hook such a Task fails as it does from the command line. */
    void (*wait_task)(void *ctx, aslrt_callback *cb, const aslrt_task_request *req);

    /* A Task whose Resource is an activity (arn:aws:states:REGION:ACCOUNT:
       activity:NAME) that no mock or binding claims: the host queues cb for
       GetActivityTask on req->resource, whose worker gets req->token and
       req->input_text and takes it with aslrt_callback_start(). Must not
       block. Events: ActivityScheduled at once, ActivityStarted when taken,
       then ActivitySucceeded / ActivityFailed / ActivityTimedOut. */
    void (*activity)(void *ctx, aslrt_callback *cb, const aslrt_task_request *req);

    /* The runtime is done with cb (answered, timed out, heartbeat missed,
       execution stopped): the host forgets it; when this returns cb is
       freed. Called for every cb given to wait_task or activity. */
    void (*task_done)(void *ctx, aslrt_callback *cb);

    /* Members added later (after task_done, so that hosts built against
       the first version of this struct keep working; all optional). */

    /* A Distributed Map's Map Run (MapRunStarted .. MapRunSucceeded/Failed):
       called when it starts (STARTED), as its counts change (PROGRESS, at
       most every 100 ms), and once when it ends (ENDED). Called from the
       execution's threads, never two at once for one Map Run. r is borrowed
       for the call; r->handle stays valid until the ENDED call returns.
       STARTED and PROGRESS are called with the Map Run's lock held (the
       one aslrt_map_run_update takes), ENDED without it: a host may make
       ENDED wait for its own aslrt_map_run_update calls to return, but must
       not make aslrt_map_run_update wait for a map_run call. */
    void (*map_run)(void *ctx, const struct aslrt_map_run_report *r);

    /* A Distributed Map's child execution started (status "RUNNING") or
       ended: ListExecutions with a mapRunArn lists them. Called from
       worker threads, several at once for different children. */
    void (*map_run_child)(void *ctx, const struct aslrt_map_run_child *c);

    /* TestState's inspection data: the documents of the data flow of each
       top-level state as it computes them (nested states, Parallel branches,
       Map iterations and child executions are not reported). `what` is
       AWS's name: "afterInputPath", "afterParameters", "afterArguments",
       "result", "afterResultSelector", "afterResultPath", "variables",
       "afterItemsPath", "maxConcurrency", "toleratedFailureCount",
       "toleratedFailurePercentage", "errorOutput" (the {"Error","Cause"}
       a Catch is consulted with), "catchIndex" (the catcher that took it),
       and an http:invoke Task's "request" and "response" (objects in the
       shape of AWS's InspectionDataRequest / InspectionDataResponse).
       doc is borrowed for the call. Unset, no run computes anything for it. */
    void (*inspect)(void *ctx, const char *state_name, const char *what, const cJSON *doc);
} aslrt_host;

/* ------------------------------------------------------------ Map Runs */

typedef struct aslrt_map_run aslrt_map_run; /* a running Map Run (UpdateMapRun) */

typedef enum aslrt_map_run_phase {
    ASLRT_MAP_RUN_STARTED,
    ASLRT_MAP_RUN_PROGRESS,
    ASLRT_MAP_RUN_ENDED
} aslrt_map_run_phase;

/* DescribeMapRun's itemCounts / executionCounts. */
typedef struct aslrt_map_run_counts {
    long pending, running, succeeded, failed, timed_out, aborted, total, results_written;
} aslrt_map_run_counts;

typedef struct aslrt_map_run_report {
    aslrt_map_run_phase phase;
    aslrt_map_run *handle;          /* for aslrt_map_run_update() until ENDED returns */
    const char *map_run_arn;        /* arn:aws:states:R:A:mapRun:SM/LABEL:UUID */
    const char *execution_arn;      /* the parent execution */
    const char *state_machine_arn;  /* the parent's state machine */
    const char *state_name;         /* the Map state */
    const char *status;             /* "RUNNING", "SUCCEEDED", "FAILED", "ABORTED" */
    const char *error, *cause;      /* ENDED and FAILED: why (each may be NULL) */
    double start, stop;             /* seconds since the epoch; stop 0 until ENDED */
    long max_concurrency;           /* 0: no limit given */
    long tolerated_failure_count;
    double tolerated_failure_percentage;
    aslrt_map_run_counts items;     /* items */
    aslrt_map_run_counts executions; /* child executions (batches, with ItemBatcher) */
} aslrt_map_run_report;

typedef struct aslrt_map_run_child {
    const char *map_run_arn;
    const char *execution_arn;      /* the child's */
    const char *name;
    const char *state_machine_arn;  /* the child's: PARENT_SM/LABEL */
    const char *status;             /* "RUNNING", "SUCCEEDED", "FAILED", "ABORTED" */
    const char *input;              /* JSON text */
    const char *output;             /* SUCCEEDED: JSON text; else NULL */
    const char *error, *cause;      /* FAILED: each may be NULL */
    double start, stop;             /* stop 0 while RUNNING */
} aslrt_map_run_child;

/* UpdateMapRun on a running Map Run: a new MaxConcurrency (-1: unchanged;
   0: no limit), ToleratedFailureCount (-1: unchanged), and
   ToleratedFailurePercentage (< 0: unchanged). Safe from any thread while
   the handle is valid (see aslrt_host.map_run). */
void aslrt_map_run_update(aslrt_map_run *h, long max_concurrency, long tolerated_failure_count,
                          double tolerated_failure_percentage);

/* ------------------------------------------------------------- running */

typedef struct aslrt_execution_params {
    const aslrt_program *program;      /* compiled (interp, jit or aot); required */
    const char *name;                  /* $$.Execution.Name; required */
    const char *execution_arn;         /* $$.Execution.Id; required */
    const char *state_machine_arn;     /* $$.StateMachine.Id; required */
    const char *state_machine_name;    /* $$.StateMachine.Name; NULL: program->name */
    const char *role_arn;              /* $$.Execution.RoleArn, ExecutionStarted's roleArn;
                                          NULL: arn:aws:iam::ACCOUNT:role/aslc-local */
    const char *region;                /* for ARNs and TaskScheduled's region; NULL: us-east-1 */
    const char *account;               /* for ARNs; NULL: 123456789012 */
    double start_time;                 /* $$.Execution.StartTime, seconds since the epoch; 0: now.
                                          TimeoutSeconds counts from when aslrt_execute starts. */
    const char *input;                 /* the execution input, JSON text of input_len bytes;
                                          NULL: {} */
    size_t input_len;
    const struct aslrt_mock *mock;     /* a parsed mock test case (aslrt_mock_parse), or NULL;
                                          invocations are counted per execution */
    const struct aslrt_bindings *bindings; /* parsed bindings (aslrt_bindings_parse), or NULL */
    int no_wait;                       /* Wait states and retry intervals take no time */
    double time_scale;                 /* multiplies waits; 0 is taken as 1 (use no_wait) */
    int threads;                       /* Parallel/Map worker threads; 0: one per core */
    int check_limits;                  /* enforce AWS's payload limits (--check-limits) */
    int aws;                           /* Tasks nothing else claims call the AWS service (--aws) */
    aslrt_stop_handle *stop;           /* NULL: nothing can stop it */
    const aslrt_host *host;            /* NULL: no hooks (no events are reported) */
    const char *s3_root;               /* the local directory standing for S3 (--s3-root), or NULL */
    const char *variables;             /* a JSON object text: variables visible from the first
                                          state on (TestState's `variables`); NULL: none */
} aslrt_execution_params;

typedef enum aslrt_status {
    ASLRT_STATUS_SUCCEEDED,
    ASLRT_STATUS_FAILED,
    ASLRT_STATUS_TIMED_OUT, /* the definition's TimeoutSeconds: error States.Timeout */
    ASLRT_STATUS_ABORTED    /* aslrt_stop_execution(): error and cause as it gave them */
} aslrt_status;

/* How it ended; every string malloc'd, freed by aslrt_execution_result_free. */
typedef struct aslrt_execution_result {
    aslrt_status status;
    char *output;          /* SUCCEEDED: compact JSON text; else NULL */
    char *error, *cause;   /* otherwise, each NULL when absent */
} aslrt_execution_result;

/* Runs the execution on the calling thread until it ends; fills *r and
   returns 0. -1 when it could not start, with no event reported: r->status
   FAILED, r->error "ExecutionNotStarted", r->cause saying why (a missing
   parameter, an input that is not JSON, a program built for another ABI).
   An execution that started always reports its last Execution* event
   before this returns. */
int aslrt_execute(const aslrt_execution_params *p, aslrt_execution_result *r);
void aslrt_execution_result_free(aslrt_execution_result *r);

#endif
