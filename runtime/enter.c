/* enter.c — entering and leaving states when something watches: the
   bookkeeping (context reset, RetryCount, <T>StateEntered / <T>StateExited,
   trace) that enter.h's inline paths leave out. */
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "enter.h"
#include "exec.h"
#include "history.h"
#include "inspect.h"
#include "signals.h"
#include "timestamp.h"
#include "vars.h"

/* AWS's event type names, indexed by ASLRT_PASS ...: PassStateEntered, ... */
static const char *const entered_type[] = {
#define X(id, name, ...) name "StateEntered",
    ASLRT_STATE_TYPES(X)
#undef X
};
static const char *const exited_type[] = {
#define X(id, name, ...) name "StateExited",
    ASLRT_STATE_TYPES(X)
#undef X
};

#define NTYPES ASLRT_STATE_COUNT

/* {name, <key>: compact JSON text of v, <key>Details: {truncated: false}}:
   the details of StateEntered (key "input") and StateExited ("output"). */
static cJSON *state_details(const char *name, const char *key, const char *details_key, const cJSON *v)
{
    cJSON *d = aslrt_xjson(cJSON_CreateObject());
    aslrt_xjson(cJSON_AddStringToObject(d, "name", name));
    char *text = aslrt_json_text(v);
    aslrt_xjson(cJSON_AddStringToObject(d, key, text));
    free(text);
    cJSON *t = aslrt_xjson(cJSON_AddObjectToObject(d, details_key));
    aslrt_xjson(cJSON_AddFalseToObject(t, "truncated"));
    return d;
}

/* Counts a <T>StateEntered/Exited event: without --history/--trace only
   the id (one atomic add: branches on other threads count too), without
   a call. */
static inline long count_event(aslrt_exec *ex, const char *type, cJSON *details)
{
    aslrt_run *run = ex->run;
    if (run->history)
        return aslrt_event(ex, type, details);
    long id = __atomic_add_fetch(&run->last_event_id, 1, __ATOMIC_RELAXED);
    ex->prev_event_id = id;
    return id;
}

/* aslrt_state_enter (enter.h) when the state or the execution needs more
   than an event count: a Task, Parallel or Map (RetryCount, EnteredTime),
   history or trace, a $$ or variables left by the last state, a branch that
   may be cancelled, an execution that may be stopping. */
int aslrt_state_enter_watched(aslrt_exec *ex, const aslrt_state *st, const cJSON *input)
{
    if ((ex->cancel || !aslrt_stop_unlikely(ex->run)) && aslrt_stop_check(ex) != 0)
        return -1;
    if (ex->context) {
        cJSON_Delete(ex->context);
        ex->context = NULL;
    }
    if (ex->vars)
        aslrt_vars_discard(ex); /* what a failed state staged, should it linger */
    ex->state = st;
    int t = st->type >= 0 && st->type < NTYPES ? st->type : ASLRT_PASS;
    int waits = st->type == ASLRT_TASK || st->type == ASLRT_PARALLEL || st->type == ASLRT_MAP;
    /* $$.State.EnteredTime: states that retry or run branches read it from
       several places, so they take it now; the others take it the first
       time their context object is built (aslrt_context), if ever. The
       trace shows the time each state took. */
    ex->entered_at = waits || ex->run->history ? aslrt_now() : 0;
    cJSON *details = NULL;
    if (input && ex->run->history && aslrt_history_enabled(ex))
        details = state_details(st->name, "input", "inputDetails", input);
    ex->entered_event_id = count_event(ex, entered_type[t], details);
    ex->retry_count = waits ? 0 : -1;
    return 0;
}

/* AWS's payload limit (asl-reference §3.1: after OutputPath, the output's
   size is checked). Measuring every output is a walk of it: 1.2 to 9 times
   the instructions of the benchmark workflows, the most where documents
   are tens of KB, so it is asked for with --check-limits rather than done
   always. The walk counts numbers as their longest first, and formats them
   only when that bound is over the limit. */
static int payload_exceeded(aslrt_exec *ex, const aslrt_state *st, const cJSON *output)
{
    if (aslrt_json_size_bound(output, ASLRT_PAYLOAD_LIMIT) <= ASLRT_PAYLOAD_LIMIT ||
        aslrt_json_size(output, ASLRT_PAYLOAD_LIMIT) <= ASLRT_PAYLOAD_LIMIT) /* exact near the limit */
        return 0;
    aslrt_error_setf(ex, "States.DataLimitExceeded",
                     "The state/task '%s' returned a result with a size exceeding the maximum number of bytes "
                     "service limit.",
                     st->name);
    return 1;
}

/* aslrt_state_exit (enter.h) with history or trace, variables to commit,
   --check-limits, or an execution that may be stopping. */
int aslrt_state_exit_watched(aslrt_exec *ex, const aslrt_state *st, const cJSON *output)
{
    if (!aslrt_stop_unlikely(ex->run) && aslrt_stop_reason(ex->run) != ASLRT_STOP_NONE)
        return 0;
    if (ex->run->opt.check_limits && output && payload_exceeded(ex, st, output))
        return -1;
    int t = st->type >= 0 && st->type < NTYPES ? st->type : ASLRT_PASS;
    cJSON *details = NULL;
    if (output && ex->run->history && aslrt_history_enabled(ex))
        details = state_details(st->name, "output", "outputDetails", output);
    if (ex->vars)
        aslrt_vars_commit(ex, details); /* §8: the state's Assign is visible from the next state */
    if (aslrt_inspecting(ex)) {
        cJSON *vars = aslrt_vars_visible(ex);
        aslrt_inspect_report(ex, "variables", vars);
        cJSON_Delete(vars);
    }
    count_event(ex, exited_type[t], details);
    return 0;
}
