/* jsonpath.c — evaluating JSONPath (aslrt_path) as AWS Step Functions does.
 *
 * AWS evaluates paths with Jayway JsonPath; this file reproduces the parts of
 * its behaviour that show (asl-reference §3.2, §3.4, §3.5):
 *
 * - A path is applied step by step to a list of nodes.  A field step on a
 *   non-object, an index on a non-array, an index out of range: no match.
 * - Definite paths (only .name and [n]) yield their node; the others yield
 *   an array of every match in document order, [] when there is none.
 * - '..' walks the tree in pre-order: a node's own match comes before the
 *   matches below it, children in document order (Jayway's ScanPathToken).
 * - A filter on an array tests each element; on an object it tests the
 *   object itself.  Comparisons: numbers with numbers, strings with strings,
 *   == and != on anything by deep equality; other type pairs, and a side
 *   that selects nothing, compare false (so != is true).
 * - Misses of definite paths are explained in Jayway's words, with the path
 *   rendered in brackets: $['a'][0]['b'].
 *
 * No recursion follows the shape of the document: '..' keeps its own stack,
 * and filters recurse only as deep as the definition nests them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "jsonpath.h"
#include "vars.h"

/* The error a ResultPath raises when it cannot be applied to its input (§3.4:
   the spec calls it States.ResultPathMatchFailure; AWS reports this name). */
#define ASLRT_ERR_REFERENCE_PATH_CONFLICT "States.ReferencePathConflict"

/* A list of borrowed nodes: the matches after each step. */
typedef struct nodes {
    const cJSON **v;
    size_t n, cap;
} nodes;

/* What a path is evaluated against: `root` is what $ means inside filters
   (the document the outermost path started from). */
typedef struct evalctx {
    aslrt_exec *ex;
    const cJSON *root;
} evalctx;

static void select_nodes(const evalctx *c, const aslrt_step *steps, int nsteps,
                         const cJSON *start, nodes *out);
static const cJSON *step_child(const aslrt_step *st, const cJSON *node);
static const cJSON *walk(const aslrt_path *p, int nsteps, const cJSON *node);

/* Appends a match. */
static void push(nodes *ns, const cJSON *j)
{
    if (ns->n == ns->cap) {
        size_t cap = ns->cap ? ns->cap * 2 : 8;
        const cJSON **v = aslrt_xmalloc(cap * sizeof *v);
        if (ns->n)
            memcpy(v, ns->v, ns->n * sizeof *v);
        free(ns->v);
        ns->v = v;
        ns->cap = cap;
    }
    ns->v[ns->n++] = j;
}

/* ---------------------------------------------------------------- roots */

/* Variables (asl-reference §8): ex's scope, then the scopes it runs
   inside (vars.c); NULL when the variable is not set. */
static const cJSON *variable_value(aslrt_exec *ex, const char *name)
{
    return aslrt_var_get(ex, name ? name : "");
}

/* $$.Map.Item.Value and $$.Map.Item.Index while an ItemSelector runs: a
   Map reads them once per item, and finding them here spares building $$
   for each. NULL for any other path (or outside an ItemSelector); else the
   node, with *rest the steps after the three. */
static const cJSON *map_item_path(aslrt_exec *ex, const aslrt_path *p, const aslrt_step **rest)
{
    const aslrt_step *s = p->steps;
    if (!ex->map_item || p->nsteps < 3 || s[0].kind != ASLRT_STEP_FIELD || s[1].kind != ASLRT_STEP_FIELD ||
        s[2].kind != ASLRT_STEP_FIELD || strcmp(s[0].name, "Map") != 0 || strcmp(s[1].name, "Item") != 0)
        return NULL;
    if (strcmp(s[2].name, "Value") == 0) {
        *rest = s + 3;
        return ex->map_item;
    }
    if (strcmp(s[2].name, "Index") != 0)
        return NULL;
    *rest = s + 3;
    cJSON *n = &ex->map_index_node;
    memset(n, 0, sizeof *n);
    n->type = cJSON_Number;
    n->valuedouble = (double)ex->map_index;
    n->valueint = ex->map_index > 2147483647L ? 2147483647 : (int)ex->map_index;
    return n;
}

