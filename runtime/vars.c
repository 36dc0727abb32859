/* vars.c — workflow variables: scopes, staged Assign values, limits (see vars.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "vars.h"

/* One variable: its value (owned) and the size of its JSON text. */
typedef struct var {
    char *name;
    cJSON *value;
    size_t bytes;
} var;

/* A list of variables, in order of first assignment. */
typedef struct var_list {
    var *v;
    int n, cap;
} var_list;

struct aslrt_vars {
    var_list set;       /* the scope's variables */
    var_list staged;    /* the current state's Assign, until its exit */
    int has_staged;     /* an Assign was staged (it may set nothing: "Assign": {}) */
    size_t bytes;       /* sum of set.v[i].bytes */
};

static void list_clear(var_list *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->v[i].name);
        cJSON_Delete(l->v[i].value);
    }
    l->n = 0;
}

static var *list_find(const var_list *l, const char *name)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->v[i].name, name) == 0)
            return &l->v[i];
    return NULL;
}

static var *list_add(var_list *l)
{
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 8;
        var *v = aslrt_xmalloc((size_t)cap * sizeof *v);
        if (l->n)
            memcpy(v, l->v, (size_t)l->n * sizeof *v);
        free(l->v);
        l->v = v;
        l->cap = cap;
    }
    return &l->v[l->n++];
}

/* The scope of ex, made on first use. */
static struct aslrt_vars *scope(aslrt_exec *ex)
{
    if (!ex->vars) {
        ex->vars = aslrt_xmalloc(sizeof *ex->vars);
        memset(ex->vars, 0, sizeof *ex->vars);
    }
    return ex->vars;
}

/* Reads go up from a branch or iteration to the state running it, but not
   out of a distributed Map's child execution, which has a run of its own
   and sees no outer variables (§8). */
const cJSON *aslrt_var_get(const aslrt_exec *ex, const char *name)
{
    for (const aslrt_exec *e = ex; e; e = e->parent) {
        if (e->vars) {
            const var *v = list_find(&e->vars->set, name);
            if (v)
                return v->value;
        }
        if (e->parent && e->parent->run != e->run)
            break;
    }
    return NULL;
}

const cJSON *aslrt_var_lookup(void *ctx, const char *name)
{
    return aslrt_var_get(ctx, name);
}

/* Bytes of all variables visible from ex: the limit is per execution, and a
   branch's scope adds to those it runs inside. */
static size_t visible_bytes(const aslrt_exec *ex)
{
    size_t n = 0;
    for (const aslrt_exec *e = ex; e; e = e->parent) {
        if (e->vars)
            n += e->vars->bytes;
        if (e->parent && e->parent->run != e->run)
            break;
    }
    return n;
}

/* A variable limit exceeded: ASLRT_VARS_LIMIT_ERROR, whose cause carries
   AWS's state prefix (§6.4) as States.Runtime's does. `values` is freed
   after the message is made (it may name one of its keys). */
