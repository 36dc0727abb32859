/* validate.c — every static rule of the States Language, checked on the cJSON
 * tree of a definition and reported all at once.
 *
 * The front end calls asl_validate() before it builds any IR, so that the IR
 * builder (front.c) can trust the document's shape.  The walk goes in three
 * passes:
 *
 *   0. every object in the document: no key twice (cJSON keeps both copies,
 *      AWS's parser one of them, so a repeated key is always a mistake);
 *   1. silently, every state of every machine (top level, Parallel branches,
 *      Map processors) into a name table, so that a transition can be checked
 *      against the whole definition ("A" exists, but in another branch) and
 *      duplicates can name the first definition;
 *   2. the real walk, in document order: each machine, then each state, each
 *      of its fields in the order written, then the rules that tie fields
 *      together (Next xor End, exactly one Wait field, X xor XPath, ...),
 *      then per machine reachability (a warning) and "has a terminal state";
 *      finally the variable-scope rule, which needs every Assign first.
 *
 * Which fields a state may have comes from one table (state_fields), a
 * transcription of asl-reference §2 with the query-language column of §9:
 * a field is P (JSONPath only), J (JSONata only) or B (both).  A field that
 * is not in the table for the state's type is reported with "did you mean".
 *
 * Everything here reads `const cJSON *` and keeps nothing: messages are
 * formatted into the diagnostic sink, pointers and parsed paths go to a
 * scratch arena freed at the end.  Recursion follows the document, whose
 * depth the JSON reader bounds (1000 levels).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "httpreq.h"
#include "intrinsic.h"
#include "jsonata_parse.h"
#include "path.h"
#include "task.h"
#include "timestamp.h"
#include "validate.h"

/* ------------------------------------------------------------ the tables */

/* Query languages a field belongs to (§9). */
enum { L_P = 1, L_J = 2, L_B = 3 };

/* State types as bits, for the field table: T_PASS, T_TASK, ... */
enum {
#define X(id, ...) T_##id = 1u << ASLRT_##id,
    ASLRT_STATE_TYPES(X)
#undef X
};
#define T_ALL      ((1u << ASLRT_STATE_COUNT) - 1)
#define T_FLOW     (T_PASS | T_TASK | T_WAIT | T_PARALLEL | T_MAP) /* Next / End */
#define T_WORK     (T_TASK | T_PARALLEL | T_MAP)                  /* Retry, Catch */

/* How a field's value is checked. */
enum {
    K_TYPE, K_STRING, K_QL, K_NEXT, K_END, K_PATH, K_RESULT_PATH, K_REF_PATH,
    K_ERR_PATH, K_TEMPLATE, K_RESULT_SELECTOR, K_ANY, K_ASSIGN, K_ARGUMENTS,
    K_INT, K_NUMBER, K_TIMESTAMP, K_RETRY, K_CATCH, K_CHOICES, K_BRANCHES,
    K_PROCESSOR, K_ITEMS, K_ITEM_READER, K_ITEM_BATCHER, K_RESULT_WRITER,
    K_LABEL, K_CREDENTIALS, K_ERROR_STRING
};

#define NO_MAX 1e300

typedef struct field_spec {
    const char *name;
    unsigned types;   /* T_* bits of the states that may have it */
    int lang;         /* L_P, L_J, L_B */
    int kind;         /* K_* */
    double min, max;  /* K_INT, K_NUMBER */
} field_spec;

/* asl-reference §2 (common fields table and §2.1-§2.8), §9 for P/J. */
static const field_spec state_fields[] = {
    { "Type", T_ALL, L_B, K_TYPE, 0, 0 },
    { "Comment", T_ALL, L_B, K_STRING, 0, 0 },
    { "QueryLanguage", T_ALL, L_B, K_QL, 0, 0 },
    { "Next", T_FLOW, L_B, K_NEXT, 0, 0 },
    { "End", T_FLOW, L_B, K_END, 0, 0 },
    { "InputPath", T_ALL & ~T_FAIL, L_P, K_PATH, 0, 0 },
    { "OutputPath", T_ALL & ~T_FAIL, L_P, K_PATH, 0, 0 },
    { "Parameters", T_WORK | T_PASS, L_P, K_TEMPLATE, 0, 0 },
    { "ResultSelector", T_WORK, L_P, K_RESULT_SELECTOR, 0, 0 },
    { "ResultPath", T_WORK | T_PASS, L_P, K_RESULT_PATH, 0, 0 },
    { "Arguments", T_TASK | T_PARALLEL, L_J, K_ARGUMENTS, 0, 0 },
    { "Output", T_ALL & ~T_FAIL, L_J, K_ANY, 0, 0 },
    { "Assign", T_ALL & ~(T_SUCCEED | T_FAIL), L_B, K_ASSIGN, 0, 0 },
    { "Retry", T_WORK, L_B, K_RETRY, 0, 0 },
    { "Catch", T_WORK, L_B, K_CATCH, 0, 0 },
    { "Result", T_PASS, L_P, K_ANY, 0, 0 },
    { "Resource", T_TASK, L_B, K_STRING, 0, 0 },
    { "TimeoutSeconds", T_TASK, L_B, K_INT, 1, 99999999 },
    { "TimeoutSecondsPath", T_TASK, L_P, K_REF_PATH, 0, 0 },
    { "HeartbeatSeconds", T_TASK, L_B, K_INT, 1, 99999999 },
    { "HeartbeatSecondsPath", T_TASK, L_P, K_REF_PATH, 0, 0 },
    { "Credentials", T_TASK, L_B, K_CREDENTIALS, 0, 0 },
    { "Choices", T_CHOICE, L_B, K_CHOICES, 0, 0 },
    { "Default", T_CHOICE, L_B, K_NEXT, 0, 0 },
    { "Seconds", T_WAIT, L_B, K_INT, 0, 99999999 },
    { "Timestamp", T_WAIT, L_B, K_TIMESTAMP, 0, 0 },
    { "SecondsPath", T_WAIT, L_P, K_REF_PATH, 0, 0 },
    { "TimestampPath", T_WAIT, L_P, K_REF_PATH, 0, 0 },
    { "Error", T_FAIL, L_B, K_ERROR_STRING, 0, 0 },
    { "Cause", T_FAIL, L_B, K_ERROR_STRING, 0, 0 },
    { "ErrorPath", T_FAIL, L_P, K_ERR_PATH, 0, 0 },
    { "CausePath", T_FAIL, L_P, K_ERR_PATH, 0, 0 },
    { "Branches", T_PARALLEL, L_B, K_BRANCHES, 0, 0 },
    { "ItemProcessor", T_MAP, L_B, K_PROCESSOR, 0, 0 },
    { "Iterator", T_MAP, L_B, K_PROCESSOR, 0, 0 },
    { "ItemsPath", T_MAP, L_P, K_REF_PATH, 0, 0 },
    { "Items", T_MAP, L_J, K_ITEMS, 0, 0 },
    { "ItemSelector", T_MAP, L_B, K_TEMPLATE, 0, 0 },
    { "MaxConcurrency", T_MAP, L_B, K_INT, 0, NO_MAX },
    { "MaxConcurrencyPath", T_MAP, L_P, K_REF_PATH, 0, 0 },
    { "ToleratedFailurePercentage", T_MAP, L_B, K_NUMBER, 0, 100 },
    { "ToleratedFailurePercentagePath", T_MAP, L_P, K_REF_PATH, 0, 0 },
    { "ToleratedFailureCount", T_MAP, L_B, K_INT, 0, NO_MAX },
    { "ToleratedFailureCountPath", T_MAP, L_P, K_REF_PATH, 0, 0 },
    { "ItemReader", T_MAP, L_B, K_ITEM_READER, 0, 0 },
    { "ItemBatcher", T_MAP, L_B, K_ITEM_BATCHER, 0, 0 },
    { "ResultWriter", T_MAP, L_B, K_RESULT_WRITER, 0, 0 },
    { "Label", T_MAP, L_B, K_LABEL, 0, 0 },
};
#define NFIELDS ((int)(sizeof state_fields / sizeof state_fields[0]))

static const char *const type_names[] = {
#define X(id, name, ...) name,
    ASLRT_STATE_TYPES(X)
#undef X
};

/* §4: the comparison operators (aslrt.h's list), each followed by its
   ...Path form, whose operand is a Path, when it has one. */
