/* front.c — the front end: definition file -> validated IR.
 *
 * asl_front_load() reads and parses the file (json/jsonfile.c: syntax
 * errors with line, column and caret), runs every static rule
 * (validate.c), and only then builds the IR of ir.h: the runtime
 * descriptors of runtime/aslrt.h, allocated in one arena, plus where each
 * state came from.  The builder trusts the shape validate.c has checked,
 * but still reports (rather than crashes on) anything it cannot build.
 *
 * Machine numbering: the top level is machine 0; nested machines (Parallel
 * branches in order, a Map's ItemProcessor or Iterator) are numbered
 * depth-first in definition order.  A nested machine gets its id, and is
 * built completely, while its parent state is being built, before the
 * parent's next state.  So every nested machine has a larger id than its
 * parent, and the ids read top to bottom in the file.
 *
 * Literal JSON (Pass Result, literal parts of templates, choice operands)
 * is not copied: the descriptors point into `doc`, which the IR keeps alive.
 *
 * JSONata states (QueryLanguage "JSONata", flag ASLRT_JSONATA) leave the
 * JSONPath fields unset; their JSONata-capable fields become templates
 * whose leaves are literal JSON or expressions parsed now
 * (jsonata_parse), so nothing is parsed at run time.  Arguments goes
 * where Parameters would, ItemSelector where JSONPath's does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "front.h"
#include "opt.h"
#include "intrinsic.h"
#include "jsonata_parse.h"
#include "jsonfile.h"
#include "path.h"
#include "validate.h"

/* A state name and its index, sorted by name for lookups. */
typedef struct name_index {
    const char *name;
    int index;
} name_index;

/* The machine being built: its state names, sorted. */
typedef struct mscope {
    name_index *names;
    int n;
} mscope;

typedef struct builder {
    asl_def *def;
    asl_arena *a;
    asl_diag *d;
    int cap_machines;
    int top_jsonata;          /* top-level QueryLanguage is JSONata */
    int no_opt;               /* asl_front_opts.no_opt */
} builder;

/* ASL field names are case-sensitive; cJSON_GetObjectItem is not. */
static const cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* By name, then index: bsearch then finds the first of equal names. */
static int cmp_name_index(const void *x, const void *y)
{
    const name_index *a = x, *b = y;
    int r = strcmp(a->name, b->name);
    return r ? r : a->index - b->index;
}

/* The index of the state called `name` in this machine; -1 when there is
   none (validate.c has reported it, so this only guards the IR). */
