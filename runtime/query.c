/* query.c — JSONata fields, Assign, Output: the parts of a state's data flow
 * that depend on its query language (asl-reference §3.1, §6.3, §8, §9).
 *
 * A JSONata-capable field arrives as a template (aslrt_tmpl) whose leaves
 * are literal JSON or parsed "{% %}" expressions (ASLRT_T_JSONATA); object
 * keys are literal.  Each expression is evaluated by the engine
 * (jsonata.c) with `$states` = {input, context, result?, errorOutput?} and
 * the workflow's variables (vars.c).  $states is built once per field from
 * cJSON references to the documents it names, so nothing is copied; the
 * context object is added only when an expression may read it (the front
 * end marks those leaves, `fn` = 1), because building it is not free.
 *
 * Every failure is States.QueryEvaluationError with AWS's causes (§9),
 * prefixed as §6.4 says, and recorded as an EvaluationFailed event.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dataflow.h"
#include "history.h"
#include "jsonata_eval.h"
#include "jsonpath.h"
#include "query.h"
#include "inspect.h"
#include "vars.h"

/* Templates nest as deep as the definition's JSON; bound the recursion
   whatever the descriptors hold (as dataflow.c does). */
#define MAX_DEPTH 1024

/* ------------------------------------------------------------- errors */

/* §6.4 decorates the cause as it does States.Runtime's; §11 puts the same
   error, cause, field and state into an EvaluationFailed event. */
int aslrt_query_error(aslrt_exec *ex, const char *location, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *detail = aslrt_vstrf(fmt, ap);
    va_end(ap);
    const char *state = ex->state ? ex->state->name : "";
    aslrt_error_setf(ex, ASLRT_QUERY_ERROR,
                     "An error occurred while executing the state '%s' (entered at the event id #%ld). %s", state,
                     ex->entered_event_id, detail);
    free(detail);
    cJSON *d = NULL;
    if (aslrt_history_enabled(ex)) {
        d = aslrt_xjson(cJSON_CreateObject());
        aslrt_xjson(cJSON_AddStringToObject(d, "error", ex->error));
        aslrt_xjson(cJSON_AddStringToObject(d, "cause", ex->cause));
        if (location)
            aslrt_xjson(cJSON_AddStringToObject(d, "location", location));
        aslrt_xjson(cJSON_AddStringToObject(d, "state", state));
    }
    aslrt_event(ex, "EvaluationFailed", d);
    return -1;
}

/* JSONata's names for JSON types, as AWS's causes print them. */
static const char *type_name(const cJSON *v)
{
    if (cJSON_IsNumber(v))
        return "number";
    if (cJSON_IsString(v))
        return "string";
    if (cJSON_IsBool(v))
        return "boolean";
    if (cJSON_IsArray(v))
        return "array";
    if (cJSON_IsObject(v))
        return "object";
    return "null";
}

/* "... returned an unexpected result type. Expected 'T', but was 'U' for
   value: <json>" [A: recorded for Map Items]. */
static int unexpected_type(aslrt_exec *ex, const aslrt_tmpl *t, const char *expected, const cJSON *v)
{
    char *text = aslrt_json_text(v);
    aslrt_query_error(ex, t->field,
                      "The JSONata expression '%s' specified for the field '%s' returned an unexpected result type. "
                      "Expected '%s', but was '%s' for value: %s",
                      t->text ? t->text : "", t->field ? t->field : "", expected, type_name(v), text);
    free(text);
    return -1;
}

/* ------------------------------------------------------------ $states */

typedef struct qstates {
    aslrt_exec *ex;
    cJSON *obj;       /* $states: members are references, nothing is copied */
    int has_context;
} qstates;

static void add_ref(cJSON *obj, const char *key, const cJSON *v)
{
    if (!cJSON_AddItemReferenceToObject(obj, key, (cJSON *)v))
        aslrt_xjson(NULL); /* out of memory */
}