#define PATH_FORM_1(id, name) { name "Path", ASLRT_OP_##id, ASL_OPERAND_PATH },
#define PATH_FORM_0(id, name)
static const asl_choice_op choice_ops[] = {
#define X(id, name, family, rel, operand, path, text) \
    { name, ASLRT_OP_##id, ASL_OPERAND_##operand }, PATH_FORM_##path(id, name)
    ASLRT_COMPARISONS(X)
#undef X
};
#undef PATH_FORM_0
#undef PATH_FORM_1
#define NOPS ((int)(sizeof choice_ops / sizeof choice_ops[0]))

/* Linear: 38 names, asked once per rule member. */
const asl_choice_op *asl_choice_op_find(const char *name)
{
    for (int i = 0; i < NOPS; i++)
        if (strcmp(choice_ops[i].name, name) == 0)
            return &choice_ops[i];
    return NULL;
}

/* The whole table, for callers that list or suggest operator names. */
const asl_choice_op *asl_choice_ops(int *n)
{
    *n = NOPS;
    return choice_ops;
}

/* §6.1 error names a Fail state's ErrorPath may compute: the intrinsics that
   return a string (§2.6), the `errname` column of aslrt.h's list. */
static const unsigned char returns_string[ASLRT_FN_COUNT] = {
#define X(id, name, impl, min, max, ret, a1, a2, a3, fold, errname) [ASLRT_FN_##id] = errname,
    ASLRT_INTRINSICS(X)
#undef X
};

/* Their names, for the message: ", States.Format, States.JsonToString, ..." */
#define ERRNAME_1(name) ", " name
#define ERRNAME_0(name)
#define X(id, name, impl, min, max, ret, a1, a2, a3, fold, errname) ERRNAME_##errname(name)
static const char string_fns[] = "" ASLRT_INTRINSICS(X);
#undef X
#undef ERRNAME_0
#undef ERRNAME_1

/* --------------------------------------------------- a string multimap */

/* Name tables (states by name, variables by name): a chained hash whose
   chains keep every value added under a key. */
typedef struct mm_node {
    const char *key;
    void *val;
    struct mm_node *next;
} mm_node;

typedef struct mmap {
    mm_node **b;
    size_t nb, n;
} mmap;

/* FNV-1a: short, and good enough for state and variable names. */
static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* Adds key -> val (keeping earlier values under the same key), doubling
   the buckets when there are as many nodes as buckets. */
static void mm_add(asl_arena *a, mmap *m, const char *key, void *val)
{
    if (m->n >= m->nb) {
        size_t nb = m->nb ? m->nb * 2 : 64;
        mm_node **b = asl_arena_alloc(a, nb * sizeof *b);
        for (size_t i = 0; i < m->nb; i++) {
            for (mm_node *x = m->b[i], *next; x; x = next) {
                next = x->next;
                size_t h = hash_str(x->key) & (nb - 1);
                x->next = b[h];
                b[h] = x;
            }
        }
        m->b = b;
        m->nb = nb;
    }
    mm_node *x = asl_arena_alloc(a, sizeof *x);
    x->key = key;
    x->val = val;
    size_t h = hash_str(key) & (m->nb - 1);
    x->next = m->b[h];
    m->b[h] = x;
    m->n++;
}

/* The first node with this key (then mm_next), or NULL. */
static mm_node *mm_next(mm_node *x, const char *key)
{
    for (; x; x = x->next)
        if (strcmp(x->key, key) == 0)
            return x;
    return NULL;
}

/* Where the search for key starts: its bucket's first match. */
static mm_node *mm_first(const mmap *m, const char *key)
{
    return m->nb ? mm_next(m->b[hash_str(key) & (m->nb - 1)], key) : NULL;
}

/* ------------------------------------------------------------ context */

/* One state as pass 1 found it. */
typedef struct state_entry {
    const char *name;
    const char *pointer;      /* "/States/A" */
    const cJSON *states;      /* the States object it belongs to */
    int index;                /* its position there */
    int order;                /* position in the whole walk */
} state_entry;

/* One variable assignment, for the scope rule (§8). */
typedef struct var_entry {
    const char *pointer;      /* "/States/A/Assign/x" */
    int scope;
} var_entry;

/* A States object being checked. */
typedef struct machine {
    const cJSON *states;      /* the States object (NULL when missing) */
    const char *pointer;      /* of the machine: "" or "/States/P/Branches/0" */
    int nstates;
    const char **names;       /* for "did you mean"; built when first needed */
    int bad_types;            /* states whose Type is missing or unknown */
    int terminals;            /* End: true, Succeed, Fail */
} machine;

typedef struct vctx {
    asl_diag *d;
    asl_arena *a;
    int top_lang;             /* L_P or L_J */
    int errors_at_start;
    mmap states;              /* name -> state_entry */
    int nentries;
    mmap vars;                /* name -> var_entry */
    var_entry **var_list;     /* every assignment, in document order */
    const char **var_names;
    int nvars, cap_vars;
    int *scope_parent;        /* per scope: the enclosing one, -1 for the top */
    int nscopes, cap_scopes;
    int scope;                /* the scope being walked */
    long suggest_budget;      /* edit distances "did you mean" may still compute */
} vctx;

/* --------------------------------------------------------- small helpers */

/* A value's JSON type as messages name it: "a string", "an object", ... */
static const char *json_type(const cJSON *v)
{
    if (!v)
        return "nothing";
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "an invalid value";
}

/* Does s look like a placeholder that a template tool fills in before the
   definition reaches AWS: "${Name}" (SAM, CloudFormation, Terraform) or an
   upper-case word with underscores such as "DYNAMIC_ROUTING_CHOICES"? */
static int looks_like_placeholder(const char *s)
{
    size_t n = strlen(s);
    if (n >= 3 && s[0] == '$' && s[1] == '{' && s[n - 1] == '}')
        return 1;
    int underscore = 0;
    if (!(s[0] >= 'A' && s[0] <= 'Z'))
        return 0;
    for (; *s; s++) {
        if (*s == '_')
            underscore = 1;
        else if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
            return 0;
    }
    return underscore;
}

/* The one wording for a value of the wrong JSON type.  A string that looks
   like a template placeholder gets a hint: aslc checks the definition as
   AWS would receive it, after substitution. */
static void type_error(vctx *c, const char *ptr, const char *expected, const cJSON *v)
{
    if (cJSON_IsString(v) && looks_like_placeholder(v->valuestring))
        asl_diag_error(c->d, ptr, "expected %s but found the string \"%.80s\" (a placeholder? check the "
                       "definition after your template tool has filled it in)", expected, v->valuestring);
    else
        asl_diag_error(c->d, ptr, "expected %s but found %s", expected, json_type(v));
}

/* A value from the definition as a message quotes it (asl_diag_excerpt). */
static const char *show(vctx *c, const char *s)
{
    return asl_diag_excerpt(c->a, s);
}

/* A number as a message shows it: integers without exponent or fraction. */
static const char *show_num(vctx *c, double x)
{
    if (isfinite(x) && x == floor(x) && fabs(x) < 1e15)
        return asl_arena_printf(c->a, "%.0f", x);
    return asl_arena_printf(c->a, "%.15g", x);
}

/* Pointer building, in the scratch arena (short names for a long file). */
static const char *join(vctx *c, const char *ptr, const char *token)
{
    return asl_ptr_join(c->a, ptr, token);
}

/* The pointer of an array element. */
static const char *join_index(vctx *c, const char *ptr, int i)
{
    return asl_ptr_index(c->a, ptr, i);
}

/* ASL field names are case-sensitive; cJSON_GetObjectItem is not. */
static const cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* " (did you mean "X"?)" or "".  Each candidate costs an edit distance; a
   definition with thousands of broken names gets suggestions until the
   budget is spent, then none, so that checking it stays fast. */
static const char *suggest(vctx *c, const char *word, const char *const *cands, int n)
{
    if (c->suggest_budget < n)
        return "";
    c->suggest_budget -= n;
    const char *m = asl_did_you_mean(word, cands, n);
    return m ? asl_arena_printf(c->a, " (did you mean \"%s\"?)", show(c, m)) : "";
}

/* §9: a JSONata expression is a string that starts with "{%" and ends with
   "%}", exactly. */
static int is_jsonata(const cJSON *v)
{
    if (!cJSON_IsString(v))
        return 0;
    size_t n = strlen(v->valuestring);
    return n >= 4 && memcmp(v->valuestring, "{%", 2) == 0 && memcmp(v->valuestring + n - 2, "%}", 2) == 0;
}

/* Number of characters (UTF-8 code points) in s. */
static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Payload-template keys that compute their value end in ".$" (§3.3). */
static int ends_with_dollar(const char *k)
{
    size_t n = strlen(k);
    return n >= 2 && k[n - 2] == '.' && k[n - 1] == '$';
}

/* The keys of one object, for "is there a member called ...?" asked once
   per `.$` member: a sorted copy when the object is big, so that an object
   with 100,000 `.$` keys costs n log n, not n squared. */
typedef struct keyset {
    const cJSON *obj;
    const char **sorted;      /* NULL: small object, search it directly */
    int n;
} keyset;

/* qsort comparator over an array of strings. */
static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Sorts obj's keys when it has more than 16; small objects are searched
   in place. */
static void keyset_init(keyset *ks, const cJSON *obj)
{
    ks->obj = obj;
    ks->sorted = NULL;
    ks->n = cJSON_GetArraySize(obj);
    if (ks->n <= 16 || !(ks->sorted = malloc((size_t)ks->n * sizeof *ks->sorted)))
        return;
    int i = 0;
    for (const cJSON *m = obj->child; m; m = m->next)
        ks->sorted[i++] = m->string ? m->string : "";
    qsort(ks->sorted, (size_t)ks->n, sizeof *ks->sorted, cmp_str);
}

/* Compares the first len bytes of key, as a whole string, with s. */
static int cmp_prefix(const char *key, size_t len, const char *s)
{
    size_t sl = strlen(s);
    int r = memcmp(key, s, len < sl ? len : sl);
    return r ? r : (len > sl) - (len < sl);
}

/* Is there a member whose key is the first len bytes of key? */
static int keyset_has(const keyset *ks, const char *key, size_t len)
{
    if (!ks->sorted) {
        for (const cJSON *m = ks->obj->child; m; m = m->next)
            if (m->string && cmp_prefix(key, len, m->string) == 0)
                return 1;
        return 0;
    }
    int lo = 0, hi = ks->n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int r = cmp_prefix(key, len, ks->sorted[mid]);
        if (r == 0)
            return 1;
        if (r < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return 0;
}

/* ------------------------------------------------ pass 0: repeated keys */

typedef struct key_ref {
    const char *key;
    int index;
} key_ref;

/* By key, then by position, so that the first copy of a key sorts first. */
static int cmp_key_ref(const void *x, const void *y)
{
    const key_ref *a = x, *b = y;
    int r = strcmp(a->key, b->key);
    return r ? r : (a->index > b->index) - (a->index < b->index);
}

/* RFC 8259 §4: "The names within an object SHOULD be unique."  Every later
   copy of a key is reported where it stands.  Sorting keeps this
   O(n log n) for objects with very many keys. */
static void check_unique_keys(vctx *c, const cJSON *v, const char *ptr)
{
    if (cJSON_IsObject(v)) {
        int n = cJSON_GetArraySize(v);
        if (n > 1) {
            key_ref *refs = malloc((size_t)n * sizeof *refs);
            char *dup = calloc((size_t)n, 1);
            if (!refs || !dup) {
                free(refs);
                free(dup);
                return;
            }
            int i = 0;
            for (const cJSON *m = v->child; m; m = m->next, i++) {
                refs[i].key = m->string ? m->string : "";
                refs[i].index = i;
            }
            qsort(refs, (size_t)n, sizeof *refs, cmp_key_ref);
            for (i = 1; i < n; i++)
                if (strcmp(refs[i].key, refs[i - 1].key) == 0)
                    dup[refs[i].index] = 1;
            free(refs);
            i = 0;
            for (const cJSON *m = v->child; m; m = m->next, i++)
                if (dup[i])
                    asl_diag_error(c->d, join(c, ptr, m->string ? m->string : ""),
                                   "duplicate key \"%s\" in this object", show(c, m->string ? m->string : ""));
            free(dup);
        }
        for (const cJSON *m = v->child; m; m = m->next)
            if (cJSON_IsObject(m) || cJSON_IsArray(m))
                check_unique_keys(c, m, join(c, ptr, m->string ? m->string : ""));
    } else if (cJSON_IsArray(v)) {
        int i = 0;
        for (const cJSON *m = v->child; m; m = m->next, i++)
            if (cJSON_IsObject(m) || cJSON_IsArray(m))
                check_unique_keys(c, m, join_index(c, ptr, i));
    }
}

/* --------------------------------------------------- pass 1: state names */

static void collect_machine(vctx *c, const cJSON *m, const char *ptr);

/* Records every state of machine m (and of the machines nested in it) in
   c->states.  Says nothing: pass 2 reports what is malformed. */
static void collect_machine(vctx *c, const cJSON *m, const char *ptr)
{
    const cJSON *states = cJSON_IsObject(m) ? get(m, "States") : NULL;
    if (!cJSON_IsObject(states))
        return;
    const char *sptr = join(c, ptr, "States");
    int i = 0;
    for (const cJSON *s = states->child; s; s = s->next, i++) {
        state_entry *e = asl_arena_alloc(c->a, sizeof *e);
        e->name = s->string ? s->string : "";
        e->pointer = join(c, sptr, e->name);
        e->states = states;
        e->index = i;
        e->order = c->nentries++;
        mm_add(c->a, &c->states, e->name, e);
        if (!cJSON_IsObject(s))
            continue;
        const cJSON *br = get(s, "Branches");
        if (cJSON_IsArray(br)) {
            int k = 0;
            for (const cJSON *b = br->child; b; b = b->next, k++)
                collect_machine(c, b, join_index(c, join(c, e->pointer, "Branches"), k));
        }
        static const char *const procs[] = { "ItemProcessor", "Iterator" };
        for (int p = 0; p < 2; p++) {
            const cJSON *ip = get(s, procs[p]);
            if (ip)
                collect_machine(c, ip, join(c, e->pointer, procs[p]));
        }
    }
}

/* The first definition of a state called name, anywhere. */
static const state_entry *first_state(vctx *c, const char *name)
{
    const state_entry *best = NULL;
    for (mm_node *x = mm_first(&c->states, name); x; x = mm_next(x->next, name)) {
        const state_entry *e = x->val;
        if (!best || e->order < best->order)
            best = e;
    }
    return best;
}

/* The index of the state called name in the States object `states`, or -1. */
static int find_state(vctx *c, const cJSON *states, const char *name)
{
    int best = -1;
    for (mm_node *x = mm_first(&c->states, name); x; x = mm_next(x->next, name)) {
        const state_entry *e = x->val;
        if (e->states == states && (best < 0 || e->index < best))
            best = e->index;
    }
    return best;
}

/* ------------------------------------------------------------- paths */

/* §3.2: a Path starts with "$" ($, $$ or $name); the path parser says what
   else is wrong.  flags: ASL_PATH_*.  Returns 0 when the path is valid. */
static int check_path_text(vctx *c, const char *text, const char *ptr, int flags)
{
    const char *t = text;
    while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
        t++;                      /* Jayway trims blanks around a path; so does asl_path_parse */
    if (t[0] != '$') {
        asl_diag_error(c->d, ptr, "expected a path starting with \"$\" but found \"%s\"", show(c, text));
        return -1;
    }
    const char *err = NULL;
    if (!asl_path_parse(c->a, text, flags, &err)) {
        asl_diag_error(c->d, ptr, "invalid path \"%s\": %s", show(c, text), err ? err : "syntax error");
        return -1;
    }
    return 0;
}

/* A field holding a Path: a string, or null where allow_null. */
static void check_path(vctx *c, const cJSON *v, const char *ptr, int flags, int allow_null)
{
    if (allow_null && cJSON_IsNull(v))
        return;
    if (!cJSON_IsString(v)) {
        type_error(c, ptr, allow_null ? "a path (a string) or null" : "a path (a string)", v);
        return;
    }
    check_path_text(c, v->valuestring, ptr, flags);
}

/* §3.3 / §5: the string value of a `.$` field is a Path when it starts
   with "$", otherwise an intrinsic function call. */
static void check_dynamic(vctx *c, const char *text, const char *ptr)
{
    if (text[0] == '$') {
        check_path_text(c, text, ptr, 0);
        return;
    }
    if (strncmp(text, "States.", 7) != 0) {
        asl_diag_error(c->d, ptr,
                       "\"%s\" is neither a path (starting with \"$\") nor an intrinsic function call "
                       "(such as \"States.Format(...)\")", show(c, text));
        return;
    }
    const char *err = NULL;
    const aslrt_tmpl *call = asl_intrinsic_parse(c->a, text, &err);
    const char *unknown = call ? asl_intrinsic_unknown(c->a, call) : NULL;
    if (!call)
        asl_diag_error(c->d, ptr, "invalid intrinsic function call \"%s\": %s", show(c, text),
                       err ? err : "syntax error");
    else if (unknown && strstr(unknown, "did you mean")) /* a typo of a real function */
        asl_diag_error(c->d, ptr, "invalid intrinsic function call \"%s\": %s", show(c, text), unknown);
    else if (unknown) /* not one we know (real-world files use made-up ones): a run fails with
                         States.IntrinsicFailure */
        asl_diag_warning(c->d, ptr, "intrinsic function call \"%s\": %s, so running the state fails",
                         show(c, text), unknown);
}

/* §3.3 Payload templates: "A key ending in `.$` whose value is a string is
   replaced by key-without-`.$` and [the value's Path or intrinsic result]";
   such a value must be a valid Path or intrinsic call; stripping `.$` must
   not create a duplicate key.  Objects inside arrays are templates too. */
static void check_template(vctx *c, const cJSON *v, const char *ptr)
{
    if (cJSON_IsArray(v)) {
        int i = 0;
        for (const cJSON *m = v->child; m; m = m->next, i++)
            if (cJSON_IsObject(m) || cJSON_IsArray(m))
                check_template(c, m, join_index(c, ptr, i));
        return;
    }
    if (!cJSON_IsObject(v))
        return;
    keyset ks;
    keyset_init(&ks, v);
    for (const cJSON *m = v->child; m; m = m->next) {
        const char *k = m->string ? m->string : "";
        const char *mptr = join(c, ptr, k);
        if (!ends_with_dollar(k)) {
            check_template(c, m, mptr);
            continue;
        }
        size_t base = strlen(k) - 2;
        if (keyset_has(&ks, k, base))
            asl_diag_error(c->d, mptr, "\"%s\" and \"%.*s\" would both produce the field \"%.*s\"",
                           show(c, k), (int)(base > 80 ? 80 : base), k, (int)(base > 80 ? 80 : base), k);
        if (!cJSON_IsString(m)) {
            asl_diag_error(c->d, mptr,
                           "the value of \"%s\" must be a path or an intrinsic function call (a string), "
                           "but found %s", show(c, k), json_type(m));
            continue;
        }
        check_dynamic(c, m->valuestring, mptr);
    }
    free(ks.sorted);
}

/* ---------------------------------------------------- simple field kinds */

/* An integer in [min, max]; in JSONata states also a JSONata expression. */
static int check_int(vctx *c, const cJSON *v, const char *ptr, double min, double max, int jsonata)
{
    if (jsonata && is_jsonata(v))
        return 0;
    if (!cJSON_IsNumber(v)) {
        type_error(c, ptr, jsonata ? "an integer or a JSONata expression" : "an integer", v);
        return -1;
    }
    double x = v->valuedouble;
    if (!isfinite(x) || x != floor(x)) {
        asl_diag_error(c->d, ptr, "expected an integer but found %s", show_num(c, x));
        return -1;
    }
    if (x < min || x > max) {
        if (max >= NO_MAX)
            asl_diag_error(c->d, ptr, "must be at least %s but is %s", show_num(c, min), show_num(c, x));
        else
            asl_diag_error(c->d, ptr, "must be between %s and %s but is %s", show_num(c, min),
                           show_num(c, max), show_num(c, x));
        return -1;
    }
    return 0;
}

/* A number in [min, max]; in JSONata states also a JSONata expression. */
static int check_number(vctx *c, const cJSON *v, const char *ptr, double min, double max, int jsonata)
{
    if (jsonata && is_jsonata(v))
        return 0;
    if (!cJSON_IsNumber(v)) {
        type_error(c, ptr, jsonata ? "a number or a JSONata expression" : "a number", v);
        return -1;
    }
    double x = v->valuedouble;
    if (!isfinite(x) || x < min || x > max) {
        asl_diag_error(c->d, ptr, "must be between %s and %s but is %s", show_num(c, min), show_num(c, max),
                       show_num(c, x));
        return -1;
    }
    return 0;
}

/* 0 when v is a string; otherwise reports it and returns -1. */
static int check_string(vctx *c, const cJSON *v, const char *ptr)
{
    if (cJSON_IsString(v))
        return 0;
    type_error(c, ptr, "a string", v);
    return -1;
}

/* A string that must be one of `allowed` (NULL-terminated). */
static void check_enum(vctx *c, const cJSON *v, const char *ptr, const char *const *allowed)
{
    if (check_string(c, v, ptr))
        return;
    int n = 0;
    for (; allowed[n]; n++)
        if (strcmp(allowed[n], v->valuestring) == 0)
            return;
    char list[256] = "";
    for (int i = 0; i < n; i++) {
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s\"%s\"", i == 0 ? "" : i == n - 1 ? " or " : ", ", allowed[i]);
    }
    /* With one choice the list already says it all. */
    asl_diag_error(c->d, ptr, "\"%s\" is not allowed here; expected %s%s", show(c, v->valuestring), list,
                   n > 1 ? suggest(c, v->valuestring, allowed, n) : "");
}

/* §2.4: "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM), uppercase T, Z required when
   no offset". */
static void check_timestamp(vctx *c, const cJSON *v, const char *ptr, int jsonata)
{
    if (jsonata && is_jsonata(v))
        return;
    if (!cJSON_IsString(v)) {
        type_error(c, ptr, jsonata ? "a timestamp or a JSONata expression" : "a timestamp (a string)", v);
        return;
    }
    aslrt_time t;
    if (aslrt_timestamp_parse(v->valuestring, &t) != 0)
        asl_diag_error(c->d, ptr, "\"%s\" is not an RFC 3339 timestamp such as \"2016-03-14T01:59:00Z\"",
                       show(c, v->valuestring));
}

/* Reports each member of obj whose key is not in `allowed`, with "did you
   mean".  `what` names the object: "a retrier", "a catcher", ... */
static void check_known_keys(vctx *c, const cJSON *obj, const char *ptr, const char *const *allowed,
                             const char *what)
{
    int n = 0;
    while (allowed[n])
        n++;
    for (const cJSON *m = obj->child; m; m = m->next) {
        const char *k = m->string ? m->string : "";
        int ok = 0;
        for (int i = 0; i < n && !ok; i++)
            ok = strcmp(allowed[i], k) == 0;
        if (!ok)
            asl_diag_error(c->d, join(c, ptr, k), "field \"%s\" is not allowed in %s%s", show(c, k), what,
                           suggest(c, k, allowed, n));
    }
}

/* --------------------------------------------------------- transitions */

/* The names of machine mc's states, for "did you mean" (NULL-free array). */
static const char **machine_names(vctx *c, machine *mc)
{
    if (!mc->names && mc->states) {
        mc->names = asl_arena_alloc(c->a, ((size_t)mc->nstates + 1) * sizeof *mc->names);
        int i = 0;
        for (const cJSON *s = mc->states->child; s; s = s->next)
            mc->names[i++] = s->string ? s->string : "";
    }
    return mc->names;
}

/* §1: "StartAt, Next, Default, catcher Next, choice-rule Next must name a
   state in the same States object; no transitions into or out of a
   branch/processor." */
static void check_target(vctx *c, machine *mc, const cJSON *v, const char *ptr)
{
    if (check_string(c, v, ptr) || !mc->states)
        return;
    const char *name = v->valuestring;
    if (find_state(c, mc->states, name) >= 0)
        return;
    const state_entry *elsewhere = first_state(c, name);
    if (elsewhere) {
        asl_diag_error(c->d, ptr,
                       "no state named \"%s\" in this States object (there is one at %s, but a transition "
                       "cannot enter or leave a Parallel branch or Map item processor)",
                       show(c, name), elsewhere->pointer);
        return;
    }
    /* Suggestions cost a distance per candidate; skip them for huge machines. */
    const char *hint = mc->nstates <= 20000 ? suggest(c, name, machine_names(c, mc), mc->nstates) : "";
    asl_diag_error(c->d, ptr, "no state named \"%s\"%s", show(c, name), hint);
}

/* ------------------------------------------------------------ variables */

/* §8: "Name: Unicode ID_Start then ID_Continue, <=80 chars; `states`
   reserved."  Non-ASCII bytes are taken as letters: the UTF-8 of any
   Unicode letter passes, and nothing ASCII that is not an identifier does. */
static void check_var_name(vctx *c, const char *name, const char *ptr)
{
    if (!*name) {
        asl_diag_error(c->d, ptr, "a variable name cannot be empty");
        return;
    }
    if (strcmp(name, "states") == 0) {
        asl_diag_error(c->d, ptr, "\"states\" is a reserved name and cannot be assigned");
        return;
    }
    if (utf8_len(name) > 80) {
        asl_diag_error(c->d, ptr, "variable name \"%s\" is longer than 80 characters", show(c, name));
        return;
    }
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        int letter = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' || *p >= 0x80;
        int digit = *p >= '0' && *p <= '9';
        if (!letter && !(digit && p != (const unsigned char *)name)) {
            asl_diag_error(c->d, ptr,
                           "\"%s\" is not a valid variable name (letters, digits and \"_\", not starting "
                           "with a digit; only whole variables can be assigned)", show(c, name));
            return;
        }
    }
}

