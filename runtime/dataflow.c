/* dataflow.c — InputPath, payload templates, ResultPath and OutputPath
 * (asl-reference §3), with AWS's causes when a path finds nothing.
 *
 * Documents move rather than copy wherever ownership allows: ResultPath puts
 * the result into the raw input in place, OutputPath detaches the node it
 * selects from the state output.  Only InputPath (whose raw input stays the
 * caller's, for ResultPath) and template paths (whose input is borrowed)
 * copy what they select.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dataflow.h"
#include "inspect.h"
#include "intrinsics.h"
#include "jsonpath.h"
#include "query.h"

/* Templates nest as deep as the definition's JSON, which cJSON's parser
   bounds at 1000 levels; this keeps the C stack bounded whatever the
   descriptors hold. */
#define MAX_TMPL_DEPTH 1024

/* AWS's cause for a path applied to a null document (§3.5). */
#define NULL_INPUT_CAUSE "Unable to apply Path transformation to null or empty input."

/* Replaces the caller's document by `with` (taken). */
static void replace(cJSON **v, cJSON *with)
{
    cJSON_Delete(*v);
    *v = with;
}

/* Does applying p to doc hit AWS's null-input check?  Only paths into the
   input that go somewhere below "$" do; "$" itself passes null through. */
static int null_input(const aslrt_path *p, const cJSON *doc)
{
    return p->root == ASLRT_ROOT_INPUT && p->nsteps > 0 && cJSON_IsNull(doc);
}

/* States.Runtime with the "Invalid path ..." cause of a definite path that
   found nothing (InputPath, OutputPath). */
static void path_miss(aslrt_exec *ex, const aslrt_path *p, const cJSON *doc)
{
    char *cause = aslrt_path_miss_cause(ex, p, doc);
    aslrt_runtime_error(ex, "%s", cause);
    free(cause);
}

/* InputPath or OutputPath p applied to doc, as a new document: the selected
   node copied, or an indefinite path's array. NULL on States.Runtime. */
static cJSON *select_copy(aslrt_exec *ex, const aslrt_path *p, const cJSON *doc)
{
    if (null_input(p, doc)) {
        aslrt_runtime_error(ex, "%s", NULL_INPUT_CAUSE);
        return NULL;
    }
    if (!p->definite)
        return aslrt_path_eval(ex, p, doc);
    const cJSON *n = aslrt_path_get(ex, p, doc);
    if (!n) {
        path_miss(ex, p, doc);
        return NULL;
    }
    return aslrt_json_copy(n);
}

/* InputPath (§3.1): raw stays the caller's, for ResultPath to merge into, so
   what it selects is copied. */
cJSON *aslrt_input_path(aslrt_exec *ex, const aslrt_state *st, const cJSON *raw)
{
    cJSON *eff;
    if (st->flags & ASLRT_INPUT_PATH_NULL)
        eff = aslrt_xjson(cJSON_CreateObject());
    else if (!st->input_path)
        eff = aslrt_json_copy(raw);
    else
        eff = select_copy(ex, st->input_path, raw);
    if (eff)
        ASLRT_INSPECT(ex, "afterInputPath", eff);
    return eff;
}

/* InputPath without copying: the effective input is borrowed from raw when
   it is raw itself or one node of it; only null InputPaths and indefinite
   paths build a document, returned in *owned as well. */
const cJSON *aslrt_input_view(aslrt_exec *ex, const aslrt_state *st, const cJSON *raw, cJSON **owned)
{
    *owned = NULL;
    const aslrt_path *p = st->input_path;
    if ((st->flags & ASLRT_INPUT_PATH_NULL) || (p && (!p->definite || p->root != ASLRT_ROOT_INPUT))) {
        *owned = aslrt_input_path(ex, st, raw);
        return *owned;
    }
    if (!p || p->nsteps == 0)
        return raw;
    if (null_input(p, raw)) {
        aslrt_runtime_error(ex, "%s", NULL_INPUT_CAUSE);
        return NULL;
    }
    const cJSON *n = aslrt_path_get(ex, p, raw);
    if (!n)
        path_miss(ex, p, raw);
    else
        ASLRT_INSPECT(ex, "afterInputPath", n);
    return n;
}

/* Makes the effective input the state's document: *v becomes `view`,
   moving `owned` in when there is one and copying only a borrowed node. */
void aslrt_become(cJSON **v, const cJSON *view, cJSON *owned)
{
    if (owned)
        replace(v, owned);
    else if (view != *v)
        replace(v, aslrt_json_copy(view));
}

/* ------------------------------------------------------------ templates */

/* A "key.$": "path" member: the path's value over the template input (or
   the context object, or a variable).  A definite path that finds nothing
   is a States.Runtime naming the path, the field and the document searched
   (§3.5): for $$ paths that document is the context object. */