static void qs_init(qstates *q, aslrt_exec *ex, const cJSON *input, const cJSON *result, const cJSON *error_output)
{
    q->ex = ex;
    q->obj = aslrt_xjson(cJSON_CreateObject());
    q->has_context = 0;
    if (input)
        add_ref(q->obj, "input", input);
    else
        aslrt_xjson(cJSON_AddNullToObject(q->obj, "input"));
    if (result)
        add_ref(q->obj, "result", result);
    if (error_output)
        add_ref(q->obj, "errorOutput", error_output);
}

static void qs_free(qstates *q)
{
    cJSON_Delete(q->obj); /* references: only the wrappers go */
    q->obj = NULL;
}

/* ---------------------------------------------------------- templates */

/* One "{% %}" expression, with AWS's three causes (§9): an error, a
   function, nothing. */
static cJSON *eval_leaf(qstates *q, const aslrt_tmpl *t)
{
    aslrt_exec *ex = q->ex;
    if (t->fn && !q->has_context) {
        add_ref(q->obj, "context", aslrt_context(ex));
        q->has_context = 1;
    }
    const char *expr = t->text ? t->text : "";
    const char *field = t->field ? t->field : "";
    cJSON *out = NULL;
    char *why = NULL;
    int rc = jsonata_eval(t->jx, q->obj, aslrt_var_lookup, ex, &out, &why);
    if (rc < 0) {
        aslrt_query_error(ex, field,
                          "The JSONata expression '%s' specified for the field '%s' threw an error during "
                          "evaluation. %s",
                          expr, field, why);
        free(why);
        return NULL;
    }
    if (rc == JSONATA_FUNCTION) {
        aslrt_query_error(ex, field,
                          "The JSONata expression '%s' specified for the field '%s' returned an unsupported result "
                          "type.",
                          expr, field);
        return NULL;
    }
    if (!out) {
        aslrt_query_error(ex, field,
                          "The JSONata expression '%s' specified for the field '%s' returned nothing (undefined).",
                          expr, field);
        return NULL;
    }
    return out;
}

/* Sets member `key` of obj, replacing one already there. */
static void set_member(cJSON *obj, const char *key, cJSON *v)
{
    int ok = cJSON_GetObjectItemCaseSensitive(obj, key) ? cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v)
                                                        : cJSON_AddItemToObject(obj, key, v);
    if (!ok)
        aslrt_xjson(NULL);
}

static cJSON *walk(qstates *q, const aslrt_tmpl *t, const cJSON *input, int depth)
{
    if (depth > MAX_DEPTH) {
        aslrt_query_error(q->ex, t->field, "The field is nested more than %d levels deep.", MAX_DEPTH);
        return NULL;
    }
    switch (t->kind) {
    case ASLRT_T_LITERAL:
        return t->value ? aslrt_json_copy(t->value) : aslrt_xjson(cJSON_CreateNull());
    case ASLRT_T_JSONATA:
        return eval_leaf(q, t);
    case ASLRT_T_OBJECT: {
        cJSON *obj = aslrt_xjson(cJSON_CreateObject());
        for (int i = 0; i < t->n; i++) {
            cJSON *v = walk(q, &t->items[i], input, depth + 1);
            if (!v) {
                cJSON_Delete(obj);
                return NULL;
            }
            set_member(obj, t->items[i].key ? t->items[i].key : "", v);
        }
        return obj;
    }
    case ASLRT_T_ARRAY: {
        cJSON *arr = aslrt_xjson(cJSON_CreateArray());
        for (int i = 0; i < t->n; i++) {
            cJSON *v = walk(q, &t->items[i], input, depth + 1);
            if (!v) {
                cJSON_Delete(arr);
                return NULL;
            }
            cJSON_AddItemToArray(arr, v);
        }
        return arr;
    }
    default: /* JSONPath nodes (PATH, CALL) belong to aslrt_tmpl_eval */
        return aslrt_tmpl_eval(q->ex, t, input);
    }
}

