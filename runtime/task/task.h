/* task.h — one invocation of a Task's handler, which a handler kind carries
   out: exec (exec_handler.h), http (http_handler.h), native (native.h).
   Internal; native handlers see only aslrt_handler.h. */
#ifndef ASLRT_TASK_H
#define ASLRT_TASK_H

#include <stddef.h>

#include "aslrt_handler.h"
#include "exec.h"

/* One attempt of a Task state (aslrt_task in aslrt_handler.h). */
struct aslrt_task {
    aslrt_exec *ex;          /* errors go here */
    const aslrt_state *st;
    const char *token;       /* $$.Task.Token of a .waitForTaskToken Task, else NULL */
    int hosted_activity;     /* an activity the embedding host hands to a worker (host_task.h) */
    double timeout;          /* TimeoutSeconds (or its Path or expression); 0: none */
    double timeout_at;       /* when TimeoutSeconds runs out (seconds since the epoch); 0: never */
    double heartbeat;        /* HeartbeatSeconds; 0: none */
    double heartbeat_at;     /* when the next heartbeat is due; 0: never */
};

/* The earlier of the task's timeout and its next heartbeat (0: neither). */
double aslrt_task_deadline(const aslrt_task *t);
/* 1 when the task's timeout or heartbeat has run out (now: the time). */
int aslrt_task_expired(const aslrt_task *t, double now);

/* A handler's text answer (stdout, a response body) as the task result:
   NULL with States.TaskFailed when it is empty or not JSON; `who` names the
   handler in the cause ("The exec handler 'python3 v.py'"). */
cJSON *aslrt_task_parse_result(aslrt_exec *ex, const char *who, const char *text, size_t len);
/* If text is a Lambda function error ({"errorMessage": ..., "errorType": ...,
   "requestId"?, "stackTrace"?}), sets Error = errorType and Cause = the text
   as it is, as AWS does, and returns 1; else 0. */
int aslrt_task_lambda_error(aslrt_exec *ex, const char *text, size_t len);
/* At most ~200 bytes of text, for causes ("..." marks a cut); malloc'd. */
char *aslrt_task_excerpt(const char *text, size_t len);

/* A task token: 64 hex digits, 256 bits from the kernel's cryptographic
   source (whoever holds one can complete the task); malloc'd. */
char *aslrt_task_new_token(void);

/* Is `resource` one aslc carries out itself (arn:aws:states:::http:invoke)? */
int aslrt_task_builtin(const char *resource);

#endif
