/* catch.c — matching error names and applying Catch (asl-reference §6.1, §6.3). */
#include <string.h>

#include <cjson/cJSON.h>

#include "catch.h"
#include "enter.h"
#include "exec.h"
#include "inspect.h"
#include "signals.h"
#include "jsonpath.h"
#include "query.h"

/* States.Runtime is never retried or caught, not even by a retrier or
   catcher naming it [A recorded]. (States.DataLimitExceeded from a task
   result is caught, by name and by States.ALL, in AWS's recordings, despite
   the documentation.) */
int aslrt_error_uncatchable(const char *name)
{
    return name && strcmp(name, "States.Runtime") == 0;
}

/* Does ErrorEquals list `errors` take the error `name`?  States.ALL takes
   everything catchable; States.TaskFailed everything but States.Timeout. */
int aslrt_error_matches(const char *const *errors, int n, const char *name)
{
    if (aslrt_error_uncatchable(name))
        return 0;
    const char *e = name ? name : "";
    for (int i = 0; i < n; i++) {
        if (strcmp(errors[i], "States.ALL") == 0 || strcmp(errors[i], e) == 0)
            return 1;
        if (strcmp(errors[i], "States.TaskFailed") == 0 && strcmp(e, "States.Timeout") != 0)
            return 1;
    }
    return 0;
}

/* The error output a catcher passes on: {"Error": ..., "Cause": ...}, with
   "" standing in for a missing cause, as AWS does. A failure without a name
   or a cause (a callback's SendTaskFailure without either; a mock's Throw
   with Error "") gives {"Error": null, "Cause": null} [A recorded]. */
static cJSON *error_output(const aslrt_exec *ex)
{
    cJSON *o = aslrt_xjson(cJSON_CreateObject());
    if (ex->error && !ex->error[0] && !ex->cause) {
        aslrt_xjson(cJSON_AddNullToObject(o, "Error"));
        aslrt_xjson(cJSON_AddNullToObject(o, "Cause"));
        return o;
    }
    cJSON_AddStringToObject(o, "Error", ex->error ? ex->error : "");
    cJSON_AddStringToObject(o, "Cause", ex->cause ? ex->cause : "");
    return o;
}

int aslrt_catch(aslrt_exec *ex, const aslrt_state *st, cJSON **v)
{
    if (aslrt_stop_reason(ex->run) != ASLRT_STOP_NONE)
        return -1; /* an aborted or timed-out execution catches nothing on its way out */
    if (aslrt_inspecting(ex)) { /* TestState: the error, whatever takes it */
        cJSON *e = error_output(ex);
        aslrt_inspect_report(ex, "errorOutput", e);
        cJSON_Delete(e);
    }
    for (int i = 0; i < st->ncatch; i++) {
        const aslrt_catcher *c = &st->catchers[i];
        if (!aslrt_error_matches(c->errors, c->nerrors, ex->error))
            continue;
        if (aslrt_inspecting(ex))
            aslrt_inspect_number(ex, "catchIndex", i);
        cJSON *out = error_output(ex);
        aslrt_error_clear(ex);
        /* Assign, then ResultPath or (JSONata) Output; an error there is the state's */
        if (aslrt_catch_finish(ex, st, c, v, out) != 0)
            return -1;
        if (aslrt_state_exit(ex, st, *v) != 0)
            return -1; /* the catcher's output is over the payload limit */
        return i;
    }
    return -1;
}
