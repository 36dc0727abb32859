/* states.c — Pass, Choice, Wait, Succeed and Fail, in both query languages. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "choice.h"
#include "dataflow.h"
#include "enter.h"
#include "exec.h"
#include "inspect.h"
#include "jsonpath.h"
#include "query.h"
#include "signals.h"
#include "timestamp.h"

/* The effective input (aslrt_input_view), without the call when there is
   no InputPath: the state's document itself. */
static const cJSON *input_view(aslrt_exec *ex, const aslrt_state *st, const cJSON *raw, cJSON **owned)
{
    if (!st->input_path && !(st->flags & ASLRT_INPUT_PATH_NULL)) {
        *owned = NULL;
        return raw;
    }
    return aslrt_input_view(ex, st, raw, owned);
}

/* How Succeed, Choice and Wait begin: the state is entered (history,
   abort and timeout checks), then its effective input is taken as a view,
   as input_view says. NULL with the error set when either fails. */
static const cJSON *enter_state(aslrt_exec *ex, const aslrt_state *st, const cJSON *raw, cJSON **owned)
{
    *owned = NULL;
    if (aslrt_state_enter(ex, st, raw) != 0)
        return NULL;
    return input_view(ex, st, raw, owned);
}

/* Does the end of JSONPath state st (Assign, ResultSelector, ResultPath,
   OutputPath) come down to "the result is the output"? The common case,
   spared the calls of aslrt_state_finish. */
static int result_is_output(const aslrt_state *st)
{
    return !st->assign && !st->result_selector && !st->result_path && !st->output_path &&
           !(st->flags & (ASLRT_RESULT_PATH_NULL | ASLRT_OUTPUT_PATH_NULL));
}

/* Pass: InputPath -> Parameters -> Result -> ResultPath -> OutputPath. */
int aslrt_pass_state(aslrt_exec *ex, const aslrt_state *st, cJSON **v)
{
    if (aslrt_state_enter(ex, st, *v) != 0)
        return -1;
    if (st->flags & ASLRT_JSONATA) { /* Output, else the input passes through */
        if (aslrt_state_finish(ex, st, v, NULL, st->assign, st->output) != 0)
            return -1;
        return aslrt_state_exit(ex, st, *v);
    }
    cJSON *owned;
    const cJSON *eff = input_view(ex, st, *v, &owned);
    if (!eff)
        return -1;
    if (!st->parameters && !st->assign && !(st->flags & ASLRT_RESULT_PATH_NULL) && !st->result_path &&
        !st->result) {
        /* the effective input is the output: moved, never copied */
        if (owned) {
            cJSON_Delete(*v);
            *v = owned;
        } else if (eff != *v) {
            cJSON *node = aslrt_path_detach(ex, st->input_path, *v); /* eff, out of the dying input */
            cJSON_Delete(*v);
            *v = node;
        }
        if (aslrt_output_path(ex, st, v) != 0)
            return -1;
        return aslrt_state_exit(ex, st, *v);
    }
    if (!st->parameters && !st->assign && (st->flags & ASLRT_RESULT_PATH_NULL)) {
        /* the result is discarded and nothing reads it: none is made */
        cJSON_Delete(owned);
        if (aslrt_output_path(ex, st, v) != 0)
            return -1;
        return aslrt_state_exit(ex, st, *v);
    }
    cJSON *result;
    if (st->parameters) {
        result = (st->flags & ASLRT_MOVE_INPUT) && !owned ? aslrt_params_moving(ex, st, v, eff)
                                                          : aslrt_tmpl_eval(ex, st->parameters, eff);
        cJSON_Delete(owned);
        if (!result)
            return -1;
        ASLRT_INSPECT(ex, "afterParameters", result);
    } else if (st->result) {
        result = NULL; /* Result is the result: the effective input is not needed */
        cJSON_Delete(owned);
    } else {
        result = owned ? owned : aslrt_xjson(cJSON_Duplicate(eff, 1));
    }
    if (st->result) { /* Result wins over Parameters; the definition's copy stays ours */
        cJSON_Delete(result);
        result = aslrt_xjson(cJSON_Duplicate(st->result, 1));
    }
    if (result_is_output(st)) {
        if (*v != ex->borrowed) /* a borrowed input (ASLRT_BORROWS_INPUT) is not ours to free */
            cJSON_Delete(*v);
        ex->borrowed = NULL;
        *v = result;
    } else if (aslrt_state_finish(ex, st, v, result, st->assign, NULL) != 0) { /* Assign, ResultPath, OutputPath */
        return -1;
    }
    return aslrt_state_exit(ex, st, *v);
}

