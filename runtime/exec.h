/* exec.h — the execution record every runtime module works on (internal). */
#ifndef ASLRT_EXEC_H
#define ASLRT_EXEC_H

#include <stdarg.h>
#include <stdio.h>
#include <cjson/cJSON.h>
#include "aslrt.h"
#include "jsonnode.h"
#include "jsonprint.h"
#include "xalloc.h"

/* Run options shared by `aslc run` and built executables (design.md): one
   member per line of run_options.def, of the type its kind sets. */
#define ASLRT_OPTION_TYPE_FLAG  int          /* 0 or 1 */
#define ASLRT_OPTION_TYPE_TEXT  const char * /* NULL: not given */
#define ASLRT_OPTION_TYPE_COUNT int          /* 0: not given */
#define ASLRT_OPTION_TYPE_SCALE double       /* 1.0: not given */
typedef struct aslrt_options {
#define ASLRT_RUN_OPTION(flag, field, kind, arg, help) ASLRT_OPTION_TYPE_##kind field;
#include "run_options.def"
#undef ASLRT_RUN_OPTION
} aslrt_options;

/* Where ARNs point when nobody says (the command line): a local account. */
#define ASLRT_DEFAULT_REGION "us-east-1"
#define ASLRT_DEFAULT_ACCOUNT "123456789012"
#define ASLRT_DEFAULT_ROLE_ARN "arn:aws:iam::" ASLRT_DEFAULT_ACCOUNT ":role/aslc-local"

/* What all branches of one execution share. */
typedef struct aslrt_run {
    const aslrt_program *program;
    aslrt_options opt;
    cJSON *input;             /* the execution input ($$.Execution.Input), or NULL until
                                 aslrt_run_input() parses input_text */
    char *input_text;         /* the execution input as read (input_len bytes), when `input`
                                 is made from it on first use; NULL otherwise */
    size_t input_len;
    char *name;               /* execution name */
    char *execution_id;       /* arn:aws:states:...:execution:<sm>:<name> */
    char *state_machine_id;   /* arn:aws:states:...:stateMachine:<sm> */
    const char *state_machine_name; /* $$.StateMachine.Name (the program's name on the command line) */
    const char *role_arn;     /* $$.Execution.RoleArn and ExecutionStarted's roleArn; NULL:
                                 ASLRT_DEFAULT_ROLE_ARN */
    const char *region;       /* TaskScheduled's region when the resource names none; NULL:
                                 ASLRT_DEFAULT_REGION */
    char start_time[40];      /* ISO 8601, ms, trailing zeros trimmed */
    long last_event_id;       /* history event ids, counted even without --history */
    const struct aslrt_mock *mock; /* --mock-config/--test-case, or NULL; shared read only */
    struct aslrt_mock_counts *mock_counts; /* this execution's invocations per mocked state
                                              (mock.c), made with the run when mock is set */
    struct aslrt_history *history; /* --history/--trace (history.c), or NULL */
    const struct aslrt_bindings *bindings; /* --bindings (bindings.c), or NULL; shared read only */
    const struct aslrt_host *host; /* the embedding host's hooks (execution.h), or NULL */
    struct aslrt_stop_handle *stopper; /* what stops it (signals.h), or NULL: nothing can */
    _Atomic int stop;         /* ASLRT_STOP_*: why the execution ends early (signals.c) */
    double deadline;          /* top-level TimeoutSeconds as a time (seconds since the epoch); 0: none */
    struct aslrt_pool *pool;  /* Parallel/Map worker threads (pool.c), made on first use, or NULL */
    const cJSON *variables;   /* variables set before the first state (TestState), or NULL */
    const struct aslrt_run *parent; /* a distributed Map's child execution: the run that started it
                                       (map.c copies the parent's aslrt_run, so keep locks and
                                       owned resources behind pointers); NULL at the top */
} aslrt_run;

struct aslrt_exec {
    aslrt_run *run;
    const aslrt_state *state; /* the state being executed */
    long entered_event_id;    /* id of its StateEntered event */
    long prev_event_id;       /* this branch's latest event: the next one's previousEventId */
    double entered_at;        /* when it was entered (seconds since the epoch) */
    int retry_count;          /* $$.State.RetryCount; -1: absent (Pass, Choice, ...) */
    const cJSON *map_item;    /* $$.Map.Item.Value while evaluating ItemSelector, else NULL */
    long map_index;           /* $$.Map.Item.Index */
    cJSON map_index_node;     /* the same as a node, for paths that read it (jsonpath.c) */
    cJSON *context;           /* $$, built when first asked for in this state; NULL until then */
    char *task_token;         /* $$.Task.Token in a .waitForTaskToken Task (task.c), else NULL */
    char *error;              /* set when a call returned -1 or NULL */
    char *cause;              /* NULL: the error has no cause */
    const struct aslrt_cancel *cancel; /* Parallel branch / Map iteration: set once a sibling
                                          failed (pool.h, aslrt_cancelled()); NULL at the top */
    const struct aslrt_exec *parent;   /* Parallel branch / Map iteration: the exec of the
                                          Parallel/Map state (read only; it waits); else NULL */
    struct aslrt_vars *vars;  /* this scope's variables (vars.c): made by the first Assign,
                                 freed by aslrt_vars_free(); reads go on up `parent` */
    const cJSON *borrowed;    /* a branch started on a document it does not own (its start state
                                 is ASLRT_BORROWS_INPUT): *v while it is that document, which the
                                 state replaces without freeing; NULL once replaced */
};

/* Sets ex's error (copying both strings; cause may be NULL) and returns -1. */
int aslrt_error_set(aslrt_exec *ex, const char *name, const char *cause);
/* The same with a printf-style cause. */
int aslrt_error_setf(aslrt_exec *ex, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* States.Runtime with AWS's prefix naming the state and the id of its
   StateEntered event: "An error occurred while executing the state 'S'
   (entered at the event id #N). <detail>". Returns -1. */
int aslrt_runtime_error(aslrt_exec *ex, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void aslrt_error_clear(aslrt_exec *ex);

/* The execution input ($$.Execution.Input): run->input, parsed from
   run->input_text the first time it is asked for (from any thread). The
   run's document starts as the input itself, so it is not kept twice
   while nothing reads it. */
const cJSON *aslrt_run_input(aslrt_run *run);

/* The context object ($$) as seen by the current state: borrowed, valid
   until the state is left. */
const cJSON *aslrt_context(aslrt_exec *ex);
/* The same for a path whose first step is .field: only that part of $$
   is sure to be built (the others may be missing). */
const cJSON *aslrt_context_for(aslrt_exec *ex, const char *field);

/* Runs run (set up by its caller, its history open) on `input` (taken,
   the first state's document) to its end: ExecutionStarted, the states,
   then announce(ctx, ...) (if given) with how it ended (aslrt_status of
   execution.h) and the output, then the last event. Fills *r when given.
   Returns the aslrt_status. Shared by run.c and execution.c. */
struct aslrt_execution_result;
typedef void aslrt_announce_fn(void *ctx, aslrt_exec *ex, int status, const cJSON *output);
int aslrt_run_to_end(aslrt_run *run, cJSON *input, aslrt_announce_fn *announce, void *ctx,
                     struct aslrt_execution_result *r);

/* AWS's payload limit (asl-reference §12): a state's output may be this
   many bytes of text at most, else States.DataLimitExceeded. */
#define ASLRT_PAYLOAD_LIMIT 262144

#endif
