/* emit.c — the code generator.
 *
 * The output has three parts, written in this order:
 *   1. prototypes of the machine functions (aslg_m0 is the top level);
 *   2. static data: every descriptor the runtime reads (paths, templates,
 *      choice rules, retriers, catchers, states, machines), children before
 *      parents, each named k_<kind>_<n>; literal JSON as static cJSON trees;
 *   3. one function per machine: a label per state that something jumps to,
 *      one runtime call per state, a goto per transition.
 * Names in the C source are all made up here; text from the definition goes
 * through cquote.c only. Descriptors reachable twice are emitted once (a
 * small pointer-keyed table remembers what was written).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cquote.h"
#include "emit.h"
#include "xalloc.h"

enum { K_JSON, K_PATH, K_STEPS, K_FILTER, K_TMPL, K_RULES, K_ERRORS, K_RETRY, K_CATCH, K_BRANCHES, K_READER, K_BATCHER,
       K_WRITER, K_JX };

typedef struct seen {
    const void *ptr;
    int kind, id;
} seen;

typedef struct emitter {
    const asl_def *def;
    asl_buf *out;      /* data is written straight to the output */
    seen *table;       /* open addressing; NULL ptr = empty */
    size_t cap, used;
    int next_id;
    asl_emit_sym *syms; /* asl_emit_c_code: descriptors the code names instead of defining */
    int nsyms, capsyms;
} emitter;

static size_t hash_ptr(const void *p, int kind)
{
    uintptr_t x = (uintptr_t)p ^ ((uintptr_t)kind << 3);
    x ^= x >> 17;
    x *= 0xed5ad4bbu;
    x ^= x >> 11;
    return (size_t)x;
}

/* The id under which (ptr, kind) was emitted, or -1. */
static int lookup(const emitter *e, const void *ptr, int kind)
{
    if (!e->cap)
        return -1;
    for (size_t i = hash_ptr(ptr, kind) & (e->cap - 1);; i = (i + 1) & (e->cap - 1)) {
        if (!e->table[i].ptr)
            return -1;
        if (e->table[i].ptr == ptr && e->table[i].kind == kind)
            return e->table[i].id;
    }
}

static int remember(emitter *e, const void *ptr, int kind)
{
    if (2 * (e->used + 1) > e->cap) {
        size_t old_cap = e->cap;
        seen *old = e->table;
        e->cap = old_cap ? 2 * old_cap : 256;
        e->table = calloc(e->cap, sizeof *e->table);
        if (!e->table)
            abort();
        e->used = 0;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].ptr) {
                size_t j = hash_ptr(old[i].ptr, old[i].kind) & (e->cap - 1);
                while (e->table[j].ptr)
                    j = (j + 1) & (e->cap - 1);
                e->table[j] = old[i];
                e->used++;
            }
        free(old);
    }
    size_t j = hash_ptr(ptr, kind) & (e->cap - 1);
    while (e->table[j].ptr)
        j = (j + 1) & (e->cap - 1);
    e->table[j].ptr = ptr;
    e->table[j].kind = kind;
    e->table[j].id = e->next_id++;
    e->used++;
    return e->table[j].id;
}

/* Symbolic names for the runtime's enums, so the generated C reads as what
   it means. Designated initializers keep them in step with aslrt.h. */
#define NAME(x) [x] = #x
static const char *const step_kind[] = {NAME(ASLRT_STEP_FIELD), NAME(ASLRT_STEP_INDEX), NAME(ASLRT_STEP_SLICE),
                                        NAME(ASLRT_STEP_WILDCARD), NAME(ASLRT_STEP_DESCEND), NAME(ASLRT_STEP_UNION),
                                        NAME(ASLRT_STEP_FILTER)};
static const char *const root_kind[] = {NAME(ASLRT_ROOT_INPUT), NAME(ASLRT_ROOT_CONTEXT), NAME(ASLRT_ROOT_VAR),
                                        NAME(ASLRT_ROOT_CURRENT)};
static const char *const filter_op[] = {NAME(ASLRT_FILTER_EXISTS), NAME(ASLRT_FILTER_EQ), NAME(ASLRT_FILTER_NE),
                                        NAME(ASLRT_FILTER_LT), NAME(ASLRT_FILTER_LE), NAME(ASLRT_FILTER_GT),
                                        NAME(ASLRT_FILTER_GE), NAME(ASLRT_FILTER_AND), NAME(ASLRT_FILTER_OR),
                                        NAME(ASLRT_FILTER_NOT)};
static const char *const tmpl_kind[] = {NAME(ASLRT_T_LITERAL), NAME(ASLRT_T_PATH), NAME(ASLRT_T_CALL),
                                        NAME(ASLRT_T_OBJECT), NAME(ASLRT_T_ARRAY), NAME(ASLRT_T_JSONATA)};
static const char *const fn_name[] = {
    NAME(ASLRT_FN_FORMAT), NAME(ASLRT_FN_STRING_TO_JSON), NAME(ASLRT_FN_JSON_TO_STRING), NAME(ASLRT_FN_ARRAY),
    NAME(ASLRT_FN_ARRAY_PARTITION), NAME(ASLRT_FN_ARRAY_CONTAINS), NAME(ASLRT_FN_ARRAY_RANGE),
    NAME(ASLRT_FN_ARRAY_GET_ITEM), NAME(ASLRT_FN_ARRAY_LENGTH), NAME(ASLRT_FN_ARRAY_UNIQUE),
    NAME(ASLRT_FN_BASE64_ENCODE), NAME(ASLRT_FN_BASE64_DECODE), NAME(ASLRT_FN_HASH), NAME(ASLRT_FN_JSON_MERGE),
    NAME(ASLRT_FN_MATH_RANDOM), NAME(ASLRT_FN_MATH_ADD), NAME(ASLRT_FN_STRING_SPLIT), NAME(ASLRT_FN_UUID)};
static const char *const rule_op[] = {
    NAME(ASLRT_OP_AND), NAME(ASLRT_OP_OR), NAME(ASLRT_OP_NOT), NAME(ASLRT_OP_STRING_EQ), NAME(ASLRT_OP_STRING_LT),
    NAME(ASLRT_OP_STRING_GT), NAME(ASLRT_OP_STRING_LE), NAME(ASLRT_OP_STRING_GE), NAME(ASLRT_OP_STRING_MATCHES),
    NAME(ASLRT_OP_NUMERIC_EQ), NAME(ASLRT_OP_NUMERIC_LT), NAME(ASLRT_OP_NUMERIC_GT), NAME(ASLRT_OP_NUMERIC_LE),
    NAME(ASLRT_OP_NUMERIC_GE), NAME(ASLRT_OP_BOOLEAN_EQ), NAME(ASLRT_OP_TIMESTAMP_EQ), NAME(ASLRT_OP_TIMESTAMP_LT),
    NAME(ASLRT_OP_TIMESTAMP_GT), NAME(ASLRT_OP_TIMESTAMP_LE), NAME(ASLRT_OP_TIMESTAMP_GE), NAME(ASLRT_OP_IS_NULL),
    NAME(ASLRT_OP_IS_PRESENT), NAME(ASLRT_OP_IS_NUMERIC), NAME(ASLRT_OP_IS_STRING), NAME(ASLRT_OP_IS_BOOLEAN),
    NAME(ASLRT_OP_IS_TIMESTAMP)};
#undef NAME

/* The name of enum value i from table t (n entries), or the number itself. */
static void put_enum(asl_buf *b, const char *const *t, size_t n, int i)
{
    if (i >= 0 && (size_t)i < n && t[i])
        asl_buf_puts(b, t[i]);
    else
        asl_buf_printf(b, "%d", i);
}
#define PUT_ENUM(b, table, i) put_enum(b, table, sizeof table / sizeof table[0], i)

