/* enter.h — entering and leaving a state (internal): the bookkeeping every
   state does, inline where nothing watches the execution, since it is on
   the path of every transition. */
#ifndef ASLRT_ENTER_H
#define ASLRT_ENTER_H

#include "exec.h"
#include "signals.h"

/* The slow paths (enter.c): history, trace, $$, variables, branches that may
   be cancelled, executions that may be stopping, --check-limits. */
int aslrt_state_enter_watched(aslrt_exec *ex, const aslrt_state *st, const cJSON *input);
int aslrt_state_exit_watched(aslrt_exec *ex, const aslrt_state *st, const cJSON *output);

/* Every state calls this first, with its raw input (borrowed): the
   StateEntered event must come before anything the state does, and its id
   is what a States.Runtime cause quotes. -1, with the error set, when the
   execution is being aborted or has timed out, or the branch was
   cancelled (signals.c): the state must then return -1 at once. Unwatched,
   entering is counting the event: one atomic add, since branches on other
   threads count too. */
static inline int aslrt_state_enter(aslrt_exec *ex, const aslrt_state *st, const cJSON *input)
{
    aslrt_run *run = ex->run;
    if (__builtin_expect(ex->cancel || ex->context || ex->vars || run->history || !aslrt_stop_unlikely(run) ||
                             st->type == ASLRT_TASK || st->type == ASLRT_PARALLEL || st->type == ASLRT_MAP,
                         0))
        return aslrt_state_enter_watched(ex, st, input);
    ex->state = st;
    ex->entered_at = 0; /* $$.State.EnteredTime: taken when $$ is first built, if ever */
    ex->retry_count = -1;
    ex->entered_event_id = ex->prev_event_id = __atomic_add_fetch(&run->last_event_id, 1, __ATOMIC_RELAXED);
    return 0;
}

/* A state that completes (or whose error a catcher took) calls this with
   its output (borrowed). Fail states never do: their execution ends
   instead. Nor does a state cut short by an abort or timeout (a Wait woken
   early): AWS's history goes from its StateEntered to
   ExecutionAborted/TimedOut. -1 with States.DataLimitExceeded when
   --check-limits is given and the output is over the payload limit. */
static inline int aslrt_state_exit(aslrt_exec *ex, const aslrt_state *st, const cJSON *output)
{
    aslrt_run *run = ex->run;
    if (__builtin_expect(ex->vars || run->history || run->opt.check_limits || !aslrt_stop_unlikely(run), 0))
        return aslrt_state_exit_watched(ex, st, output);
    ex->prev_event_id = __atomic_add_fetch(&run->last_event_id, 1, __ATOMIC_RELAXED);
    return 0;
}

#endif