/* Remembers an assignment in the current scope, by name and in order. */
static void record_var(vctx *c, const char *name, const char *ptr)
{
    var_entry *v = asl_arena_alloc(c->a, sizeof *v);
    v->pointer = ptr;
    v->scope = c->scope;
    mm_add(c->a, &c->vars, name, v);
    if (c->nvars == c->cap_vars) {
        c->cap_vars = c->cap_vars ? c->cap_vars * 2 : 64;
        var_entry **l = asl_arena_alloc(c->a, (size_t)c->cap_vars * sizeof *l);
        const char **nm = asl_arena_alloc(c->a, (size_t)c->cap_vars * sizeof *nm);
        if (c->nvars) {
            memcpy(l, c->var_list, (size_t)c->nvars * sizeof *l);
            memcpy(nm, c->var_names, (size_t)c->nvars * sizeof *nm);
        }
        c->var_list = l;
        c->var_names = nm;
    }
    c->var_list[c->nvars] = v;
    c->var_names[c->nvars++] = name;
}

/* §8 Assign: an object whose top-level keys are variable names.  JSONPath:
   a payload template (`.$` keys evaluate, the name is the key without
   `.$`).  JSONata: keys are names as written, values any JSON. */
static void check_assign(vctx *c, const cJSON *v, const char *ptr, int lang)
{
    if (!cJSON_IsObject(v)) {
        type_error(c, ptr, "an object", v);
        return;
    }
    if (lang == L_P)
        check_template(c, v, ptr);
    for (const cJSON *m = v->child; m; m = m->next) {
        const char *k = m->string ? m->string : "";
        const char *mptr = join(c, ptr, k);
        const char *name = k;
        if (lang == L_P && ends_with_dollar(k))
            name = asl_arena_strndup(c->a, k, strlen(k) - 2);
        int before = c->d->nerrors;
        check_var_name(c, name, mptr);
        if (c->d->nerrors == before)
            record_var(c, name, mptr);
    }
}

/* §8: "a name assigned in an inner scope must not be assigned in any outer
   scope".  Runs after the walk, when every Assign is known. */