static void put_double(asl_buf *b, double d)
{
    char s[40];
    snprintf(s, sizeof s, "%.17g", d);
    /* keep it a floating constant so no int/long overflow can occur */
    asl_buf_puts(b, s);
    if (!strpbrk(s, ".eEn"))
        asl_buf_puts(b, ".0");
}

/* ---------------------------------------------------------------- JSON */

static int count_nodes(const cJSON *v)
{
    int n = 1;
    for (const cJSON *c = v->child; c; c = c->next)
        n += count_nodes(c);
    return n;
}

/* Writes v and its descendants in preorder starting at index *at; returns
   v's index. `prev` and `next` are the siblings' indices (-1: none). */
static int put_node(asl_buf *b, int id, const cJSON *v, int *at, int next_index, int prev_index)
{
    int me = (*at)++;
    /* children are written after this line, so compute their indices first */
    int nkids = 0;
    for (const cJSON *c = v->child; c; c = c->next)
        nkids++;
    int *kid = nkids ? malloc(sizeof(int) * (size_t)nkids) : NULL;
    int k = 0, idx = me + 1;
    for (const cJSON *c = v->child; c; c = c->next) {
        kid[k++] = idx;
        idx += count_nodes(c);
    }
    asl_buf_printf(b, "    { ");
    if (next_index >= 0)
        asl_buf_printf(b, "&k_json_%d[%d], ", id, next_index);
    else
        asl_buf_puts(b, "0, ");
    if (prev_index >= 0)
        asl_buf_printf(b, "&k_json_%d[%d], ", id, prev_index);
    else
        asl_buf_puts(b, "0, ");
    if (nkids)
        asl_buf_printf(b, "&k_json_%d[%d], ", id, kid[0]);
    else
        asl_buf_puts(b, "0, ");
    static const char *const type_names[] = {"ASLRT_J_FALSE", "ASLRT_J_TRUE", "ASLRT_J_NULL", "ASLRT_J_NUMBER",
                                             "ASLRT_J_STRING", "ASLRT_J_ARRAY", "ASLRT_J_OBJECT"};
    const char *tn = "0";
    for (int t = 0; t < 7; t++)
        if ((v->type & 0xff) == (1 << t))
            tn = type_names[t];
    /* a member's key is static data too: copies of the literal keep pointing at it
       (cJSON_StringIsConst) instead of duplicating it */
    asl_buf_printf(b, "%s%s, ", tn, v->string ? " | ASLRT_J_CONST" : "");
    if (cJSON_IsString(v))
        asl_cquote_str(b, v->valuestring);
    else
        asl_buf_puts(b, "0");
    asl_buf_printf(b, ", %d, ", cJSON_IsNumber(v) ? v->valueint : 0);
    put_double(b, cJSON_IsNumber(v) ? v->valuedouble : 0.0);
    asl_buf_puts(b, ", ");
    asl_cquote_str(b, v->string);
    asl_buf_puts(b, " },\n");
    /* cJSON keeps the last element in the first element's prev */
    k = 0;
    for (const cJSON *c = v->child; c; c = c->next, k++) {
        int nx = k + 1 < nkids ? kid[k + 1] : -1;
        int pv = k > 0 ? kid[k - 1] : kid[nkids - 1];
        put_node(b, id, c, at, nx, pv);
    }
    free(kid);
    return me;
}

/* A literal JSON value as a static cJSON tree; returns its id. The tree is
   never freed or changed: the runtime copies what it puts into results. */
static int emit_json(emitter *e, const cJSON *v)
{
    int id = lookup(e, v, K_JSON);
    if (id >= 0)
        return id;
    id = remember(e, v, K_JSON);
    asl_buf_printf(e->out, "static cJSON k_json_%d[] = {\n", id);
    int at = 0;
    put_node(e->out, id, v, &at, -1, -1);
    asl_buf_puts(e->out, "};\n");
    return id;
}

/* --------------------------------------------------------------- paths */

static int emit_path(emitter *e, const aslrt_path *p);

static int emit_filter(emitter *e, const aslrt_filter *f)
{
    int id = lookup(e, f, K_FILTER);
    if (id >= 0)
        return id;
    int lhs = f->lhs ? emit_path(e, f->lhs) : -1;
    int rhsp = f->rhs_path ? emit_path(e, f->rhs_path) : -1;
    int rhs = f->rhs ? emit_json(e, f->rhs) : -1;
    int a = f->a ? emit_filter(e, f->a) : -1;
    int b = f->b ? emit_filter(e, f->b) : -1;
    id = remember(e, f, K_FILTER);
    asl_buf_printf(e->out, "static const aslrt_filter k_filter_%d = { ", id);
    PUT_ENUM(e->out, filter_op, f->op);
    asl_buf_puts(e->out, lhs >= 0 ? "" : ", 0");
    if (lhs >= 0)
        asl_buf_printf(e->out, ", &k_path_%d", lhs);
    if (rhsp >= 0)
        asl_buf_printf(e->out, ", &k_path_%d", rhsp);
    else
        asl_buf_puts(e->out, ", 0");
    if (rhs >= 0)
        asl_buf_printf(e->out, ", k_json_%d", rhs);
    else
        asl_buf_puts(e->out, ", 0");
    if (a >= 0)
        asl_buf_printf(e->out, ", &k_filter_%d", a);
    else
        asl_buf_puts(e->out, ", 0");
    if (b >= 0)
        asl_buf_printf(e->out, ", &k_filter_%d", b);
    else
        asl_buf_puts(e->out, ", 0");
    asl_buf_puts(e->out, " };\n");
    return id;
}

static int emit_steps(emitter *e, const aslrt_step *steps, int n)
{
    int id = lookup(e, steps, K_STEPS);
    if (id >= 0)
        return id;
    int *sub = malloc(sizeof(int) * (size_t)n * 2);
    for (int i = 0; i < n; i++) {
        sub[2 * i] = steps[i].nitems ? emit_steps(e, steps[i].items, steps[i].nitems) : -1;
        sub[2 * i + 1] = steps[i].filter ? emit_filter(e, steps[i].filter) : -1;
    }
    id = remember(e, steps, K_STEPS);
    asl_buf_printf(e->out, "static const aslrt_step k_steps_%d[] = {\n", id);
    for (int i = 0; i < n; i++) {
        const aslrt_step *s = &steps[i];
        asl_buf_puts(e->out, "    { ");
        PUT_ENUM(e->out, step_kind, s->kind);
        asl_buf_puts(e->out, ", ");
        asl_cquote_str(e->out, s->name);
        asl_buf_printf(e->out, ", %d, %d, %d, %d, %d, %d, ", s->index, s->start, s->end, s->step, s->flags, s->nitems);
        if (sub[2 * i] >= 0)
            asl_buf_printf(e->out, "k_steps_%d, ", sub[2 * i]);
        else
            asl_buf_puts(e->out, "0, ");
        if (sub[2 * i + 1] >= 0)
            asl_buf_printf(e->out, "&k_filter_%d },\n", sub[2 * i + 1]);
        else
            asl_buf_puts(e->out, "0 },\n");
    }
    asl_buf_puts(e->out, "};\n");
    free(sub);
    return id;
}

static int emit_path(emitter *e, const aslrt_path *p)
{
    int id = lookup(e, p, K_PATH);
    if (id >= 0)
        return id;
    int steps = p->nsteps ? emit_steps(e, p->steps, p->nsteps) : -1;
    id = remember(e, p, K_PATH);
    asl_buf_printf(e->out, "static const aslrt_path k_path_%d = { ", id);
    asl_cquote_str(e->out, p->text);
    asl_buf_puts(e->out, ", ");
    PUT_ENUM(e->out, root_kind, p->root);
    asl_buf_puts(e->out, ", ");
    asl_cquote_str(e->out, p->var);
    asl_buf_printf(e->out, ", %d, %d, ", p->definite, p->nsteps);
    if (steps >= 0)
        asl_buf_printf(e->out, "k_steps_%d };\n", steps);
    else
        asl_buf_puts(e->out, "0 };\n");
    return id;
}

