/* inspect.h — TestState's inspection data: the documents a top-level state's
 * data flow computes, handed to the host's `inspect` hook (execution.h).
 *
 * Off unless the host sets the hook: each report point costs one load and
 * a NULL test in ordinary runs, and builds nothing. Only the states of the
 * execution's top level report (a Parallel branch, a Map iteration or a
 * distributed Map's child execution has a parent), because TestState
 * inspects one state, not the machines inside it. */
#ifndef ASLRT_INSPECT_H
#define ASLRT_INSPECT_H

#include <cjson/cJSON.h>

#include "exec.h"
#include "execution.h"

static inline int aslrt_inspecting(const aslrt_exec *ex)
{
    const aslrt_host *h = ex->run->host;
    return __builtin_expect(h != NULL && h->inspect != NULL, 0) && !ex->parent && !ex->run->parent;
}

/* Reports doc (borrowed) as `what` of the current state; call only when
   aslrt_inspecting(ex). */
void aslrt_inspect_report(aslrt_exec *ex, const char *what, const cJSON *doc);
/* The same for a number (maxConcurrency, toleratedFailureCount, ...). */
void aslrt_inspect_number(aslrt_exec *ex, const char *what, double n);

#define ASLRT_INSPECT(ex, what, doc)                                                                           \
    do {                                                                                                       \
        if (aslrt_inspecting(ex))                                                                              \
            aslrt_inspect_report((ex), (what), (doc));                                                         \
    } while (0)

#endif