/* Where a path that does not start at $ starts: *st moves past the steps
   taken already. Apart from aslrt_path_get, whose common case is $. */
static __attribute__((noinline)) const cJSON *path_start(aslrt_exec *ex, const aslrt_path *p, const cJSON *input,
                                                          const aslrt_step **st)
{
    const cJSON *n = p->root == ASLRT_ROOT_CONTEXT ? map_item_path(ex, p, st) : NULL;
    return n ? n : aslrt_path_root(ex, p, input);
}

/* $ and @ are the input; $$ is built on first use (aslrt_context). */
const cJSON *aslrt_path_root(aslrt_exec *ex, const aslrt_path *p, const cJSON *input)
{
    switch (p->root) {
    case ASLRT_ROOT_CONTEXT: /* the part of $$ the path goes into */
        return aslrt_context_for(ex, p->nsteps > 0 && p->steps[0].kind == ASLRT_STEP_FIELD ? p->steps[0].name
                                                                                         : NULL);
    case ASLRT_ROOT_VAR:
        return variable_value(ex, p->var);
    default: /* ASLRT_ROOT_INPUT, ASLRT_ROOT_CURRENT */
        return input;
    }
}

/* ---------------------------------------------------------------- steps */

/* An index as Jayway reads it: negative counts from the end. -1 when out of
   range. */
static int resolve_index(int index, int size)
{
    long i = index < 0 ? (long)size + index : index;
    return (i >= 0 && i < size) ? (int)i : -1;
}

/* The children of an array as a vector, so that slices can index it. */
static const cJSON **children(const cJSON *array, int *n)
{
    int size = cJSON_GetArraySize(array);
    const cJSON **v = aslrt_xmalloc((size_t)size * sizeof *v);
    int i = 0;
    for (const cJSON *e = array->child; e && i < size; e = e->next)
        v[i++] = e;
    *n = i;
    return v;
}

/* [start:end:step] with Python's rules: negative bounds count from the end,
   bounds are clamped, a negative step walks backwards. */
static void apply_slice(const aslrt_step *st, const cJSON *array, nodes *out)
{
    int n;
    const cJSON **v = children(array, &n);
    long step = st->step ? st->step : 1;
    long start, end;
    if (step > 0) {
        start = (st->flags & ASLRT_SLICE_NO_START) ? 0 : st->start;
        end = (st->flags & ASLRT_SLICE_NO_END) ? n : st->end;
        if (start < 0)
            start += n;
        if (end < 0)
            end += n;
        start = start < 0 ? 0 : start > n ? n : start;
        end = end < 0 ? 0 : end > n ? n : end;
        for (long i = start; i < end; i += step)
            push(out, v[i]);
    } else {
        start = (st->flags & ASLRT_SLICE_NO_START) ? n - 1 : st->start;
        end = (st->flags & ASLRT_SLICE_NO_END) ? -1 : st->end;
        if (!(st->flags & ASLRT_SLICE_NO_START) && start < 0)
            start += n;
        if (!(st->flags & ASLRT_SLICE_NO_END) && end < 0)
            end += n;
        start = start < -1 ? -1 : start > n - 1 ? n - 1 : start;
        end = end < -1 ? -1 : end > n - 1 ? n - 1 : end;
        for (long i = start; i > end; i += step)
            push(out, v[i]);
    }
    free(v);
}

/* '..name' and '..*': a pre-order walk with an explicit stack.  Each
   container visited contributes its member `name` (or, for '..*', all its
   children) before anything below it. */