/* ------------------------------------------------- JSONata expressions */

#define NAME(x) [x] = #x
static const char *const jx_kind[] = {
    NAME(JSONATA_N_NUM), NAME(JSONATA_N_STR), NAME(JSONATA_N_BOOL), NAME(JSONATA_N_NULL), NAME(JSONATA_N_REGEX),
    NAME(JSONATA_N_NAME), NAME(JSONATA_N_VAR), NAME(JSONATA_N_WILDCARD), NAME(JSONATA_N_DESCEND), NAME(JSONATA_N_PARENT),
    NAME(JSONATA_N_PATH), NAME(JSONATA_N_BINARY), NAME(JSONATA_N_NEG), NAME(JSONATA_N_ARRAY), NAME(JSONATA_N_OBJECT),
    NAME(JSONATA_N_COND), NAME(JSONATA_N_BLOCK), NAME(JSONATA_N_BIND), NAME(JSONATA_N_CALL), NAME(JSONATA_N_PARTIAL),
    NAME(JSONATA_N_HOLE), NAME(JSONATA_N_LAMBDA), NAME(JSONATA_N_APPLY), NAME(JSONATA_N_TRANSFORM), NAME(JSONATA_N_SORT),
    NAME(JSONATA_N_TERM), NAME(JSONATA_N_FILTER), NAME(JSONATA_N_INDEX)};
static const char *const jx_op[] = {
    NAME(JSONATA_OP_ADD), NAME(JSONATA_OP_SUB), NAME(JSONATA_OP_MUL), NAME(JSONATA_OP_DIV), NAME(JSONATA_OP_MOD),
    NAME(JSONATA_OP_EQ), NAME(JSONATA_OP_NE), NAME(JSONATA_OP_LT), NAME(JSONATA_OP_LE), NAME(JSONATA_OP_GT),
    NAME(JSONATA_OP_GE), NAME(JSONATA_OP_CONCAT), NAME(JSONATA_OP_AND), NAME(JSONATA_OP_OR), NAME(JSONATA_OP_IN),
    NAME(JSONATA_OP_RANGE)};
#undef NAME

/* How a template refers to an emitted expression (emit_jsonata's id). */
#define JX_REF_FMT "k_jx_%d"

/* A JSONata expression tree (compiler/jsonata_parse.c) as static data,
   children first: each node array (a node's kids, its stages, the root and
   a group-by node as arrays of one) becomes `static const jsonata_node
   k_jx_N[]`; returns N. Nesting is bounded by the parser
   (JSONATA_MAX_NESTING), so the recursion is too. */
static int emit_jx_nodes(emitter *e, const jsonata_node *x, int n)
{
    int id = lookup(e, x, K_JX);
    if (id >= 0)
        return id;
    int *sub = malloc(sizeof(int) * (size_t)(n ? n : 1) * 3);
    for (int i = 0; i < n; i++) {
        sub[3 * i] = x[i].n ? emit_jx_nodes(e, x[i].kids, x[i].n) : -1;
        sub[3 * i + 1] = x[i].nstages ? emit_jx_nodes(e, x[i].stages, x[i].nstages) : -1;
        sub[3 * i + 2] = x[i].group ? emit_jx_nodes(e, x[i].group, 1) : -1;
    }
    id = remember(e, x, K_JX);
    asl_buf_printf(e->out, "static const jsonata_node k_jx_%d[] = {\n", id);
    for (int i = 0; i < n; i++) {
        const jsonata_node *j = &x[i];
        asl_buf_puts(e->out, "    { ");
        PUT_ENUM(e->out, jx_kind, j->kind);
        asl_buf_puts(e->out, ", ");
        if (j->kind == JSONATA_N_BINARY)
            PUT_ENUM(e->out, jx_op, j->op);
        else
            asl_buf_printf(e->out, "%d", j->op);
        asl_buf_printf(e->out, ", %d, ", j->flags);
        if (j->num != j->num)
            asl_buf_puts(e->out, "(0.0 / 0.0)");
        else if (j->num > 1.7976931348623157e308 || j->num < -1.7976931348623157e308)
            asl_buf_puts(e->out, j->num > 0 ? "(1e308 * 10.0)" : "(-1e308 * 10.0)");
        else
            put_double(e->out, j->num);
        asl_buf_puts(e->out, ", ");
        asl_cquote_str(e->out, j->str);
        asl_buf_puts(e->out, ", ");
        asl_cquote_str(e->out, j->str2);
        asl_buf_printf(e->out, ", %d, ", j->n);
        if (sub[3 * i] >= 0)
            asl_buf_printf(e->out, "k_jx_%d", sub[3 * i]);
        else
            asl_buf_puts(e->out, "0");
        asl_buf_printf(e->out, ", %d, ", j->nstages);
        if (sub[3 * i + 1] >= 0)
            asl_buf_printf(e->out, "k_jx_%d, ", sub[3 * i + 1]);
        else
            asl_buf_puts(e->out, "0, ");
        if (sub[3 * i + 2] >= 0)
            asl_buf_printf(e->out, "k_jx_%d, ", sub[3 * i + 2]);
        else
            asl_buf_puts(e->out, "0, ");
        asl_cquote_str(e->out, j->focus);
        asl_buf_puts(e->out, ", ");
        asl_cquote_str(e->out, j->index);
        asl_buf_puts(e->out, ", ");
        asl_cquote_str(e->out, j->ancestor);
        asl_buf_puts(e->out, " },\n");
    }
    asl_buf_puts(e->out, "};\n");
    free(sub);
    return id;
}

/* A parsed "{% %}" expression; returns the id JX_REF_FMT names. */
static int emit_jsonata(emitter *e, const jsonata_node *x)
{
    return emit_jx_nodes(e, x, 1);
}

/* ----------------------------------------------------------- templates */

/* Flag bits by name, lowest first, for put_flags. */
static const char *const tmpl_flag_names[] = {"ASLRT_TF_MOVE", "ASLRT_TF_UNIQUE_KEYS", "ASLRT_TF_CHECK",
                                              "ASLRT_TF_CHECKS"};
static const char *const state_flag_names[] = {
    "ASLRT_INPUT_PATH_NULL", "ASLRT_OUTPUT_PATH_NULL", "ASLRT_RESULT_PATH_NULL", "ASLRT_HAS_SECONDS",
    "ASLRT_DISTRIBUTED", "ASLRT_HAS_TOLERATED_COUNT", "ASLRT_HAS_TOLERATED_PERCENTAGE", "ASLRT_JSONATA",
    "ASLRT_MOVE_INPUT", "ASLRT_BORROWS_INPUT", "ASLRT_PLACEHOLDER", "ASLRT_TAKES_ITEMS"};

/* flags as NAME | NAME (names[k] is bit k); bits without a name as a number. */
static void put_flags(asl_buf *b, int flags, const char *const *names, size_t n)
{
    const char *sep = "";
    for (size_t k = 0; k < n; k++)
        if (flags & (1 << k)) {
            asl_buf_printf(b, "%s%s", sep, names[k]);
            sep = " | ";
            flags &= ~(1 << k);
        }
    if (flags || !*sep)
        asl_buf_printf(b, "%s%d", sep, flags);
}