static int lookup(const mscope *ms, const cJSON *name)
{
    if (!cJSON_IsString(name))
        return -1;
    int lo = 0, hi = ms->n - 1, found = -1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int r = strcmp(ms->names[mid].name, name->valuestring);
        if (r == 0) {
            found = ms->names[mid].index;
            hi = mid - 1;  /* the first of equal names */
        } else if (r < 0) {
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return found;
}

/* Parses a path the validator accepted; reports it if the parser does not. */
static const aslrt_path *path(builder *b, const cJSON *v, int flags, const char *ptr)
{
    if (!cJSON_IsString(v))
        return NULL;
    const char *err = NULL;
    const aslrt_path *p = asl_path_parse(b->a, v->valuestring, flags, &err);
    if (!p)
        asl_diag_error(b->d, ptr, "invalid path \"%s\": %s", asl_diag_excerpt(b->a, v->valuestring),
                       err ? err : "syntax error");
    return p;
}

/* Payload-template keys that compute their value end in ".$" (§3.3). */
static int ends_with_dollar(const char *k)
{
    size_t n = k ? strlen(k) : 0;
    return n >= 2 && k[n - 2] == '.' && k[n - 1] == '$';
}

/* Does the template v compute anything, i.e. is there a `.$` key with a
   string value anywhere in it? */
static int is_dynamic(const cJSON *v)
{
    for (const cJSON *m = cJSON_IsObject(v) || cJSON_IsArray(v) ? v->child : NULL; m; m = m->next) {
        if (cJSON_IsObject(v) && ends_with_dollar(m->string) && cJSON_IsString(m))
            return 1;
        if ((cJSON_IsObject(m) || cJSON_IsArray(m)) && is_dynamic(m))
            return 1;
    }
    return 0;
}

/* The value of a `.$` field (§3.3): a Path when it starts with "$",
   otherwise an intrinsic function call.  Fills *t but for key and field. */
static void build_dynamic(builder *b, const char *text, int path_flags, aslrt_tmpl *t, const char *ptr)
{
    const char *err = NULL;
    if (text[0] == '$') {
        t->kind = ASLRT_T_PATH;
        t->path = asl_path_parse(b->a, text, path_flags, &err);
        if (!t->path)
            asl_diag_error(b->d, ptr, "invalid path \"%s\": %s", asl_diag_excerpt(b->a, text),
                           err ? err : "syntax error");
        return;
    }
    const aslrt_tmpl *call = asl_intrinsic_parse(b->a, text, &err);
    if (!call) {
        asl_diag_error(b->d, ptr, "invalid intrinsic function call \"%s\": %s", asl_diag_excerpt(b->a, text),
                       err ? err : "syntax error");
        t->kind = ASLRT_T_LITERAL;
        return;
    }
    *t = *call;
}

/* The node of template t for v: one LITERAL pointing into doc when nothing
   in v is computed (NULL: t is done), else an OBJECT / ARRAY node whose
   items, returned for the caller to build, are one per member of v. */
static aslrt_tmpl *tmpl_node(builder *b, const cJSON *v, int computed, aslrt_tmpl *t)
{
    if (!computed) {
        t->kind = ASLRT_T_LITERAL;
        t->value = v;
        return NULL;
    }
    int n = cJSON_GetArraySize(v);
    aslrt_tmpl *items = asl_arena_alloc(b->a, (size_t)(n ? n : 1) * sizeof *items);
    t->kind = cJSON_IsObject(v) ? ASLRT_T_OBJECT : ASLRT_T_ARRAY;
    t->n = n;
    t->items = items;
    return items;
}

/* A payload template (Parameters, ResultSelector, ItemSelector) as an
   aslrt_tmpl tree.  A subtree without `.$` keys becomes one LITERAL node
   pointing into doc; objects and arrays that compute something become
   OBJECT / ARRAY nodes whose members carry their output key (".$"
   stripped) and the key as written. */
static void build_tmpl(builder *b, const cJSON *v, aslrt_tmpl *t, const char *ptr)
{
    aslrt_tmpl *items = tmpl_node(b, v, is_dynamic(v), t);
    if (!items)
        return;
    int i = 0;
    for (const cJSON *m = v->child; m; m = m->next, i++) {
        aslrt_tmpl *it = &items[i];
        const char *mptr = t->kind == ASLRT_T_OBJECT ? asl_ptr_join(b->a, ptr, m->string ? m->string : "")
                                                     : asl_ptr_index(b->a, ptr, i);
        if (t->kind == ASLRT_T_OBJECT && ends_with_dollar(m->string) && cJSON_IsString(m)) {
            build_dynamic(b, m->valuestring, 0, it, mptr);
            it->key = asl_arena_strndup(b->a, m->string, strlen(m->string) - 2);
            it->field = asl_arena_strdup(b->a, m->string);
            continue;
        }
        build_tmpl(b, m, it, mptr);
        if (t->kind == ASLRT_T_OBJECT)
            it->key = it->field = asl_arena_strdup(b->a, m->string ? m->string : "");
    }
}

/* A template field (NULL when absent), in the arena. */
static const aslrt_tmpl *tmpl(builder *b, const cJSON *v, const char *ptr)
{
    if (!v)
        return NULL;
    aslrt_tmpl *t = asl_arena_alloc(b->a, sizeof *t);
    build_tmpl(b, v, t, ptr);
    return t;
}

/* ------------------------------------------------------------ JSONata */

/* §9: "A JSONata string is a string value that starts with {% and ends
   with %} exactly (no surrounding whitespace)". */
static int is_jx_string(const cJSON *v)
{
    if (!cJSON_IsString(v))
        return 0;
    size_t n = strlen(v->valuestring);
    return n >= 4 && memcmp(v->valuestring, "{%", 2) == 0 && memcmp(v->valuestring + n - 2, "%}", 2) == 0;
}

/* Does v hold a JSONata string anywhere (object values, array elements)? */
static int has_jx(const cJSON *v)
{
    if (is_jx_string(v))
        return 1;
    for (const cJSON *m = cJSON_IsObject(v) || cJSON_IsArray(v) ? v->child : NULL; m; m = m->next)
        if (has_jx(m))
            return 1;
    return 0;
}

static int is_states_var(const jsonata_node *x)
{
    return x->kind == JSONATA_N_VAR && x->str && strcmp(x->str, "states") == 0;
}

/* May evaluating x read $states.context?  Building the context object
   costs, so the runtime adds it to $states only for expressions that may:
   a path $states.context..., or $states used in any way other than as the
   start of a path $states.<name>. Unsure (too deep) counts as yes. */
static int jx_reads_context(const jsonata_node *x, int depth)
{
    if (!x)
        return 0;
    if (depth > 400 || is_states_var(x))
        return 1;
    int from = 0;
    if (x->kind == JSONATA_N_PATH && x->n >= 2 && is_states_var(&x->kids[0])) {
        const jsonata_node *f = &x->kids[1];
        if (x->kids[0].nstages || x->kids[0].group || f->kind != JSONATA_N_NAME || !f->str ||
            strcmp(f->str, "context") == 0)
            return 1;
        from = 1;
    }
    for (int i = from; i < x->n; i++)
        if (jx_reads_context(&x->kids[i], depth + 1))
            return 1;
    for (int i = 0; i < x->nstages; i++)
        if (jx_reads_context(&x->stages[i], depth + 1))
            return 1;
    return jx_reads_context(x->group, depth + 1);
}

/* One "{% expr %}" string as a JSONATA leaf: the expression parsed now
   (validate.c has checked it parses), its trimmed text and its field kept
   for AWS's causes, `fn` = 1 when it may read $states.context. */
static void build_jx_leaf(builder *b, const cJSON *v, aslrt_tmpl *t, const char *field, const char *ptr)
{
    const char *s = v->valuestring + 2;
    size_t n = strlen(v->valuestring) - 4;
    while (n && strchr(" \t\r\n", s[0])) {
        s++;
        n--;
    }
    while (n && strchr(" \t\r\n", s[n - 1]))
        n--;
    const char *err = NULL;
    t->kind = ASLRT_T_JSONATA;
    t->text = asl_arena_strndup(b->a, s, n);
    t->field = field;
    t->jx = jsonata_parse(b->a, t->text, &err);
    if (!t->jx && strstr(t->text, "${")) {
        /* An unsubstituted ${...} placeholder (validate.c warned): the
           expression becomes $error('...'), so the state fails when it runs,
           with States.QueryEvaluationError naming the expression. */
        const char *why = err ? err : "syntax error";
        char *q = asl_arena_alloc(b->a, 2 * strlen(why) + 64), *o = q;
        o += sprintf(o, "$error('the expression does not parse: ");
        for (const char *p = why; *p; p++) {
            if (*p == '\'' || *p == '\\')
                *o++ = '\\';
            *o++ = *p;
        }
        strcpy(o, "')");
        t->jx = jsonata_parse(b->a, q, &err);
    }
    if (!t->jx)
        asl_diag_error(b->d, ptr, "invalid JSONata expression \"%s\": %s", asl_diag_excerpt(b->a, t->text),
                       err ? err : "syntax error");
    else
        t->fn = b->no_opt || jx_reads_context(t->jx, 0); /* without the analysis: always */
}

/* A JSONata-capable field (§9) as a template: JSONata strings become
   JSONATA leaves, subtrees without any one LITERAL nodes pointing into doc,
   objects and arrays around them OBJECT / ARRAY nodes. Keys are literal (a
   key ending ".$" means nothing here). `field` names the place in causes,
   AWS's way: "Output", "Output/result", "Arguments/FunctionName". */
static void build_jtmpl(builder *b, const cJSON *v, aslrt_tmpl *t, const char *field, const char *ptr)
{
    if (is_jx_string(v)) {
        build_jx_leaf(b, v, t, field, ptr);
        return;
    }
    aslrt_tmpl *items = tmpl_node(b, v, has_jx(v), t);
    if (!items)
        return;
    t->field = field;
    int i = 0;
    for (const cJSON *m = v->child; m; m = m->next, i++) {
        int obj = t->kind == ASLRT_T_OBJECT;
        const char *key = obj ? (m->string ? m->string : "") : NULL;
        const char *sub = obj ? asl_arena_printf(b->a, "%s/%s", field, key) : asl_arena_printf(b->a, "%s/%d", field, i);
        build_jtmpl(b, m, &items[i], sub, obj ? asl_ptr_join(b->a, ptr, key) : asl_ptr_index(b->a, ptr, i));
        if (obj) {
            items[i].key = asl_arena_strdup(b->a, key);
            if (items[i].kind != ASLRT_T_JSONATA)
                items[i].field = items[i].key;
        }
    }
}

/* A JSONata-capable field (NULL when absent), in the arena. */
static const aslrt_tmpl *jtmpl(builder *b, const cJSON *v, const char *field, const char *ptr)
{
    if (!v)
        return NULL;
    aslrt_tmpl *t = asl_arena_alloc(b->a, sizeof *t);
    build_jtmpl(b, v, t, field, ptr);
    return t;
}

/* A JSONata expression field (TimeoutSeconds, Seconds, Error, ...) when it
   holds one; NULL for a literal (or absent) value. */
static const aslrt_tmpl *jexpr(builder *b, const cJSON *v, const char *field, const char *ptr)
{
    return is_jx_string(v) ? jtmpl(b, v, field, ptr) : NULL;
}

/* Assign (§8): a payload template in JSONPath states, a JSONata template
   in JSONata ones. */
static const aslrt_tmpl *assign_tmpl(builder *b, const cJSON *v, int jsonata, const char *ptr)
{
    return jsonata ? jtmpl(b, v, "Assign", ptr) : tmpl(b, v, ptr);
}

/* Fail's ErrorPath / CausePath (§2.6): a Reference Path or an intrinsic
   call, as a PATH or CALL template. */
static const aslrt_tmpl *error_tmpl(builder *b, const cJSON *v, const char *field, const char *ptr)
{
    if (!cJSON_IsString(v))
        return NULL;
    aslrt_tmpl *t = asl_arena_alloc(b->a, sizeof *t);
    build_dynamic(b, v->valuestring, ASL_PATH_REFERENCE, t, ptr);
    t->field = field;
    return t;
}

/* ErrorEquals as an array of strings copied into the arena. */
static const char *const *error_names(builder *b, const cJSON *list, int *n)
{
    *n = cJSON_GetArraySize(list);
    const char **names = asl_arena_alloc(b->a, (size_t)(*n ? *n : 1) * sizeof *names);
    int i = 0;
    for (const cJSON *e = cJSON_IsArray(list) ? list->child : NULL; e; e = e->next)
        names[i++] = asl_arena_strdup(b->a, cJSON_IsString(e) ? e->valuestring : "");
    *n = i;
    return names;
}

/* §6.2 retriers, with the defaults IntervalSeconds 1, MaxAttempts 3,
   BackoffRate 2.0, no MaxDelaySeconds, JitterStrategy NONE. */
static void build_retry(builder *b, aslrt_state *st, const cJSON *list)
{
    int n = cJSON_GetArraySize(list), i = 0;
    aslrt_retrier *rs = asl_arena_alloc(b->a, (size_t)(n ? n : 1) * sizeof *rs);
    for (const cJSON *r = list->child; r; r = r->next, i++) {
        aslrt_retrier *x = &rs[i];
        const cJSON *v;
        x->errors = error_names(b, get(r, "ErrorEquals"), &x->nerrors);
        x->interval_seconds = cJSON_IsNumber(v = get(r, "IntervalSeconds")) ? v->valuedouble : 1;
        x->max_attempts = cJSON_IsNumber(v = get(r, "MaxAttempts")) ? (int)v->valuedouble : 3;
        x->backoff_rate = cJSON_IsNumber(v = get(r, "BackoffRate")) ? v->valuedouble : 2.0;
        x->max_delay_seconds = cJSON_IsNumber(v = get(r, "MaxDelaySeconds")) ? v->valuedouble : 0;
        v = get(r, "JitterStrategy");
        x->jitter_full = cJSON_IsString(v) && strcmp(v->valuestring, "FULL") == 0;
    }
    st->nretry = n;
    st->retry = rs;
}

/* §6.3 catchers: ErrorEquals, Next, ResultPath (default "$", null kept). */
static void build_catch(builder *b, const mscope *ms, aslrt_state *st, const cJSON *list, const char *ptr, int jsonata)
{
    int n = cJSON_GetArraySize(list), i = 0;
    aslrt_catcher *cs = asl_arena_alloc(b->a, (size_t)(n ? n : 1) * sizeof *cs);
    for (const cJSON *r = list->child; r; r = r->next, i++) {
        aslrt_catcher *x = &cs[i];
        x->errors = error_names(b, get(r, "ErrorEquals"), &x->nerrors);
        x->next = lookup(ms, get(r, "Next"));
        const char *cptr = asl_ptr_index(b->a, ptr, i);
        x->assign = assign_tmpl(b, get(r, "Assign"), jsonata, asl_ptr_join(b->a, cptr, "Assign"));
        if (jsonata)
            x->output = jtmpl(b, get(r, "Output"), "Output", asl_ptr_join(b->a, cptr, "Output"));
        const cJSON *rp = jsonata ? NULL : get(r, "ResultPath");
        if (cJSON_IsNull(rp))
            x->result_path_null = 1;
        else if (rp)
            x->result_path = path(b, rp, ASL_PATH_REFERENCE | ASL_PATH_NO_CONTEXT | ASL_PATH_NO_VARS,
                                  asl_ptr_join(b->a, asl_ptr_index(b->a, ptr, i), "ResultPath"));
    }
    st->ncatch = n;
    st->catchers = cs;
}

/* §4: a Choice rule as an aslrt_rule tree.  Data tests hold the Variable
   and either the literal operand (a node in doc) or the ...Path operand;
   And/Or/Not hold their sub-rules; top-level rules their target. */
static void build_rule(builder *b, const mscope *ms, const cJSON *r, aslrt_rule *out, int top, const char *ptr)
{
    out->next = top ? lookup(ms, get(r, "Next")) : -1;
    if (top)
        out->assign = tmpl(b, get(r, "Assign"), asl_ptr_join(b->a, ptr, "Assign"));
    static const char *const bools[] = { "And", "Or", "Not" };
    static const int bool_ops[] = { ASLRT_OP_AND, ASLRT_OP_OR, ASLRT_OP_NOT };
    for (int k = 0; k < 3; k++) {
        const cJSON *v = get(r, bools[k]);
        if (!v)
            continue;
        const char *vptr = asl_ptr_join(b->a, ptr, bools[k]);
        out->op = bool_ops[k];
        if (k == 2) {
            aslrt_rule *sub = asl_arena_alloc(b->a, sizeof *sub);
            build_rule(b, ms, v, sub, 0, vptr);
            out->n = 1;
            out->sub = sub;
            return;
        }
        int n = cJSON_GetArraySize(v), i = 0;
        aslrt_rule *subs = asl_arena_alloc(b->a, (size_t)(n ? n : 1) * sizeof *subs);
        for (const cJSON *s = v->child; s; s = s->next, i++)
            build_rule(b, ms, s, &subs[i], 0, asl_ptr_index(b->a, vptr, i));
        out->n = n;
        out->sub = subs;
        return;
    }
    out->variable = path(b, get(r, "Variable"), 0, asl_ptr_join(b->a, ptr, "Variable"));
    for (const cJSON *m = r->child; m; m = m->next) {
        const asl_choice_op *op = m->string ? asl_choice_op_find(m->string) : NULL;
        if (!op)
            continue;
        out->op = op->op;
        if (op->operand == ASL_OPERAND_PATH)
            out->operand_path = path(b, m, 0, asl_ptr_join(b->a, ptr, m->string));
        else
            out->operand = m;
        return;
    }
    asl_diag_error(b->d, ptr, "internal error: a choice rule without an operator reached the IR");
}

/* §9: a JSONata Choice rule: Condition (a literal boolean or an
   expression), Next, and the Assign and Output used when it matches. */
static void build_rule_jsonata(builder *b, const mscope *ms, const cJSON *r, aslrt_rule *out, const char *ptr)
{
    out->next = lookup(ms, get(r, "Next"));
    out->condition = jtmpl(b, get(r, "Condition"), "Condition", asl_ptr_join(b->a, ptr, "Condition"));
    out->assign = jtmpl(b, get(r, "Assign"), "Assign", asl_ptr_join(b->a, ptr, "Assign"));
    out->output = jtmpl(b, get(r, "Output"), "Output", asl_ptr_join(b->a, ptr, "Output"));
}

/* §1: a state's own QueryLanguage, else the top level's (not the
   enclosing Map/Parallel's). */
static int is_jsonata_state(builder *b, const cJSON *s)
{
    const cJSON *ql = get(s, "QueryLanguage");
    if (cJSON_IsString(ql))
        return strcmp(ql->valuestring, "JSONata") == 0;
    return b->top_jsonata;
}

static asl_machine *build_machine(builder *b, const cJSON *m, const char *pointer, const char *parent_state);

/* §2.8 the Map fields beyond the inline ones: ProcessorConfig.Mode,
   ToleratedFailureCount/Percentage[Path], ItemReader {Resource,
   ReaderConfig, Parameters}, ItemBatcher {MaxItemsPerBatch[Path],
   MaxInputBytesPerBatch[Path], BatchInput}, ResultWriter {Resource,
   Parameters, WriterConfig}, Label. ReaderConfig and WriterConfig stay
   literal JSON (pointing into doc): the runtime reads their few members. */
/* The distributed Map's ItemReader, ItemBatcher and ResultWriter in a
   JSONata state (§9): Arguments and BatchInput are JSONata templates;
   ReaderConfig and WriterConfig stay literal, and so do the batcher's
   limits [gap: a JSONata MaxItems / MaxItemsPerBatch is not evaluated]. */
static void build_map_io_jsonata(builder *b, const cJSON *s, aslrt_state *st, const char *ptr)
{
#define XPTR(base, field) asl_ptr_join(b->a, base, field)
    const cJSON *v, *r = get(s, "ItemReader");
    if (cJSON_IsObject(r)) {
        aslrt_item_reader *ir = asl_arena_alloc(b->a, sizeof *ir);
        if (cJSON_IsString(v = get(r, "Resource")))
            ir->resource = asl_arena_strdup(b->a, v->valuestring);
        ir->parameters = jtmpl(b, get(r, "Arguments"), "ItemReader/Arguments", XPTR(XPTR(ptr, "ItemReader"), "Arguments"));
        if (cJSON_IsObject(v = get(r, "ReaderConfig")))
            ir->reader_config = v;
        st->item_reader = ir;
    }
    const cJSON *ib = get(s, "ItemBatcher");
    if (cJSON_IsObject(ib)) {
        aslrt_item_batcher *bt = asl_arena_alloc(b->a, sizeof *bt);
        if (cJSON_IsNumber(v = get(ib, "MaxItemsPerBatch")))
            bt->max_items = v->valuedouble > 2147483647.0 ? 2147483647 : (int)v->valuedouble;
        if (cJSON_IsNumber(v = get(ib, "MaxInputBytesPerBatch")))
            bt->max_bytes = v->valuedouble > 2147483647.0 ? 2147483647 : (int)v->valuedouble;
        bt->batch_input =
            jtmpl(b, get(ib, "BatchInput"), "ItemBatcher/BatchInput", XPTR(XPTR(ptr, "ItemBatcher"), "BatchInput"));
        st->item_batcher = bt;
    }
    const cJSON *rw = get(s, "ResultWriter");
    if (cJSON_IsObject(rw)) {
        aslrt_result_writer *w = asl_arena_alloc(b->a, sizeof *w);
        if (cJSON_IsString(v = get(rw, "Resource")))
            w->resource = asl_arena_strdup(b->a, v->valuestring);
        w->parameters =
            jtmpl(b, get(rw, "Arguments"), "ResultWriter/Arguments", XPTR(XPTR(ptr, "ResultWriter"), "Arguments"));
        if (cJSON_IsObject(v = get(rw, "WriterConfig")))
            w->writer_config = v;
        st->result_writer = w;
    }
#undef XPTR
}

static void build_map_extras(builder *b, const cJSON *s, aslrt_state *st, const char *ptr, int jsonata)
{
#define XPTR(base, field) asl_ptr_join(b->a, base, field)
    const cJSON *proc = get(s, "ItemProcessor") ? get(s, "ItemProcessor") : get(s, "Iterator");
    const cJSON *v = get(get(proc, "ProcessorConfig"), "Mode");
    if (cJSON_IsString(v) && strcmp(v->valuestring, "DISTRIBUTED") == 0)
        st->flags |= ASLRT_DISTRIBUTED;
    if (get(s, "ToleratedFailureCount") || get(s, "ToleratedFailureCountPath"))
        st->flags |= ASLRT_HAS_TOLERATED_COUNT;
    if (get(s, "ToleratedFailurePercentage") || get(s, "ToleratedFailurePercentagePath"))
        st->flags |= ASLRT_HAS_TOLERATED_PERCENTAGE;
    if (cJSON_IsNumber(v = get(s, "ToleratedFailureCount")))
        st->tolerated_failure_count = v->valuedouble;
    if (cJSON_IsNumber(v = get(s, "ToleratedFailurePercentage")))
        st->tolerated_failure_percentage = v->valuedouble;
    if (cJSON_IsString(v = get(s, "Label")))
        st->label = asl_arena_strdup(b->a, v->valuestring);
    if (jsonata) {
        st->tolerated_failure_count_expr =
            jexpr(b, get(s, "ToleratedFailureCount"), "ToleratedFailureCount", XPTR(ptr, "ToleratedFailureCount"));
        st->tolerated_failure_percentage_expr = jexpr(b, get(s, "ToleratedFailurePercentage"),
                                                      "ToleratedFailurePercentage", XPTR(ptr, "ToleratedFailurePercentage"));
        build_map_io_jsonata(b, s, st, ptr);
        return;
    }
    st->tolerated_failure_count_path =
        path(b, get(s, "ToleratedFailureCountPath"), ASL_PATH_REFERENCE, XPTR(ptr, "ToleratedFailureCountPath"));
    st->tolerated_failure_percentage_path = path(b, get(s, "ToleratedFailurePercentagePath"), ASL_PATH_REFERENCE,
                                                 XPTR(ptr, "ToleratedFailurePercentagePath"));
    const cJSON *r = get(s, "ItemReader");
    if (cJSON_IsObject(r)) {
        const char *rptr = XPTR(ptr, "ItemReader");
        aslrt_item_reader *ir = asl_arena_alloc(b->a, sizeof *ir);
        if (cJSON_IsString(v = get(r, "Resource")))
            ir->resource = asl_arena_strdup(b->a, v->valuestring);
        ir->parameters = tmpl(b, get(r, "Parameters"), XPTR(rptr, "Parameters"));
        const cJSON *rc = get(r, "ReaderConfig");
        if (cJSON_IsObject(rc)) {
            ir->reader_config = rc;
            ir->max_items_path = path(b, get(rc, "MaxItemsPath"), ASL_PATH_REFERENCE,
                                      XPTR(XPTR(rptr, "ReaderConfig"), "MaxItemsPath"));
        }
        st->item_reader = ir;
    }
    const cJSON *ib = get(s, "ItemBatcher");
    if (cJSON_IsObject(ib)) {
        const char *bptr = XPTR(ptr, "ItemBatcher");
        aslrt_item_batcher *bt = asl_arena_alloc(b->a, sizeof *bt);
        if (cJSON_IsNumber(v = get(ib, "MaxItemsPerBatch")))
            bt->max_items = v->valuedouble > 2147483647.0 ? 2147483647 : (int)v->valuedouble;
        if (cJSON_IsNumber(v = get(ib, "MaxInputBytesPerBatch")))
            bt->max_bytes = v->valuedouble > 2147483647.0 ? 2147483647 : (int)v->valuedouble;
        bt->max_items_path =
            path(b, get(ib, "MaxItemsPerBatchPath"), ASL_PATH_REFERENCE, XPTR(bptr, "MaxItemsPerBatchPath"));
        bt->max_bytes_path =
            path(b, get(ib, "MaxInputBytesPerBatchPath"), ASL_PATH_REFERENCE, XPTR(bptr, "MaxInputBytesPerBatchPath"));
        bt->batch_input = tmpl(b, get(ib, "BatchInput"), XPTR(bptr, "BatchInput"));
        st->item_batcher = bt;
    }
    const cJSON *rw = get(s, "ResultWriter");
    if (cJSON_IsObject(rw)) {
        aslrt_result_writer *w = asl_arena_alloc(b->a, sizeof *w);
        if (cJSON_IsString(v = get(rw, "Resource")))
            w->resource = asl_arena_strdup(b->a, v->valuestring);
        w->parameters = tmpl(b, get(rw, "Parameters"), XPTR(XPTR(ptr, "ResultWriter"), "Parameters"));
        if (cJSON_IsObject(v = get(rw, "WriterConfig")))
            w->writer_config = v;
        st->result_writer = w;
    }
#undef XPTR
}

/* One state: every field aslrt_state has, from the JSON. */
static void build_state(builder *b, const mscope *ms, const cJSON *s, aslrt_state *st, const char *ptr)
{
    static const char *const types[] = {
#define X(id, name, ...) name,
        ASLRT_STATE_TYPES(X)
#undef X
    };
    const cJSON *v;
    int jsonata = is_jsonata_state(b, s);

    st->name = asl_arena_strdup(b->a, s->string ? s->string : "");
    v = get(s, "Type");
    st->type = ASLRT_PASS;
    for (int i = 0; i < ASLRT_STATE_COUNT; i++)
        if (cJSON_IsString(v) && strcmp(types[i], v->valuestring) == 0)
            st->type = i;
    st->next = lookup(ms, get(s, "Next"));
    st->default_next = lookup(ms, get(s, "Default"));

#define PTR(field) asl_ptr_join(b->a, ptr, field)
    st->assign = assign_tmpl(b, get(s, "Assign"), jsonata, PTR("Assign"));
    if (jsonata) {
        /* §9: Arguments (Task, Parallel) take Parameters' place; Output
           replaces the JSONPath fields. */
        st->flags |= ASLRT_JSONATA;
        st->output = jtmpl(b, get(s, "Output"), "Output", PTR("Output"));
        if (st->type == ASLRT_TASK || st->type == ASLRT_PARALLEL)
            st->parameters = jtmpl(b, get(s, "Arguments"), "Arguments", PTR("Arguments"));
    } else {
        /* §3.1 data flow: a missing path means "$"; null sets a flag. */
        if (cJSON_IsNull(v = get(s, "InputPath")))
            st->flags |= ASLRT_INPUT_PATH_NULL;
        else
            st->input_path = path(b, v, 0, PTR("InputPath"));
        if (cJSON_IsNull(v = get(s, "OutputPath")))
            st->flags |= ASLRT_OUTPUT_PATH_NULL;
        else
            st->output_path = path(b, v, 0, PTR("OutputPath"));
        if (cJSON_IsNull(v = get(s, "ResultPath")))
            st->flags |= ASLRT_RESULT_PATH_NULL;
        else
            st->result_path = path(b, v, ASL_PATH_REFERENCE | ASL_PATH_NO_CONTEXT | ASL_PATH_NO_VARS, PTR("ResultPath"));
        if (st->type != ASLRT_MAP)
            st->parameters = tmpl(b, get(s, "Parameters"), PTR("Parameters"));
        st->result_selector = tmpl(b, get(s, "ResultSelector"), PTR("ResultSelector"));
        if (st->type == ASLRT_PASS)
            st->result = get(s, "Result");
    }

    switch (st->type) {
    case ASLRT_CHOICE: {
        const cJSON *rules = get(s, "Choices");
        if (cJSON_IsString(rules)) { /* a template placeholder (validate.c warned) */
            st->flags |= ASLRT_PLACEHOLDER;
            st->cause = asl_arena_printf(b->a, "The field 'Choices' holds the placeholder string \"%s\", "
                                         "not an array of choice rules.", rules->valuestring);
        }
        if (!cJSON_IsArray(rules))
            break;
        int n = cJSON_GetArraySize(rules), i = 0;
        aslrt_rule *rs = asl_arena_alloc(b->a, (size_t)(n ? n : 1) * sizeof *rs);
        for (const cJSON *r = rules->child; r; r = r->next, i++) {
            const char *rptr = asl_ptr_index(b->a, PTR("Choices"), i);
            if (jsonata)
                build_rule_jsonata(b, ms, r, &rs[i], rptr);
            else
                build_rule(b, ms, r, &rs[i], 1, rptr);
        }
        st->nrules = n;
        st->rules = rs;
        break;
    }
    case ASLRT_WAIT:
        if (cJSON_IsNumber(v = get(s, "Seconds"))) {
            st->seconds = v->valuedouble;
            st->flags |= ASLRT_HAS_SECONDS;
        }
        if (cJSON_IsString(v = get(s, "Timestamp")) && !(jsonata && is_jx_string(v)))
            st->timestamp = asl_arena_strdup(b->a, v->valuestring);
        if (jsonata) {
            st->seconds_expr = jexpr(b, get(s, "Seconds"), "Seconds", PTR("Seconds"));
            st->timestamp_expr = jexpr(b, get(s, "Timestamp"), "Timestamp", PTR("Timestamp"));
        }
        if (!jsonata) {
            st->seconds_path = path(b, get(s, "SecondsPath"), ASL_PATH_REFERENCE, PTR("SecondsPath"));
            st->timestamp_path = path(b, get(s, "TimestampPath"), ASL_PATH_REFERENCE, PTR("TimestampPath"));
        }
        break;
    case ASLRT_FAIL:
        if (cJSON_IsString(v = get(s, "Error")) && !(jsonata && is_jx_string(v)))
            st->error = asl_arena_strdup(b->a, v->valuestring);
        if (cJSON_IsString(v = get(s, "Cause")) && !(jsonata && is_jx_string(v)))
            st->cause = asl_arena_strdup(b->a, v->valuestring);
        if (jsonata) {
            st->error_expr = jexpr(b, get(s, "Error"), "Error", PTR("Error"));
            st->cause_expr = jexpr(b, get(s, "Cause"), "Cause", PTR("Cause"));
        }
        if (!jsonata) {
            st->error_path = error_tmpl(b, get(s, "ErrorPath"), "ErrorPath", PTR("ErrorPath"));
            st->cause_path = error_tmpl(b, get(s, "CausePath"), "CausePath", PTR("CausePath"));
        }
        break;
    case ASLRT_TASK:
        if (cJSON_IsString(v = get(s, "Resource")))
            st->resource = asl_arena_strdup(b->a, v->valuestring);
        if (cJSON_IsNumber(v = get(s, "TimeoutSeconds")))
            st->timeout_seconds = v->valuedouble;
        if (cJSON_IsNumber(v = get(s, "HeartbeatSeconds")))
            st->heartbeat_seconds = v->valuedouble;
        if (jsonata) {
            st->timeout_seconds_expr = jexpr(b, get(s, "TimeoutSeconds"), "TimeoutSeconds", PTR("TimeoutSeconds"));
            st->heartbeat_seconds_expr =
                jexpr(b, get(s, "HeartbeatSeconds"), "HeartbeatSeconds", PTR("HeartbeatSeconds"));
        }
        if (!jsonata) {
            st->timeout_seconds_path = path(b, get(s, "TimeoutSecondsPath"), ASL_PATH_REFERENCE, PTR("TimeoutSecondsPath"));
            st->heartbeat_seconds_path =
                path(b, get(s, "HeartbeatSecondsPath"), ASL_PATH_REFERENCE, PTR("HeartbeatSecondsPath"));
        }
        break;
    case ASLRT_PARALLEL: {
        const cJSON *br = get(s, "Branches");
        int n = cJSON_GetArraySize(br), i = 0;
        const aslrt_machine **ms_rt = asl_arena_alloc(b->a, (size_t)(n ? n : 1) * sizeof *ms_rt);
        for (const cJSON *x = cJSON_IsArray(br) ? br->child : NULL; x; x = x->next, i++)
            ms_rt[i] = &build_machine(b, x, asl_ptr_index(b->a, PTR("Branches"), i), st->name)->rt;
        st->nbranches = i;
        st->branches = ms_rt;
        break;
    }
    case ASLRT_MAP: {
        const char *field = get(s, "ItemProcessor") ? "ItemProcessor" : "Iterator";
        const cJSON *proc = get(s, field);
        if (cJSON_IsObject(proc)) {
            const aslrt_machine **one = asl_arena_alloc(b->a, sizeof *one);
            one[0] = &build_machine(b, proc, PTR(field), st->name)->rt;
            st->nbranches = 1;
            st->branches = one;
        }
        if (!jsonata) {
            st->items_path = path(b, get(s, "ItemsPath"), ASL_PATH_REFERENCE, PTR("ItemsPath"));
            const char *sel = get(s, "ItemSelector") ? "ItemSelector" : "Parameters";
            st->item_selector = tmpl(b, get(s, sel), PTR(sel));
            st->max_concurrency_path =
                path(b, get(s, "MaxConcurrencyPath"), ASL_PATH_REFERENCE, PTR("MaxConcurrencyPath"));
        } else {
            /* §2.8 JSONata: Items (else the input), ItemSelector, MaxConcurrency */
            st->items = jtmpl(b, get(s, "Items"), "Items", PTR("Items"));
            if ((v = get(s, "Items")) && cJSON_IsString(v) && !is_jx_string(v)) {
                /* a template placeholder (validate.c warned) */
                st->flags |= ASLRT_PLACEHOLDER;
                st->cause = asl_arena_printf(b->a, "The field 'Items' holds the placeholder string \"%s\", "
                                             "not an array.", v->valuestring);
            }
            st->item_selector = jtmpl(b, get(s, "ItemSelector"), "ItemSelector", PTR("ItemSelector"));
            st->max_concurrency_expr = jexpr(b, get(s, "MaxConcurrency"), "MaxConcurrency", PTR("MaxConcurrency"));
        }
        if (cJSON_IsNumber(v = get(s, "MaxConcurrency")))
            st->max_concurrency = v->valuedouble > 2147483647.0 ? 2147483647 : (int)v->valuedouble;
        build_map_extras(b, s, st, ptr, jsonata);
        break;
    }
    default:
        break;
    }

    if (cJSON_IsArray(v = get(s, "Retry")))
        build_retry(b, st, v);
    if (cJSON_IsArray(v = get(s, "Catch")))
        build_catch(b, ms, st, v, PTR("Catch"), jsonata);
#undef PTR
}

/* Adds m to def->machines, giving it the next id. */
static void add_machine(builder *b, asl_machine *m)
{
    asl_def *def = b->def;
    if (def->nmachines == b->cap_machines) {
        int cap = b->cap_machines ? b->cap_machines * 2 : 8;
        asl_machine **ms = asl_arena_alloc(b->a, (size_t)cap * sizeof *ms);
        if (def->nmachines)
            memcpy(ms, def->machines, (size_t)def->nmachines * sizeof *ms);
        def->machines = ms;
        b->cap_machines = cap;
    }
    m->id = def->nmachines;
    def->machines[def->nmachines++] = m;
}

/* A machine (top level, branch or item processor) and, depth-first, the
   machines nested in its states. */
static asl_machine *build_machine(builder *b, const cJSON *m, const char *pointer, const char *parent_state)
{
    asl_machine *am = asl_arena_alloc(b->a, sizeof *am);
    add_machine(b, am);
    am->pointer = asl_arena_strdup(b->a, pointer);
    am->parent_state = parent_state;

    const cJSON *states = get(m, "States");
    int n = cJSON_IsObject(states) ? cJSON_GetArraySize(states) : 0, i = 0;
    mscope ms = { asl_arena_alloc(b->a, (size_t)(n ? n : 1) * sizeof *ms.names), n };
    for (const cJSON *s = n ? states->child : NULL; s; s = s->next, i++) {
        ms.names[i].name = s->string ? s->string : "";
        ms.names[i].index = i;
    }
    qsort(ms.names, (size_t)n, sizeof *ms.names, cmp_name_index);

    am->states = asl_arena_alloc(b->a, (size_t)(n ? n : 1) * sizeof *am->states);
    am->pointers = asl_arena_alloc(b->a, (size_t)(n ? n : 1) * sizeof *am->pointers);
    am->rt.start = lookup(&ms, get(m, "StartAt"));
    am->rt.nstates = n;
    am->rt.states = am->states;
    am->rt.run = NULL;        /* the caller (interp or emit) sets it */
    am->rt.ir = am;

    const char *sptr = asl_ptr_join(b->a, pointer, "States");
    i = 0;
    for (const cJSON *s = n ? states->child : NULL; s; s = s->next, i++) {
        am->pointers[i] = asl_ptr_join(b->a, sptr, s->string ? s->string : "");
        if (cJSON_IsObject(s))
            build_state(b, &ms, s, &am->states[i], am->pointers[i]);
    }
    return am;
}

/* The state machine's name: the file's base name without ".asl.json" or
   ".json" ("flows/order.asl.json" -> "order"). */
static const char *stem(asl_arena *a, const char *file)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strlen(base);
    static const char *const suffixes[] = { ".asl.json", ".json" };
    for (int i = 0; i < 2; i++) {
        size_t k = strlen(suffixes[i]);
        if (n > k && strcmp(base + n - k, suffixes[i]) == 0) {
            n -= k;
            break;
        }
    }
    return asl_arena_strndup(a, base, n);
}