static void apply_descend(const aslrt_step *st, const cJSON *node, nodes *out)
{
    nodes stack = {0}; /* the next child to visit, per open container */
    const cJSON *c = node;
    for (;;) {
        if (c && (cJSON_IsObject(c) || cJSON_IsArray(c))) {
            if (!st->name) {
                for (const cJSON *e = c->child; e; e = e->next)
                    push(out, e);
            } else if (cJSON_IsObject(c)) {
                const cJSON *m = aslrt_json_member(c, st->name);
                if (m)
                    push(out, m);
            }
            push(&stack, c->child);
        }
        /* the next node in pre-order */
        c = NULL;
        while (stack.n > 0 && !c) {
            const cJSON *next = stack.v[stack.n - 1];
            if (!next) {
                stack.n--;
                continue;
            }
            stack.v[stack.n - 1] = next->next;
            c = next;
        }
        if (!c)
            break;
    }
    free(stack.v);
}

/* Filter ==: same type and value; containers by deep, key-order-free equality. */
static int json_equal(const cJSON *a, const cJSON *b)
{
    if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
        return a->valuedouble == b->valuedouble;
    if (cJSON_IsString(a) && cJSON_IsString(b))
        return strcmp(a->valuestring, b->valuestring) == 0;
    if ((a->type & 0xff) != (b->type & 0xff))
        return 0;
    if (cJSON_IsArray(a) || cJSON_IsObject(a))
        return cJSON_Compare(a, b, 1);
    return 1; /* true, false, null */
}

/* <0, 0, >0 for an ordered pair; 2 when the pair has no order (Jayway
   orders only numbers with numbers and strings with strings). */
static int json_order(const cJSON *a, const cJSON *b)
{
    if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
        return a->valuedouble < b->valuedouble ? -1 : a->valuedouble > b->valuedouble ? 1 : 0;
    if (cJSON_IsString(a) && cJSON_IsString(b)) {
        int r = strcmp(a->valuestring, b->valuestring); /* bytes: code point order */
        return r < 0 ? -1 : r > 0 ? 1 : 0;
    }
    return 2;
}

/* A path inside a filter, evaluated for candidate `at`: all its matches. */
static void filter_select(const evalctx *c, const aslrt_path *p, const cJSON *at, nodes *out)
{
    const cJSON *start = p->root == ASLRT_ROOT_CURRENT ? at : c->root;
    if (start)
        select_nodes(c, p->steps, p->nsteps, start, out);
}

/* A filter operand's value: a definite path's node, or for an indefinite
   one an array of references to its matches (in *tmp, for the caller to
   delete; it owns nothing but its own nodes). NULL when nothing matches. */
static const cJSON *operand(const evalctx *c, const aslrt_path *p, const cJSON *at, cJSON **tmp)
{
    *tmp = NULL;
    if (p->definite) {
        const cJSON *start = p->root == ASLRT_ROOT_CURRENT ? at : c->root;
        return start ? walk(p, p->nsteps, start) : NULL;
    }
    nodes ns = {0};
    filter_select(c, p, at, &ns);
    *tmp = aslrt_xjson(cJSON_CreateArray());
    for (size_t i = 0; i < ns.n; i++)
        if (!cJSON_AddItemReferenceToArray(*tmp, (cJSON *)ns.v[i]))
            aslrt_xjson(NULL); /* out of memory */
    free(ns.v);
    return *tmp;
}

/* Does candidate `at` pass filter f? */
static int filter_test(const evalctx *c, const aslrt_filter *f, const cJSON *at)
{
    switch (f->op) {
    case ASLRT_FILTER_AND:
        return filter_test(c, f->a, at) && filter_test(c, f->b, at);
    case ASLRT_FILTER_OR:
        return filter_test(c, f->a, at) || filter_test(c, f->b, at);
    case ASLRT_FILTER_NOT:
        return !filter_test(c, f->a, at);
    case ASLRT_FILTER_EXISTS: {
        if (f->lhs->definite) {
            cJSON *none;
            return operand(c, f->lhs, at, &none) != NULL;
        }
        nodes ns = {0};
        filter_select(c, f->lhs, at, &ns);
        free(ns.v);
        return ns.n > 0;
    }
    default:
        break;
    }
    cJSON *ltmp, *rtmp = NULL;
    const cJSON *l = operand(c, f->lhs, at, &ltmp);
    const cJSON *r = f->rhs_path ? operand(c, f->rhs_path, at, &rtmp) : f->rhs;
    int eq = 0, ord = 2;
    if (l && r) {
        eq = json_equal(l, r);
        ord = json_order(l, r);
    }
    cJSON_Delete(ltmp);
    cJSON_Delete(rtmp);
    switch (f->op) {
    case ASLRT_FILTER_EQ: return eq;
    case ASLRT_FILTER_NE: return !eq;
    case ASLRT_FILTER_LT: return ord == -1;
    case ASLRT_FILTER_LE: return ord == -1 || ord == 0;
    case ASLRT_FILTER_GT: return ord == 1;
    case ASLRT_FILTER_GE: return ord == 1 || ord == 0;
    default: return 0;
    }
}