static int emit_tmpls(emitter *e, const aslrt_tmpl *t, int n)
{
    int id = lookup(e, t, K_TMPL);
    if (id >= 0)
        return id;
    int *sub = malloc(sizeof(int) * (size_t)n * 4);
    for (int i = 0; i < n; i++) {
        sub[3 * i] = t[i].value ? emit_json(e, t[i].value) : -1;
        sub[3 * i + 1] = t[i].path ? emit_path(e, t[i].path) : -1;
        sub[3 * i + 2] = t[i].n ? emit_tmpls(e, t[i].items, t[i].n) : -1;
        sub[3 * n + i] = t[i].jx ? emit_jsonata(e, t[i].jx) : -1; /* JSONATA: the parsed expression */
    }
    id = remember(e, t, K_TMPL);
    asl_buf_printf(e->out, "static const aslrt_tmpl k_tmpl_%d[] = {\n", id);
    for (int i = 0; i < n; i++) {
        asl_buf_puts(e->out, "    { ");
        PUT_ENUM(e->out, tmpl_kind, t[i].kind);
        asl_buf_puts(e->out, ", ");
        asl_cquote_str(e->out, t[i].key);
        asl_buf_puts(e->out, ", ");
        asl_cquote_str(e->out, t[i].field);
        if (sub[3 * i] >= 0)
            asl_buf_printf(e->out, ", k_json_%d", sub[3 * i]);
        else
            asl_buf_puts(e->out, ", 0");
        if (sub[3 * i + 1] >= 0)
            asl_buf_printf(e->out, ", &k_path_%d", sub[3 * i + 1]);
        else
            asl_buf_puts(e->out, ", 0");
        asl_buf_puts(e->out, ", ");
        if (t[i].kind == ASLRT_T_CALL && t[i].fn == ASLRT_FN_UNKNOWN)
            asl_buf_puts(e->out, "ASLRT_FN_UNKNOWN");
        else if (t[i].kind == ASLRT_T_CALL)
            PUT_ENUM(e->out, fn_name, t[i].fn);
        else
            asl_buf_printf(e->out, "%d", t[i].fn); /* JSONATA: reads $states.context */
        asl_buf_puts(e->out, ", ");
        asl_cquote_str(e->out, t[i].text);
        asl_buf_printf(e->out, ", %d, ", t[i].n);
        if (sub[3 * i + 2] >= 0)
            asl_buf_printf(e->out, "k_tmpl_%d", sub[3 * i + 2]);
        else
            asl_buf_puts(e->out, "0");
        if (sub[3 * n + i] >= 0)
            asl_buf_printf(e->out, ", " JX_REF_FMT, sub[3 * n + i]);
        else if (t[i].flags)
            asl_buf_puts(e->out, ", 0");
        if (t[i].flags) { /* compiler/opt.c's decisions */
            asl_buf_puts(e->out, ", ");
            put_flags(e->out, t[i].flags, tmpl_flag_names, sizeof tmpl_flag_names / sizeof tmpl_flag_names[0]);
        }
        asl_buf_puts(e->out, " },\n");
    }
    asl_buf_puts(e->out, "};\n");
    free(sub);
    return id;
}

/* ", k_tmpl_N" for a template emitted as id (-1: none, ", 0"). */
static void put_tmpl_ref(asl_buf *b, int id)
{
    if (id >= 0)
        asl_buf_printf(b, ", k_tmpl_%d", id);
    else
        asl_buf_puts(b, ", 0");
}

/* -------------------------------------------------------- choice rules */

static int emit_rules(emitter *e, const aslrt_rule *r, int n)
{
    int id = lookup(e, r, K_RULES);
    if (id >= 0)
        return id;
    int *sub = malloc(sizeof(int) * (size_t)n * 7);
    for (int i = 0; i < n; i++) {
        sub[4 * i] = r[i].variable ? emit_path(e, r[i].variable) : -1;
        sub[4 * i + 1] = r[i].operand ? emit_json(e, r[i].operand) : -1;
        sub[4 * i + 2] = r[i].operand_path ? emit_path(e, r[i].operand_path) : -1;
        sub[4 * i + 3] = r[i].n ? emit_rules(e, r[i].sub, r[i].n) : -1;
        /* Assign, Output, Condition (variables, JSONata) */
        sub[4 * n + 3 * i] = r[i].assign ? emit_tmpls(e, r[i].assign, 1) : -1;
        sub[4 * n + 3 * i + 1] = r[i].output ? emit_tmpls(e, r[i].output, 1) : -1;
        sub[4 * n + 3 * i + 2] = r[i].condition ? emit_tmpls(e, r[i].condition, 1) : -1;
    }
    id = remember(e, r, K_RULES);
    asl_buf_printf(e->out, "static const aslrt_rule k_rules_%d[] = {\n", id);
    for (int i = 0; i < n; i++) {
        asl_buf_puts(e->out, "    { ");
        PUT_ENUM(e->out, rule_op, r[i].op);
        if (sub[4 * i] >= 0)
            asl_buf_printf(e->out, ", &k_path_%d", sub[4 * i]);
        else
            asl_buf_puts(e->out, ", 0");
        if (sub[4 * i + 1] >= 0)
            asl_buf_printf(e->out, ", k_json_%d", sub[4 * i + 1]);
        else
            asl_buf_puts(e->out, ", 0");
        if (sub[4 * i + 2] >= 0)
            asl_buf_printf(e->out, ", &k_path_%d", sub[4 * i + 2]);
        else
            asl_buf_puts(e->out, ", 0");
        asl_buf_printf(e->out, ", %d, ", r[i].n);
        if (sub[4 * i + 3] >= 0)
            asl_buf_printf(e->out, "k_rules_%d", sub[4 * i + 3]);
        else
            asl_buf_puts(e->out, "0");
        asl_buf_printf(e->out, ", %d", r[i].next);
        for (int k = 0; k < 3; k++)
            put_tmpl_ref(e->out, sub[4 * n + 3 * i + k]);
        asl_buf_puts(e->out, " },\n");
    }
    asl_buf_puts(e->out, "};\n");
    free(sub);
    return id;
}

/* ------------------------------------------------------ Retry and Catch */

static int emit_errors(emitter *e, const char *const *errors, int n)
{
    int id = lookup(e, errors, K_ERRORS);
    if (id >= 0)
        return id;
    id = remember(e, errors, K_ERRORS);
    asl_buf_printf(e->out, "static const char *const k_errors_%d[] = { ", id);
    for (int i = 0; i < n; i++) {
        asl_cquote_str(e->out, errors[i]);
        asl_buf_puts(e->out, i + 1 < n ? ", " : " ");
    }
    asl_buf_puts(e->out, "};\n");
    return id;
}

static int emit_retry(emitter *e, const aslrt_retrier *r, int n)
{
    int *errs = malloc(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++)
        errs[i] = emit_errors(e, r[i].errors, r[i].nerrors);
    int id = remember(e, r, K_RETRY);
    asl_buf_printf(e->out, "static const aslrt_retrier k_retry_%d[] = {\n", id);
    for (int i = 0; i < n; i++) {
        asl_buf_printf(e->out, "    { %d, k_errors_%d, ", r[i].nerrors, errs[i]);
        put_double(e->out, r[i].interval_seconds);
        asl_buf_printf(e->out, ", %d, ", r[i].max_attempts);
        put_double(e->out, r[i].backoff_rate);
        asl_buf_puts(e->out, ", ");
        put_double(e->out, r[i].max_delay_seconds);
        asl_buf_printf(e->out, ", %d },\n", r[i].jitter_full);
    }
    asl_buf_puts(e->out, "};\n");
    free(errs);
    return id;
}

static int emit_catch(emitter *e, const aslrt_catcher *c, int n)
{
    int *sub = malloc(sizeof(int) * (size_t)n * 4);
    for (int i = 0; i < n; i++) {
        sub[2 * i] = emit_errors(e, c[i].errors, c[i].nerrors);
        sub[2 * i + 1] = c[i].result_path ? emit_path(e, c[i].result_path) : -1;
        sub[2 * n + 2 * i] = c[i].assign ? emit_tmpls(e, c[i].assign, 1) : -1;
        sub[2 * n + 2 * i + 1] = c[i].output ? emit_tmpls(e, c[i].output, 1) : -1;
    }
    int id = remember(e, c, K_CATCH);
    asl_buf_printf(e->out, "static const aslrt_catcher k_catch_%d[] = {\n", id);
    for (int i = 0; i < n; i++) {
        asl_buf_printf(e->out, "    { %d, k_errors_%d, ", c[i].nerrors, sub[2 * i]);
        if (sub[2 * i + 1] >= 0)
            asl_buf_printf(e->out, "&k_path_%d", sub[2 * i + 1]);
        else
            asl_buf_puts(e->out, "0");
        asl_buf_printf(e->out, ", %d, %d", c[i].result_path_null, c[i].next);
        put_tmpl_ref(e->out, sub[2 * n + 2 * i]);
        put_tmpl_ref(e->out, sub[2 * n + 2 * i + 1]);
        asl_buf_puts(e->out, " },\n");
    }
    asl_buf_puts(e->out, "};\n");
    free(sub);
    return id;
}

