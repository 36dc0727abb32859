/* execution.c — one execution from its first event to its last, for the
 * command line (run.c) and for an embedding host (execution.h) alike.
 *
 * aslrt_run_to_end is the part both share: ExecutionStarted, the states,
 * how it ended, the last event. aslrt_execute sets up a run from the host's
 * parameters with nothing process-wide: the stop handle is the host's, the
 * history goes to its event hook, the mock's invocations are counted per
 * execution, and nothing is printed. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "exec.h"
#include "execution.h"
#include "history.h"
#include "jsonfile.h"
#include "mock.h"
#include "pool.h"
#include "signals.h"
#include "timestamp.h"
#include "vars.h"

int aslrt_run_to_end(aslrt_run *run, cJSON *input, aslrt_announce_fn *announce, void *ctx,
                     aslrt_execution_result *r)
{
    aslrt_exec ex;
    memset(&ex, 0, sizeof ex);
    ex.run = run;
    ex.retry_count = -1;
    aslrt_history_execution_started(&ex);

    cJSON *v = input;
    aslrt_stop_begin(run);
    const aslrt_program *p = run->program;
    int rc = aslrt_vars_preset(&ex, run->variables) == 0 ? p->main->run(&ex, p->main, &v) : -1;
    aslrt_pool_free(run->pool); /* Parallel/Map workers, idle by now */
    run->pool = NULL;
    int stop = atomic_load(&run->stop); /* set by whatever noticed the abort or timeout */
    aslrt_status status;
    if (stop == ASLRT_STOP_TIMED_OUT) {
        aslrt_error_set(&ex, "States.Timeout", NULL); /* the execution's, whatever a state was doing */
        status = ASLRT_STATUS_TIMED_OUT;
    } else if (stop == ASLRT_STOP_ABORTED) {
        status = ASLRT_STATUS_ABORTED;
    } else {
        status = rc == 0 ? ASLRT_STATUS_SUCCEEDED : ASLRT_STATUS_FAILED;
    }
    if (announce)
        announce(ctx, &ex, status, v);
    if (r) {
        memset(r, 0, sizeof *r);
        r->status = status;
        const char *error = ex.error, *cause = ex.cause;
        if (status == ASLRT_STATUS_ABORTED) { /* StopExecution's own, not the unwinding's */
            const aslrt_stop_handle *h = run->stopper;
            error = aslrt_stop_raised(h) ? h->error : NULL;
            cause = aslrt_stop_raised(h) ? h->cause : NULL;
        }
        if (status == ASLRT_STATUS_SUCCEEDED) {
            r->output = aslrt_json_text(v);
        } else {
            r->error = error ? aslrt_xstrdup(error) : NULL;
            r->cause = cause ? aslrt_xstrdup(cause) : NULL;
        }
    }
    static const aslrt_outcome outcomes[] = {
        [ASLRT_STATUS_SUCCEEDED] = ASLRT_OUTCOME_SUCCEEDED,
        [ASLRT_STATUS_FAILED] = ASLRT_OUTCOME_FAILED,
        [ASLRT_STATUS_TIMED_OUT] = ASLRT_OUTCOME_TIMED_OUT,
        [ASLRT_STATUS_ABORTED] = ASLRT_OUTCOME_ABORTED,
    };
    aslrt_history_execution_ended(&ex, outcomes[status], v);
    cJSON_Delete(v);
    cJSON_Delete(ex.context);
    aslrt_vars_free(&ex);
    aslrt_error_clear(&ex);
    return (int)status;
}

/* An execution that could not start: no event, r says why. */
static int not_started(aslrt_execution_result *r, char *cause)
{
    memset(r, 0, sizeof *r);
    r->status = ASLRT_STATUS_FAILED;
    r->error = aslrt_xstrdup("ExecutionNotStarted");
    r->cause = cause;
    return -1;
}

int aslrt_execute(const aslrt_execution_params *p, aslrt_execution_result *r)
{
    if (!p->program || p->program->abi_version != ASLRT_ABI_VERSION)
        return not_started(r, aslrt_xstrdup(p->program ? "the program was built for another runtime ABI"
                                                       : "no program"));
    if (!p->name || !p->execution_arn || !p->state_machine_arn)
        return not_started(r, aslrt_xstrdup("the execution needs a name, an execution ARN and a state machine ARN"));
    const char *text = p->input ? p->input : "{}";
    size_t len = p->input ? p->input_len : 2;
    char *err = NULL;
    cJSON *input = aslrt_json_parse("input", text, len, &err);
    if (!input)
        return not_started(r, err ? err : aslrt_xstrdup("the input is not JSON"));
    cJSON *variables = NULL;
    if (p->variables) {
        variables = aslrt_json_parse("variables", p->variables, strlen(p->variables), &err);
        if (!variables || !cJSON_IsObject(variables)) {
            cJSON_Delete(input);
            cJSON_Delete(variables);
            return not_started(r, err ? err : aslrt_xstrdup("the variables are not a JSON object"));
        }
    }

    aslrt_run run;
    memset(&run, 0, sizeof run);
    run.program = p->program;
    run.opt.no_wait = p->no_wait;
    run.opt.time_scale = p->time_scale > 0 ? p->time_scale : 1.0;
    run.opt.threads = p->threads;
    run.opt.check_limits = p->check_limits;
    run.opt.aws = p->aws;
    run.opt.s3_root = p->s3_root;
    run.input_text = aslrt_xmalloc(len + 1); /* $$.Execution.Input is parsed from it when asked for */
    memcpy(run.input_text, text, len);
    run.input_text[len] = '\0';
    run.input_len = len;
    run.name = aslrt_xstrdup(p->name);
    run.execution_id = aslrt_xstrdup(p->execution_arn);
    run.state_machine_id = aslrt_xstrdup(p->state_machine_arn);
    run.state_machine_name = p->state_machine_name;
    char *role = p->role_arn ? NULL
                             : aslrt_strf("arn:aws:iam::%s:role/aslc-local", p->account ? p->account
                                                                                        : ASLRT_DEFAULT_ACCOUNT);
    run.role_arn = p->role_arn ? p->role_arn : role;
    run.region = p->region ? p->region : ASLRT_DEFAULT_REGION;
    aslrt_time_format(p->start_time > 0 ? p->start_time : aslrt_now(), run.start_time);
    run.mock = p->mock;
    run.mock_counts = p->mock ? aslrt_mock_counts_new() : NULL;
    run.bindings = p->bindings;
    run.host = p->host;
    run.stopper = p->stop;
    run.variables = variables;
    char *herr = NULL;
    if (aslrt_history_open(&run, &herr) != 0) /* no file to open: it cannot fail */
        free(herr);

    aslrt_run_to_end(&run, input, NULL, NULL, r);

    aslrt_history_close(&run);
    aslrt_mock_counts_free(run.mock_counts);
    free(run.name);
    free(run.execution_id);
    free(run.state_machine_id);
    free(role);
    cJSON_Delete(run.input); /* NULL unless $$.Execution.Input was read */
    free(run.input_text);
    cJSON_Delete(variables);
    return 0;
}

void aslrt_execution_result_free(aslrt_execution_result *r)
{
    if (!r)
        return;
    free(r->output);
    free(r->error);
    free(r->cause);
    r->output = r->error = r->cause = NULL;
}