/* One step applied to one node, its matches appended to out. */
static void apply_step(const evalctx *c, const aslrt_step *st, const cJSON *node, nodes *out)
{
    switch (st->kind) {
    case ASLRT_STEP_FIELD:
    case ASLRT_STEP_INDEX: {
        const cJSON *m = step_child(st, node);
        if (m)
            push(out, m);
        break;
    }
    case ASLRT_STEP_SLICE:
        if (cJSON_IsArray(node))
            apply_slice(st, node, out);
        break;
    case ASLRT_STEP_WILDCARD:
        if (cJSON_IsObject(node) || cJSON_IsArray(node))
            for (const cJSON *e = node->child; e; e = e->next)
                push(out, e);
        break;
    case ASLRT_STEP_DESCEND:
        apply_descend(st, node, out);
        break;
    case ASLRT_STEP_UNION:
        for (int k = 0; k < st->nitems; k++)
            apply_step(c, &st->items[k], node, out); /* items are FIELD or INDEX */
        break;
    case ASLRT_STEP_FILTER:
        if (cJSON_IsArray(node)) {
            for (const cJSON *e = node->child; e; e = e->next)
                if (filter_test(c, st->filter, e))
                    push(out, e);
        } else if (cJSON_IsObject(node)) {
            if (filter_test(c, st->filter, node))
                push(out, node);
        }
        break;
    default:
        break;
    }
}

/* Every node the steps select from `start`, in document order. */
static void select_nodes(const evalctx *c, const aslrt_step *steps, int nsteps,
                         const cJSON *start, nodes *out)
{
    nodes a = {0}, b = {0};
    push(&a, start);
    for (int i = 0; i < nsteps && a.n > 0; i++) {
        b.n = 0;
        for (size_t k = 0; k < a.n; k++)
            apply_step(c, &steps[i], a.v[k], &b);
        nodes t = a;
        a = b;
        b = t;
    }
    free(b.v);
    if (out->n == 0 && !out->v) {
        *out = a;
    } else {
        for (size_t k = 0; k < a.n; k++)
            push(out, a.v[k]);
        free(a.v);
    }
}

/* The child a definite step (.name or [n]) selects in node, or NULL. */
static const cJSON *step_child(const aslrt_step *st, const cJSON *node)
{
    if (st->kind == ASLRT_STEP_FIELD && cJSON_IsObject(node))
        return aslrt_json_member(node, st->name);
    if (st->kind == ASLRT_STEP_INDEX && cJSON_IsArray(node)) {
        int k = resolve_index(st->index, cJSON_GetArraySize(node));
        return k >= 0 ? cJSON_GetArrayItem(node, k) : NULL;
    }
    return NULL;
}

/* The node of a definite path, walking its first `nsteps` steps; NULL when
   one is missing. */
static const cJSON *walk(const aslrt_path *p, int nsteps, const cJSON *node)
{
    for (int i = 0; i < nsteps && node; i++)
        node = step_child(&p->steps[i], node);
    return node;
}

/* aslrt_path_get past its inline case: a walk down .name and [n] steps,
   with no allocation. */