/* Succeed: its output is its input filtered by InputPath and OutputPath. */
int aslrt_succeed_state(aslrt_exec *ex, const aslrt_state *st, cJSON **v)
{
    cJSON *owned;
    const cJSON *eff = enter_state(ex, st, *v, &owned);
    if (!eff)
        return -1;
    if (aslrt_state_pass_on(ex, st, v, eff, owned, NULL, st->output) != 0)
        return -1;
    return aslrt_state_exit(ex, st, *v);
}

/* The string an ErrorPath/CausePath yields; NULL with the error set otherwise. */
static char *fail_field(aslrt_exec *ex, const aslrt_tmpl *t, const cJSON *input)
{
    cJSON *r = aslrt_tmpl_eval(ex, t, input);
    if (!r)
        return NULL;
    char *s = NULL;
    if (cJSON_IsString(r))
        s = aslrt_xstrdup(r->valuestring);
    else {
        char *text = aslrt_json_text(r);
        aslrt_runtime_error(ex, "The value of the field '%s' must be a string, but was %s",
                            t->field ? t->field : "", text);
        free(text);
    }
    cJSON_Delete(r);
    return s;
}

/* Fail: ends the machine with Error and Cause (literal or from paths). */
int aslrt_fail_state(aslrt_exec *ex, const aslrt_state *st, cJSON **v)
{
    if (aslrt_state_enter(ex, st, *v) != 0)
        return -1;
    char *error = NULL, *cause = NULL;
    if (st->error_path && !(error = fail_field(ex, st->error_path, *v)))
        return -1;
    if (st->error_expr && !(error = aslrt_query_string(ex, st->error_expr, *v)))
        return -1;
    if ((st->cause_path && !(cause = fail_field(ex, st->cause_path, *v))) ||
        (st->cause_expr && !(cause = aslrt_query_string(ex, st->cause_expr, *v)))) {
        free(error);
        return -1;
    }
    aslrt_error_set(ex, error ? error : st->error, cause ? cause : st->cause);
    free(error);
    free(cause);
    return -1;
}

int aslrt_choice_enter(aslrt_exec *ex, const aslrt_state *st, const cJSON *v)
{
    return aslrt_state_enter(ex, st, v);
}

/* Leaving a Choice by rule `matched` (nrules: the Default): the output is
   the effective input (eff, *v or a view with its `owned` copy) through the
   rule's or the state's Assign and Output, or OutputPath. */
static int leave_choice(aslrt_exec *ex, const aslrt_state *st, cJSON **v, const cJSON *eff, cJSON *owned,
                        int matched)
{
    if (matched >= st->nrules && st->default_next < 0) {
        cJSON_Delete(owned);
        return aslrt_error_set(ex, "States.NoChoiceMatched",
                               "No Choice Rule matched the input and no Default was specified.");
    }
    /* a matching rule's Assign and Output replace the state's (§2.3) */
    const aslrt_tmpl *assign = matched < st->nrules ? st->rules[matched].assign : st->assign;
    const aslrt_tmpl *output = matched < st->nrules ? st->rules[matched].output : st->output;
    int unchanged = eff == *v && !assign && !output && !st->output_path &&
                    !(st->flags & (ASLRT_JSONATA | ASLRT_OUTPUT_PATH_NULL)); /* the input is the output */
    if (!unchanged && aslrt_state_pass_on(ex, st, v, eff, owned, assign, output) != 0)
        return -1;
    if (aslrt_state_exit(ex, st, *v) != 0)
        return -1;
    return matched;
}

int aslrt_choice_leave(aslrt_exec *ex, const aslrt_state *st, cJSON **v, int matched)
{
    return leave_choice(ex, st, v, *v, NULL, matched);
}

/* Choice: the first top-level rule that holds decides; its output is the
   effective input through OutputPath. */
int aslrt_choice_state(aslrt_exec *ex, const aslrt_state *st, cJSON **v)
{
    cJSON *owned;
    const cJSON *eff = enter_state(ex, st, *v, &owned);
    if (!eff)
        return -1;
    if (st->flags & ASLRT_PLACEHOLDER) { /* Choices is a template placeholder (check warned) */
        cJSON_Delete(owned);
        return aslrt_runtime_error(ex, "%s", st->cause);
    }
    int i;
    for (i = 0; i < st->nrules; i++) {
        const aslrt_rule *rule = &st->rules[i];
        int r = rule->condition ? aslrt_query_condition(ex, rule->condition, eff) : aslrt_rule_eval(ex, rule, eff);
        if (r < 0) {
            cJSON_Delete(owned);
            return -1;
        }
        if (r)
            break;
    }
    return leave_choice(ex, st, v, eff, owned, i);
}

/* AWS's longest wait: about 24,855 days (2^31 seconds). */
#define MAX_WAIT_SECONDS 2147483647.0

/* How long a SecondsPath value asks to wait; -1 with the error set when it
   is not a non-negative integer. */
