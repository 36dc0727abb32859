/* emit_data.c — the descriptors as static data in the generated C.
 *
 * Every descriptor the runtime reads (paths and their steps, filters,
 * templates, choice rules, retriers, catchers, the distributed Map's parts,
 * JSONata expression trees, literal JSON as cJSON trees, states, machines)
 * becomes one static object, written after the objects it refers to, as a
 * designated initializer that leaves out the members that are zero:
 *
 *     static const aslrt_step k_steps_0[] = {
 *         { .kind = ASLRT_STEP_FIELD, .name = "order" },
 *     };
 *
 * Kinds (.kind, .root, .op, .type) are written even when they are the
 * enum's zero, and so are the members whose zero means something to a
 * reader (a rule's .next, an [0] step's .index).
 *
 * Each object is written once. A descriptor reached again through the same
 * pointer is found in a pointer-keyed table; one that is only equal to an
 * object already written is found by its text: an initializer, whose
 * children are named by their own (already shared) names, says everything
 * the object holds, so two that read alike are the same data, and the
 * second descriptor gets the first one's name. Sharing is safe because
 * nothing writes to descriptors at run time: the runtime takes them const
 * and copies literal JSON into documents rather than linking it in. The
 * flags opt.c decides for each occurrence (a member moved in one state and
 * copied in another) are part of the text, so such templates stay apart.
 *
 * This is done here rather than by interning in the IR: opt.c decides per
 * occurrence, so the IR could only share after it, and interp and jit mode
 * would gain nothing (they read the IR by pointer; the JIT compiles no
 * data). The generated C is where copies show, in the source and in an
 * executable's data.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cquote.h"
#include "emit_data.h"
#include "xalloc.h"

enum { K_JSON, K_PATH, K_STEPS, K_FILTER, K_TMPL, K_RULES, K_ERRORS, K_RETRY, K_CATCH, K_BRANCHES, K_READER, K_BATCHER,
       K_WRITER, K_JX, K_COUNT };

/* How each kind is declared; %d is its n. */
static const char *const declaration[K_COUNT] = {
    [K_JSON] = "static cJSON k_json_%d[] = ",
    [K_PATH] = "static const aslrt_path k_path_%d = ",
    [K_STEPS] = "static const aslrt_step k_steps_%d[] = ",
    [K_FILTER] = "static const aslrt_filter k_filter_%d = ",
    [K_TMPL] = "static const aslrt_tmpl k_tmpl_%d[] = ",
    [K_RULES] = "static const aslrt_rule k_rules_%d[] = ",
    [K_ERRORS] = "static const char *const k_errors_%d[] = ",
    [K_RETRY] = "static const aslrt_retrier k_retry_%d[] = ",
    [K_CATCH] = "static const aslrt_catcher k_catch_%d[] = ",
    [K_BRANCHES] = "static const aslrt_machine *const k_branches_%d[] = ",
    [K_READER] = "static const aslrt_item_reader k_reader_%d = ",
    [K_BATCHER] = "static const aslrt_item_batcher k_batcher_%d = ",
    [K_WRITER] = "static const aslrt_result_writer k_writer_%d = ",
    [K_JX] = "static const jsonata_node k_jx_%d[] = ",
};

/* What was written: by descriptor, and by text. Both open addressing. */
typedef struct by_ptr {
    const void *ptr; /* NULL: empty */
    int kind, id;
} by_ptr;

typedef struct by_text {
    char *text; /* NULL: empty */
    size_t len;
    uint64_t hash;
    int kind, id;
} by_text;

struct asl_emit_data {
    const asl_def *def;
    asl_buf *out;
    by_ptr *ptrs;
    size_t cap_ptrs, nptrs;
    by_text *texts;
    size_t cap_texts, ntexts;
    int next_id;
};

asl_emit_data *asl_emit_data_new(const asl_def *def, asl_buf *out)
{
    asl_emit_data *ed = aslrt_xmalloc(sizeof *ed);
    memset(ed, 0, sizeof *ed);
    ed->def = def;
    ed->out = out;
    return ed;
}

void asl_emit_data_free(asl_emit_data *ed)
{
    if (!ed)
        return;
    for (size_t i = 0; i < ed->cap_texts; i++)
        free(ed->texts[i].text);
    free(ed->texts);
    free(ed->ptrs);
    free(ed);
}

/* ---------------------------------------------------------------- tables */

static size_t hash_ptr(const void *p, int kind)
{
    uintptr_t x = (uintptr_t)p ^ ((uintptr_t)kind << 3);
    x ^= x >> 17;
    x *= 0xed5ad4bbu;
    x ^= x >> 11;
    return (size_t)x;
}

/* FNV-1a over the kind and the text. */
static uint64_t hash_text(int kind, const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u ^ (uint64_t)kind;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
    return h;
}

/* The n under which (ptr, kind) was written, or -1. */
static int find_ptr(const asl_emit_data *ed, const void *ptr, int kind)
{
    if (!ed->cap_ptrs)
        return -1;
    for (size_t i = hash_ptr(ptr, kind) & (ed->cap_ptrs - 1);; i = (i + 1) & (ed->cap_ptrs - 1)) {
        if (!ed->ptrs[i].ptr)
            return -1;
        if (ed->ptrs[i].ptr == ptr && ed->ptrs[i].kind == kind)
            return ed->ptrs[i].id;
    }
}

static void put_ptr(by_ptr *t, size_t cap, by_ptr e)
{
    size_t j = hash_ptr(e.ptr, e.kind) & (cap - 1);
    while (t[j].ptr)
        j = (j + 1) & (cap - 1);
    t[j] = e;
}