static void check_scopes(vctx *c)
{
    for (int i = 0; i < c->nvars; i++) {
        const var_entry *v = c->var_list[i];
        const char *name = c->var_names[i];
        const var_entry *outer = NULL;
        for (mm_node *x = mm_first(&c->vars, name); x && !outer; x = mm_next(x->next, name)) {
            const var_entry *w = x->val;
            for (int s = c->scope_parent[v->scope]; s >= 0 && !outer; s = c->scope_parent[s])
                if (w->scope == s)
                    outer = w;
        }
        if (outer)
            asl_diag_error(c->d, v->pointer,
                           "variable \"%s\" is assigned in an outer scope (at %s); a Parallel branch or "
                           "Map iteration can read it but cannot assign it", show(c, name), outer->pointer);
    }
}

/* A scope per States object (§8): the top level, each branch, each
   item processor.  Returns its number. */
static int new_scope(vctx *c, int parent)
{
    if (c->nscopes == c->cap_scopes) {
        c->cap_scopes = c->cap_scopes ? c->cap_scopes * 2 : 16;
        int *p = asl_arena_alloc(c->a, (size_t)c->cap_scopes * sizeof *p);
        if (c->nscopes)
            memcpy(p, c->scope_parent, (size_t)c->nscopes * sizeof *p);
        c->scope_parent = p;
    }
    c->scope_parent[c->nscopes] = parent;
    return c->nscopes++;
}

/* --------------------------------------------------------- Retry, Catch */

/* §6.1: the error names the States Language defines.  Names starting with
   "States." are reserved for these, but AWS accepts others in ErrorEquals
   (the corpus has "States.QuorumMet"), so an unknown one is a warning. */
static const char *const predefined_errors[] = {
    "States.ALL", "States.HeartbeatTimeout", "States.Timeout", "States.TaskFailed", "States.Permissions",
    "States.ResultPathMatchFailure", "States.ParameterPathFailure", "States.BranchFailed",
    "States.NoChoiceMatched", "States.IntrinsicFailure", "States.ExceedToleratedFailureThreshold",
    "States.ItemReaderFailed", "States.ResultWriterFailed", "States.QueryEvaluationError", "States.Runtime",
    "States.DataLimitExceeded", "States.Http.Socket",
};
#define NPREDEFINED ((int)(sizeof predefined_errors / sizeof predefined_errors[0]))

/* Warns about an ErrorEquals name that can never match: a reserved
   "States." name the States Language does not define, or one of the two
   errors §6.1 says no retrier or catcher sees. */
static void check_error_name(vctx *c, const char *name, const char *ptr, const char *what)
{
    if (strncmp(name, "States.", 7) != 0)
        return;
    if (strcmp(name, "States.Runtime") == 0 || strcmp(name, "States.DataLimitExceeded") == 0) {
        asl_diag_warning(c->d, ptr, "%s never sees \"%s\": that error cannot be retried or caught", what, name);
        return;
    }
    for (int i = 0; i < NPREDEFINED; i++)
        if (strcmp(predefined_errors[i], name) == 0)
            return;
    asl_diag_warning(c->d, ptr, "\"%s\" is not a predefined error name (names starting with \"States.\" are "
                     "reserved for them)%s", show(c, name), suggest(c, name, predefined_errors, NPREDEFINED));
}

/* §6.2/§6.3: "ErrorEquals (required)": a non-empty array of strings;
   "States.ALL alone and only in the last retrier/catcher" (§1). */
static void check_error_equals(vctx *c, const cJSON *v, const char *ptr, int last, const char *what)
{
    if (!cJSON_IsArray(v)) {
        type_error(c, ptr, "an array of error names", v);
        return;
    }
    int n = cJSON_GetArraySize(v);
    if (n == 0) {
        asl_diag_error(c->d, ptr, "must list at least one error name");
        return;
    }
    int i = 0;
    for (const cJSON *e = v->child; e; e = e->next, i++) {
        const char *eptr = join_index(c, ptr, i);
        if (check_string(c, e, eptr))
            continue;
        if (strcmp(e->valuestring, "States.ALL") != 0) {
            check_error_name(c, e->valuestring, eptr, what);
            continue;
        }
        if (n > 1)
            asl_diag_error(c->d, eptr, "\"States.ALL\" must be the only error name in its ErrorEquals");
        else if (!last)
            asl_diag_error(c->d, eptr, "%s with \"States.ALL\" must be the last one", what);
    }
}

/* §6.2 retrier fields and their ranges. */
static void check_retrier(vctx *c, const cJSON *r, const char *ptr, int last)
{
    static const char *const allowed[] = { "ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate",
                                           "MaxDelaySeconds", "JitterStrategy", "Comment", NULL };
    static const char *const jitter[] = { "FULL", "NONE", NULL };
    if (!cJSON_IsObject(r)) {
        type_error(c, ptr, "an object (a retrier)", r);
        return;
    }
    check_known_keys(c, r, ptr, allowed, "a retrier");
    const cJSON *v;
    if ((v = get(r, "ErrorEquals")))
        check_error_equals(c, v, join(c, ptr, "ErrorEquals"), last, "a retrier");
    else
        asl_diag_error(c->d, ptr, "missing required field \"ErrorEquals\"");
    if ((v = get(r, "IntervalSeconds")))
        check_int(c, v, join(c, ptr, "IntervalSeconds"), 1, 99999999, 0);
    if ((v = get(r, "MaxAttempts")))
        check_int(c, v, join(c, ptr, "MaxAttempts"), 0, 99999999, 0);
    if ((v = get(r, "BackoffRate"))) {
        const char *bptr = join(c, ptr, "BackoffRate");
        if (!cJSON_IsNumber(v))
            type_error(c, bptr, "a number", v);
        else if (!(v->valuedouble >= 1.0) || !isfinite(v->valuedouble))
            asl_diag_error(c->d, bptr, "must be at least 1.0 but is %s", show_num(c, v->valuedouble));
    }
    if ((v = get(r, "MaxDelaySeconds")))
        check_int(c, v, join(c, ptr, "MaxDelaySeconds"), 1, 31622400, 0);
    if ((v = get(r, "JitterStrategy")))
        check_enum(c, v, join(c, ptr, "JitterStrategy"), jitter);
    if ((v = get(r, "Comment")))
        check_string(c, v, join(c, ptr, "Comment"));
}

/* §6.3 catcher: ErrorEquals, Next (required), ResultPath (P), Output (J),
   Assign, Comment. */
static void check_catcher(vctx *c, machine *mc, const cJSON *r, const char *ptr, int last, int lang)
{
    static const char *const allowed_p[] = { "ErrorEquals", "Next", "ResultPath", "Assign", "Comment", NULL };
    static const char *const allowed_j[] = { "ErrorEquals", "Next", "Output", "Assign", "Comment", NULL };
    if (!cJSON_IsObject(r)) {
        type_error(c, ptr, "an object (a catcher)", r);
        return;
    }
    const char *const *allowed = lang == L_P ? allowed_p : allowed_j;
    for (const cJSON *m = r->child; m; m = m->next) {
        const char *k = m->string ? m->string : "";
        int ok = 0;
        for (int i = 0; allowed[i] && !ok; i++)
            ok = strcmp(allowed[i], k) == 0;
        if (ok)
            continue;
        if (strcmp(k, "Output") == 0)
            asl_diag_error(c->d, join(c, ptr, k), "field \"Output\" is only allowed in JSONata states");
        else if (strcmp(k, "ResultPath") == 0)
            asl_diag_error(c->d, join(c, ptr, k), "field \"ResultPath\" is not allowed in JSONata states");
        else
            asl_diag_error(c->d, join(c, ptr, k), "field \"%s\" is not allowed in a catcher%s", show(c, k),
                           suggest(c, k, allowed, 5));
    }
    const cJSON *v;
    if ((v = get(r, "ErrorEquals")))
        check_error_equals(c, v, join(c, ptr, "ErrorEquals"), last, "a catcher");
    else
        asl_diag_error(c->d, ptr, "missing required field \"ErrorEquals\"");
    if ((v = get(r, "Next")))
        check_target(c, mc, v, join(c, ptr, "Next"));
    else
        asl_diag_error(c->d, ptr, "missing required field \"Next\"");
    if ((v = get(r, "ResultPath")) && lang == L_P)
        check_path(c, v, join(c, ptr, "ResultPath"), ASL_PATH_REFERENCE | ASL_PATH_NO_CONTEXT | ASL_PATH_NO_VARS, 1);
    if ((v = get(r, "Assign")))
        check_assign(c, v, join(c, ptr, "Assign"), lang);
    if ((v = get(r, "Comment")))
        check_string(c, v, join(c, ptr, "Comment"));
}

/* Retry or Catch: an array of retriers / catchers. */
static void check_retry_catch(vctx *c, machine *mc, const cJSON *v, const char *ptr, int catch, int lang)
{
    if (!cJSON_IsArray(v)) {
        type_error(c, ptr, "an array", v);
        return;
    }
    int n = cJSON_GetArraySize(v), i = 0;
    for (const cJSON *r = v->child; r; r = r->next, i++) {
        if (catch)
            check_catcher(c, mc, r, join_index(c, ptr, i), i == n - 1, lang);
        else
            check_retrier(c, r, join_index(c, ptr, i), i == n - 1);
    }
}

/* ------------------------------------------------------------- Choice */

/* §4 StringMatches: "`*` = any run; `\*` literal star, `\\` literal
   backslash; any other `\` is invalid". */
static void check_pattern(vctx *c, const char *p, const char *ptr)
{
    for (; *p; p++) {
        if (*p != '\\')
            continue;
        if (p[1] == '*' || p[1] == '\\') {
            p++;
            continue;
        }
        if (!p[1])
            asl_diag_error(c->d, ptr, "the pattern ends with a lone \"\\\" (write \"\\\\\" for a backslash)");
        else
            asl_diag_error(c->d, ptr,
                           "invalid escape \"\\%c\" in the pattern: only \"\\*\" (a star) and \"\\\\\" "
                           "(a backslash) can be escaped", (unsigned char)p[1] >= 0x20 ? p[1] : '?');
        return;
    }
}

/* The operand of a comparison operator: §4 "Literal operands are
   type-checked at validation (StringEquals needs a string, etc.)". */
static void check_operand(vctx *c, const asl_choice_op *op, const cJSON *v, const char *ptr)
{
    switch (op->operand) {
    case ASL_OPERAND_STRING:
        check_string(c, v, ptr);
        break;
    case ASL_OPERAND_PATTERN:
        if (!check_string(c, v, ptr))
            check_pattern(c, v->valuestring, ptr);
        break;
    case ASL_OPERAND_NUMBER:
        if (!cJSON_IsNumber(v))
            type_error(c, ptr, "a number", v);
        break;
    case ASL_OPERAND_BOOLEAN:
        if (!cJSON_IsBool(v))
            type_error(c, ptr, "a boolean", v);
        break;
    case ASL_OPERAND_TIMESTAMP: {
        aslrt_time t;
        if (check_string(c, v, ptr) == 0 && aslrt_timestamp_parse(v->valuestring, &t) != 0)
            asl_diag_warning(c->d, ptr, "\"%s\" is not an RFC 3339 timestamp, so this comparison is never true",
                             show(c, v->valuestring));
        break;
    }
    case ASL_OPERAND_PATH:
        if (!check_string(c, v, ptr))
            check_path_text(c, v->valuestring, ptr, 0);
        break;
    }
}

/* A rule must be an object; its shape depends on the query language. */
static void check_rule(vctx *c, machine *mc, const cJSON *r, const char *ptr, int top, int lang);

/* §4: "A rule is a data-test (Variable + exactly one operator) or boolean
   (And/Or: non-empty array of rules; Not: one rule). Nested rules have no
   Next."  Top-level rules need Next; they may also have Assign (and in
   JSONata Output). */
