/* enter.c — entering and leaving states: the bookkeeping every state does. */
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "exec.h"
#include "timestamp.h"

long aslrt_event(aslrt_exec *ex, const char *type)
{
    (void)type; /* recorded by --history (Tasks issue); counted always */
    return ++ex->run->last_event_id;
}

void aslrt_state_enter(aslrt_exec *ex, const aslrt_state *st)
{
    if (ex->context) {
        cJSON_Delete(ex->context);
        ex->context = NULL;
    }
    ex->state = st;
    ex->entered_at = aslrt_now();
    ex->entered_event_id = aslrt_event(ex, "StateEntered");
    ex->retry_count = (st->type == ASLRT_TASK || st->type == ASLRT_PARALLEL || st->type == ASLRT_MAP) ? 0 : -1;
    if (ex->run->opt.trace)
        fprintf(stderr, "aslrt: enter \"%s\"\n", st->name);
}

void aslrt_state_exit(aslrt_exec *ex, const aslrt_state *st, const cJSON *output)
{
    (void)output;
    aslrt_event(ex, "StateExited");
    if (ex->run->opt.trace)
        fprintf(stderr, "aslrt: exit \"%s\"\n", st->name);
}
