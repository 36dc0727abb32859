/* native.c — native Task handlers (aslrt_handler.h): the registry that
 * ASLRT_HANDLER's constructors fill before main(), and the calls into it.
 *
 * Registration happens before any execution starts and the table is only
 * read afterwards, so Parallel/Map threads read it without a lock. It is a
 * fixed array: a constructor runs before main() and has nowhere to report
 * an allocation failure, and a workflow with more than a thousand native
 * handlers is not a workflow we expect. */
#include <stdio.h>
#include <string.h>

#include "aslrt_handler.h"
#include "bindings.h"
#include "native.h"
#include "signals.h"
#include "task.h"
#include "timestamp.h"

#define MAX_HANDLERS 1024

/* Process-wide: handlers register from constructors (aslrt_handler.h),
   before any execution starts; executions, however many at once, only
   read the table. */
static const char *g_keys[MAX_HANDLERS]; /* resources or patterns, as registered */
static aslrt_handler_fn g_fns[MAX_HANDLERS];
static int g_n;

void aslrt_handler_register(const char *resource, aslrt_handler_fn fn)
{
    if (!resource || !fn)
        return;
    for (int i = 0; i < g_n; i++)
        if (strcmp(g_keys[i], resource) == 0)
            return;
    if (g_n == MAX_HANDLERS) {
        fprintf(stderr, "aslrt: more than %d native handlers; '%s' is not registered\n", MAX_HANDLERS, resource);
        return;
    }
    g_keys[g_n] = resource;
    g_fns[g_n] = fn;
    g_n++;
}

aslrt_handler_fn aslrt_native_find(const char *resource, const char *function_name)
{
    int i = aslrt_binding_match(g_keys, g_n, resource, function_name);
    return i < 0 ? NULL : g_fns[i];
}

int aslrt_task_fail(aslrt_task *task, const char *error, const char *cause)
{
    return aslrt_error_set(task->ex, error && *error ? error : "States.TaskFailed", cause);
}

const char *aslrt_task_resource(const aslrt_task *task)
{
    return task->st->resource;
}

const char *aslrt_task_state_name(const aslrt_task *task)
{
    return task->st->name;
}

const char *aslrt_task_token(const aslrt_task *task)
{
    return task->token;
}

void aslrt_task_heartbeat(aslrt_task *task)
{
    if (task->heartbeat > 0)
        task->heartbeat_at = aslrt_now() + task->heartbeat;
}

int aslrt_task_cancelled(aslrt_task *task)
{
    return aslrt_stop_reason(task->ex->run) != ASLRT_STOP_NONE || aslrt_task_expired(task, aslrt_now());
}

/* A handler runs to completion on this thread; what it answers after the
   execution began stopping, or after its timeout or a missed heartbeat, is
   discarded. */
int aslrt_native_invoke(aslrt_task *t, aslrt_handler_fn fn, const cJSON *input, cJSON **result)
{
    aslrt_exec *ex = t->ex;
    aslrt_error_clear(ex);
    cJSON *r = NULL;
    int rc = fn(t, input, &r);
    if (aslrt_stop_check(ex) != 0 || aslrt_task_expired(t, aslrt_now())) {
        cJSON_Delete(r);
        if (aslrt_stop_reason(ex->run) == ASLRT_STOP_NONE)
            aslrt_error_set(ex, "States.Timeout", NULL);
        return -1;
    }
    if (rc != 0) {
        cJSON_Delete(r);
        if (!ex->error)
            aslrt_error_setf(ex, "States.TaskFailed", "The native handler for state '%s' failed without naming an error.",
                             t->st->name);
        return -1;
    }
    if (!r)
        return aslrt_error_setf(ex, "States.TaskFailed",
                                "The native handler for state '%s' returned 0 without storing a result.", t->st->name);
    aslrt_error_clear(ex); /* it may have called aslrt_task_fail() and then succeeded after all */
    *result = r;
    return 0;
}