static void check_rule_jsonpath(vctx *c, machine *mc, const cJSON *r, const char *ptr, int top)
{
    const char *first_op = NULL;   /* the operator (or And/Or/Not) seen first */
    int unknown = 0, boolean = 0;
    for (const cJSON *m = r->child; m; m = m->next) {
        const char *k = m->string ? m->string : "";
        const char *mptr = join(c, ptr, k);
        const asl_choice_op *op = asl_choice_op_find(k);
        int is_bool = strcmp(k, "And") == 0 || strcmp(k, "Or") == 0 || strcmp(k, "Not") == 0;
        if (op || is_bool) {
            if (first_op) {
                asl_diag_error(c->d, mptr, "a choice rule has one operator, but this one also has \"%s\"", first_op);
                continue;
            }
            first_op = k;
            boolean = is_bool;
            if (op) {
                check_operand(c, op, m, mptr);
            } else if (strcmp(k, "Not") == 0) {
                check_rule(c, mc, m, mptr, 0, L_P);
            } else if (!cJSON_IsArray(m)) {
                type_error(c, mptr, "an array of choice rules", m);
            } else if (cJSON_GetArraySize(m) == 0) {
                asl_diag_error(c->d, mptr, "must contain at least one choice rule");
            } else {
                int i = 0;
                for (const cJSON *s = m->child; s; s = s->next, i++)
                    check_rule(c, mc, s, join_index(c, mptr, i), 0, L_P);
            }
        } else if (strcmp(k, "Variable") == 0) {
            if (!check_string(c, m, mptr))
                check_path_text(c, m->valuestring, mptr, 0);
        } else if (strcmp(k, "Next") == 0) {
            if (top)
                check_target(c, mc, m, mptr);
            else
                asl_diag_error(c->d, mptr, "a nested choice rule cannot have \"Next\"");
        } else if (strcmp(k, "Comment") == 0) {
            check_string(c, m, mptr);
        } else if (strcmp(k, "Assign") == 0 && top) {
            check_assign(c, m, mptr, L_P);
        } else if (strcmp(k, "Condition") == 0 || (strcmp(k, "Output") == 0 && top)) {
            asl_diag_error(c->d, mptr, "field \"%s\" is only allowed in JSONata states", k);
            unknown = 1;
        } else {
            int n;
            const asl_choice_op *ops = asl_choice_ops(&n);
            const char *cands[NOPS + 8];
            int nc = 0;
            for (int i = 0; i < n; i++)
                cands[nc++] = ops[i].name;
            static const char *const more[] = { "And", "Or", "Not", "Variable", "Next", "Comment", "Assign" };
            for (int i = 0; i < 7; i++)
                cands[nc++] = more[i];
            asl_diag_error(c->d, mptr, "field \"%s\" is not allowed in a choice rule%s", show(c, k),
                           suggest(c, k, cands, nc));
            unknown = 1;
        }
    }
    const cJSON *var = get(r, "Variable");
    if (!first_op && !unknown)
        asl_diag_error(c->d, ptr,
                       "a choice rule needs a comparison operator (such as \"StringEquals\") or \"And\", "
                       "\"Or\", \"Not\"");
    if (first_op && !boolean && !var)
        asl_diag_error(c->d, ptr, "missing required field \"Variable\"");
    if (boolean && var)
        asl_diag_error(c->d, join(c, ptr, "Variable"), "\"Variable\" is not allowed in an \"%s\" rule", first_op);
    if (top && !get(r, "Next"))
        asl_diag_error(c->d, ptr, "missing required field \"Next\"");
}

/* §9 JSONata rule: "each rule has Condition (literal boolean or {% %});
   no Variable/operators allowed". */
static void check_rule_jsonata(vctx *c, machine *mc, const cJSON *r, const char *ptr)
{
    static const char *const allowed[] = { "Condition", "Next", "Assign", "Output", "Comment", NULL };
    for (const cJSON *m = r->child; m; m = m->next) {
        const char *k = m->string ? m->string : "";
        const char *mptr = join(c, ptr, k);
        if (strcmp(k, "Condition") == 0) {
            if (!cJSON_IsBool(m) && !is_jsonata(m))
                type_error(c, mptr, "a boolean or a JSONata expression", m);
        } else if (strcmp(k, "Next") == 0) {
            check_target(c, mc, m, mptr);
        } else if (strcmp(k, "Assign") == 0) {
            check_assign(c, m, mptr, L_J);
        } else if (strcmp(k, "Comment") == 0) {
            check_string(c, m, mptr);
        } else if (strcmp(k, "Output") == 0) {
            /* any JSON */
        } else if (strcmp(k, "Variable") == 0 || asl_choice_op_find(k) || strcmp(k, "And") == 0 ||
                   strcmp(k, "Or") == 0 || strcmp(k, "Not") == 0) {
            asl_diag_error(c->d, mptr, "field \"%s\" is not allowed in JSONata states (use \"Condition\")", k);
        } else {
            asl_diag_error(c->d, mptr, "field \"%s\" is not allowed in a choice rule%s", show(c, k),
                           suggest(c, k, allowed, 5));
        }
    }
    if (!get(r, "Condition"))
        asl_diag_error(c->d, ptr, "missing required field \"Condition\"");
    if (!get(r, "Next"))
        asl_diag_error(c->d, ptr, "missing required field \"Next\"");
}

static void check_rule(vctx *c, machine *mc, const cJSON *r, const char *ptr, int top, int lang)
{
    if (!cJSON_IsObject(r)) {
        type_error(c, ptr, "an object (a choice rule)", r);
        return;
    }
    if (lang == L_J)
        check_rule_jsonata(c, mc, r, ptr);
    else
        check_rule_jsonpath(c, mc, r, ptr, top);
}

/* ------------------------------------------------------- Map extras */

/* A member of obj that belongs to one query language (§9): returns it when
   the state's language allows it, reports it (and returns NULL) when not. */
static const cJSON *lang_field(vctx *c, const cJSON *obj, const char *ptr, const char *key, int field_lang,
                               int lang)
{
    const cJSON *v = get(obj, key);
    if (!v || (field_lang & lang))
        return v;
    if (lang == L_J)
        asl_diag_error(c->d, join(c, ptr, key), "field \"%s\" is not allowed in JSONata states", key);
    else
        asl_diag_error(c->d, join(c, ptr, key), "field \"%s\" is only allowed in JSONata states", key);
    return NULL;
}

/* "X and XPath pairs are mutually exclusive" (§1), reported at the second. */
static void check_exclusive(vctx *c, const cJSON *s, const char *ptr, const char *a, const char *b)
{
    if (get(s, a) && get(s, b))
        asl_diag_error(c->d, join(c, ptr, b), "\"%s\" cannot be used together with \"%s\"", b, a);
}

/* The Resource / Parameters / Arguments part shared by ItemReader and
   ResultWriter. */
static void check_io_config(vctx *c, const cJSON *v, const char *ptr, int lang, int need_resource)
{
    const cJSON *x;
    if ((x = get(v, "Resource")))
        check_string(c, x, join(c, ptr, "Resource"));
    else if (need_resource)
        asl_diag_error(c->d, ptr, "missing required field \"Resource\"");
    if ((x = lang_field(c, v, ptr, "Parameters", L_P, lang)))
        check_template(c, x, join(c, ptr, "Parameters"));
    lang_field(c, v, ptr, "Arguments", L_J, lang);
}

/* §2.8 ItemReader {Resource, ReaderConfig{..., MaxItems|MaxItemsPath},
   Parameters|Arguments}. */
static void check_item_reader(vctx *c, const cJSON *v, const char *ptr, int lang)
{
    static const char *const allowed[] = { "Resource", "ReaderConfig", "Parameters", "Arguments", NULL };
    if (!cJSON_IsObject(v)) {
        type_error(c, ptr, "an object", v);
        return;
    }
    check_known_keys(c, v, ptr, allowed, "an ItemReader");
    check_io_config(c, v, ptr, lang, 1);
    const cJSON *rc = get(v, "ReaderConfig");
    const char *rptr = join(c, ptr, "ReaderConfig");
    if (rc && !cJSON_IsObject(rc)) {
        type_error(c, rptr, "an object", rc);
    } else if (rc) {
        static const char *const keys[] = { "InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter",
                                            "ManifestType", "MaxItems", "MaxItemsPath", NULL };
        static const char *const input_types[] = { "CSV", "JSON", "JSONL", "MANIFEST", "PARQUET", NULL };
        static const char *const header_locations[] = { "FIRST_ROW", "GIVEN", NULL };
        static const char *const delimiters[] = { "COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB", NULL };
        check_known_keys(c, rc, rptr, keys, "a ReaderConfig");
        const cJSON *x;
        if ((x = get(rc, "InputType")))
            check_enum(c, x, join(c, rptr, "InputType"), input_types);
        if ((x = get(rc, "CSVHeaderLocation")))
            check_enum(c, x, join(c, rptr, "CSVHeaderLocation"), header_locations);
        if ((x = get(rc, "CSVDelimiter")))
            check_enum(c, x, join(c, rptr, "CSVDelimiter"), delimiters);
        if ((x = get(rc, "ManifestType")))
            check_string(c, x, join(c, rptr, "ManifestType"));
        /* §2.8 CSVHeaderLocation GIVEN: the header names are CSVHeaders. */
        if ((x = get(rc, "CSVHeaders"))) {
            const char *hptr = join(c, rptr, "CSVHeaders");
            if (!cJSON_IsArray(x)) {
                type_error(c, hptr, "an array of strings", x);
            } else {
                int i = 0;
                for (const cJSON *h = x->child; h; h = h->next, i++)
                    check_string(c, h, join_index(c, hptr, i));
            }
        }
        x = get(rc, "CSVHeaderLocation");
        if (cJSON_IsString(x) && strcmp(x->valuestring, "GIVEN") == 0 && !get(rc, "CSVHeaders"))
            asl_diag_error(c->d, rptr, "\"CSVHeaderLocation\": \"GIVEN\" needs the header names in \"CSVHeaders\"");
        if ((x = get(rc, "MaxItems")))
            check_int(c, x, join(c, rptr, "MaxItems"), 0, 100000000, lang == L_J);
        if ((x = lang_field(c, rc, rptr, "MaxItemsPath", L_P, lang)))
            check_path(c, x, join(c, rptr, "MaxItemsPath"), ASL_PATH_REFERENCE, 0);
        check_exclusive(c, rc, rptr, "MaxItems", "MaxItemsPath");
    }
}

/* §2.8 ItemBatcher {MaxItemsPerBatch[Path], MaxInputBytesPerBatch[Path]
   (<= 256 KiB), BatchInput} with at least one Max*. */
static void check_item_batcher(vctx *c, const cJSON *v, const char *ptr, int lang)
{
    static const char *const allowed[] = { "MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch",
                                           "MaxInputBytesPerBatchPath", "BatchInput", NULL };
    static const char *const pairs[][2] = { { "MaxItemsPerBatch", "MaxItemsPerBatchPath" },
                                            { "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath" } };
    static const double max[] = { NO_MAX, 262144 };
    if (!cJSON_IsObject(v)) {
        type_error(c, ptr, "an object", v);
        return;
    }
    check_known_keys(c, v, ptr, allowed, "an ItemBatcher");
    int any = 0;
    for (int i = 0; i < 2; i++) {
        const cJSON *n = get(v, pairs[i][0]), *p = get(v, pairs[i][1]);
        any |= n || p;
        if (n)
            check_int(c, n, join(c, ptr, pairs[i][0]), 1, max[i], lang == L_J);
        if ((p = lang_field(c, v, ptr, pairs[i][1], L_P, lang)))
            check_path(c, p, join(c, ptr, pairs[i][1]), ASL_PATH_REFERENCE, 0);
        check_exclusive(c, v, ptr, pairs[i][0], pairs[i][1]);
    }
    if (!any)
        asl_diag_error(c->d, ptr, "an ItemBatcher needs \"MaxItemsPerBatch\" or \"MaxInputBytesPerBatch\" "
                                  "(or their Path forms)");
    const cJSON *bi = get(v, "BatchInput");
    if (bi && lang == L_P)
        check_template(c, bi, join(c, ptr, "BatchInput"));
}