static void add_ptr(asl_emit_data *ed, const void *ptr, int kind, int id)
{
    if (2 * (ed->nptrs + 1) > ed->cap_ptrs) {
        size_t cap = ed->cap_ptrs ? 2 * ed->cap_ptrs : 256;
        by_ptr *t = aslrt_xmalloc(cap * sizeof *t);
        memset(t, 0, cap * sizeof *t);
        for (size_t i = 0; i < ed->cap_ptrs; i++)
            if (ed->ptrs[i].ptr)
                put_ptr(t, cap, ed->ptrs[i]);
        free(ed->ptrs);
        ed->ptrs = t;
        ed->cap_ptrs = cap;
    }
    put_ptr(ed->ptrs, ed->cap_ptrs, (by_ptr){ptr, kind, id});
    ed->nptrs++;
}

static void put_text(by_text *t, size_t cap, by_text e)
{
    size_t j = (size_t)e.hash & (cap - 1);
    while (t[j].text)
        j = (j + 1) & (cap - 1);
    t[j] = e;
}

/* The n of the object of `kind` whose initializer is text[0..n): that of
   an equal one already written (*fresh = 0), else a new one (*fresh = 1),
   the text then being remembered. */
static int intern(asl_emit_data *ed, int kind, const char *text, size_t n, int *fresh)
{
    uint64_t h = hash_text(kind, text, n);
    for (size_t i = ed->cap_texts ? (size_t)h & (ed->cap_texts - 1) : 0; ed->cap_texts && ed->texts[i].text;
         i = (i + 1) & (ed->cap_texts - 1)) {
        const by_text *e = &ed->texts[i];
        if (e->hash == h && e->kind == kind && e->len == n && memcmp(e->text, text, n) == 0) {
            *fresh = 0;
            return e->id;
        }
    }
    if (2 * (ed->ntexts + 1) > ed->cap_texts) {
        size_t cap = ed->cap_texts ? 2 * ed->cap_texts : 256;
        by_text *t = aslrt_xmalloc(cap * sizeof *t);
        memset(t, 0, cap * sizeof *t);
        for (size_t i = 0; i < ed->cap_texts; i++)
            if (ed->texts[i].text)
                put_text(t, cap, ed->texts[i]);
        free(ed->texts);
        ed->texts = t;
        ed->cap_texts = cap;
    }
    char *copy = aslrt_xmalloc(n + 1);
    memcpy(copy, text, n);
    copy[n] = '\0';
    int id = ed->next_id++;
    put_text(ed->texts, ed->cap_texts, (by_text){copy, n, h, kind, id});
    ed->ntexts++;
    *fresh = 1;
    return id;
}

/* Names descriptor ptr by the object whose initializer `body` holds: an
   equal one already written, or this one, written now. Frees body. */
static int define(asl_emit_data *ed, const void *ptr, int kind, asl_buf *body)
{
    int fresh;
    int id = intern(ed, kind, body->data, body->len, &fresh);
    if (fresh) {
        asl_buf_printf(ed->out, declaration[kind], id);
        asl_buf_add(ed->out, body->data, body->len);
        asl_buf_puts(ed->out, ";\n");
    }
    asl_buf_free(body);
    add_ptr(ed, ptr, kind, id);
    return id;
}

int asl_emit_data_rules(asl_emit_data *ed, const aslrt_rule *rules, int *fresh)
{
    int id = find_ptr(ed, rules, K_RULES);
    *fresh = id < 0;
    if (id < 0) {
        id = ed->next_id++;
        add_ptr(ed, rules, K_RULES, id);
    }
    return id;
}

/* ---------------------------------------------------- names of constants */

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
#define X(id, ...) [ASLRT_FN_##id] = "ASLRT_FN_" #id,
    ASLRT_INTRINSICS(X)
#undef X
};
static const char *const rule_op[] = {
    NAME(ASLRT_OP_AND), NAME(ASLRT_OP_OR), NAME(ASLRT_OP_NOT),
#define X(id, ...) [ASLRT_OP_##id] = "ASLRT_OP_" #id,
    ASLRT_COMPARISONS(X)
#undef X
};
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

/* Flag bits by name, lowest first (names[k] is bit k). */
static const char *const tmpl_flags[] = {"ASLRT_TF_MOVE", "ASLRT_TF_UNIQUE_KEYS", "ASLRT_TF_CHECK",
                                         "ASLRT_TF_CHECKS"};
static const char *const state_flags[] = {
    "ASLRT_INPUT_PATH_NULL", "ASLRT_OUTPUT_PATH_NULL", "ASLRT_RESULT_PATH_NULL", "ASLRT_HAS_SECONDS",
    "ASLRT_DISTRIBUTED", "ASLRT_HAS_TOLERATED_COUNT", "ASLRT_HAS_TOLERATED_PERCENTAGE", "ASLRT_JSONATA",
    "ASLRT_MOVE_INPUT", "ASLRT_BORROWS_INPUT", "ASLRT_PLACEHOLDER", "ASLRT_TAKES_ITEMS"};
static const char *const slice_flags[] = {"ASLRT_SLICE_NO_START", "ASLRT_SLICE_NO_END"};
static const char *const jx_flags[] = {"JSONATA_F_STAGES",     "JSONATA_F_KEEP_ARRAY", "JSONATA_F_KEEP_SINGLETON",
                                       "JSONATA_F_CONS_ARRAY", "JSONATA_F_TUPLE",      "JSONATA_F_THUNK",
                                       "JSONATA_F_DESCENDING"};