/* Validate, build: the IR is built only from a definition with no errors,
   so the builder never sees a shape the validator rejects.  doc (taken) is
   the parsed definition, or NULL with the syntax error in err (taken). */
static asl_def *load_doc(const char *file, cJSON *doc, char *err, const asl_front_opts *o, asl_diag *d)
{
    if (!doc) {
        /* Syntax errors already say FILE:LINE:COL and show the spot. */
        if (d->sink)
            d->sink(d->sink_ctx, 0, NULL, err ? err : "invalid JSON");
        else
            fprintf(d->out, "%s\n", err ? err : "invalid JSON");
        d->nerrors++;
        free(err);
        return NULL;
    }
    int before = d->nerrors;
    if (asl_validate(doc, d) > 0 || d->nerrors > before) {
        cJSON_Delete(doc);
        return NULL;
    }

    asl_arena *a = asl_arena_new();
    asl_def *def = asl_arena_alloc(a, sizeof *def);
    def->file = asl_arena_strdup(a, file);
    def->arena = a;
    def->doc = doc;
    def->no_opt = o && o->no_opt;
    builder b = { def, a, d, 0, 0, def->no_opt };
    const cJSON *ql = get(doc, "QueryLanguage");
    b.top_jsonata = cJSON_IsString(ql) && strcmp(ql->valuestring, "JSONata") == 0;

    asl_machine *top = build_machine(&b, doc, "", NULL);
    const cJSON *to = get(doc, "TimeoutSeconds");
    def->program.abi_version = ASLRT_ABI_VERSION;
    def->program.name = stem(a, file);
    def->program.file = def->file;
    def->program.main = &top->rt;
    def->program.timeout_seconds = cJSON_IsNumber(to) ? to->valuedouble : 0;

    if (d->nerrors > before) {
        asl_def_free(def);
        return NULL;
    }
    if (!def->no_opt)
        asl_opt_def(def); /* flags every mode reads: moves, distinct keys (opt.c) */
    return def;
}