/* §2.8 ResultWriter {Resource, Parameters|Arguments, WriterConfig}. */
static void check_result_writer(vctx *c, const cJSON *v, const char *ptr, int lang)
{
    static const char *const allowed[] = { "Resource", "Parameters", "Arguments", "WriterConfig", NULL };
    if (!cJSON_IsObject(v)) {
        type_error(c, ptr, "an object", v);
        return;
    }
    check_known_keys(c, v, ptr, allowed, "a ResultWriter");
    check_io_config(c, v, ptr, lang, 0);
    const cJSON *x = get(v, "WriterConfig");
    const char *wptr = join(c, ptr, "WriterConfig");
    if (x && !cJSON_IsObject(x)) {
        type_error(c, wptr, "an object", x);
    } else if (x) {
        static const char *const keys[] = { "OutputType", "Transformation", NULL };
        static const char *const output_types[] = { "JSON", "JSONL", NULL };
        static const char *const transformations[] = { "NONE", "COMPACT", "FLATTEN", NULL };
        check_known_keys(c, x, wptr, keys, "a WriterConfig");
        const cJSON *y;
        if ((y = get(x, "OutputType")))
            check_enum(c, y, join(c, wptr, "OutputType"), output_types);
        if ((y = get(x, "Transformation")))
            check_enum(c, y, join(c, wptr, "Transformation"), transformations);
    }
    /* A ResultWriter says where the results go: a Resource (with its
       Parameters/Arguments), or at least a WriterConfig. */
    if (!get(v, "Resource") && !x)
        asl_diag_error(c->d, ptr, "a ResultWriter needs \"Resource\" (or \"WriterConfig\")");
}

/* §1 Map Label: "1..40 chars; no whitespace, control characters, or any of
   ? * < > { } [ ] : ; , \ | ^ ~ $ # % & ` "". */
static void check_label(vctx *c, const cJSON *v, const char *ptr)
{
    if (check_string(c, v, ptr))
        return;
    const char *s = v->valuestring;
    size_t n = utf8_len(s);
    if (n == 0 || n > 40) {
        asl_diag_error(c->d, ptr, "a Label must have 1 to 40 characters, not %zu", n);
        return;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p <= 0x20 || *p == 0x7f || strchr("?*<>{}[]:;,\\|^~$#%&`\"", *p)) {
            asl_diag_error(c->d, ptr,
                           "\"%s\" is not a valid Label: it cannot contain whitespace, control characters "
                           "or any of ? * < > { } [ ] : ; , \\ | ^ ~ $ # %% & ` \"", show(c, s));
            return;
        }
    }
}

/* §1: "Credentials must contain RoleArn (or RoleArn.$)". */
static void check_credentials(vctx *c, const cJSON *v, const char *ptr, int lang)
{
    if (!cJSON_IsObject(v)) {
        type_error(c, ptr, "an object", v);
        return;
    }
    static const char *const allowed_p[] = { "RoleArn", "RoleArn.$", NULL };
    static const char *const allowed_j[] = { "RoleArn", NULL };
    check_known_keys(c, v, ptr, lang == L_P ? allowed_p : allowed_j, "Credentials");
    const cJSON *r = get(v, "RoleArn");
    if (r)
        check_string(c, r, join(c, ptr, "RoleArn"));
    if (lang == L_P)
        check_template(c, v, ptr);
    if (!r && !(lang == L_P && get(v, "RoleArn.$")))
        asl_diag_error(c->d, ptr, "missing required field \"RoleArn\"");
}

/* ------------------------------------------------------- http:invoke */

/* A literal member of http:invoke's Parameters (JSONPath: its key has no
   ".$") or Arguments (JSONata: its value is no "{% %}"), or NULL when the
   member is missing or computed at run time. */
static const cJSON *http_literal(const cJSON *obj, const char *key, int lang)
{
    const cJSON *v = get(obj, key);
    return v && !(lang == L_J && is_jsonata(v)) ? v : NULL;
}

/* Is the member there at all, literal or computed? */
static int http_has(const cJSON *obj, const char *key, int lang)
{
    char dyn[32];
    snprintf(dyn, sizeof dyn, "%s.$", key);
    return get(obj, key) || (lang == L_P && get(obj, dyn));
}

/* One literal string that httpreq.c's `problem` refused: an error, except
   for a template placeholder ("${Endpoint}"), which the template tool fills
   in before AWS sees the definition: a warning, and the Task fails with
   States.Runtime if it runs as it is. */
static void http_refused(vctx *c, const char *ptr, const char *field, const char *value, const char *problem)
{
    if (looks_like_placeholder(value))
        asl_diag_warning(c->d, ptr, "the value for the '%s' field is the placeholder \"%s\": the Task fails "
                         "with States.Runtime unless it is filled in (%s)", field, show(c, value), problem);
    else
        asl_diag_error(c->d, ptr, "the value for the '%s' field is not valid: \"%s\" (%s)", field,
                       show(c, value), problem);
}

/* The Parameters (JSONPath) or Arguments (JSONata) of an
   arn:aws:states:::http:invoke Task: what AWS checks when it takes the
   definition (ApiEndpoint and Method required, a literal ApiEndpoint must
   be valid, literal Headers must not hold a refused name), and the rest of
   what httpreq.c would refuse at run time, for the values written out
   here: a Method not in AWS's list, header names and values that are not
   valid, a Transform with unknown values. Computed values are checked when
   the Task runs. */
static void check_http_invoke(vctx *c, const cJSON *p, const char *ptr, int lang)
{
    if (!cJSON_IsObject(p)) /* missing, or computed by JSONata */
        return;
    static const char *const required[] = { "ApiEndpoint", "Method" };
    for (int i = 0; i < 2; i++)
        if (!http_has(p, required[i], lang))
            asl_diag_error(c->d, ptr, "missing required field \"%s\" (an http:invoke Task needs ApiEndpoint "
                           "and Method)", required[i]);
    const cJSON *v;
    if ((v = http_literal(p, "ApiEndpoint", lang)) && !check_string(c, v, join(c, ptr, "ApiEndpoint"))) {
        const char *problem = aslrt_httpreq_endpoint_problem(v->valuestring);
        if (problem)
            http_refused(c, join(c, ptr, "ApiEndpoint"), "ApiEndpoint", v->valuestring, problem);
    }
    if ((v = http_literal(p, "Method", lang))) {
        if (cJSON_IsString(v) && looks_like_placeholder(v->valuestring))
            http_refused(c, join(c, ptr, "Method"), "Method", v->valuestring, "expected GET, POST, PUT, DELETE, "
                         "PATCH, OPTIONS or HEAD");
        else
            check_enum(c, v, join(c, ptr, "Method"), aslrt_httpreq_methods);
    }
    if ((v = http_literal(p, "Headers", lang))) {
        const char *hptr = join(c, ptr, "Headers");
        if (!cJSON_IsObject(v)) {
            type_error(c, hptr, "an object", v);
        } else {
            for (const cJSON *m = v->child; m; m = m->next) {
                const char *k = m->string ? m->string : "";
                char *name = asl_arena_printf(c->a, "%s", k);
                int computed = lang == L_P ? ends_with_dollar(k) : is_jsonata(m);
                if (lang == L_P && computed)
                    name[strlen(name) - 2] = '\0';
                const char *value = !computed && cJSON_IsString(m) ? m->valuestring : NULL;
                const char *problem = aslrt_httpreq_header_problem(name, value);
                if (!problem)
                    continue;
                if (aslrt_httpreq_header_forbidden(name)) { /* AWS's words, the name in lower case */
                    for (char *q = name; *q; q++)
                        if (*q >= 'A' && *q <= 'Z')
                            *q = (char)(*q - 'A' + 'a');
                    asl_diag_error(c->d, join(c, hptr, k), "the 'Headers' field contains unsupported values: "
                                   "[%s] (http:invoke does not allow this header)", show(c, name));
                } else {
                    asl_diag_error(c->d, join(c, hptr, k), "the header \"%s\" is not valid: %s", show(c, name),
                                   problem);
                }
            }
        }
    }
    if ((v = http_literal(p, "QueryParameters", lang)) && !cJSON_IsObject(v))
        type_error(c, join(c, ptr, "QueryParameters"), "an object", v);
    if ((v = http_literal(p, "Transform", lang))) {
        const char *tptr = join(c, ptr, "Transform");
        if (!cJSON_IsObject(v)) {
            type_error(c, tptr, "an object", v);
            return;
        }
        const cJSON *x = http_literal(v, "RequestBodyEncoding", lang);
        if (x)
            check_enum(c, x, join(c, tptr, "RequestBodyEncoding"), aslrt_httpreq_encodings);
        if ((x = http_literal(v, "RequestEncodingOptions", lang))) {
            const char *optr = join(c, tptr, "RequestEncodingOptions");
            if (!cJSON_IsObject(x))
                type_error(c, optr, "an object", x);
            else if ((x = http_literal(x, "ArrayFormat", lang)))
                check_enum(c, x, join(c, optr, "ArrayFormat"), aslrt_httpreq_array_formats);
        }
    }
}

/* ------------------------------------------------------------ machines */

enum { M_TOP, M_BRANCH, M_PROCESSOR };

static void check_machine(vctx *c, const cJSON *m, const char *ptr, int kind);

/* One field of a state, by its kind in state_fields. */
static void check_field(vctx *c, machine *mc, const field_spec *f, const cJSON *v, const char *ptr, int lang)
{
    int j = lang == L_J;
    switch (f->kind) {
    case K_TYPE:
        break;                                   /* checked first, by check_state */
    case K_STRING:
    case K_ERROR_STRING:
        check_string(c, v, ptr);
        break;
    case K_QL: {
        static const char *const langs[] = { "JSONPath", "JSONata", NULL };
        check_enum(c, v, ptr, langs);
        /* §1: "Top-level QueryLanguage: JSONata with a state QueryLanguage:
           JSONPath is rejected." */
        if (cJSON_IsString(v) && strcmp(v->valuestring, "JSONPath") == 0 && c->top_lang == L_J)
            asl_diag_error(c->d, ptr,
                           "a state cannot use \"JSONPath\" when the state machine's QueryLanguage is \"JSONata\"");
        break;
    }
    case K_NEXT:
        check_target(c, mc, v, ptr);
        break;
    case K_END:
        if (!cJSON_IsBool(v))
            type_error(c, ptr, "a boolean", v);
        break;
    case K_PATH:
        check_path(c, v, ptr, 0, 1);
        break;
    case K_RESULT_PATH:
        /* §3.2: "ResultPath must start with $ (not $$, not a variable)",
           and is a Reference Path. */
        check_path(c, v, ptr, ASL_PATH_REFERENCE | ASL_PATH_NO_CONTEXT | ASL_PATH_NO_VARS, 1);
        break;
    case K_REF_PATH:
        check_path(c, v, ptr, ASL_PATH_REFERENCE, 0);
        break;
    case K_ERR_PATH:
        /* §2.6: "a Reference Path or an intrinsic returning a string". */
        if (check_string(c, v, ptr))
            break;
        if (v->valuestring[0] == '$') {
            check_path_text(c, v->valuestring, ptr, ASL_PATH_REFERENCE);
        } else {
            int before = c->d->nerrors;
            check_dynamic(c, v->valuestring, ptr);
            const char *err = NULL;
            const aslrt_tmpl *call = c->d->nerrors == before ? asl_intrinsic_parse(c->a, v->valuestring, &err) : NULL;
            if (call && call->kind == ASLRT_T_CALL && call->fn != ASLRT_FN_UNKNOWN && !returns_string[call->fn]) {
                const char *paren = strchr(v->valuestring, '(');
                int len = paren ? (int)(paren - v->valuestring) : (int)strlen(v->valuestring);
                asl_diag_error(c->d, ptr, "%.*s does not return a string; %s takes a reference path or one of %s",
                               len > 80 ? 80 : len, v->valuestring, f->name, string_fns + 2);
            }
        }
        break;
    case K_TEMPLATE:
        if (!j)
            check_template(c, v, ptr);
        break;
    case K_RESULT_SELECTOR:
        /* §3.3: "ResultSelector must be an object." */
        if (!cJSON_IsObject(v))
            type_error(c, ptr, "an object", v);
        else
            check_template(c, v, ptr);
        break;
    case K_ANY:
        break;
    case K_ASSIGN:
        check_assign(c, v, ptr, lang);
        break;
    case K_ARGUMENTS:
        /* §9: "Arguments (Task, Parallel; object or JSONata string)". */
        if (!cJSON_IsObject(v) && !is_jsonata(v))
            type_error(c, ptr, "an object or a JSONata expression", v);
        break;
    case K_INT:
        check_int(c, v, ptr, f->min, f->max, j);
        break;
    case K_NUMBER:
        check_number(c, v, ptr, f->min, f->max, j);
        break;
    case K_TIMESTAMP:
        check_timestamp(c, v, ptr, j);
        break;
    case K_RETRY:
        check_retry_catch(c, mc, v, ptr, 0, lang);
        break;
    case K_CATCH:
        check_retry_catch(c, mc, v, ptr, 1, lang);
        break;
    case K_CHOICES:
        if (cJSON_IsString(v) && looks_like_placeholder(v->valuestring)) {
            asl_diag_warning(c->d, ptr, "expected an array of choice rules but found the placeholder string \"%s\": "
                             "fill it in before deploying; running the state fails with States.Runtime",
                             show(c, v->valuestring));
        } else if (!cJSON_IsArray(v)) {
            type_error(c, ptr, "an array of choice rules", v);
        } else if (cJSON_GetArraySize(v) == 0) {
            asl_diag_error(c->d, ptr, "must contain at least one choice rule");
        } else {
            int i = 0;
            for (const cJSON *r = v->child; r; r = r->next, i++)
                check_rule(c, mc, r, join_index(c, ptr, i), 1, lang);
        }
        break;
    case K_BRANCHES:
        if (!cJSON_IsArray(v)) {
            type_error(c, ptr, "an array of state machines", v);
        } else if (cJSON_GetArraySize(v) == 0) {
            asl_diag_error(c->d, ptr, "must contain at least one branch");
        } else {
            int i = 0;
            for (const cJSON *b = v->child; b; b = b->next, i++)
                check_machine(c, b, join_index(c, ptr, i), M_BRANCH);
        }
        break;
    case K_PROCESSOR:
        check_machine(c, v, ptr, M_PROCESSOR);
        break;
    case K_ITEMS:
        /* §2.8: "Items (J, array literal or JSONata)". */
        if (cJSON_IsString(v) && !is_jsonata(v) && looks_like_placeholder(v->valuestring))
            asl_diag_warning(c->d, ptr, "expected an array or a JSONata expression but found the placeholder string "
                             "\"%s\": fill it in before deploying; running the state fails with States.Runtime",
                             show(c, v->valuestring));
        else if (!cJSON_IsArray(v) && !is_jsonata(v))
            type_error(c, ptr, "an array or a JSONata expression", v);
        break;
    case K_ITEM_READER:
        check_item_reader(c, v, ptr, lang);
        break;
    case K_ITEM_BATCHER:
        check_item_batcher(c, v, ptr, lang);
        break;
    case K_RESULT_WRITER:
        check_result_writer(c, v, ptr, lang);
        break;
    case K_LABEL:
        check_label(c, v, ptr);
        break;
    case K_CREDENTIALS:
        check_credentials(c, v, ptr, lang);
        break;
    }
}