/* --------------------------------------------------------------- states */

static const char *const type_name[] = {"Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"};
static const char *const type_const[] = {"ASLRT_PASS", "ASLRT_TASK", "ASLRT_CHOICE", "ASLRT_WAIT",
                                         "ASLRT_SUCCEED", "ASLRT_FAIL", "ASLRT_PARALLEL", "ASLRT_MAP"};

/* A designated initializer member `.name = <ref>` when ref >= 0. */
static void field_ref(asl_buf *b, const char *name, const char *fmt, int ref)
{
    if (ref < 0)
        return;
    asl_buf_printf(b, "\n      .%s = ", name);
    asl_buf_printf(b, fmt, ref);
    asl_buf_puts(b, ",");
}

static void field_str(asl_buf *b, const char *name, const char *s)
{
    if (!s)
        return;
    asl_buf_printf(b, "\n      .%s = ", name);
    asl_cquote_str(b, s);
    asl_buf_puts(b, ",");
}

static void field_num(asl_buf *b, const char *name, double d)
{
    if (d == 0)
        return;
    asl_buf_printf(b, "\n      .%s = ", name);
    put_double(b, d);
    asl_buf_puts(b, ",");
}

static void field_int(asl_buf *b, const char *name, int i)
{
    if (i)
        asl_buf_printf(b, "\n      .%s = %d,", name, i);
}

/* ------------------------------------------------- distributed Map parts */

/* A Map's ItemReader as `static const aslrt_item_reader k_reader_N`. */
static int emit_item_reader(emitter *e, const aslrt_item_reader *r)
{
    int params = r->parameters ? emit_tmpls(e, r->parameters, 1) : -1;
    int config = r->reader_config ? emit_json(e, r->reader_config) : -1;
    int mip = r->max_items_path ? emit_path(e, r->max_items_path) : -1;
    int id = remember(e, r, K_READER);
    asl_buf_printf(e->out, "static const aslrt_item_reader k_reader_%d = {", id);
    field_str(e->out, "resource", r->resource);
    field_ref(e->out, "parameters", "k_tmpl_%d", params);
    field_ref(e->out, "reader_config", "k_json_%d", config);
    field_ref(e->out, "max_items_path", "&k_path_%d", mip);
    asl_buf_puts(e->out, "\n};\n");
    return id;
}

/* A Map's ItemBatcher as `static const aslrt_item_batcher k_batcher_N`. */
static int emit_item_batcher(emitter *e, const aslrt_item_batcher *b)
{
    int mip = b->max_items_path ? emit_path(e, b->max_items_path) : -1;
    int mbp = b->max_bytes_path ? emit_path(e, b->max_bytes_path) : -1;
    int bi = b->batch_input ? emit_tmpls(e, b->batch_input, 1) : -1;
    int id = remember(e, b, K_BATCHER);
    asl_buf_printf(e->out, "static const aslrt_item_batcher k_batcher_%d = {", id);
    field_int(e->out, "max_items", b->max_items);
    field_ref(e->out, "max_items_path", "&k_path_%d", mip);
    field_int(e->out, "max_bytes", b->max_bytes);
    field_ref(e->out, "max_bytes_path", "&k_path_%d", mbp);
    field_ref(e->out, "batch_input", "k_tmpl_%d", bi);
    asl_buf_puts(e->out, "\n};\n");
    return id;
}

/* A Map's ResultWriter as `static const aslrt_result_writer k_writer_N`. */
static int emit_result_writer(emitter *e, const aslrt_result_writer *w)
{
    int params = w->parameters ? emit_tmpls(e, w->parameters, 1) : -1;
    int config = w->writer_config ? emit_json(e, w->writer_config) : -1;
    int id = remember(e, w, K_WRITER);
    asl_buf_printf(e->out, "static const aslrt_result_writer k_writer_%d = {", id);
    field_str(e->out, "resource", w->resource);
    field_ref(e->out, "parameters", "k_tmpl_%d", params);
    field_ref(e->out, "writer_config", "k_json_%d", config);
    asl_buf_puts(e->out, "\n};\n");
    return id;
}

/* Emits machine m's data: everything its states refer to, its state array
   and its aslrt_machine. Nested machines must already be emitted. */