static const char *const type_const[] = {
#define X(id, name, fn) "ASLRT_" #id,
    ASLRT_STATE_TYPES(X)
#undef X
};
#define COUNT(t) (sizeof t / sizeof t[0])

/* The name of enum value i from table t (n entries), or the number itself. */
static void put_enum(asl_buf *b, const char *const *t, size_t n, int i)
{
    if (i >= 0 && (size_t)i < n && t[i])
        asl_buf_puts(b, t[i]);
    else
        asl_buf_printf(b, "%d", i);
}

/* flags as NAME | NAME; bits without a name as a number. */
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

/* A double as a C floating constant: exactly (%.17g), never an integer
   constant (which could overflow int or long), infinities and NaN as
   constant expressions. */
static void put_double(asl_buf *b, double d)
{
    if (d != d) {
        asl_buf_puts(b, "(0.0 / 0.0)");
        return;
    }
    if (isinf(d)) {
        asl_buf_puts(b, d > 0 ? "(1e308 * 10.0)" : "(-1e308 * 10.0)");
        return;
    }
    char s[40];
    snprintf(s, sizeof s, "%.17g", d);
    asl_buf_puts(b, s);
    if (!strpbrk(s, ".eE"))
        asl_buf_puts(b, ".0");
}

/* ------------------------------------------------ designated initializers */

/* One initializer being written: `{ .a = 1, .b = "x" }` on one line, or,
   for states, one member a line. Members are written only when they are
   not zero, unless a caller says otherwise. */
typedef struct init {
    asl_buf *b;
    int n;         /* members written so far */
    int multiline;
} init;

static init open_init(asl_buf *b)
{
    asl_buf_puts(b, "{");
    return (init){b, 0, 0};
}

static void close_init(init *in)
{
    if (in->multiline)
        asl_buf_puts(in->b, in->n ? ",\n    }" : " 0 }");
    else
        asl_buf_puts(in->b, in->n ? " }" : " 0 }");
}

/* ".name = ", after the previous member's separator. */
static void member(init *in, const char *name)
{
    if (in->multiline)
        asl_buf_printf(in->b, "%s\n      .%s = ", in->n ? "," : "", name);
    else
        asl_buf_printf(in->b, "%s .%s = ", in->n ? "," : "", name);
    in->n++;
}

static void m_int(init *in, const char *name, int v)
{
    if (v) {
        member(in, name);
        asl_buf_printf(in->b, "%d", v);
    }
}

/* A number whose 0 is worth showing (a target state, an index). */
static void m_int_shown(init *in, const char *name, int v)
{
    member(in, name);
    asl_buf_printf(in->b, "%d", v);
}

static void m_num(init *in, const char *name, double d)
{
    if (d != 0 || signbit(d)) { /* -0.0 is not the zero the member starts as */
        member(in, name);
        put_double(in->b, d);
    }
}

static void m_str(init *in, const char *name, const char *s)
{
    if (s) {
        member(in, name);
        asl_cquote_str(in->b, s);
    }
}

/* A reference to object `id` (-1: none) as fmt says: "&k_path_%d". */
static void m_ref(init *in, const char *name, const char *fmt, int id)
{
    if (id >= 0) {
        member(in, name);
        asl_buf_printf(in->b, fmt, id);
    }
}

static void m_enum(init *in, const char *name, const char *const *table, size_t n, int v)
{
    member(in, name);
    put_enum(in->b, table, n, v);
}

static void m_flags(init *in, const char *name, int flags, const char *const *names, size_t n)
{
    if (flags) {
        member(in, name);
        put_flags(in->b, flags, names, n);
    }
}

/* ---------------------------------------------------------------- JSON */

static int count_nodes(const cJSON *v)
{
    int n = 1;
    for (const cJSON *c = v->child; c; c = c->next)
        n += count_nodes(c);
    return n;
}

/* Writes v and its descendants in preorder as elements of k_json_<id>,
   starting at index *at. `next` and `prev` are its siblings' indices (-1:
   none). Nesting is bounded by the parser (cJSON's 1000 levels). */
static void put_node(asl_buf *b, int id, const cJSON *v, int *at, int next, int prev)
{
    int me = (*at)++;
    /* the children are written after this node, but it points at them */
    int nkids = 0;
    for (const cJSON *c = v->child; c; c = c->next)
        nkids++;
    int *kid = nkids ? aslrt_xmalloc(sizeof(int) * (size_t)nkids) : NULL;
    int k = 0, idx = me + 1;
    for (const cJSON *c = v->child; c; c = c->next) {
        kid[k++] = idx;
        idx += count_nodes(c);
    }
    asl_buf_puts(b, "    ");
    init in = open_init(b);
    if (next >= 0) {
        member(&in, "next");
        asl_buf_printf(b, "&k_json_%d[%d]", id, next);
    }
    if (prev >= 0) {
        member(&in, "prev");
        asl_buf_printf(b, "&k_json_%d[%d]", id, prev);
    }
    if (nkids) {
        member(&in, "child");
        asl_buf_printf(b, "&k_json_%d[%d]", id, kid[0]);
    }
    static const char *const type_names[] = {"ASLRT_J_FALSE", "ASLRT_J_TRUE", "ASLRT_J_NULL", "ASLRT_J_NUMBER",
                                             "ASLRT_J_STRING", "ASLRT_J_ARRAY", "ASLRT_J_OBJECT"};
    const char *tn = "0";
    for (int t = 0; t < 7; t++)
        if ((v->type & 0xff) == (1 << t))
            tn = type_names[t];
    /* a member's key is static data too: copies of the literal keep pointing
       at it (cJSON_StringIsConst) instead of duplicating it */
    member(&in, "type");
    asl_buf_printf(b, "%s%s", tn, v->string ? " | ASLRT_J_CONST" : "");
    if (cJSON_IsString(v))
        m_str(&in, "valuestring", v->valuestring);
    if (cJSON_IsNumber(v)) {
        m_int(&in, "valueint", v->valueint);
        m_num(&in, "valuedouble", v->valuedouble);
    }
    m_str(&in, "string", v->string);
    close_init(&in);
    asl_buf_puts(b, ",\n");
    /* cJSON keeps the last element in the first element's prev */
    k = 0;
    for (const cJSON *c = v->child; c; c = c->next, k++)
        put_node(b, id, c, at, k + 1 < nkids ? kid[k + 1] : -1, k > 0 ? kid[k - 1] : kid[nkids - 1]);
    free(kid);
}