cJSON *aslrt_query_eval(aslrt_exec *ex, const aslrt_tmpl *t, const cJSON *input, const cJSON *result,
                        const cJSON *error_output)
{
    qstates q;
    qs_init(&q, ex, input, result, error_output);
    cJSON *v = walk(&q, t, input, 0);
    qs_free(&q);
    return v;
}

/* -------------------------------------------------------- typed fields */

int aslrt_query_number(aslrt_exec *ex, const aslrt_tmpl *t, const cJSON *input, int integer, double min,
                       double max, double *out)
{
    cJSON *v = aslrt_query_eval(ex, t, input, NULL, NULL);
    if (!v)
        return -1;
    int rc = 0;
    if (!cJSON_IsNumber(v) || (integer && v->valuedouble != floor(v->valuedouble))) {
        rc = unexpected_type(ex, t, integer ? "integer" : "number", v);
    } else if (!(v->valuedouble >= min && v->valuedouble <= max)) {
        char lo[32], hi[32], val[32];
        aslrt_number_format(min, lo);
        aslrt_number_format(max, hi);
        aslrt_number_format(v->valuedouble, val);
        rc = aslrt_query_error(ex, t->field,
                               "The JSONata expression '%s' specified for the field '%s' returned %s, which is not "
                               "between %s and %s.",
                               t->text ? t->text : "", t->field ? t->field : "", val, lo, hi);
    } else {
        *out = v->valuedouble;
    }
    cJSON_Delete(v);
    return rc;
}

cJSON *aslrt_query_array(aslrt_exec *ex, const aslrt_tmpl *t, const cJSON *input)
{
    cJSON *v = aslrt_query_eval(ex, t, input, NULL, NULL);
    if (v && !cJSON_IsArray(v)) {
        unexpected_type(ex, t, "array", v);
        cJSON_Delete(v);
        return NULL;
    }
    return v;
}

char *aslrt_query_string(aslrt_exec *ex, const aslrt_tmpl *t, const cJSON *input)
{
    cJSON *v = aslrt_query_eval(ex, t, input, NULL, NULL);
    if (!v)
        return NULL;
    char *s = NULL;
    if (cJSON_IsString(v))
        s = aslrt_xstrdup(v->valuestring);
    else
        unexpected_type(ex, t, "string", v);
    cJSON_Delete(v);
    return s;
}

int aslrt_query_condition(aslrt_exec *ex, const aslrt_tmpl *t, const cJSON *input)
{
    cJSON *v = aslrt_query_eval(ex, t, input, NULL, NULL);
    if (!v)
        return -1;
    int r = cJSON_IsBool(v) ? cJSON_IsTrue(v) : unexpected_type(ex, t, "boolean", v);
    cJSON_Delete(v);
    return r;
}

/* ------------------------------------------------- the end of a state */

static void replace(cJSON **v, cJSON *with)
{
    cJSON_Delete(*v);
    *v = with;
}

/* Task, Parallel and Map have a result ($states.result); the others pass
   their input on. */
static int has_result(const aslrt_state *st)
{
    return st->type == ASLRT_TASK || st->type == ASLRT_PARALLEL || st->type == ASLRT_MAP;
}

/* §3.1 in JSONPath: Assign sees the raw result, then ResultSelector,
   ResultPath (into the raw input) and OutputPath. */
static int finish_jsonpath(aslrt_exec *ex, const aslrt_state *st, cJSON **v, cJSON *result, const aslrt_tmpl *assign)
{
    int inspecting = aslrt_inspecting(ex);
    if (inspecting && result)
        aslrt_inspect_report(ex, "result", result);
    if (assign) {
        cJSON *values = aslrt_tmpl_eval(ex, assign, result);
        if (!values || aslrt_vars_stage(ex, values) != 0) {
            cJSON_Delete(result);
            return -1;
        }
    }
    if (st->result_selector) {
        cJSON *sel = aslrt_tmpl_eval(ex, st->result_selector, result);
        cJSON_Delete(result);
        if (!(result = sel))
            return -1;
        if (inspecting)
            aslrt_inspect_report(ex, "afterResultSelector", result);
    }
    if (aslrt_result_path(ex, st, v, result) != 0)
        return -1;
    if (inspecting)
        aslrt_inspect_report(ex, "afterResultPath", *v);
    return aslrt_output_path(ex, st, v);
}