const cJSON *aslrt_path_walk(aslrt_exec *ex, const aslrt_path *p, const cJSON *input)
{
    if (!p->definite)
        return NULL;
    const aslrt_step *st = p->steps, *end = st ? st + p->nsteps : st; /* "$" has no steps array */
    const cJSON *node = p->root == ASLRT_ROOT_INPUT ? input : path_start(ex, p, input, &st);
    for (; node && st < end; st++) /* .name steps inline: most paths are $.a.b */
        node = st->kind != ASLRT_STEP_FIELD ? step_child(st, node)
               : (node->type & 0xff) == cJSON_Object ? aslrt_json_member(node, st->name)
                                                     : NULL;
    return node;
}

/* Moving a node out: the walk of aslrt_path_get to the parent, then the
   last step, unlinked in place. */
cJSON *aslrt_path_detach(aslrt_exec *ex, const aslrt_path *p, cJSON *doc)
{
    if (!p->definite || p->root != ASLRT_ROOT_INPUT || p->nsteps == 0)
        return NULL;
    cJSON *parent = doc;
    if (p->nsteps > 1) {
        aslrt_path up = *p;
        up.nsteps--;
        parent = (cJSON *)aslrt_path_get(ex, &up, doc);
    }
    if (!parent)
        return NULL;
    const aslrt_step *last = &p->steps[p->nsteps - 1];
    cJSON *node = (cJSON *)(last->kind == ASLRT_STEP_FIELD && (parent->type & 0xff) == cJSON_Object
                                ? aslrt_json_member(parent, last->name)
                                : step_child(last, parent));
    if (!node)
        return NULL;
    cJSON_DetachItemViaPointer(parent, node);
    aslrt_json_unkey(node);
    return node;
}

/* Values for templates and filters: copies, since input is borrowed. */
cJSON *aslrt_path_eval(aslrt_exec *ex, const aslrt_path *p, const cJSON *input)
{
    if (p->definite) {
        const cJSON *n = aslrt_path_get(ex, p, input);
        return n ? aslrt_json_copy(n) : NULL;
    }
    cJSON *arr = aslrt_xjson(cJSON_CreateArray());
    const cJSON *root = aslrt_path_root(ex, p, input);
    if (!root)
        return arr;
    evalctx c = {ex, root};
    nodes ns = {0};
    select_nodes(&c, p->steps, p->nsteps, root, &ns);
    for (size_t i = 0; i < ns.n; i++)
        cJSON_AddItemToArray(arr, aslrt_json_copy(ns.v[i]));
    free(ns.v);
    return arr;
}

/* ------------------------------------------------------------- causes */

/* Jayway's rendering of a step: ['name'] or [n]. */
static void render_step(asl_buf *b, const aslrt_step *st)
{
    if (st->kind == ASLRT_STEP_FIELD) {
        asl_buf_puts(b, "['");
        asl_buf_puts(b, st->name);
        asl_buf_puts(b, "']");
    } else if (st->kind == ASLRT_STEP_INDEX) {
        char num[24];
        snprintf(num, sizeof num, "[%d]", st->index);
        asl_buf_puts(b, num);
    }
}

/* Jayway's words for a definite path that selects nothing (§3.5):
   a missing last field, or a missing index anywhere, gives "No results for
   path: <whole path>"; a missing intermediate field gives "Missing property
   in path <path up to it>".  (Jayway's separate text for a field step on a
   non-object names Java classes; we treat that step as missing.) */
char *aslrt_path_miss_cause(aslrt_exec *ex, const aslrt_path *p, const cJSON *input)
{
    const char *text = p->text ? p->text : "";
    asl_buf b = {0};
    asl_buf_puts(&b, "Invalid path '");
    asl_buf_puts(&b, text);
    asl_buf_puts(&b, "' : ");
    const cJSON *node = aslrt_path_root(ex, p, input);
    if (!node) { /* a variable no state has set [? AWS's wording not recorded] */
        asl_buf_puts(&b, "The variable '");
        asl_buf_puts(&b, p->var ? p->var : "");
        asl_buf_puts(&b, "' is not defined");
        return asl_buf_take(&b);
    }
    for (int i = 0; i < p->nsteps; i++) {
        const aslrt_step *st = &p->steps[i];
        const cJSON *child = step_child(st, node);
        if (!child && st->kind == ASLRT_STEP_FIELD && i < p->nsteps - 1) {
            asl_buf_puts(&b, "Missing property in path $");
            for (int k = 0; k <= i; k++)
                render_step(&b, &p->steps[k]);
            return asl_buf_take(&b);
        }
        if (!child)
            break;
        node = child;
    }
    asl_buf_puts(&b, "No results for path: $");
    for (int k = 0; k < p->nsteps; k++)
        render_step(&b, &p->steps[k]);
    return asl_buf_take(&b);
}