static cJSON *tmpl_path(aslrt_exec *ex, const aslrt_tmpl *t, const cJSON *input)
{
    const aslrt_path *p = t->path;
    if (p->root == ASLRT_ROOT_INPUT && cJSON_IsNull(input)) {
        aslrt_runtime_error(ex, "%s", NULL_INPUT_CAUSE); /* even for "$" [A] */
        return NULL;
    }
    cJSON *v = aslrt_path_eval(ex, p, input); /* sets no error */
    if (v)
        return v;
    if (!t->field) { /* a bare path (ErrorPath, ...) with no field to name */
        path_miss(ex, p, input);
        return NULL;
    }
    const cJSON *searched = input;
    if (p->root == ASLRT_ROOT_CONTEXT)
        searched = aslrt_context(ex);
    char *text = aslrt_json_text(searched);
    aslrt_runtime_error(ex, "The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'",
                        p->text ? p->text : "", t->field, text);
    free(text);
    return NULL;
}

/* Sets member `key` of obj (taking v): the key is the template's, which
   outlives every document of the run (static data in generated code, the
   IR in interp mode), so the member points at it (cJSON_StringIsConst)
   instead of holding a copy. When the template's keys are not known to be
   distinct, a member already there is replaced (cJSON would append a second
   one with the same key). */
static inline void set_member(cJSON *obj, const char *key, cJSON *v, int unique)
{
    if (!unique) {
        cJSON *old = (cJSON *)aslrt_json_member(obj, key);
        if (old) {
            aslrt_json_unkey(v);
            v->string = (char *)key;
            v->type |= cJSON_StringIsConst;
            cJSON_ReplaceItemViaPointer(obj, old, v);
            return;
        }
    }
    if (!cJSON_AddItemToObjectCS(obj, key, v))
        aslrt_xjson(NULL); /* out of memory */
}

/* A template whose input dies with the state (ASLRT_MOVE_INPUT). */
typedef struct mover {
    aslrt_exec *ex;
    const aslrt_state *st;
    cJSON **v;    /* the state's document */
    cJSON *mut;   /* the effective input, *v or a node of it: ASLRT_TF_MOVE members take
                     their node out of it */
} mover;

/* "$" moved: the effective input itself leaves the state's document, which
   keeps a placeholder when they are one node (a failed state's *v must
   stay a document). compiler/opt.c allows this move only when no other
   path of the template reads the input. */
static cJSON *take_input(mover *mv)
{
    cJSON *in = mv->mut;
    if (in == *mv->v) {
        *mv->v = aslrt_xjson(cJSON_CreateNull());
    } else {
        aslrt_path parent_path = *mv->st->input_path;
        parent_path.nsteps--;
        cJSON_DetachItemViaPointer((cJSON *)aslrt_path_get(mv->ex, &parent_path, *mv->v), in);
    }
    aslrt_json_unkey(in);
    mv->mut = NULL;
    return in;
}

/* A PATH node's value: moved out of a dying input when it is flagged so
   (NULL from the move means the path finds nothing: it is then evaluated
   as usual, for the error), else copied. */
static inline cJSON *tmpl_member_path(aslrt_exec *ex, const aslrt_tmpl *t, const cJSON *input, mover *mv)
{
    if (mv && mv->mut && (t->flags & ASLRT_TF_MOVE)) {
        cJSON *node = t->path->nsteps == 0 ? take_input(mv) : aslrt_path_detach(ex, t->path, mv->mut);
        if (node)
            return node;
    }
    return tmpl_path(ex, t, input);
}

/* One template node over `input`; depth bounds the recursion. With a mover
   (else NULL), ASLRT_TF_MOVE members move their node instead of copying. */