/* The initializer of literal v as k_json_<id>[]. */
static void json_body(asl_buf *b, const cJSON *v, int id)
{
    int at = 0;
    asl_buf_init(b);
    asl_buf_puts(b, "{\n");
    put_node(b, id, v, &at, -1, -1);
    asl_buf_puts(b, "}");
}

/* A literal JSON value as a static cJSON tree; returns its n. The tree is
   never freed or changed: the runtime copies what it puts into results.
   Its nodes point at each other by the array's name, so its text is
   compared with the name left out (-1) and written with it. */
static int emit_json(asl_emit_data *ed, const cJSON *v)
{
    int id = find_ptr(ed, v, K_JSON);
    if (id >= 0)
        return id;
    asl_buf key;
    json_body(&key, v, -1);
    int fresh;
    id = intern(ed, K_JSON, key.data, key.len, &fresh);
    asl_buf_free(&key);
    if (fresh) {
        asl_buf body;
        json_body(&body, v, id);
        asl_buf_printf(ed->out, declaration[K_JSON], id);
        asl_buf_add(ed->out, body.data, body.len);
        asl_buf_puts(ed->out, ";\n");
        asl_buf_free(&body);
    }
    add_ptr(ed, v, K_JSON, id);
    return id;
}

/* --------------------------------------------------------------- paths */

static int emit_path(asl_emit_data *ed, const aslrt_path *p);

static int emit_filter(asl_emit_data *ed, const aslrt_filter *f)
{
    int id = find_ptr(ed, f, K_FILTER);
    if (id >= 0)
        return id;
    int lhs = f->lhs ? emit_path(ed, f->lhs) : -1;
    int rhsp = f->rhs_path ? emit_path(ed, f->rhs_path) : -1;
    int rhs = f->rhs ? emit_json(ed, f->rhs) : -1;
    int a = f->a ? emit_filter(ed, f->a) : -1;
    int b = f->b ? emit_filter(ed, f->b) : -1;
    asl_buf body;
    asl_buf_init(&body);
    init in = open_init(&body);
    m_enum(&in, "op", filter_op, COUNT(filter_op), f->op);
    m_ref(&in, "lhs", "&k_path_%d", lhs);
    m_ref(&in, "rhs_path", "&k_path_%d", rhsp);
    m_ref(&in, "rhs", "k_json_%d", rhs);
    m_ref(&in, "a", "&k_filter_%d", a);
    m_ref(&in, "b", "&k_filter_%d", b);
    close_init(&in);
    return define(ed, f, K_FILTER, &body);
}

static int emit_steps(asl_emit_data *ed, const aslrt_step *steps, int n)
{
    int id = find_ptr(ed, steps, K_STEPS);
    if (id >= 0)
        return id;
    int *sub = aslrt_xmalloc(sizeof(int) * (size_t)n * 2);
    for (int i = 0; i < n; i++) {
        sub[2 * i] = steps[i].nitems ? emit_steps(ed, steps[i].items, steps[i].nitems) : -1;
        sub[2 * i + 1] = steps[i].filter ? emit_filter(ed, steps[i].filter) : -1;
    }
    asl_buf body;
    asl_buf_init(&body);
    asl_buf_puts(&body, "{\n");
    for (int i = 0; i < n; i++) {
        const aslrt_step *s = &steps[i];
        asl_buf_puts(&body, "    ");
        init in = open_init(&body);
        m_enum(&in, "kind", step_kind, COUNT(step_kind), s->kind);
        m_str(&in, "name", s->name);
        if (s->kind == ASLRT_STEP_INDEX)
            m_int_shown(&in, "index", s->index);
        else
            m_int(&in, "index", s->index);
        if (s->kind == ASLRT_STEP_SLICE) { /* [0:2:1]: every bound shown */
            m_int_shown(&in, "start", s->start);
            m_int_shown(&in, "end", s->end);
            m_int_shown(&in, "step", s->step);
        } else {
            m_int(&in, "start", s->start);
            m_int(&in, "end", s->end);
            m_int(&in, "step", s->step);
        }
        m_flags(&in, "flags", s->flags, slice_flags, COUNT(slice_flags));
        m_int(&in, "nitems", s->nitems);
        m_ref(&in, "items", "k_steps_%d", sub[2 * i]);
        m_ref(&in, "filter", "&k_filter_%d", sub[2 * i + 1]);
        close_init(&in);
        asl_buf_puts(&body, ",\n");
    }
    asl_buf_puts(&body, "}");
    free(sub);
    return define(ed, steps, K_STEPS, &body);
}

