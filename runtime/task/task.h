/* task.h — one invocation of a Task's handler, and the handler kinds that
   carry it out: exec (exec_handler.c), http (http_handler.c), native
   (native.c). Internal; native handlers see only aslrt_handler.h. */
#ifndef ASLRT_TASK_H
#define ASLRT_TASK_H

#include <stddef.h>

#include "aslrt_handler.h"
#include "bindings.h"
#include "exec.h"

/* One attempt of a Task state (aslrt_task in aslrt_handler.h). */
struct aslrt_task {
    aslrt_exec *ex;          /* errors go here */
    const aslrt_state *st;
    const char *token;       /* $$.Task.Token of a .waitForTaskToken Task, else NULL */
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

/* Runs an exec binding: input on stdin, result from stdout (see
   exec_handler.c). 0 with *result (owned), or -1 with ex's error. */
int aslrt_exec_invoke(aslrt_task *t, const aslrt_binding *b, const cJSON *input, cJSON **result);

/* POSTs input to url; the response body is the result (http_handler.c). */
int aslrt_http_invoke(aslrt_task *t, const char *url, const cJSON *input, cJSON **result);
/* The built-in arn:aws:states:::http:invoke with its Parameters. */
int aslrt_http_task(aslrt_task *t, const cJSON *parameters, cJSON **result);
/* Releases libcurl's global state, if it was set up; call when no
   execution is running. */
void aslrt_http_cleanup(void);

/* The native handler registered for a Task (see aslrt_binding_match()), or
   NULL (native.c). */
aslrt_handler_fn aslrt_native_find(const char *resource, const char *function_name);
/* Calls a native handler and checks what it did. */
int aslrt_native_invoke(aslrt_task *t, aslrt_handler_fn fn, const cJSON *input, cJSON **result);

/* Is `resource` one aslc carries out itself (arn:aws:states:::http:invoke)? */
int aslrt_task_builtin(const char *resource);

#endif