/* ----------------------------------------------------------- ResultPath */

/* ResultPath cannot be applied: AWS's cause quotes the path and the whole
   input as compact JSON (§3.4). */
static int conflict(aslrt_exec *ex, const aslrt_path *p, const cJSON *doc)
{
    char *text = doc ? aslrt_json_text(doc) : aslrt_xstrdup("null");
    aslrt_error_setf(ex, ASLRT_ERR_REFERENCE_PATH_CONFLICT, "Unable to apply ReferencePath %s to input %s",
                     p->text ? p->text : "", text);
    free(text);
    return -1;
}

/* Walks reference path p into doc and puts value at its end; with `dry`
   set only checks that it can (so that a failure leaves doc unchanged).
   Missing members are created as objects; a step on a node of the wrong
   type, an index out of range or an index under a created object fails. */
static int place(aslrt_exec *ex, const aslrt_path *p, cJSON *doc, cJSON *value, int dry)
{
    cJSON *node = doc;
    int creating = 0;
    for (int i = 0; i < p->nsteps; i++) {
        const aslrt_step *st = &p->steps[i];
        int last = i == p->nsteps - 1;
        if (st->kind == ASLRT_STEP_FIELD) {
            cJSON *child = NULL;
            if (!creating) {
                if (!cJSON_IsObject(node))
                    return conflict(ex, p, doc);
                child = (cJSON *)aslrt_json_member(node, st->name);
            }
            if (dry) {
                creating = creating || !child;
                node = child;
                continue;
            }
            /* keys point at the path's step names, which outlive every
               document of the run (cJSON_StringIsConst), as templates' do */
            if (last) {
                aslrt_json_unkey(value);
                if (child) {
                    value->string = (char *)st->name;
                    value->type |= cJSON_StringIsConst;
                    cJSON_ReplaceItemViaPointer(node, child, value);
                } else if (!cJSON_AddItemToObjectCS(node, st->name, value)) {
                    aslrt_xjson(NULL);
                }
            } else if (child) {
                node = child;
            } else {
                creating = 1;
                cJSON *o = aslrt_xjson(cJSON_CreateObject());
                if (!cJSON_AddItemToObjectCS(node, st->name, o))
                    aslrt_xjson(NULL);
                node = o;
            }
        } else if (st->kind == ASLRT_STEP_INDEX && !creating && cJSON_IsArray(node)) {
            int k = resolve_index(st->index, cJSON_GetArraySize(node));
            if (k < 0)
                return conflict(ex, p, doc);
            cJSON *child = cJSON_GetArrayItem(node, k);
            if (last && !dry) {
                aslrt_json_unkey(value);
                cJSON_ReplaceItemViaPointer(node, child, value);
            }
            node = child;
        } else {
            return conflict(ex, p, doc);
        }
    }
    return 0;
}

/* ResultPath placement: checked first, then done, so that a conflict leaves
   *doc as it was (Catch merges into it afterwards). */
int aslrt_path_set(aslrt_exec *ex, const aslrt_path *p, cJSON **doc, cJSON *value)
{
    if (p->root != ASLRT_ROOT_INPUT) {
        cJSON_Delete(value);
        return conflict(ex, p, *doc);
    }
    if (p->nsteps == 0) {
        cJSON_Delete(*doc);
        *doc = value;
        return 0;
    }
    if (place(ex, p, *doc, value, 1) != 0) {
        cJSON_Delete(value);
        return -1;
    }
    return place(ex, p, *doc, value, 0);
}