static void emit_machine_data(emitter *e, const asl_machine *m)
{
    int n = m->rt.nstates;
    enum { IN, PARAMS, SEL, RES, OUT, RESULT, RULES, SECP, TSP, ERRP, CAUSEP, TOP, HBP, RETRY, CATCH, BR, ITEMS, ISEL, MCP,
           TFCP, TFPP, READER, BATCHER, WRITER, ASSIGN, OUTPUT, JITEMS, SECX, TSX, TOX, HBX, MCX, TFCX, TFPX, ERRX,
           CAUSEX, NREF };
    int *ref = malloc(sizeof(int) * (size_t)(n ? n : 1) * NREF);
    for (int i = 0; i < n; i++) {
        const aslrt_state *s = &m->states[i];
        int *r = &ref[i * NREF];
        r[IN] = s->input_path ? emit_path(e, s->input_path) : -1;
        r[PARAMS] = s->parameters ? emit_tmpls(e, s->parameters, 1) : -1;
        r[SEL] = s->result_selector ? emit_tmpls(e, s->result_selector, 1) : -1;
        r[RES] = s->result_path ? emit_path(e, s->result_path) : -1;
        r[OUT] = s->output_path ? emit_path(e, s->output_path) : -1;
        r[RESULT] = s->result ? emit_json(e, s->result) : -1;
        r[RULES] = s->nrules ? emit_rules(e, s->rules, s->nrules) : -1;
        r[SECP] = s->seconds_path ? emit_path(e, s->seconds_path) : -1;
        r[TSP] = s->timestamp_path ? emit_path(e, s->timestamp_path) : -1;
        r[ERRP] = s->error_path ? emit_tmpls(e, s->error_path, 1) : -1;
        r[CAUSEP] = s->cause_path ? emit_tmpls(e, s->cause_path, 1) : -1;
        r[TOP] = s->timeout_seconds_path ? emit_path(e, s->timeout_seconds_path) : -1;
        r[HBP] = s->heartbeat_seconds_path ? emit_path(e, s->heartbeat_seconds_path) : -1;
        r[RETRY] = s->nretry ? emit_retry(e, s->retry, s->nretry) : -1;
        r[CATCH] = s->ncatch ? emit_catch(e, s->catchers, s->ncatch) : -1;
        r[ITEMS] = s->items_path ? emit_path(e, s->items_path) : -1;
        r[ISEL] = s->item_selector ? emit_tmpls(e, s->item_selector, 1) : -1;
        r[MCP] = s->max_concurrency_path ? emit_path(e, s->max_concurrency_path) : -1;
        r[TFCP] = s->tolerated_failure_count_path ? emit_path(e, s->tolerated_failure_count_path) : -1;
        r[TFPP] = s->tolerated_failure_percentage_path ? emit_path(e, s->tolerated_failure_percentage_path) : -1;
        r[READER] = s->item_reader ? emit_item_reader(e, s->item_reader) : -1;
        r[BATCHER] = s->item_batcher ? emit_item_batcher(e, s->item_batcher) : -1;
        r[WRITER] = s->result_writer ? emit_result_writer(e, s->result_writer) : -1;
        /* variables and JSONata (aslrt.h: the fields after `label`) */
        const aslrt_tmpl *const more[] = {s->assign, s->output, s->items, s->seconds_expr, s->timestamp_expr,
                                          s->timeout_seconds_expr, s->heartbeat_seconds_expr,
                                          s->max_concurrency_expr, s->tolerated_failure_count_expr,
                                          s->tolerated_failure_percentage_expr, s->error_expr, s->cause_expr};
        for (int k = 0; k < (int)(sizeof more / sizeof more[0]); k++)
            r[ASSIGN + k] = more[k] ? emit_tmpls(e, more[k], 1) : -1;
        r[BR] = -1;
        if (s->nbranches) {
            r[BR] = remember(e, s->branches, K_BRANCHES);
            asl_buf_printf(e->out, "static const aslrt_machine *const k_branches_%d[] = { ", r[BR]);
            for (int b = 0; b < s->nbranches; b++)
                asl_buf_printf(e->out, "&k_machine_%d%s", asl_def_machine(e->def, s->branches[b])->id,
                               b + 1 < s->nbranches ? ", " : " ");
            asl_buf_puts(e->out, "};\n");
        }
    }
    asl_buf_printf(e->out, "\nstatic const aslrt_state k_states_%d[] = {", m->id);
    for (int i = 0; i < n; i++) {
        const aslrt_state *s = &m->states[i];
        const int *r = &ref[i * NREF];
        asl_buf_printf(e->out, "\n    { /* %d */\n      .name = ", i);
        asl_cquote_str(e->out, s->name);
        asl_buf_printf(e->out, ",\n      .type = %s,", type_const[s->type]);
        if (s->flags) {
            asl_buf_puts(e->out, "\n      .flags = ");
            put_flags(e->out, s->flags, state_flag_names, sizeof state_flag_names / sizeof state_flag_names[0]);
            asl_buf_puts(e->out, ",");
        }
        asl_buf_printf(e->out, "\n      .next = %d,", s->next);
        field_ref(e->out, "input_path", "&k_path_%d", r[IN]);
        field_ref(e->out, "parameters", "k_tmpl_%d", r[PARAMS]);
        field_ref(e->out, "result_selector", "k_tmpl_%d", r[SEL]);
        field_ref(e->out, "result_path", "&k_path_%d", r[RES]);
        field_ref(e->out, "output_path", "&k_path_%d", r[OUT]);
        field_ref(e->out, "result", "k_json_%d", r[RESULT]);
        field_int(e->out, "nrules", s->nrules);
        field_ref(e->out, "rules", "k_rules_%d", r[RULES]);
        if (s->type == ASLRT_CHOICE)
            asl_buf_printf(e->out, "\n      .default_next = %d,", s->default_next);
        field_num(e->out, "seconds", s->seconds);
        field_ref(e->out, "seconds_path", "&k_path_%d", r[SECP]);
        field_str(e->out, "timestamp", s->timestamp);
        field_ref(e->out, "timestamp_path", "&k_path_%d", r[TSP]);
        field_str(e->out, "error", s->error);
        field_str(e->out, "cause", s->cause);
        field_ref(e->out, "error_path", "k_tmpl_%d", r[ERRP]);
        field_ref(e->out, "cause_path", "k_tmpl_%d", r[CAUSEP]);
        field_str(e->out, "resource", s->resource);
        field_num(e->out, "timeout_seconds", s->timeout_seconds);
        field_ref(e->out, "timeout_seconds_path", "&k_path_%d", r[TOP]);
        field_num(e->out, "heartbeat_seconds", s->heartbeat_seconds);
        field_ref(e->out, "heartbeat_seconds_path", "&k_path_%d", r[HBP]);
        field_int(e->out, "nretry", s->nretry);
        field_ref(e->out, "retry", "k_retry_%d", r[RETRY]);
        field_int(e->out, "ncatch", s->ncatch);
        field_ref(e->out, "catchers", "k_catch_%d", r[CATCH]);
        field_int(e->out, "nbranches", s->nbranches);
        field_ref(e->out, "branches", "k_branches_%d", r[BR]);
        field_ref(e->out, "items_path", "&k_path_%d", r[ITEMS]);
        field_ref(e->out, "item_selector", "k_tmpl_%d", r[ISEL]);
        field_int(e->out, "max_concurrency", s->max_concurrency);
        field_ref(e->out, "max_concurrency_path", "&k_path_%d", r[MCP]);
        field_num(e->out, "tolerated_failure_count", s->tolerated_failure_count);
        field_ref(e->out, "tolerated_failure_count_path", "&k_path_%d", r[TFCP]);
        field_num(e->out, "tolerated_failure_percentage", s->tolerated_failure_percentage);
        field_ref(e->out, "tolerated_failure_percentage_path", "&k_path_%d", r[TFPP]);
        field_ref(e->out, "item_reader", "&k_reader_%d", r[READER]);
        field_ref(e->out, "item_batcher", "&k_batcher_%d", r[BATCHER]);
        field_ref(e->out, "result_writer", "&k_writer_%d", r[WRITER]);
        field_str(e->out, "label", s->label);
        static const char *const more_names[] = {"assign", "output", "items", "seconds_expr", "timestamp_expr",
                                                 "timeout_seconds_expr", "heartbeat_seconds_expr",
                                                 "max_concurrency_expr", "tolerated_failure_count_expr",
                                                 "tolerated_failure_percentage_expr", "error_expr", "cause_expr"};
        for (int k = 0; k < (int)(sizeof more_names / sizeof more_names[0]); k++)
            field_ref(e->out, more_names[k], "k_tmpl_%d", r[ASSIGN + k]);
        asl_buf_puts(e->out, "\n    },");
    }
    if (n == 0)
        asl_buf_puts(e->out, " { 0 }");
    asl_buf_puts(e->out, "\n};\n");
    asl_buf_printf(e->out, "static const aslrt_machine k_machine_%d = { aslg_m%d, %d, %d, k_states_%d, 0 };\n\n",
                   m->id, m->id, m->rt.start, n, m->id);
    free(ref);
}

/* ---------------------------------------------------------------- code */

static void goto_state(asl_buf *b, const asl_machine *m, int target, const char *why)
{
    asl_buf_printf(b, "goto s%d;", target);
    asl_buf_printf(b, "  /* %s ", why);
    asl_cquote_comment(b, m->states[target].name, 60);
    asl_buf_puts(b, " */\n");
}

/* ------------------------------------------------- Choice rules as C */

/* Deepest And/Or/Not nesting written as C; deeper rules stay data. */
#define MAX_C_RULE_DEPTH 32

/* The typed test (aslrt.h) that evaluates data test r, or NULL. */
static const char *test_fn(const aslrt_rule *r)
{
    if (!r->variable)
        return NULL;
    if (r->op >= ASLRT_OP_IS_NULL && r->op <= ASLRT_OP_IS_TIMESTAMP)
        return "aslrt_test_type";
    if (r->op >= ASLRT_OP_NUMERIC_EQ && r->op <= ASLRT_OP_NUMERIC_GE)
        return "aslrt_test_numeric";
    if (r->op >= ASLRT_OP_STRING_EQ && r->op <= ASLRT_OP_STRING_MATCHES)
        return "aslrt_test_string";
    if (r->op == ASLRT_OP_BOOLEAN_EQ)
        return "aslrt_test_boolean";
    if (r->op >= ASLRT_OP_TIMESTAMP_EQ && r->op <= ASLRT_OP_TIMESTAMP_GE)
        return "aslrt_test_timestamp";
    return NULL;
}

/* Can rule r be written as C: every leaf a data test with a typed test,
   nesting within MAX_C_RULE_DEPTH? */