/* The table row for field `name`, or -1. */
static int field_index(const char *name)
{
    for (int i = 0; i < NFIELDS; i++)
        if (strcmp(state_fields[i].name, name) == 0)
            return i;
    return -1;
}

/* One state: its Type, each field against the table, then the rules that
   tie fields together. */
/* §9 JSONata expressions, wherever a JSONata state holds one: "{% %}"
   strings in object values and array elements, at any depth.  Each must
   parse; "no top-level `$`, `$$` or bare field names" (AWS refuses them:
   an expression has no context value, the input is $states.input); and
   "$states.result (Task/Map/Parallel top-level Output/Assign only),
   $states.errorOutput (catcher Output/Assign only)".  `allow` says which
   of the two the field may read (1: result, 2: errorOutput). */
static void check_jsonata_value(vctx *c, const cJSON *v, const char *ptr, int allow)
{
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        int i = 0;
        for (const cJSON *m = v->child; m; m = m->next, i++)
            check_jsonata_value(c, m, cJSON_IsObject(v) ? join(c, ptr, m->string ? m->string : "")
                                                        : join_index(c, ptr, i), allow);
        return;
    }
    if (!is_jsonata(v))
        return;
    size_t n = strlen(v->valuestring);
    const char *text = asl_arena_strndup(c->a, v->valuestring + 2, n - 4);
    const char *err = NULL;
    const jsonata_node *x = jsonata_parse(c->a, text, &err);
    if (!x && strstr(text, "${")) {
        /* A DefinitionSubstitutions placeholder (CloudFormation, SAM) that
           is replaced before AWS sees the definition: the run fails if it
           is still there (front.c). */
        asl_diag_warning(c->d, ptr,
                         "JSONata expression \"%s\" does not parse (%s): it holds a ${...} placeholder, which "
                         "must be substituted before the state machine can run",
                         show(c, v->valuestring), err ? err : "syntax error");
        return;
    }
    if (!x) {
        asl_diag_error(c->d, ptr, "invalid JSONata expression \"%s\": %s", show(c, v->valuestring),
                       err ? err : "syntax error");
        return;
    }
    if (jsonata_reads_context(x))
        asl_diag_error(c->d, ptr,
                       "JSONata expression \"%s\" reads $, $$ or a field name at its top level; Step Functions "
                       "gives expressions no context value: start paths at $states.input (or a variable)",
                       show(c, v->valuestring));
    if (!(allow & 1) && jsonata_uses_states_field(x, "result"))
        asl_diag_error(c->d, ptr,
                       "$states.result exists only in the Output and Assign of Task, Parallel and Map states");
    if (!(allow & 2) && jsonata_uses_states_field(x, "errorOutput"))
        asl_diag_error(c->d, ptr, "$states.errorOutput exists only in a catcher's Output and Assign");
}

/* Every JSONata-capable field of a JSONata state (§9), its catchers and
   its Choice rules; the fields that are never JSONata (Type, Resource,
   Next, names, Retry) and nested machines are left out. */
static void check_jsonata_state(vctx *c, const cJSON *s, const char *ptr, int type)
{
    static const char *const never[] = { "Type", "Comment", "QueryLanguage", "Next", "End", "Resource",
                                         "Branches", "ItemProcessor", "Iterator", "Retry", "Catch",
                                         "Choices", "Default", NULL };
    int work = type == ASLRT_TASK || type == ASLRT_PARALLEL || type == ASLRT_MAP;
    for (const cJSON *m = s->child; m; m = m->next) {
        const char *k = m->string ? m->string : "";
        int skip = 0;
        for (int i = 0; never[i] && !skip; i++)
            skip = strcmp(never[i], k) == 0;
        if (skip)
            continue;
        int result_ok = work && (strcmp(k, "Output") == 0 || strcmp(k, "Assign") == 0);
        check_jsonata_value(c, m, join(c, ptr, k), result_ok ? 1 : 0);
    }
    const cJSON *list = get(s, "Catch");
    int i = 0;
    for (const cJSON *r = cJSON_IsArray(list) ? list->child : NULL; r; r = r->next, i++) {
        const char *rptr = join_index(c, join(c, ptr, "Catch"), i);
        const cJSON *v;
        if ((v = get(r, "Assign")))
            check_jsonata_value(c, v, join(c, rptr, "Assign"), 2);
        if ((v = get(r, "Output")))
            check_jsonata_value(c, v, join(c, rptr, "Output"), 2);
    }
    list = get(s, "Choices");
    i = 0;
    for (const cJSON *r = cJSON_IsArray(list) ? list->child : NULL; r; r = r->next, i++) {
        const char *rptr = join_index(c, join(c, ptr, "Choices"), i);
        static const char *const fields[] = { "Condition", "Assign", "Output" };
        for (int f = 0; f < 3; f++) {
            const cJSON *v = get(r, fields[f]);
            if (v)
                check_jsonata_value(c, v, join(c, rptr, fields[f]), 0);
        }
    }
}

static void check_state(vctx *c, machine *mc, const cJSON *s, const char *name, const char *ptr)
{
    /* §1 "State name: 1..80 characters"; "unique across the whole machine
       including all nested branches/processors". */
    size_t nlen = utf8_len(name);
    if (nlen == 0)
        asl_diag_error(c->d, ptr, "a state name cannot be empty");
    else if (nlen > 80)
        asl_diag_error(c->d, ptr, "state name \"%s\" is longer than 80 characters (%zu)", show(c, name), nlen);
    const state_entry *first = first_state(c, name);
    if (first && strcmp(first->pointer, ptr) != 0)
        asl_diag_error(c->d, ptr, "duplicate state name \"%s\" (first defined at %s)", show(c, name), first->pointer);

    if (!cJSON_IsObject(s)) {
        type_error(c, ptr, "an object (a state)", s);
        mc->bad_types++;
        return;
    }
    const cJSON *t = get(s, "Type");
    int type = -1;
    if (!t) {
        asl_diag_error(c->d, ptr, "missing required field \"Type\"");
    } else if (!cJSON_IsString(t)) {
        type_error(c, join(c, ptr, "Type"), "a string", t);
    } else {
        for (int i = 0; i < ASLRT_STATE_COUNT; i++)
            if (strcmp(type_names[i], t->valuestring) == 0)
                type = i;
        if (type < 0)
            asl_diag_error(c->d, join(c, ptr, "Type"), "unknown state type \"%s\"%s", show(c, t->valuestring),
                           suggest(c, t->valuestring, type_names, ASLRT_STATE_COUNT));
    }
    if (type < 0) {
        mc->bad_types++;
        return;
    }

    /* The state's query language (§1: a state's own, else the top level's). */
    const cJSON *ql = get(s, "QueryLanguage");
    int lang = c->top_lang;
    if (cJSON_IsString(ql) && strcmp(ql->valuestring, "JSONata") == 0)
        lang = L_J;
    else if (cJSON_IsString(ql) && strcmp(ql->valuestring, "JSONPath") == 0)
        lang = L_P;

    unsigned tbit = 1u << type;
    for (const cJSON *m = s->child; m; m = m->next) {
        const char *k = m->string ? m->string : "";
        const char *mptr = join(c, ptr, k);
        int fi = field_index(k);
        const field_spec *f = fi >= 0 ? &state_fields[fi] : NULL;
        if (!f || !(f->types & tbit)) {
            const char *cands[NFIELDS];
            int nc = 0;
            for (int i = 0; i < NFIELDS; i++)
                if ((state_fields[i].types & tbit) && (state_fields[i].lang & lang))
                    cands[nc++] = state_fields[i].name;
            asl_diag_error(c->d, mptr, "field \"%s\" is not allowed in a %s state%s", show(c, k), type_names[type],
                           f ? "" : suggest(c, k, cands, nc));
            continue;
        }
        if (!(f->lang & lang)) {
            if (lang == L_J)
                asl_diag_error(c->d, mptr, "field \"%s\" is not allowed in JSONata states", k);
            else
                asl_diag_error(c->d, mptr, "field \"%s\" is only allowed in JSONata states", k);
            continue;
        }
        check_field(c, mc, f, m, mptr, lang);
    }
    if (lang == L_J)
        check_jsonata_state(c, s, ptr, type);

    /* §1: "Non-terminal states other than Choice need exactly one of Next
       (string) or "End": true." */
    const cJSON *next = get(s, "Next"), *end = get(s, "End");
    if (tbit & T_FLOW) {
        if (next && cJSON_IsTrue(end))
            asl_diag_error(c->d, join(c, ptr, "End"), "\"End\": true cannot be used together with \"Next\"");
        else if (!next && cJSON_IsFalse(end))
            asl_diag_error(c->d, join(c, ptr, "End"), "\"End\" is false, so the state needs a \"Next\"");
        else if (!next && !end)
            asl_diag_error(c->d, ptr, "missing \"Next\" (or \"End\": true)");
    }
    if (cJSON_IsTrue(end) || type == ASLRT_SUCCEED || type == ASLRT_FAIL)
        mc->terminals++;

    int j = lang == L_J;
    switch (type) {
    case ASLRT_TASK: {
        const cJSON *res = get(s, "Resource");
        if (!res)
            asl_diag_error(c->d, ptr, "missing required field \"Resource\"");
        else if (j && is_jsonata(res))   /* §2.2: "Resource (string, required, literal - never JSONata)" */
            asl_diag_error(c->d, join(c, ptr, "Resource"),
                           "\"Resource\" is always a literal ARN; put computed values in \"Arguments\"");
        else if (cJSON_IsString(res) && aslrt_task_builtin(res->valuestring)) {
            const char *pk = j ? "Arguments" : "Parameters";
            if (!get(s, pk))
                asl_diag_error(c->d, ptr, "missing required field \"%s\" (an http:invoke Task needs ApiEndpoint "
                               "and Method)", pk);
            else
                check_http_invoke(c, get(s, pk), join(c, ptr, pk), lang);
        }
        if (!j) {
            check_exclusive(c, s, ptr, "TimeoutSeconds", "TimeoutSecondsPath");
            check_exclusive(c, s, ptr, "HeartbeatSeconds", "HeartbeatSecondsPath");
        }
        /* §2.2: HeartbeatSeconds "must be < timeout" (when both literal).
           A warning, not an error: the spec says MUST, but no recording
           shows AWS rejecting it, real definitions set both from template
           variables that may well be equal, and the run is well defined:
           whichever limit passes first fails the task with States.Timeout. */
        const cJSON *to = get(s, "TimeoutSeconds"), *hb = get(s, "HeartbeatSeconds");
        if (cJSON_IsNumber(to) && cJSON_IsNumber(hb) && hb->valuedouble >= to->valuedouble)
            asl_diag_warning(c->d, join(c, ptr, "HeartbeatSeconds"),
                             "HeartbeatSeconds (%s) should be smaller than TimeoutSeconds (%s): the task times "
                             "out before a missed heartbeat is noticed",
                             show_num(c, hb->valuedouble), show_num(c, to->valuedouble));
        break;
    }
    case ASLRT_CHOICE:
        if (!get(s, "Choices"))
            asl_diag_error(c->d, ptr, "missing required field \"Choices\"");
        break;
    case ASLRT_WAIT: {
        /* §2.4: "Exactly one of Seconds, Timestamp, SecondsPath,
           TimestampPath". */
        static const char *const waits[] = { "Seconds", "Timestamp", "SecondsPath", "TimestampPath" };
        const char *seen = NULL;
        for (const cJSON *m = s->child; m; m = m->next) {
            const char *k = m->string ? m->string : "";
            int w = 0;
            for (int i = 0; i < (j ? 2 : 4); i++)
                w |= strcmp(waits[i], k) == 0;
            if (!w)
                continue;
            if (seen)
                asl_diag_error(c->d, join(c, ptr, k), "\"%s\" cannot be used together with \"%s\" (a Wait state "
                               "has exactly one of Seconds, Timestamp, SecondsPath, TimestampPath)", k, seen);
            else
                seen = k;
        }
        if (!seen)
            asl_diag_error(c->d, ptr, j ? "a Wait state needs \"Seconds\" or \"Timestamp\""
                                        : "a Wait state needs one of \"Seconds\", \"Timestamp\", \"SecondsPath\" "
                                          "or \"TimestampPath\"");
        break;
    }
    case ASLRT_FAIL:
        if (!j) {
            check_exclusive(c, s, ptr, "Error", "ErrorPath");
            check_exclusive(c, s, ptr, "Cause", "CausePath");
        }
        break;
    case ASLRT_PARALLEL:
        if (!get(s, "Branches"))
            asl_diag_error(c->d, ptr, "missing required field \"Branches\"");
        break;
    case ASLRT_MAP:
        /* §2.8: "ItemProcessor (or deprecated Iterator; not both)";
           "ItemSelector (or deprecated JSONPath Parameters)". */
        if (!get(s, "ItemProcessor") && !get(s, "Iterator"))
            asl_diag_error(c->d, ptr, "missing required field \"ItemProcessor\"");
        check_exclusive(c, s, ptr, "ItemProcessor", "Iterator");
        if (!j) {
            check_exclusive(c, s, ptr, "ItemSelector", "Parameters");
            check_exclusive(c, s, ptr, "MaxConcurrency", "MaxConcurrencyPath");
            check_exclusive(c, s, ptr, "ToleratedFailurePercentage", "ToleratedFailurePercentagePath");
            check_exclusive(c, s, ptr, "ToleratedFailureCount", "ToleratedFailureCountPath");
        }
        break;
    default:
        break;
    }
}