static int limit_error(aslrt_exec *ex, cJSON *values, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int limit_error(aslrt_exec *ex, cJSON *values, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    cJSON_Delete(values);
    aslrt_error_setf(ex, ASLRT_VARS_LIMIT_ERROR,
                     "An error occurred while executing the state '%s' (entered at the event id #%ld). %s",
                     ex->state ? ex->state->name : "", ex->entered_event_id, detail);
    return -1;
}

/* Checks the three limits of §8 before anything changes; the values are
   measured as the JSON text AWS would store. */
int aslrt_vars_stage(aslrt_exec *ex, cJSON *values)
{
    struct aslrt_vars *s = scope(ex);
    list_clear(&s->staged);
    s->has_staged = 0;
    size_t total = 0, grows = 0;
    for (cJSON *m = values ? values->child : NULL; m; m = m->next) {
        size_t bytes = aslrt_json_size(m, 0);
        if (bytes > ASLRT_VAR_MAX_BYTES)
            return limit_error(ex, values, "The variable '%s' is %zu bytes long, more than the %d bytes a variable "
                                           "can hold.",
                               m->string ? m->string : "", bytes, ASLRT_VAR_MAX_BYTES);
        total += bytes;
        const var *old = list_find(&s->set, m->string ? m->string : "");
        grows += bytes > (old ? old->bytes : 0) ? bytes - (old ? old->bytes : 0) : 0;
    }
    if (total > ASLRT_ASSIGN_MAX_BYTES)
        return limit_error(ex, values, "The Assign is %zu bytes long, more than the %d bytes an Assign can hold.",
                           total, ASLRT_ASSIGN_MAX_BYTES);
    if (visible_bytes(ex) + grows > ASLRT_VARS_MAX_BYTES)
        return limit_error(ex, values, "The Assign would make the execution's variables longer than %d bytes.",
                           ASLRT_VARS_MAX_BYTES);
    /* Move the members out of `values`, keeping the last of a repeated key. */
    while (values && values->child) {
        cJSON *m = cJSON_DetachItemViaPointer(values, values->child);
        const char *name = m->string ? m->string : "";
        var *v = list_find(&s->staged, name);
        if (v) {
            cJSON_Delete(v->value);
        } else {
            v = list_add(&s->staged);
            v->name = aslrt_xstrdup(name);
        }
        v->bytes = aslrt_json_size(m, 0);
        v->value = m;
    }
    cJSON_Delete(values);
    s->has_staged = 1;
    return 0;
}

void aslrt_vars_commit(aslrt_exec *ex, cJSON *details)
{
    struct aslrt_vars *s = ex->vars;
    if (!s || !s->has_staged)
        return;
    cJSON *assigned = NULL;
    if (details) {
        assigned = aslrt_xjson(cJSON_AddObjectToObject(details, "assignedVariables"));
        cJSON *d = aslrt_xjson(cJSON_AddObjectToObject(details, "assignedVariablesDetails"));
        aslrt_xjson(cJSON_AddFalseToObject(d, "truncated"));
    }
    for (int i = 0; i < s->staged.n; i++) {
        var *sv = &s->staged.v[i];
        if (assigned) {
            char *text = aslrt_json_text(sv->value);
            aslrt_xjson(cJSON_AddStringToObject(assigned, sv->name, text));
            free(text);
        }
        var *v = list_find(&s->set, sv->name);
        if (v) {
            s->bytes -= v->bytes;
            cJSON_Delete(v->value);
            free(sv->name);
        } else {
            v = list_add(&s->set);
            v->name = sv->name;
        }
        v->value = sv->value;
        v->bytes = sv->bytes;
        s->bytes += v->bytes;
        /* the member key the value kept from the Assign object is not needed */
    }
    s->staged.n = 0; /* names and values moved */
    s->has_staged = 0;
}

cJSON *aslrt_vars_visible(const aslrt_exec *ex)
{
    cJSON *o = aslrt_xjson(cJSON_CreateObject());
    for (const aslrt_exec *e = ex; e; e = e->parent) {
        for (int i = 0; e->vars && i < e->vars->set.n; i++) {
            const var *v = &e->vars->set.v[i];
            if (!cJSON_GetObjectItemCaseSensitive(o, v->name)) /* an inner scope hides an outer one */
                cJSON_AddItemToObject(o, v->name, aslrt_xjson(cJSON_Duplicate(v->value, 1)));
        }
        if (e->parent && e->parent->run != e->run)
            break;
    }
    return o;
}

int aslrt_vars_preset(aslrt_exec *ex, const cJSON *values)
{
    if (!values || !values->child)
        return 0;
    if (aslrt_vars_stage(ex, aslrt_xjson(cJSON_Duplicate(values, 1))) != 0)
        return -1;
    aslrt_vars_commit(ex, NULL);
    return 0;
}

void aslrt_vars_discard(aslrt_exec *ex)
{
    if (ex->vars) {
        list_clear(&ex->vars->staged);
        ex->vars->has_staged = 0;
    }
}

void aslrt_vars_free(aslrt_exec *ex)
{
    struct aslrt_vars *s = ex->vars;
    if (!s)
        return;
    list_clear(&s->set);
    list_clear(&s->staged);
    free(s->set.v);
    free(s->staged.v);
    free(s);
    ex->vars = NULL;
}
