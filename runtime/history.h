/* history.h — execution history (--history) and trace (--trace): the
 * events every state kind reports, with AWS's names (asl-reference.md §11).
 *
 * Event ids are counted whether or not --history is given, because
 * States.Runtime causes quote them ("entered at the event id #N"): every
 * function here counts exactly the events AWS would record, and builds their
 * details only when aslrt_history_enabled() says they will be written.
 * All functions are safe to call from Parallel/Map branch threads.
 *
 * Generic events without details go through aslrt_event(), e.g.
 *   aslrt_event(ex, "ParallelStateStarted", NULL);
 *   aslrt_event(ex, "ParallelStateSucceeded", NULL);  (or ParallelStateFailed)
 *   aslrt_event(ex, "MapStateSucceeded", NULL);       (or MapStateFailed)
 * A Parallel/Map state's own sequence (§11 "Sequences"):
 *   <T>StateEntered (aslrt_state_enter), ParallelStateStarted |
 *   MapStateStarted (aslrt_history_map_started), branch/iteration events,
 *   ParallelStateSucceeded | MapStateSucceeded, <T>StateExited
 *   (aslrt_state_exit); on failure ParallelStateFailed | MapStateFailed, then
 *   the catcher's StateExited or the execution's end.
 * "*Failed" events are traced with ex's error, so set it before reporting. */
#ifndef ASLRT_HISTORY_H
#define ASLRT_HISTORY_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "exec.h"

/* How an execution ended: selects its last event. */
typedef enum aslrt_outcome {
    ASLRT_OUTCOME_SUCCEEDED, /* ExecutionSucceeded {output} */
    ASLRT_OUTCOME_FAILED,    /* ExecutionFailed {error, cause} from ex */
    ASLRT_OUTCOME_TIMED_OUT, /* ExecutionTimedOut {error, cause} from ex */
    ASLRT_OUTCOME_ABORTED    /* ExecutionAborted {} */
} aslrt_outcome;

/* Counts one history event and, with --history, records it: `type` is AWS's
   event type ("TaskStateEntered", "TaskScheduled", ...), `details` (taken,
   may be NULL) its details object. Returns the event's id. Build details only
   when aslrt_history_enabled() says they will be used. */
long aslrt_event(aslrt_exec *ex, const char *type, cJSON *details);
int aslrt_history_enabled(const aslrt_exec *ex);

/* ------------------------------------------------------ run start and end */

/* Prepares run->history for --history and --trace (nothing when neither is
   given): opens the history file, truncating it. 0, or -1 with *err set
   (malloc'd) when the file cannot be opened. */
int aslrt_history_open(aslrt_run *run, char **err);
/* Flushes and closes the history file; frees run->history. Only for the
   top-level run (a distributed Map child's copy shares the parent's). */
void aslrt_history_close(aslrt_run *run);
/* ExecutionStarted {input, inputDetails, roleArn}: run->input. */
void aslrt_history_execution_started(aslrt_exec *ex);
/* The execution's last event; `output` (borrowed) is used when it
   succeeded. */
void aslrt_history_execution_ended(aslrt_exec *ex, aslrt_outcome how, const cJSON *output);

/* ------------------------------------------------------------------- Task
   One attempt is scheduled, started, then succeeded or failed; a retry is
   another attempt. The event names follow the resource: TaskScheduled ...
   for service integrations, LambdaFunctionScheduled ... for bare Lambda
   function ARNs, ActivityScheduled ... for activities. */

/* TaskScheduled {resourceType, resource, region, parameters[,
   timeoutInSeconds, heartbeatInSeconds]}: `parameters` (borrowed) is the
   task's effective input. */
void aslrt_history_task_scheduled(aslrt_exec *ex, const aslrt_state *st, const cJSON *parameters);
/* TaskStarted {resourceType, resource}. */
void aslrt_history_task_started(aslrt_exec *ex, const aslrt_state *st);
/* ActivityStarted {workerName}: an embedding host's worker took the
   activity task (worker may be NULL). */
void aslrt_history_activity_started(aslrt_exec *ex, const char *worker);
/* TaskSucceeded {resourceType, resource, output}: `output` (borrowed) is the
   raw task result. */
void aslrt_history_task_succeeded(aslrt_exec *ex, const aslrt_state *st, const cJSON *output);
/* TaskFailed {resourceType, resource, error, cause} from ex's error, or
   TaskTimedOut when that error is States.Timeout. */
void aslrt_history_task_failed(aslrt_exec *ex, const aslrt_state *st);

/* ------------------------------------------------------------ Map state */

/* MapStateStarted {length}: call on the Map state's exec after ItemsPath. */
long aslrt_history_map_started(aslrt_exec *ex, long length);
/* MapIterationStarted / MapIterationSucceeded / MapIterationFailed /
   MapIterationAborted {index, name}: `type` is one of those, `map` the Map
   state (its name goes in the details), `index` the item's index. Call on
   the iteration's exec so that its events chain in previousEventId. */
long aslrt_history_map_iteration(aslrt_exec *ex, const char *type, const aslrt_state *map, long index);

/* ----------------------------------------------- pieces, for unit tests */

/* The details key of an event type: "TaskScheduled" ->
   "taskScheduledEventDetails", "<T>StateEntered" ->
   "stateEnteredEventDetails", "<T>StateExited" -> "stateExitedEventDetails".
   Writes at most n bytes (NUL included) into buf and returns buf. */
char *aslrt_history_details_key(const char *type, char *buf, size_t n);

/* Which kind of worker a Task resource names. */
enum {
    ASLRT_RESOURCE_SERVICE,  /* arn:aws:states:::<type>:<resource>: Task* events */
    ASLRT_RESOURCE_LAMBDA,   /* arn:aws:lambda:<region>:<acct>:function:<name>: LambdaFunction* */
    ASLRT_RESOURCE_ACTIVITY  /* arn:aws:states:<region>:<acct>:activity:<name>: Activity* */
};

/* A Task resource ARN split as AWS's history shows it. Every pointer points
   into the ARN (which must outlive it). */
typedef struct aslrt_resource {
    int kind;               /* ASLRT_RESOURCE_* */
    const char *type;       /* resourceType ("lambda", "aws-sdk:s3"), type_len bytes */
    size_t type_len;
    const char *name;       /* resource ("invoke", "getObject"), NUL-terminated */
    const char *region;     /* the ARN's region field, region_len bytes (0: none) */
    size_t region_len;
} aslrt_resource;

/* Splits a Task's Resource: the part after arn:<partition>:<service>:
   <region>:<account>: is cut at its last ':' into resourceType and
   resource (arn:aws:states:::lambda:invoke -> lambda / invoke;
   ...:::aws-sdk:s3:getObject -> aws-sdk:s3 / getObject;
   ...:::sqs:sendMessage.waitForTaskToken -> sqs /
   sendMessage.waitForTaskToken). Anything that is not an ARN becomes
   resourceType "" and resource the whole text. */
void aslrt_resource_split(const char *arn, aslrt_resource *r);

#endif