static int emit_path(asl_emit_data *ed, const aslrt_path *p)
{
    int id = find_ptr(ed, p, K_PATH);
    if (id >= 0)
        return id;
    int steps = p->nsteps ? emit_steps(ed, p->steps, p->nsteps) : -1;
    asl_buf body;
    asl_buf_init(&body);
    init in = open_init(&body);
    m_str(&in, "text", p->text);
    m_enum(&in, "root", root_kind, COUNT(root_kind), p->root);
    m_str(&in, "var", p->var);
    m_int(&in, "definite", p->definite);
    m_int(&in, "nsteps", p->nsteps);
    m_ref(&in, "steps", "k_steps_%d", steps);
    close_init(&in);
    return define(ed, p, K_PATH, &body);
}

/* ------------------------------------------------- JSONata expressions */

/* A JSONata expression tree (jsonata/jsonata_parse.c) as static data,
   children first: each node array (a node's kids, its stages, the root and
   a group-by node as arrays of one) becomes `static const jsonata_node
   k_jx_N[]`; returns N. Nesting is bounded by the parser
   (JSONATA_MAX_NESTING), so the recursion is too. */
static int emit_jx_nodes(asl_emit_data *ed, const jsonata_node *x, int n)
{
    int id = find_ptr(ed, x, K_JX);
    if (id >= 0)
        return id;
    int *sub = aslrt_xmalloc(sizeof(int) * (size_t)(n ? n : 1) * 3);
    for (int i = 0; i < n; i++) {
        sub[3 * i] = x[i].n ? emit_jx_nodes(ed, x[i].kids, x[i].n) : -1;
        sub[3 * i + 1] = x[i].nstages ? emit_jx_nodes(ed, x[i].stages, x[i].nstages) : -1;
        sub[3 * i + 2] = x[i].group ? emit_jx_nodes(ed, x[i].group, 1) : -1;
    }
    asl_buf body;
    asl_buf_init(&body);
    asl_buf_puts(&body, "{\n");
    for (int i = 0; i < n; i++) {
        const jsonata_node *j = &x[i];
        asl_buf_puts(&body, "    ");
        init in = open_init(&body);
        m_enum(&in, "kind", jx_kind, COUNT(jx_kind), j->kind);
        if (j->kind == JSONATA_N_BINARY)
            m_enum(&in, "op", jx_op, COUNT(jx_op), j->op);
        else
            m_int(&in, "op", j->op);
        m_flags(&in, "flags", j->flags, jx_flags, COUNT(jx_flags));
        m_num(&in, "num", j->num);
        m_str(&in, "str", j->str);
        m_str(&in, "str2", j->str2);
        m_int(&in, "n", j->n);
        m_ref(&in, "kids", "k_jx_%d", sub[3 * i]);
        m_int(&in, "nstages", j->nstages);
        m_ref(&in, "stages", "k_jx_%d", sub[3 * i + 1]);
        m_ref(&in, "group", "k_jx_%d", sub[3 * i + 2]);
        m_str(&in, "focus", j->focus);
        m_str(&in, "index", j->index);
        m_str(&in, "ancestor", j->ancestor);
        close_init(&in);
        asl_buf_puts(&body, ",\n");
    }
    asl_buf_puts(&body, "}");
    free(sub);
    return define(ed, x, K_JX, &body);
}

/* ----------------------------------------------------------- templates */

static int emit_tmpls(asl_emit_data *ed, const aslrt_tmpl *t, int n)
{
    int id = find_ptr(ed, t, K_TMPL);
    if (id >= 0)
        return id;
    int *sub = aslrt_xmalloc(sizeof(int) * (size_t)n * 4);
    for (int i = 0; i < n; i++) {
        sub[4 * i] = t[i].value ? emit_json(ed, t[i].value) : -1;
        sub[4 * i + 1] = t[i].path ? emit_path(ed, t[i].path) : -1;
        sub[4 * i + 2] = t[i].n ? emit_tmpls(ed, t[i].items, t[i].n) : -1;
        sub[4 * i + 3] = t[i].jx ? emit_jx_nodes(ed, t[i].jx, 1) : -1;
    }
    asl_buf body;
    asl_buf_init(&body);
    asl_buf_puts(&body, "{\n");
    for (int i = 0; i < n; i++) {
        asl_buf_puts(&body, "    ");
        init in = open_init(&body);
        m_enum(&in, "kind", tmpl_kind, COUNT(tmpl_kind), t[i].kind);
        m_str(&in, "key", t[i].key);
        m_str(&in, "field", t[i].field);
        m_ref(&in, "value", "k_json_%d", sub[4 * i]);
        m_ref(&in, "path", "&k_path_%d", sub[4 * i + 1]);
        if (t[i].kind == ASLRT_T_CALL && t[i].fn == ASLRT_FN_UNKNOWN) {
            member(&in, "fn");
            asl_buf_puts(&body, "ASLRT_FN_UNKNOWN");
        } else if (t[i].kind == ASLRT_T_CALL) {
            m_enum(&in, "fn", fn_name, COUNT(fn_name), t[i].fn);
        } else {
            m_int(&in, "fn", t[i].fn); /* JSONATA: 1 when it may read $states.context */
        }
        m_str(&in, "text", t[i].text);
        m_int(&in, "n", t[i].n);
        m_ref(&in, "items", "k_tmpl_%d", sub[4 * i + 2]);
        m_ref(&in, "jx", "k_jx_%d", sub[4 * i + 3]);
        m_flags(&in, "flags", t[i].flags, tmpl_flags, COUNT(tmpl_flags)); /* compiler/opt.c's decisions */
        close_init(&in);
        asl_buf_puts(&body, ",\n");
    }
    asl_buf_puts(&body, "}");
    free(sub);
    return define(ed, t, K_TMPL, &body);
}

/* A template field: the array of one its pointer starts. */
static int emit_tmpl(asl_emit_data *ed, const aslrt_tmpl *t)
{
    return t ? emit_tmpls(ed, t, 1) : -1;
}