static cJSON *tmpl_eval(aslrt_exec *ex, const aslrt_tmpl *t, const cJSON *input, mover *mv, int depth)
{
    if (depth > MAX_TMPL_DEPTH) {
        aslrt_runtime_error(ex, "The payload template is nested more than %d levels deep.", MAX_TMPL_DEPTH);
        return NULL;
    }
    switch (t->kind) {
    case ASLRT_T_LITERAL:
        /* definition data stays the definition's: copy it */
        return t->value ? aslrt_json_copy(t->value) : aslrt_xjson(cJSON_CreateNull());
    case ASLRT_T_PATH:
        return tmpl_member_path(ex, t, input, mv);
    case ASLRT_T_CALL:
        return aslrt_intrinsic_call(ex, t, input);
    case ASLRT_T_JSONATA: /* JSONata states' templates: $states.input is `input` */
        return aslrt_query_eval(ex, t, input, NULL, NULL);
    case ASLRT_T_OBJECT: {
        cJSON *obj = aslrt_xjson(cJSON_CreateObject());
        int unique = t->flags & ASLRT_TF_UNIQUE_KEYS;
        for (int i = 0; i < t->n; i++) {
            const aslrt_tmpl *it = &t->items[i];
            cJSON *v = it->kind == ASLRT_T_PATH   ? tmpl_member_path(ex, it, input, mv) /* the usual members, */
                       : it->kind == ASLRT_T_CALL ? aslrt_intrinsic_call(ex, it, input) /* without recursing */
                                                  : tmpl_eval(ex, it, input, mv, depth + 1);
            if (!v) {
                cJSON_Delete(obj);
                return NULL;
            }
            if (unique) { /* the usual case: the key is new, the member goes last */
                aslrt_json_unkey(v);
                v->string = (char *)(it->key ? it->key : "");
                v->type |= cJSON_StringIsConst;
                aslrt_json_append(obj, v);
            } else {
                set_member(obj, it->key ? it->key : "", v, 0);
            }
        }
        return obj;
    }
    case ASLRT_T_ARRAY: {
        cJSON *arr = aslrt_xjson(cJSON_CreateArray());
        for (int i = 0; i < t->n; i++) {
            cJSON *v = tmpl_eval(ex, &t->items[i], input, mv, depth + 1);
            if (!v) {
                cJSON_Delete(arr);
                return NULL;
            }
            aslrt_json_unkey(v);
            aslrt_json_append(arr, v);
        }
        return arr;
    }
    default:
        aslrt_runtime_error(ex, "Unknown payload template node %d.", t->kind);
        return NULL;
    }
}

/* Templates are evaluated fresh each time: their input differs per run. */
cJSON *aslrt_tmpl_eval(aslrt_exec *ex, const aslrt_tmpl *t, const cJSON *input)
{
    return tmpl_eval(ex, t, input, NULL, 0);
}

/* Do the paths of t flagged ASLRT_TF_CHECK all find their node? When one
   does not, its error quotes the input, so nothing may move before it. */
static int checks_pass(aslrt_exec *ex, const aslrt_tmpl *t, const cJSON *input, int depth)
{
    if (depth > MAX_TMPL_DEPTH)
        return 0;
    if (t->kind == ASLRT_T_PATH)
        return !(t->flags & ASLRT_TF_CHECK) || aslrt_path_get(ex, t->path, input) != NULL;
    if (t->kind != ASLRT_T_OBJECT && t->kind != ASLRT_T_ARRAY && t->kind != ASLRT_T_CALL)
        return 1;
    for (int i = 0; i < t->n; i++)
        if (!checks_pass(ex, &t->items[i], input, depth + 1))
            return 0;
    return 1;
}

cJSON *aslrt_params_moving(aslrt_exec *ex, const aslrt_state *st, cJSON **v, const cJSON *eff)
{
    const aslrt_tmpl *t = st->parameters;
    if ((eff->type & 0xff) == cJSON_NULL || /* every path into it fails */
        ((t->flags & ASLRT_TF_CHECKS) && !checks_pass(ex, t, eff, 0)))
        return tmpl_eval(ex, t, eff, NULL, 0);
    mover mv = {ex, st, v, (cJSON *)eff}; /* eff is *v or a node of it: the caller's, writable */
    return tmpl_eval(ex, st->parameters, eff, &mv, 0);
}

/* ------------------------------------------------- ResultPath, OutputPath */

/* ResultPath (§3.4): null keeps the raw input, absent makes the result the
   output, otherwise the result is moved into the raw input. */
int aslrt_result_path(aslrt_exec *ex, const aslrt_state *st, cJSON **v, cJSON *result)
{
    if (st->flags & ASLRT_RESULT_PATH_NULL) {
        cJSON_Delete(result);
        return 0;
    }
    if (!st->result_path) {
        replace(v, result);
        return 0;
    }
    return aslrt_path_set(ex, st->result_path, v, result);
}

/* OutputPath: the node it selects becomes the output.  A definite path
   into the output is detached from it rather than copied. */
int aslrt_output_path(aslrt_exec *ex, const aslrt_state *st, cJSON **v)
{
    if (st->flags & ASLRT_OUTPUT_PATH_NULL) {
        replace(v, aslrt_xjson(cJSON_CreateObject()));
        return 0;
    }
    const aslrt_path *p = st->output_path;
    if (!p || (p->root == ASLRT_ROOT_INPUT && p->nsteps == 0))
        return 0;
    if (p->root != ASLRT_ROOT_INPUT || !p->definite || null_input(p, *v)) {
        cJSON *r = select_copy(ex, p, *v);
        if (!r)
            return -1;
        replace(v, r);
        return 0;
    }
    cJSON *node = aslrt_path_detach(ex, p, *v);
    if (!node) {
        path_miss(ex, p, *v);
        return -1;
    }
    replace(v, node);
    return 0;
}
