/* interp.c — the interpreter: the same runtime calls the generated code
 * makes, with transitions taken from the IR's state indices instead of
 * gotos. Keep it in step with emit_machine_code() in emit.c: the modes are
 * diffed against each other on every test case. */
#include "interp.h"

typedef int (*state_fn)(aslrt_exec *ex, const aslrt_state *st, cJSON **v);

/* The call that runs each state type (Choice and Fail, which end
   differently, are called by name below). */
static const state_fn work[] = {
#define X(id, name, fn) [ASLRT_##id] = aslrt_##fn##_state,
    ASLRT_STATE_TYPES(X)
#undef X
};

static int run_machine(aslrt_exec *ex, const aslrt_machine *m, cJSON **v)
{
    int i = m->start;
    for (;;) {
        const aslrt_state *s = &m->states[i];
        if (s->type == ASLRT_FAIL)
            return aslrt_fail_state(ex, s, v);
        if (s->type == ASLRT_CHOICE) {
            int r = aslrt_choice_state(ex, s, v);
            if (r < 0)
                return -1;
            i = r < s->nrules ? s->rules[r].next : s->default_next;
            continue;
        }
        if (work[s->type](ex, s, v) != 0) {
            int c = s->ncatch ? aslrt_catch(ex, s, v) : -1;
            if (c < 0)
                return -1;
            i = s->catchers[c].next;
            continue;
        }
        if (s->type == ASLRT_SUCCEED || s->next < 0)
            return 0;
        i = s->next;
    }
}

void asl_interp_prepare(asl_def *def)
{
    for (int i = 0; i < def->nmachines; i++)
        def->machines[i]->rt.run = run_machine;
}
