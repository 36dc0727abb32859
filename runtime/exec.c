/* exec.c — the execution record: errors and the context object. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "exec.h"
#include "jsonfile.h"
#include "timestamp.h"

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

int aslrt_error_setf(aslrt_exec *ex, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *cause = aslrt_vstrf(fmt, ap);
    va_end(ap);
    aslrt_error_set(ex, name, cause);
    free(cause);
    return -1;
}

int aslrt_runtime_error(aslrt_exec *ex, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *detail = aslrt_vstrf(fmt, ap);
    va_end(ap);
    const char *state = ex->state ? ex->state->name : "";
    aslrt_error_setf(ex, "States.Runtime",
                     "An error occurred while executing the state '%s' (entered at the event id #%ld). %s",
                     state, ex->entered_event_id, detail);
    free(detail);
    return -1;
}

const cJSON *aslrt_run_input(aslrt_run *run)
{
    /* One lock for every run of the process (aslc serve runs many): it is
       taken at most once per run, by the first reader. */
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    cJSON *in = __atomic_load_n(&run->input, __ATOMIC_ACQUIRE);
    if (in)
        return in;
    pthread_mutex_lock(&lock);
    if (!(in = run->input)) {
        char *err = NULL; /* it parsed once already */
        in = run->input_text ? aslrt_json_parse("input", run->input_text, run->input_len, &err) : NULL;
        free(err);
        if (!in)
            in = aslrt_xjson(cJSON_CreateNull());
        __atomic_store_n(&run->input, in, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&lock);
    return in;
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

/* The parts of $$, in the order AWS prints them. Each is built the first
   time something reads it: most states never read $$, and a Map's
   ItemSelector, evaluated once per item, reads only $$.Map. */
enum { PART_EXECUTION, PART_STATE_MACHINE, PART_STATE, PART_TASK, PART_MAP, NPARTS };
static const char *const part_names[NPARTS] = {"Execution", "StateMachine", "State", "Task", "Map"};

/* Part `which` of the context object, or NULL when this state has none
   (Task outside a .waitForTaskToken Task, Map outside an ItemSelector). */
static cJSON *build_part(aslrt_exec *ex, int which)
{
    aslrt_run *r = ex->run;
    cJSON *o = aslrt_xjson(cJSON_CreateObject());
    switch (which) {
    case PART_EXECUTION:
        cJSON_AddStringToObject(o, "Id", r->execution_id);
        cJSON_AddItemToObject(o, "Input", input_reference(aslrt_run_input(r)));
        cJSON_AddStringToObject(o, "Name", r->name);
        cJSON_AddStringToObject(o, "RoleArn", r->role_arn ? r->role_arn : ASLRT_DEFAULT_ROLE_ARN);
        cJSON_AddStringToObject(o, "StartTime", r->start_time);
        cJSON_AddNumberToObject(o, "RedriveCount", 0);
        break;
    case PART_STATE_MACHINE:
        cJSON_AddStringToObject(o, "Id", r->state_machine_id);
        cJSON_AddStringToObject(o, "Name", r->state_machine_name ? r->state_machine_name : r->program->name);
        break;
    case PART_STATE: {
        cJSON_AddStringToObject(o, "Name", ex->state ? ex->state->name : "");
        char entered[40];
        if (ex->entered_at == 0) /* taken now: aslrt_state_enter leaves it to the first $$ */
            ex->entered_at = aslrt_now();
        aslrt_time_format(ex->entered_at, entered);
        cJSON_AddStringToObject(o, "EnteredTime", entered);
        if (ex->retry_count >= 0)
            cJSON_AddNumberToObject(o, "RetryCount", ex->retry_count);
        break;
    }
    case PART_TASK: /* only while a .waitForTaskToken Task evaluates its Parameters */
        if (!ex->task_token)
            goto none;
        cJSON_AddStringToObject(o, "Token", ex->task_token);
        break;
    default: { /* PART_MAP */
        if (!ex->map_item)
            goto none;
        cJSON *it = aslrt_xjson(cJSON_AddObjectToObject(o, "Item"));
        cJSON_AddNumberToObject(it, "Index", (double)ex->map_index);
        cJSON_AddItemToObject(it, "Value", input_reference(ex->map_item)); /* lives while ItemSelector runs */
        break;
    }
    }
    return o;
none:
    cJSON_Delete(o);
    return NULL;
}

/* Set in the valueint of a context object made here (objects do not use
   it), beside one bit per part already looked at; a context object set by
   someone else (a test) is taken as it is. */
#define CONTEXT_BY_PARTS (1 << 30)

/* Makes sure part `which` of ex's context object is there. */
static void need_part(aslrt_exec *ex, int which)
{
    cJSON *c = ex->context;
    if (!c) {
        c = ex->context = aslrt_xjson(cJSON_CreateObject());
        c->valueint = CONTEXT_BY_PARTS;
    }
    if (!(c->valueint & CONTEXT_BY_PARTS) || (c->valueint & (1 << which)))
        return;
    c->valueint |= 1 << which;
    cJSON *part = build_part(ex, which);
    if (!part)
        return;
    /* before the first part already there that comes after it */
    cJSON *after = NULL;
    for (int k = which + 1; k < NPARTS && !after; k++)
        if (c->valueint & (1 << k))
            after = cJSON_GetObjectItemCaseSensitive(c, part_names[k]);
    if (!after) {
        if (!cJSON_AddItemToObjectCS(c, part_names[which], part))
            aslrt_xjson(NULL);
        return;
    }
    part->string = (char *)part_names[which];
    part->type |= cJSON_StringIsConst;
    part->next = after; /* cJSON's list: the first member's prev is the last member */
    part->prev = after->prev;
    if (after == c->child)
        c->child = part;
    else
        part->prev->next = part;
    after->prev = part;
}

const cJSON *aslrt_context(aslrt_exec *ex)
{
    for (int k = 0; k < NPARTS; k++)
        need_part(ex, k);
    return ex->context;
}

const cJSON *aslrt_context_for(aslrt_exec *ex, const char *field)
{
    for (int k = 0; field && k < NPARTS; k++)
        if (strcmp(field, part_names[k]) == 0) {
            need_part(ex, k);
            return ex->context;
        }
    return aslrt_context(ex); /* "$$" itself, or a field it lacks */
}