/* Reads and parses the file (or text), then load_doc. */
asl_def *asl_front_load_opts(const char *file, const char *text, size_t len, const asl_front_opts *o,
                             asl_diag *d)
{
    char *err = NULL;
    cJSON *doc = text ? aslrt_json_parse(file, text, len, &err) : aslrt_json_load(file, &err);
    return load_doc(file, doc, err, o, d);
}

asl_def *asl_front_load(const char *file, asl_diag *d)
{
    return asl_front_load_opts(file, NULL, 0, NULL, d);
}

/* The same from text in memory (the fuzz targets): file only names it. */
asl_def *asl_front_load_text(const char *file, const char *text, size_t len, asl_diag *d)
{
    return asl_front_load_opts(file, text, len, NULL, d);
}

/* The arena holds the IR and def itself; the document is separate. */
void asl_def_free(asl_def *def)
{
    if (!def)
        return;
    cJSON_Delete(def->doc);
    cJSON_Delete(def->folded);
    asl_arena_free(def->arena);  /* def itself lives in the arena */
}

/* A linear search: definitions have few machines, and rt.ir may be
   repointed by a caller. */
const asl_machine *asl_def_machine(const asl_def *def, const aslrt_machine *m)
{
    for (int i = 0; i < def->nmachines; i++)
        if (&def->machines[i]->rt == m)
            return def->machines[i];
    return NULL;
}
