/* task.c — the Task state: data flow around one unit of work, with Retry.
 * Where the work happens is decided per invocation: the mock configuration
 * first, then (later) --bindings and native handlers, else the Task fails
 * naming the unbound resource (design.md "Tasks"). */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dataflow.h"
#include "exec.h"
#include "history.h"
#include "mock.h"
#include "retry.h"

/* One invocation: 0 with *result (owned), or -1 with the error set. */
static int invoke(aslrt_exec *ex, const aslrt_state *st, const cJSON *input, cJSON **result)
{
    (void)input;
    if (ex->run->mock) {
        int r = aslrt_mock_invoke(ex->run->mock, ex, st->name, result);
        if (r <= 0)
            return r;
    }
    return aslrt_error_setf(ex, "States.TaskFailed",
                            "No handler is bound to the resource '%s' of state '%s' (use --mock-config or --bindings).",
                            st->resource, st->name);
}

int aslrt_task_state(aslrt_exec *ex, const aslrt_state *st, cJSON **v)
{
    aslrt_state_enter(ex, st, *v);
    cJSON *input = aslrt_input_path(ex, st, *v);
    if (!input)
        return -1;
    if (st->parameters) {
        cJSON *p = aslrt_tmpl_eval(ex, st->parameters, input);
        cJSON_Delete(input);
        if (!(input = p))
            return -1;
    }
    int counts_small[8];
    int *counts = st->nretry <= 8 ? counts_small : calloc((size_t)st->nretry, sizeof *counts);
    memset(counts, 0, sizeof(int) * (size_t)(st->nretry <= 8 ? 8 : st->nretry));
    cJSON *result = NULL;
    int rc;
    for (;;) {
        aslrt_history_task_scheduled(ex, st, input);
        aslrt_history_task_started(ex, st);
        rc = invoke(ex, st, input, &result);
        if (rc == 0)
            aslrt_history_task_succeeded(ex, st, result);
        else
            aslrt_history_task_failed(ex, st);
        if (rc == 0 || aslrt_error_uncatchable(ex->error) || !aslrt_retry(ex, st, counts))
            break;
        aslrt_error_clear(ex);
    }
    if (counts != counts_small)
        free(counts);
    cJSON_Delete(input);
    if (rc != 0)
        return -1;
    if (st->result_selector) {
        cJSON *sel = aslrt_tmpl_eval(ex, st->result_selector, result);
        cJSON_Delete(result);
        if (!(result = sel))
            return -1;
    }
    if (aslrt_result_path(ex, st, v, result) != 0 || aslrt_output_path(ex, st, v) != 0)
        return -1;
    aslrt_state_exit(ex, st, *v);
    return 0;
}