/* -------------------------------------------------------- choice rules */

static int emit_rules(asl_emit_data *ed, const aslrt_rule *r, int n)
{
    int id = find_ptr(ed, r, K_RULES);
    if (id >= 0)
        return id;
    enum { VAR, OPERAND, OPERAND_PATH, SUB, ASSIGN, OUTPUT, CONDITION, NSUB };
    int *sub = aslrt_xmalloc(sizeof(int) * (size_t)n * NSUB);
    for (int i = 0; i < n; i++) {
        int *s = &sub[i * NSUB];
        s[VAR] = r[i].variable ? emit_path(ed, r[i].variable) : -1;
        s[OPERAND] = r[i].operand ? emit_json(ed, r[i].operand) : -1;
        s[OPERAND_PATH] = r[i].operand_path ? emit_path(ed, r[i].operand_path) : -1;
        s[SUB] = r[i].n ? emit_rules(ed, r[i].sub, r[i].n) : -1;
        s[ASSIGN] = emit_tmpl(ed, r[i].assign); /* variables, JSONata */
        s[OUTPUT] = emit_tmpl(ed, r[i].output);
        s[CONDITION] = emit_tmpl(ed, r[i].condition);
    }
    asl_buf body;
    asl_buf_init(&body);
    asl_buf_puts(&body, "{\n");
    for (int i = 0; i < n; i++) {
        const int *s = &sub[i * NSUB];
        asl_buf_puts(&body, "    ");
        init in = open_init(&body);
        m_enum(&in, "op", rule_op, COUNT(rule_op), r[i].op);
        m_ref(&in, "variable", "&k_path_%d", s[VAR]);
        m_ref(&in, "operand", "k_json_%d", s[OPERAND]);
        m_ref(&in, "operand_path", "&k_path_%d", s[OPERAND_PATH]);
        m_int(&in, "n", r[i].n);
        m_ref(&in, "sub", "k_rules_%d", s[SUB]);
        m_int_shown(&in, "next", r[i].next); /* -1 inside And, Or, Not */
        m_ref(&in, "assign", "k_tmpl_%d", s[ASSIGN]);
        m_ref(&in, "output", "k_tmpl_%d", s[OUTPUT]);
        m_ref(&in, "condition", "k_tmpl_%d", s[CONDITION]);
        close_init(&in);
        asl_buf_puts(&body, ",\n");
    }
    asl_buf_puts(&body, "}");
    free(sub);
    return define(ed, r, K_RULES, &body);
}

/* ------------------------------------------------------ Retry and Catch */

static int emit_errors(asl_emit_data *ed, const char *const *errors, int n)
{
    int id = find_ptr(ed, errors, K_ERRORS);
    if (id >= 0)
        return id;
    asl_buf body;
    asl_buf_init(&body);
    asl_buf_puts(&body, "{ ");
    for (int i = 0; i < n; i++) {
        asl_cquote_str(&body, errors[i]);
        asl_buf_puts(&body, i + 1 < n ? ", " : " ");
    }
    asl_buf_puts(&body, n ? "}" : "0 }");
    return define(ed, errors, K_ERRORS, &body);
}

static int emit_retry(asl_emit_data *ed, const aslrt_retrier *r, int n)
{
    int *errs = aslrt_xmalloc(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++)
        errs[i] = emit_errors(ed, r[i].errors, r[i].nerrors);
    asl_buf body;
    asl_buf_init(&body);
    asl_buf_puts(&body, "{\n");
    for (int i = 0; i < n; i++) {
        asl_buf_puts(&body, "    ");
        init in = open_init(&body);
        m_int(&in, "nerrors", r[i].nerrors);
        m_ref(&in, "errors", "k_errors_%d", errs[i]);
        m_num(&in, "interval_seconds", r[i].interval_seconds);
        m_int_shown(&in, "max_attempts", r[i].max_attempts);
        m_num(&in, "backoff_rate", r[i].backoff_rate);
        m_num(&in, "max_delay_seconds", r[i].max_delay_seconds);
        m_int(&in, "jitter_full", r[i].jitter_full);
        close_init(&in);
        asl_buf_puts(&body, ",\n");
    }
    asl_buf_puts(&body, "}");
    free(errs);
    return define(ed, r, K_RETRY, &body);
}

static int emit_catch(asl_emit_data *ed, const aslrt_catcher *c, int n)
{
    enum { ERRORS, RESULT_PATH, ASSIGN, OUTPUT, NSUB };
    int *sub = aslrt_xmalloc(sizeof(int) * (size_t)n * NSUB);
    for (int i = 0; i < n; i++) {
        int *s = &sub[i * NSUB];
        s[ERRORS] = emit_errors(ed, c[i].errors, c[i].nerrors);
        s[RESULT_PATH] = c[i].result_path ? emit_path(ed, c[i].result_path) : -1;
        s[ASSIGN] = emit_tmpl(ed, c[i].assign);
        s[OUTPUT] = emit_tmpl(ed, c[i].output);
    }
    asl_buf body;
    asl_buf_init(&body);
    asl_buf_puts(&body, "{\n");
    for (int i = 0; i < n; i++) {
        const int *s = &sub[i * NSUB];
        asl_buf_puts(&body, "    ");
        init in = open_init(&body);
        m_int(&in, "nerrors", c[i].nerrors);
        m_ref(&in, "errors", "k_errors_%d", s[ERRORS]);
        m_ref(&in, "result_path", "&k_path_%d", s[RESULT_PATH]);
        m_int(&in, "result_path_null", c[i].result_path_null);
        m_int_shown(&in, "next", c[i].next);
        m_ref(&in, "assign", "k_tmpl_%d", s[ASSIGN]);
        m_ref(&in, "output", "k_tmpl_%d", s[OUTPUT]);
        close_init(&in);
        asl_buf_puts(&body, ",\n");
    }
    asl_buf_puts(&body, "}");
    free(sub);
    return define(ed, c, K_CATCH, &body);
}