static int rule_as_c(const aslrt_rule *r, int depth)
{
    if (depth > MAX_C_RULE_DEPTH || r->condition)
        return 0;
    if (r->op == ASLRT_OP_AND || r->op == ASLRT_OP_OR || r->op == ASLRT_OP_NOT) {
        if (r->n < 1 || (r->op == ASLRT_OP_NOT && r->n != 1))
            return 0;
        for (int i = 0; i < r->n; i++)
            if (!rule_as_c(&r->sub[i], depth + 1))
                return 0;
        return 1;
    }
    return test_fn(r) != NULL;
}

/* A Choice state becomes C when it is JSONPath, has no InputPath (its
   rules read *v) and all its rules can. */
static int choice_as_c(const aslrt_state *s)
{
    if (s->type != ASLRT_CHOICE || (s->flags & (ASLRT_JSONATA | ASLRT_INPUT_PATH_NULL | ASLRT_PLACEHOLDER)) ||
        s->input_path)
        return 0;
    for (int i = 0; i < s->nrules; i++)
        if (!rule_as_c(&s->rules[i], 0))
            return 0;
    return 1;
}

/* AWS's name of a comparison operator, for comments. */
static const char *const asl_op[] = {
    [ASLRT_OP_STRING_EQ] = "StringEquals", [ASLRT_OP_STRING_LT] = "StringLessThan",
    [ASLRT_OP_STRING_GT] = "StringGreaterThan", [ASLRT_OP_STRING_LE] = "StringLessThanEquals",
    [ASLRT_OP_STRING_GE] = "StringGreaterThanEquals", [ASLRT_OP_STRING_MATCHES] = "StringMatches",
    [ASLRT_OP_NUMERIC_EQ] = "NumericEquals", [ASLRT_OP_NUMERIC_LT] = "NumericLessThan",
    [ASLRT_OP_NUMERIC_GT] = "NumericGreaterThan", [ASLRT_OP_NUMERIC_LE] = "NumericLessThanEquals",
    [ASLRT_OP_NUMERIC_GE] = "NumericGreaterThanEquals", [ASLRT_OP_BOOLEAN_EQ] = "BooleanEquals",
    [ASLRT_OP_TIMESTAMP_EQ] = "TimestampEquals", [ASLRT_OP_TIMESTAMP_LT] = "TimestampLessThan",
    [ASLRT_OP_TIMESTAMP_GT] = "TimestampGreaterThan", [ASLRT_OP_TIMESTAMP_LE] = "TimestampLessThanEquals",
    [ASLRT_OP_TIMESTAMP_GE] = "TimestampGreaterThanEquals", [ASLRT_OP_IS_NULL] = "IsNull",
    [ASLRT_OP_IS_PRESENT] = "IsPresent", [ASLRT_OP_IS_NUMERIC] = "IsNumeric", [ASLRT_OP_IS_STRING] = "IsString",
    [ASLRT_OP_IS_BOOLEAN] = "IsBoolean", [ASLRT_OP_IS_TIMESTAMP] = "IsTimestamp"};

static void indent(asl_buf *b, int n)
{
    for (int i = 0; i < n; i++)
        asl_buf_puts(b, "    ");
}

/* The id of a rule array the code refers to: emitted with the data, or,
   for asl_emit_c_code, named once as a symbol to be bound to the IR. */
static int rules_id(emitter *e, const aslrt_rule *rules)
{
    int id = lookup(e, rules, K_RULES);
    if (id >= 0 || !e->syms)
        return id;
    id = remember(e, rules, K_RULES);
    if (e->nsyms == e->capsyms) {
        e->capsyms *= 2;
        e->syms = aslrt_xrealloc(e->syms, sizeof *e->syms * (size_t)e->capsyms);
    }
    asl_emit_sym *s = &e->syms[e->nsyms++];
    snprintf(s->name, sizeof s->name, "k_rules_%d", id);
    s->ptr = rules;
    asl_buf_printf(e->out, "extern const aslrt_rule k_rules_%d[];\n", id);
    return id;
}

/* Names (rules_id) every rule array the C form of rule `r` refers to. */
static void declare_rules(emitter *e, const aslrt_rule *rules, int n)
{
    rules_id(e, rules);
    for (int i = 0; i < n; i++)
        if (rules[i].op == ASLRT_OP_AND || rules[i].op == ASLRT_OP_OR || rules[i].op == ASLRT_OP_NOT)
            declare_rules(e, rules[i].sub, rules[i].n);
}

/* Statements that leave rule `index` of the array emitted as k_rules_<arr>
   evaluated in r: 1, 0, or -1 (an error). And and Or stop at the first
   sub-rule that decides (a do/while(0) left by break), Not inverts. */
static void emit_rule_c(emitter *e, const aslrt_rule *rules, int index, int level)
{
    asl_buf *b = e->out;
    const aslrt_rule *r = &rules[index];
    int arr = rules_id(e, rules);
    if (r->op == ASLRT_OP_AND || r->op == ASLRT_OP_OR) {
        indent(b, level);
        asl_buf_printf(b, "do { /* %s */\n", r->op == ASLRT_OP_AND ? "And" : "Or");
        for (int i = 0; i < r->n; i++) {
            emit_rule_c(e, r->sub, i, level + 1);
            if (i + 1 < r->n) {
                indent(b, level + 1);
                asl_buf_printf(b, "if (r != %d)\n", r->op == ASLRT_OP_AND ? 1 : 0);
                indent(b, level + 2);
                asl_buf_puts(b, "break;\n");
            }
        }
        indent(b, level);
        asl_buf_puts(b, "} while (0);\n");
        return;
    }
    if (r->op == ASLRT_OP_NOT) {
        emit_rule_c(e, r->sub, 0, level);
        indent(b, level);
        asl_buf_puts(b, "if (r >= 0) /* Not */\n");
        indent(b, level + 1);
        asl_buf_puts(b, "r = !r;\n");
        return;
    }
    indent(b, level);
    asl_buf_printf(b, "r = %s(ex, &k_rules_%d[%d], *v); /* ", test_fn(r), arr, index);
    asl_cquote_comment(b, r->variable->text ? r->variable->text : "", 60);
    asl_buf_printf(b, " %s%s", r->op >= 0 && r->op < ASLRT_OP_COUNT && asl_op[r->op] ? asl_op[r->op] : "?",
                   r->operand_path ? "Path " : "");
    if (r->operand_path)
        asl_cquote_comment(b, r->operand_path->text ? r->operand_path->text : "", 60);
    asl_buf_puts(b, " */\n");
}

/* A Choice state as C (choice_as_c): enter, a condition per rule in order,
   leave with the index of the one that matched, goto. */
static void emit_choice_c(emitter *e, const asl_machine *m, int i)
{
    asl_buf *b = e->out;
    const aslrt_state *s = &m->states[i];
    asl_buf_printf(b, "    if (aslrt_choice_enter(ex, &k_states_%d[%d], *v) != 0)\n        return -1;\n", m->id, i);
    for (int k = 0; k < s->nrules; k++) {
        asl_buf_printf(b, "    /* Choices[%d] */\n", k);
        emit_rule_c(e, s->rules, k, 1);
        asl_buf_printf(b, "    if (r != 0) {\n        if (r < 0 || aslrt_choice_leave(ex, &k_states_%d[%d], v, %d) < 0)\n"
                          "            return -1;\n        ", m->id, i, k);
        goto_state(b, m, s->rules[k].next, "->");
        asl_buf_puts(b, "    }\n");
    }
    asl_buf_printf(b, "    if (aslrt_choice_leave(ex, &k_states_%d[%d], v, %d) < 0)\n        return -1;", m->id, i,
                   s->nrules);
    if (s->default_next >= 0) {
        asl_buf_puts(b, "\n    ");
        goto_state(b, m, s->default_next, "Default ->");
    } else {
        asl_buf_puts(b, " /* no Default: States.NoChoiceMatched */\n    return -1;\n");
    }
}