/* Reachability's step: queue the state a transition names, once. */
static void enqueue(vctx *c, machine *mc, const cJSON *target, char *seen, int *queue, int *tail)
{
    if (!cJSON_IsString(target))
        return;
    int x = find_state(c, mc->states, target->valuestring);
    if (x >= 0 && !seen[x]) {
        seen[x] = 1;
        queue[(*tail)++] = x;
    }
}

/* Every state reachable from StartAt (§1), by Next, Default, Choices[].Next
   and Catch[].Next whatever the state's type, so that one broken state does
   not make its successors look unreachable.  Unreachable states are
   warnings: they never run, but AWS-accepted definitions may have them. */
static void check_reachable(vctx *c, machine *mc, int start)
{
    int n = mc->nstates;
    const cJSON **st = malloc((size_t)n * sizeof *st);
    int *queue = malloc((size_t)n * sizeof *queue);
    char *seen = calloc((size_t)n, 1);
    if (!st || !queue || !seen)
        goto out;
    int i = 0;
    for (const cJSON *s = mc->states->child; s; s = s->next)
        st[i++] = s;
    int head = 0, tail = 0;
    seen[start] = 1;
    queue[tail++] = start;
    while (head < tail) {
        const cJSON *s = st[queue[head++]];
        if (!cJSON_IsObject(s))
            continue;
        enqueue(c, mc, get(s, "Next"), seen, queue, &tail);
        enqueue(c, mc, get(s, "Default"), seen, queue, &tail);
        static const char *const lists[] = { "Choices", "Catch" };
        for (int k = 0; k < 2; k++) {
            const cJSON *list = get(s, lists[k]);
            if (!cJSON_IsArray(list))
                continue;
            for (const cJSON *r = list->child; r; r = r->next)
                if (cJSON_IsObject(r))
                    enqueue(c, mc, get(r, "Next"), seen, queue, &tail);
        }
    }
    const char *sptr = join(c, mc->pointer, "States");
    for (i = 0; i < n; i++) {
        if (seen[i])
            continue;
        const char *name = st[i]->string ? st[i]->string : "";
        asl_diag_warning(c->d, join(c, sptr, name), "state \"%s\" is not reachable from StartAt", show(c, name));
    }
out:
    free(st);
    free(queue);
    free(seen);
}

/* §1 top level (States, StartAt, Comment, Version, TimeoutSeconds,
   QueryLanguage) and nested machines ("StartAt + States (+ ProcessorConfig
   for Map), and follow the same rules"). */
static void check_machine(vctx *c, const cJSON *m, const char *ptr, int kind)
{
    static const char *const top_keys[] = { "StartAt", "States", "Comment", "Version", "TimeoutSeconds",
                                            "QueryLanguage", NULL };
    static const char *const branch_keys[] = { "StartAt", "States", "Comment", NULL };
    static const char *const proc_keys[] = { "StartAt", "States", "Comment", "ProcessorConfig", NULL };
    if (!cJSON_IsObject(m)) {
        type_error(c, ptr, kind == M_TOP ? "an object (a state machine)" : "an object (with StartAt and States)", m);
        return;
    }
    static const char *const what[] = { "a state machine", "a Parallel branch", "a Map item processor" };
    check_known_keys(c, m, ptr, kind == M_TOP ? top_keys : kind == M_BRANCH ? branch_keys : proc_keys, what[kind]);

    machine mc = { 0 };
    mc.pointer = ptr;
    const cJSON *v;
    if ((v = get(m, "Comment")))
        check_string(c, v, join(c, ptr, "Comment"));
    if (kind == M_TOP) {
        static const char *const langs[] = { "JSONPath", "JSONata", NULL };
        static const char *const versions[] = { "1.0", NULL };
        if ((v = get(m, "Version")))
            check_enum(c, v, join(c, ptr, "Version"), versions);
        if ((v = get(m, "TimeoutSeconds")))
            check_int(c, v, join(c, ptr, "TimeoutSeconds"), 0, 99999999, 0);
        if ((v = get(m, "QueryLanguage")))
            check_enum(c, v, join(c, ptr, "QueryLanguage"), langs);
    }
    if (kind == M_PROCESSOR && (v = get(m, "ProcessorConfig"))) {
        static const char *const keys[] = { "Mode", "ExecutionType", NULL };
        static const char *const modes[] = { "INLINE", "DISTRIBUTED", NULL };
        static const char *const types[] = { "STANDARD", "EXPRESS", NULL };
        const char *pptr = join(c, ptr, "ProcessorConfig");
        if (!cJSON_IsObject(v)) {
            type_error(c, pptr, "an object", v);
        } else {
            check_known_keys(c, v, pptr, keys, "ProcessorConfig");
            const cJSON *x;
            if ((x = get(v, "Mode")))
                check_enum(c, x, join(c, pptr, "Mode"), modes);
            if ((x = get(v, "ExecutionType")))
                check_enum(c, x, join(c, pptr, "ExecutionType"), types);
            /* AWS: ExecutionType "must be provided if you specified
               DISTRIBUTED for the Mode sub-field". */
            x = get(v, "Mode");
            if (cJSON_IsString(x) && strcmp(x->valuestring, "DISTRIBUTED") == 0 && !get(v, "ExecutionType"))
                asl_diag_error(c->d, pptr, "a DISTRIBUTED item processor needs \"ExecutionType\" "
                                           "(\"STANDARD\" or \"EXPRESS\")");
        }
    }

    const cJSON *states = get(m, "States");
    const char *sptr = join(c, ptr, "States");
    if (!states)
        asl_diag_error(c->d, ptr, "missing required field \"States\"");
    else if (!cJSON_IsObject(states))
        type_error(c, sptr, "an object (state name -> state)", states);
    else {
        mc.states = states;
        mc.nstates = cJSON_GetArraySize(states);
    }

    const cJSON *start = get(m, "StartAt");
    int start_index = -1;
    if (!start) {
        asl_diag_error(c->d, ptr, "missing required field \"StartAt\"");
    } else {
        int before = c->d->nerrors;
        check_target(c, &mc, start, join(c, ptr, "StartAt"));
        if (c->d->nerrors == before && mc.states)
            start_index = find_state(c, states, start->valuestring);
    }

    if (!mc.states)
        return;
    int outer = c->scope;
    c->scope = kind == M_TOP ? new_scope(c, -1) : new_scope(c, outer);
    for (const cJSON *s = states->child; s; s = s->next) {
        const char *name = s->string ? s->string : "";
        check_state(c, &mc, s, name, join(c, sptr, name));
    }
    c->scope = outer;

    /* §1: "At least one terminal state (End:true, Succeed or Fail)." */
    if (mc.terminals == 0 && mc.bad_types == 0 && mc.nstates > 0)
        asl_diag_error(c->d, sptr, "no terminal state: at least one state must have \"End\": true or be a "
                                   "Succeed or Fail state");
    if (start_index >= 0)
        check_reachable(c, &mc, start_index);
}

/* Passes 0, 1 and 2 of the file comment, then the scope rule. */
int asl_validate(const cJSON *doc, asl_diag *d)
{
    vctx c = { 0 };
    c.d = d;
    c.a = asl_arena_new();
    c.errors_at_start = d->nerrors;
    c.top_lang = L_P;
    c.scope = -1;
    c.suggest_budget = 2000000;

    if (!cJSON_IsObject(doc)) {
        asl_diag_error(d, "", "expected the state machine (a JSON object) but found %s", json_type(doc));
        asl_arena_free(c.a);
        return d->nerrors - c.errors_at_start;
    }
    const cJSON *ql = get(doc, "QueryLanguage");
    if (cJSON_IsString(ql) && strcmp(ql->valuestring, "JSONata") == 0)
        c.top_lang = L_J;

    check_unique_keys(&c, doc, "");
    collect_machine(&c, doc, "");
    check_machine(&c, doc, "", M_TOP);
    check_scopes(&c);

    int n = d->nerrors - c.errors_at_start;
    asl_arena_free(c.a);
    return n;
}