/* ------------------------------------------------- distributed Map parts */

static int emit_item_reader(asl_emit_data *ed, const aslrt_item_reader *r)
{
    int params = emit_tmpl(ed, r->parameters);
    int config = r->reader_config ? emit_json(ed, r->reader_config) : -1;
    int mip = r->max_items_path ? emit_path(ed, r->max_items_path) : -1;
    asl_buf body;
    asl_buf_init(&body);
    init in = open_init(&body);
    m_str(&in, "resource", r->resource);
    m_ref(&in, "parameters", "k_tmpl_%d", params);
    m_ref(&in, "reader_config", "k_json_%d", config);
    m_ref(&in, "max_items_path", "&k_path_%d", mip);
    close_init(&in);
    return define(ed, r, K_READER, &body);
}

static int emit_item_batcher(asl_emit_data *ed, const aslrt_item_batcher *b)
{
    int mip = b->max_items_path ? emit_path(ed, b->max_items_path) : -1;
    int mbp = b->max_bytes_path ? emit_path(ed, b->max_bytes_path) : -1;
    int bi = emit_tmpl(ed, b->batch_input);
    asl_buf body;
    asl_buf_init(&body);
    init in = open_init(&body);
    m_int(&in, "max_items", b->max_items);
    m_ref(&in, "max_items_path", "&k_path_%d", mip);
    m_int(&in, "max_bytes", b->max_bytes);
    m_ref(&in, "max_bytes_path", "&k_path_%d", mbp);
    m_ref(&in, "batch_input", "k_tmpl_%d", bi);
    close_init(&in);
    return define(ed, b, K_BATCHER, &body);
}

static int emit_result_writer(asl_emit_data *ed, const aslrt_result_writer *w)
{
    int params = emit_tmpl(ed, w->parameters);
    int config = w->writer_config ? emit_json(ed, w->writer_config) : -1;
    asl_buf body;
    asl_buf_init(&body);
    init in = open_init(&body);
    m_str(&in, "resource", w->resource);
    m_ref(&in, "parameters", "k_tmpl_%d", params);
    m_ref(&in, "writer_config", "k_json_%d", config);
    close_init(&in);
    return define(ed, w, K_WRITER, &body);
}

static int emit_branches(asl_emit_data *ed, const aslrt_state *s)
{
    asl_buf body;
    asl_buf_init(&body);
    asl_buf_puts(&body, "{ ");
    for (int b = 0; b < s->nbranches; b++)
        asl_buf_printf(&body, "&k_machine_%d%s", asl_def_machine(ed->def, s->branches[b])->id,
                       b + 1 < s->nbranches ? ", " : " ");
    asl_buf_puts(&body, "}");
    return define(ed, s->branches, K_BRANCHES, &body);
}

/* --------------------------------------------------------------- states */

/* Writes machine m's data: everything its states refer to, its state array
   and its aslrt_machine. Nested machines must already be written. */
