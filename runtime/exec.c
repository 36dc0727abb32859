/* exec.c — the execution record: errors, the context object, allocation. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "exec.h"
#include "jsonfile.h"
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

void *aslrt_json_alloc(size_t n)
{
    void *p = cJSON_malloc(n);
    if (!p)
        aslrt_xjson(NULL);
    return p;
}

cJSON *aslrt_json_new(int type)
{
    cJSON *r = aslrt_json_alloc(sizeof *r);
    memset(r, 0, sizeof *r);
    r->type = type;
    return r;
}

/* A copy of the text s, allocated as cJSON allocates. */
static char *copy_text(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(aslrt_json_alloc(n), s, n);
}

#define COPY_DEPTH 64 /* deeper values are copied by cJSON_Duplicate */

/* v's node alone, as cJSON_Duplicate copies it: the reference flag
   dropped, the texts copied (a constant key shared); the key too when
   keep_key, else dropped as aslrt_json_unkey drops it. */
static inline cJSON *copy_node(const cJSON *v, int keep_key)
{
    cJSON *r = aslrt_json_new(v->type & ~cJSON_IsReference);
    r->valueint = v->valueint;
    r->valuedouble = v->valuedouble;
    if (v->valuestring)
        r->valuestring = copy_text(v->valuestring);
    if (!keep_key)
        r->type &= ~cJSON_StringIsConst;
    else if (v->string)
        r->string = v->type & cJSON_StringIsConst ? v->string : copy_text(v->string);
    return r;
}

/* What cJSON_Duplicate(v, 1) gives, with v's own key only when keep_key
   (its members keep theirs), made without cJSON's calls per node
   (allocate, clear, copy the key): copies are mostly scalars and small
   objects, where those calls cost more than the copy. */
static cJSON *copy_value(const cJSON *v, int keep_key, int depth)
{
    if (depth > COPY_DEPTH) {
        cJSON *r = aslrt_xjson(cJSON_Duplicate(v, 1));
        if (!keep_key)
            aslrt_json_unkey(r);
        return r;
    }
    cJSON *r = copy_node(v, keep_key), *last = NULL;
    for (const cJSON *x = v->child; x; x = x->next) {
        cJSON *y = x->child ? copy_value(x, 1, depth + 1) : copy_node(x, 1);
        if (last) {
            last->next = y;
            y->prev = last;
        } else {
            r->child = y;
        }
        last = y;
    }
    if (r->child)
        r->child->prev = last;
    return r;
}

cJSON *aslrt_json_copy(const cJSON *v)
{
    return copy_value(v, 0, 0);
}

cJSON *aslrt_json_copy_member(const cJSON *v)
{
    return copy_value(v, 1, 0);
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

/* Two passes: the length first, on a copy of ap, then the text. */
char *aslrt_vstrf(const char *fmt, va_list ap)
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
    char *s = aslrt_vstrf(fmt, ap);
    va_end(ap);
    return s;
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
        cJSON_AddStringToObject(o, "RoleArn", "arn:aws:iam::123456789012:role/aslc-local");
        cJSON_AddStringToObject(o, "StartTime", r->start_time);
        cJSON_AddNumberToObject(o, "RedriveCount", 0);
        break;
    case PART_STATE_MACHINE:
        cJSON_AddStringToObject(o, "Id", r->state_machine_id);
        cJSON_AddStringToObject(o, "Name", r->program->name);
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
