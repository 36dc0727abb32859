/* exec.c — the execution record: errors, the context object, allocation. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "exec.h"
#include "timestamp.h"

void *aslrt_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("aslrt: error: cannot allocate memory\n", stderr);
        abort();
    }
    return p;
}

char *aslrt_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(aslrt_xmalloc(n), s, n);
}

cJSON *aslrt_xjson(cJSON *v)
{
    if (!v) {
        fputs("aslrt: error: cannot allocate memory\n", stderr);
        abort();
    }
    return v;
}

void aslrt_error_clear(aslrt_exec *ex)
{
    free(ex->error);
    free(ex->cause);
    ex->error = ex->cause = NULL;
}

int aslrt_error_set(aslrt_exec *ex, const char *name, const char *cause)
{
    /* name or cause may point into the old error (re-raising it). */
    char *n = name ? aslrt_xstrdup(name) : NULL;
    char *c = cause ? aslrt_xstrdup(cause) : NULL;
    aslrt_error_clear(ex);
    ex->error = n;
    ex->cause = c;
    return -1;
}

static char *vformat(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    char *s = aslrt_xmalloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *aslrt_strf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    return s;
}

int aslrt_error_setf(aslrt_exec *ex, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *cause = vformat(fmt, ap);
    va_end(ap);
    aslrt_error_set(ex, name, cause);
    free(cause);
    return -1;
}

int aslrt_runtime_error(aslrt_exec *ex, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *detail = vformat(fmt, ap);
    va_end(ap);
    const char *state = ex->state ? ex->state->name : "";
    aslrt_error_setf(ex, "States.Runtime",
                     "An error occurred while executing the state '%s' (entered at the event id #%ld). %s",
                     state, ex->entered_event_id, detail);
    free(detail);
    return -1;
}

/* $$.Execution.Input without copying the execution input: a cJSON
   reference to its members or elements (cJSON_Delete leaves them alone), or
   a copy of a scalar. The input never changes while the execution runs, and
   a Map's iterations each build a context: copying the input there made a
   Map over the input's own items quadratic. */
static cJSON *input_reference(const cJSON *in)
{
    if (cJSON_IsObject(in))
        return aslrt_xjson(cJSON_CreateObjectReference(in->child));
    if (cJSON_IsArray(in))
        return aslrt_xjson(cJSON_CreateArrayReference(in->child));
    return aslrt_xjson(cJSON_Duplicate(in, 1));
}

/* $$ is built only when a path asks for it: most states never do, and
   entering a state must stay cheap. */
const cJSON *aslrt_context(aslrt_exec *ex)
{
    if (ex->context)
        return ex->context;
    aslrt_run *r = ex->run;
    cJSON *c = aslrt_xjson(cJSON_CreateObject());
    cJSON *e = aslrt_xjson(cJSON_AddObjectToObject(c, "Execution"));
    cJSON_AddStringToObject(e, "Id", r->execution_id);
    cJSON_AddItemToObject(e, "Input", input_reference(r->input));
    cJSON_AddStringToObject(e, "Name", r->name);
    cJSON_AddStringToObject(e, "RoleArn", "arn:aws:iam::123456789012:role/aslc-local");
    cJSON_AddStringToObject(e, "StartTime", r->start_time);
    cJSON_AddNumberToObject(e, "RedriveCount", 0);
    cJSON *sm = aslrt_xjson(cJSON_AddObjectToObject(c, "StateMachine"));
    cJSON_AddStringToObject(sm, "Id", r->state_machine_id);
    cJSON_AddStringToObject(sm, "Name", r->program->name);
    cJSON *s = aslrt_xjson(cJSON_AddObjectToObject(c, "State"));
    cJSON_AddStringToObject(s, "Name", ex->state ? ex->state->name : "");
    char entered[40];
    if (ex->entered_at == 0) /* taken now: aslrt_state_enter leaves it to the first $$ */
        ex->entered_at = aslrt_now();
    aslrt_time_format(ex->entered_at, entered);
    cJSON_AddStringToObject(s, "EnteredTime", entered);
    if (ex->retry_count >= 0)
        cJSON_AddNumberToObject(s, "RetryCount", ex->retry_count);
    if (ex->task_token) { /* only while a .waitForTaskToken Task evaluates its Parameters */
        cJSON *t = aslrt_xjson(cJSON_AddObjectToObject(c, "Task"));
        cJSON_AddStringToObject(t, "Token", ex->task_token);
    }
    if (ex->map_item) {
        cJSON *m = aslrt_xjson(cJSON_AddObjectToObject(c, "Map"));
        cJSON *it = aslrt_xjson(cJSON_AddObjectToObject(m, "Item"));
        cJSON_AddNumberToObject(it, "Index", (double)ex->map_index);
        cJSON_AddItemToObject(it, "Value", aslrt_xjson(cJSON_Duplicate(ex->map_item, 1)));
    }
    ex->context = c;
    return c;
}