void asl_emit_data_machine(asl_emit_data *ed, const asl_machine *m)
{
    int n = m->rt.nstates;
    enum { IN, PARAMS, SEL, RES, OUT, RESULT, RULES, SECP, TSP, ERRP, CAUSEP, TOP, HBP, RETRY, CATCH, BR, ITEMS, ISEL, MCP,
           TFCP, TFPP, READER, BATCHER, WRITER, ASSIGN, OUTPUT, JITEMS, SECX, TSX, TOX, HBX, MCX, TFCX, TFPX, ERRX,
           CAUSEX, NREF };
    int *ref = aslrt_xmalloc(sizeof(int) * (size_t)(n ? n : 1) * NREF);
#define PATH(p) ((p) ? emit_path(ed, (p)) : -1)
    for (int i = 0; i < n; i++) {
        const aslrt_state *s = &m->states[i];
        int *r = &ref[i * NREF];
        r[IN] = PATH(s->input_path);
        r[PARAMS] = emit_tmpl(ed, s->parameters);
        r[SEL] = emit_tmpl(ed, s->result_selector);
        r[RES] = PATH(s->result_path);
        r[OUT] = PATH(s->output_path);
        r[RESULT] = s->result ? emit_json(ed, s->result) : -1;
        r[RULES] = s->nrules ? emit_rules(ed, s->rules, s->nrules) : -1;
        r[SECP] = PATH(s->seconds_path);
        r[TSP] = PATH(s->timestamp_path);
        r[ERRP] = emit_tmpl(ed, s->error_path);
        r[CAUSEP] = emit_tmpl(ed, s->cause_path);
        r[TOP] = PATH(s->timeout_seconds_path);
        r[HBP] = PATH(s->heartbeat_seconds_path);
        r[RETRY] = s->nretry ? emit_retry(ed, s->retry, s->nretry) : -1;
        r[CATCH] = s->ncatch ? emit_catch(ed, s->catchers, s->ncatch) : -1;
        r[ITEMS] = PATH(s->items_path);
        r[ISEL] = emit_tmpl(ed, s->item_selector);
        r[MCP] = PATH(s->max_concurrency_path);
        r[TFCP] = PATH(s->tolerated_failure_count_path);
        r[TFPP] = PATH(s->tolerated_failure_percentage_path);
        r[READER] = s->item_reader ? emit_item_reader(ed, s->item_reader) : -1;
        r[BATCHER] = s->item_batcher ? emit_item_batcher(ed, s->item_batcher) : -1;
        r[WRITER] = s->result_writer ? emit_result_writer(ed, s->result_writer) : -1;
        /* variables and JSONata (aslrt.h: the fields after `label`) */
        const aslrt_tmpl *const more[] = {s->assign, s->output, s->items, s->seconds_expr, s->timestamp_expr,
                                          s->timeout_seconds_expr, s->heartbeat_seconds_expr,
                                          s->max_concurrency_expr, s->tolerated_failure_count_expr,
                                          s->tolerated_failure_percentage_expr, s->error_expr, s->cause_expr};
        for (int k = 0; k < (int)COUNT(more); k++)
            r[ASSIGN + k] = emit_tmpl(ed, more[k]);
        r[BR] = s->nbranches ? emit_branches(ed, s) : -1;
    }
#undef PATH
    asl_buf *b = ed->out;
    asl_buf_printf(b, "\nstatic const aslrt_state k_states_%d[] = {", m->id);
    for (int i = 0; i < n; i++) {
        const aslrt_state *s = &m->states[i];
        const int *r = &ref[i * NREF];
        asl_buf_printf(b, "\n    { /* %d */", i);
        init in = {b, 0, 1};
        m_str(&in, "name", s->name);
        m_enum(&in, "type", type_const, COUNT(type_const), s->type);
        m_flags(&in, "flags", s->flags, state_flags, COUNT(state_flags));
        m_int_shown(&in, "next", s->next);
        m_ref(&in, "input_path", "&k_path_%d", r[IN]);
        m_ref(&in, "parameters", "k_tmpl_%d", r[PARAMS]);
        m_ref(&in, "result_selector", "k_tmpl_%d", r[SEL]);
        m_ref(&in, "result_path", "&k_path_%d", r[RES]);
        m_ref(&in, "output_path", "&k_path_%d", r[OUT]);
        m_ref(&in, "result", "k_json_%d", r[RESULT]);
        m_int(&in, "nrules", s->nrules);
        m_ref(&in, "rules", "k_rules_%d", r[RULES]);
        if (s->type == ASLRT_CHOICE) /* elsewhere unused (and -1) */
            m_int_shown(&in, "default_next", s->default_next);
        m_num(&in, "seconds", s->seconds);
        m_ref(&in, "seconds_path", "&k_path_%d", r[SECP]);
        m_str(&in, "timestamp", s->timestamp);
        m_ref(&in, "timestamp_path", "&k_path_%d", r[TSP]);
        m_str(&in, "error", s->error);
        m_str(&in, "cause", s->cause);
        m_ref(&in, "error_path", "k_tmpl_%d", r[ERRP]);
        m_ref(&in, "cause_path", "k_tmpl_%d", r[CAUSEP]);
        m_str(&in, "resource", s->resource);
        m_num(&in, "timeout_seconds", s->timeout_seconds);
        m_ref(&in, "timeout_seconds_path", "&k_path_%d", r[TOP]);
        m_num(&in, "heartbeat_seconds", s->heartbeat_seconds);
        m_ref(&in, "heartbeat_seconds_path", "&k_path_%d", r[HBP]);
        m_int(&in, "nretry", s->nretry);
        m_ref(&in, "retry", "k_retry_%d", r[RETRY]);
        m_int(&in, "ncatch", s->ncatch);
        m_ref(&in, "catchers", "k_catch_%d", r[CATCH]);
        m_int(&in, "nbranches", s->nbranches);
        m_ref(&in, "branches", "k_branches_%d", r[BR]);
        m_ref(&in, "items_path", "&k_path_%d", r[ITEMS]);
        m_ref(&in, "item_selector", "k_tmpl_%d", r[ISEL]);
        m_int(&in, "max_concurrency", s->max_concurrency);
        m_ref(&in, "max_concurrency_path", "&k_path_%d", r[MCP]);
        m_num(&in, "tolerated_failure_count", s->tolerated_failure_count);
        m_ref(&in, "tolerated_failure_count_path", "&k_path_%d", r[TFCP]);
        m_num(&in, "tolerated_failure_percentage", s->tolerated_failure_percentage);
        m_ref(&in, "tolerated_failure_percentage_path", "&k_path_%d", r[TFPP]);
        m_ref(&in, "item_reader", "&k_reader_%d", r[READER]);
        m_ref(&in, "item_batcher", "&k_batcher_%d", r[BATCHER]);
        m_ref(&in, "result_writer", "&k_writer_%d", r[WRITER]);
        m_str(&in, "label", s->label);
        static const char *const more_names[] = {"assign", "output", "items", "seconds_expr", "timestamp_expr",
                                                 "timeout_seconds_expr", "heartbeat_seconds_expr",
                                                 "max_concurrency_expr", "tolerated_failure_count_expr",
                                                 "tolerated_failure_percentage_expr", "error_expr", "cause_expr"};
        for (int k = 0; k < (int)COUNT(more_names); k++)
            m_ref(&in, more_names[k], "k_tmpl_%d", r[ASSIGN + k]);
        close_init(&in);
        asl_buf_puts(b, ",");
    }
    asl_buf_puts(b, n ? "\n};\n" : " { 0 }\n};\n");
    asl_buf_printf(b, "static const aslrt_machine k_machine_%d = { .run = aslg_m%d, .start = %d, .nstates = %d, "
                      ".states = k_states_%d };\n\n",
                   m->id, m->id, m->rt.start, n, m->id);
    free(ref);
}