/* §9: Assign and Output are evaluated side by side over the same $states
   (Output does not see what Assign sets); the values are staged only when
   both succeeded. */
static int finish_jsonata(aslrt_exec *ex, cJSON **v, cJSON *result, const cJSON *error_output,
                          const aslrt_tmpl *assign, const aslrt_tmpl *output)
{
    if (result)
        ASLRT_INSPECT(ex, "result", result);
    qstates q;
    qs_init(&q, ex, *v, result, error_output);
    cJSON *values = NULL, *out = NULL;
    int ok = (!assign || (values = walk(&q, assign, *v, 0))) && (!output || (out = walk(&q, output, *v, 0)));
    qs_free(&q);
    if (!ok) {
        cJSON_Delete(values);
        cJSON_Delete(result);
        return -1;
    }
    if (values && aslrt_vars_stage(ex, values) != 0) {
        cJSON_Delete(out);
        cJSON_Delete(result);
        return -1;
    }
    if (out) {
        replace(v, out);
        cJSON_Delete(result);
    } else if (result) {
        replace(v, result);
    }
    return 0;
}

int aslrt_state_finish(aslrt_exec *ex, const aslrt_state *st, cJSON **v, cJSON *result, const aslrt_tmpl *assign,
                       const aslrt_tmpl *output)
{
    if (!(st->flags & ASLRT_JSONATA))
        return finish_jsonpath(ex, st, v, result, assign);
    if (!has_result(st)) {
        cJSON_Delete(result); /* no $states.result; no Output passes the input on */
        result = NULL;
    }
    return finish_jsonata(ex, v, result, NULL, assign, output);
}

int aslrt_state_pass_on(aslrt_exec *ex, const aslrt_state *st, cJSON **v, const cJSON *eff, cJSON *owned,
                        const aslrt_tmpl *assign, const aslrt_tmpl *output)
{
    if (st->flags & ASLRT_JSONATA) {
        cJSON_Delete(owned); /* no InputPath in JSONata: eff is *v */
        return finish_jsonata(ex, v, NULL, NULL, assign, output);
    }
    if (assign) {
        cJSON *values = aslrt_tmpl_eval(ex, assign, eff);
        if (!values || aslrt_vars_stage(ex, values) != 0) {
            cJSON_Delete(owned);
            return -1;
        }
    }
    aslrt_become(v, eff, owned);
    return aslrt_output_path(ex, st, v);
}

int aslrt_catch_finish(aslrt_exec *ex, const aslrt_state *st, const aslrt_catcher *c, cJSON **v,
                       cJSON *error_output)
{
    aslrt_vars_discard(ex); /* the catcher's Assign replaces the state's */
    if (st->flags & ASLRT_JSONATA) {
        int rc = finish_jsonata(ex, v, NULL, error_output, c->assign, c->output);
        if (rc == 0 && !c->output) {
            replace(v, error_output);
            return 0;
        }
        cJSON_Delete(error_output);
        return rc;
    }
    if (c->assign) {
        cJSON *values = aslrt_tmpl_eval(ex, c->assign, error_output);
        if (!values || aslrt_vars_stage(ex, values) != 0) {
            cJSON_Delete(error_output);
            return -1;
        }
    }
    if (c->result_path_null) {
        cJSON_Delete(error_output);
        return 0;
    }
    if (!c->result_path) {
        replace(v, error_output);
        return 0;
    }
    return aslrt_path_set(ex, c->result_path, v, error_output);
}