static const char *const state_fn[] = {"aslrt_pass_state", "aslrt_task_state", "aslrt_choice_state",
                                       "aslrt_wait_state", "aslrt_succeed_state", "aslrt_fail_state",
                                       "aslrt_parallel_state", "aslrt_map_state"};

/* One machine's function. Labels are emitted only for states that some
   transition (or the start) jumps to, which keeps -Wall quiet. */
static void emit_machine_code(emitter *e, const asl_machine *m)
{
    asl_buf *b = e->out;
    int n = m->rt.nstates;
    char *used = calloc((size_t)(n ? n : 1), 1);
    used[m->rt.start] = 1;
    for (int i = 0; i < n; i++) {
        const aslrt_state *s = &m->states[i];
        if (s->next >= 0)
            used[s->next] = 1;
        for (int r = 0; r < s->nrules; r++)
            used[s->rules[r].next] = 1;
        if (s->type == ASLRT_CHOICE && s->default_next >= 0)
            used[s->default_next] = 1;
        for (int c = 0; c < s->ncatch; c++)
            used[s->catchers[c].next] = 1;
    }
    asl_buf_printf(b, "/* Machine %d: ", m->id);
    if (m->parent_state) {
        asl_buf_puts(b, "inside ");
        asl_cquote_comment(b, m->parent_state, 60);
    } else {
        asl_buf_puts(b, "top level");
    }
    asl_buf_puts(b, ", StartAt ");
    asl_cquote_comment(b, m->states[m->rt.start].name, 60);
    asl_buf_printf(b, ", %d states.\n   *v: the input on entry; the output, or the failed state's input, on return. */\n", n);
    asl_buf_printf(b, "%sint aslg_m%d(aslrt_exec *ex, const aslrt_machine *m, cJSON **v)\n{\n",
                   e->syms ? "" : "static ", m->id);
    int c_choices = 0;
    for (int i = 0; i < n; i++)
        c_choices += choice_as_c(&m->states[i]);
    if (c_choices)
        asl_buf_puts(b, "    int r; /* a Choice rule's outcome: 1, 0, or -1 (an error in ex) */\n");
    asl_buf_printf(b, "    (void)m;\n    goto s%d;\n", m->rt.start);
    for (int i = 0; i < n; i++) {
        const aslrt_state *s = &m->states[i];
        asl_buf_printf(b, "\n/* State %d ", i);
        asl_cquote_comment(b, s->name, 60);
        asl_buf_printf(b, " (%s) */\n", type_name[s->type]);
        if (used[i])
            asl_buf_printf(b, "s%d:\n", i);
        const char *fn = state_fn[s->type];
        if (choice_as_c(s)) {
            emit_choice_c(e, m, i);
            continue;
        }
        if (s->type == ASLRT_CHOICE) {
            asl_buf_printf(b, "    switch (%s(ex, &k_states_%d[%d], v)) {\n", fn, m->id, i);
            for (int r = 0; r < s->nrules; r++) {
                asl_buf_printf(b, "    case %d: ", r);
                goto_state(b, m, s->rules[r].next, "->");
            }
            if (s->default_next >= 0) {
                asl_buf_printf(b, "    case %d: ", s->nrules);
                goto_state(b, m, s->default_next, "Default ->");
            }
            asl_buf_puts(b, "    default: return -1;\n    }\n");
            continue;
        }
        if (s->type == ASLRT_FAIL) {
            asl_buf_printf(b, "    return %s(ex, &k_states_%d[%d], v);\n", fn, m->id, i);
            continue;
        }
        if (s->ncatch) {
            asl_buf_printf(b, "    if (%s(ex, &k_states_%d[%d], v) == 0)\n        ", fn, m->id, i);
            if (s->next >= 0)
                goto_state(b, m, s->next, "Next");
            else
                asl_buf_puts(b, "return 0;\n");
            asl_buf_printf(b, "    switch (aslrt_catch(ex, &k_states_%d[%d], v)) {\n", m->id, i);
            for (int c = 0; c < s->ncatch; c++) {
                asl_buf_printf(b, "    case %d: ", c);
                goto_state(b, m, s->catchers[c].next, "Catch ->");
            }
            asl_buf_puts(b, "    default: return -1;\n    }\n");
            continue;
        }
        asl_buf_printf(b, "    if (%s(ex, &k_states_%d[%d], v) != 0)\n        return -1;\n", fn, m->id, i);
        if (s->next >= 0 && s->type != ASLRT_SUCCEED) {
            asl_buf_puts(b, "    ");
            goto_state(b, m, s->next, "Next");
        } else {
            asl_buf_puts(b, "    return 0;\n");
        }
    }
    asl_buf_puts(b, "}\n\n");
    free(used);
}

char *asl_emit_c(const asl_def *def, int include_header)
{
    asl_buf out;
    asl_buf_init(&out);
    emitter e = {def, &out, NULL, 0, 0, 0, NULL, 0, 0};
    asl_buf_puts(&out, "/* Generated by aslc 0.1 from ");
    asl_cquote_comment(&out, def->file, 200);
    asl_buf_puts(&out, "; do not edit. */\n");
    if (include_header)
        asl_buf_puts(&out, "#include \"aslrt.h\"\n#include \"jsonata_ast.h\"\n");
    asl_buf_puts(&out, "\n");
    for (int i = 0; i < def->nmachines; i++)
        asl_buf_printf(&out, "static int aslg_m%d(aslrt_exec *ex, const aslrt_machine *m, cJSON **v);\n", i);
    asl_buf_puts(&out, "\n");
    /* A machine's data refers to its nested machines, which have larger ids. */
    for (int i = def->nmachines - 1; i >= 0; i--)
        emit_machine_data(&e, def->machines[i]);
    for (int i = 0; i < def->nmachines; i++)
        emit_machine_code(&e, def->machines[i]);
    asl_buf_puts(&out, "const aslrt_program aslg_program = { ASLRT_ABI_VERSION, ");
    asl_cquote_str(&out, def->program.name);
    asl_buf_puts(&out, ", ");
    asl_cquote_str(&out, def->program.file);
    asl_buf_puts(&out, ", &k_machine_0, ");
    put_double(&out, def->program.timeout_seconds);
    asl_buf_puts(&out, " };\n");
    free(e.table);
    return out.data;
}

char *asl_emit_c_code(const asl_def *def, asl_emit_sym **syms, int *nsyms)
{
    asl_buf out;
    asl_buf_init(&out);
    emitter e = {def, &out, NULL, 0, 0, 0, NULL, 0, 16};
    e.syms = aslrt_xmalloc(sizeof *e.syms * (size_t)e.capsyms);
    asl_buf_puts(&out, "/* Generated by aslc 0.1 from ");
    asl_cquote_comment(&out, def->file, 200);
    asl_buf_puts(&out, "; do not edit. The descriptors are the compiler's, in memory. */\n\n");
    for (int i = 0; i < def->nmachines; i++) {
        const asl_machine *m = def->machines[i];
        asl_emit_sym *s = e.nsyms == e.capsyms ? NULL : &e.syms[e.nsyms];
        if (!s) {
            e.capsyms *= 2;
            e.syms = aslrt_xrealloc(e.syms, sizeof *e.syms * (size_t)e.capsyms);
            s = &e.syms[e.nsyms];
        }
        e.nsyms++;
        snprintf(s->name, sizeof s->name, "k_states_%d", m->id);
        s->ptr = m->states;
        asl_buf_printf(&out, "extern const aslrt_state k_states_%d[];\n", m->id);
        for (int k = 0; k < m->rt.nstates; k++)
            if (choice_as_c(&m->states[k]))
                declare_rules(&e, m->states[k].rules, m->states[k].nrules);
    }
    asl_buf_puts(&out, "\n");
    for (int i = 0; i < def->nmachines; i++)
        emit_machine_code(&e, def->machines[i]);
    free(e.table);
    *syms = e.syms;
    *nsyms = e.nsyms;
    return out.data;
}