static double seconds_from_path(aslrt_exec *ex, const aslrt_state *st, const cJSON *eff)
{
    const aslrt_path *p = st->seconds_path;
    const cJSON *n = aslrt_path_get(ex, p, eff);
    if (!n)
        return aslrt_runtime_error(ex, "The SecondsPath parameter does not reference an input value: %s", p->text);
    if (!cJSON_IsNumber(n) || n->valuedouble != floor(n->valuedouble)) {
        char *text = aslrt_json_text(n);
        aslrt_runtime_error(ex, "The SecondsPath parameter cannot be parsed as a long value: %s == %s", p->text, text);
        free(text);
        return -1;
    }
    if (n->valuedouble < 0) {
        char *text = aslrt_json_text(n);
        aslrt_runtime_error(ex, "The SecondsPath parameter references a negative value: %s == %s", p->text, text);
        free(text);
        return -1;
    }
    return n->valuedouble;
}

/* The wait until a timestamp (literal or from TimestampPath); -1 with the
   error set when it is not a valid timestamp. */
static double seconds_until(aslrt_exec *ex, const aslrt_state *st, const cJSON *eff)
{
    aslrt_time t;
    if (st->timestamp_path) {
        const aslrt_path *p = st->timestamp_path;
        const cJSON *s = aslrt_path_get(ex, p, eff);
        if (!s)
            return aslrt_runtime_error(ex, "The TimestampPath parameter does not reference an input value: %s", p->text);
        if (!cJSON_IsString(s) || aslrt_timestamp_parse(s->valuestring, &t) != 0) {
            char *text = cJSON_IsString(s) ? aslrt_xstrdup(s->valuestring) : aslrt_json_text(s);
            aslrt_runtime_error(ex, "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: %s == %s",
                                p->text, text);
            free(text);
            return -1;
        }
    } else if (aslrt_timestamp_parse(st->timestamp, &t) != 0) {
        return aslrt_runtime_error(ex, "The Timestamp field cannot be parsed: %s", st->timestamp);
    }
    double d = (double)t.sec + (double)t.nsec / 1e9 - aslrt_now();
    return d > 0 ? d : 0;
}

/* A JSONata Timestamp: the wait until the instant it evaluates to; -1 with
   States.QueryEvaluationError when that is not an RFC 3339 timestamp
   (§2.4, cause [A]). */
static double seconds_until_expr(aslrt_exec *ex, const aslrt_state *st, const cJSON *eff)
{
    char *text = aslrt_query_string(ex, st->timestamp_expr, eff);
    if (!text)
        return -1;
    aslrt_time t;
    if (aslrt_timestamp_parse(text, &t) != 0) {
        aslrt_query_error(ex, "Timestamp",
                          "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format "
                          "string: %s",
                          text);
        free(text);
        return -1;
    }
    free(text);
    double d = (double)t.sec + (double)t.nsec / 1e9 - aslrt_now();
    return d > 0 ? d : 0;
}

/* Wait: pauses, then passes its effective input through OutputPath. */
int aslrt_wait_state(aslrt_exec *ex, const aslrt_state *st, cJSON **v)
{
    cJSON *owned;
    const cJSON *eff = enter_state(ex, st, *v, &owned);
    if (!eff)
        return -1;
    double seconds = 0;
    if (st->flags & ASLRT_HAS_SECONDS)
        seconds = st->seconds;
    else if (st->seconds_expr) {
        if (aslrt_query_number(ex, st->seconds_expr, eff, 1, 0, 99999999, &seconds) != 0)
            seconds = -1;
    } else if (st->timestamp_expr)
        seconds = seconds_until_expr(ex, st, eff);
    else if (st->seconds_path)
        seconds = seconds_from_path(ex, st, eff);
    else if (st->timestamp || st->timestamp_path)
        seconds = seconds_until(ex, st, eff);
    if (seconds < 0) {
        cJSON_Delete(owned);
        return -1;
    }
    if (seconds > MAX_WAIT_SECONDS) {
        cJSON_Delete(owned);
        return aslrt_runtime_error(ex, "Wait state delay is too long.");
    }
    /* --time-scale stretches the wait (aslrt_sleep); the stretched wait is
       held to the same bound, so that no scale makes a Wait that never ends. */
    const aslrt_options *o = &ex->run->opt;
    if (!o->no_wait && seconds * o->time_scale > MAX_WAIT_SECONDS) {
        char secs[32];
        aslrt_number_format(seconds, secs);
        cJSON_Delete(owned);
        return aslrt_runtime_error(ex, "Wait state delay is too long: %s seconds scaled by --time-scale %g is "
                                   "over %.0f seconds.", secs, o->time_scale, MAX_WAIT_SECONDS);
    }
    aslrt_sleep(ex, seconds);
    if (aslrt_state_pass_on(ex, st, v, eff, owned, st->assign, st->output) != 0)
        return -1;
    return aslrt_state_exit(ex, st, *v);
}
