/* pending.c — Parallel and Map until their issue lands: each fails
   the execution with a cause that says so, rather than doing something wrong. */
#include "exec.h"

int aslrt_parallel_state(aslrt_exec *ex, const aslrt_state *st, cJSON **v)
{
    (void)v;
    aslrt_state_enter(ex, st, *v);
    return aslrt_runtime_error(ex, "Parallel states are not supported yet.");
}

int aslrt_map_state(aslrt_exec *ex, const aslrt_state *st, cJSON **v)
{
    (void)v;
    aslrt_state_enter(ex, st, *v);
    return aslrt_runtime_error(ex, "Map states are not supported yet.");
}
