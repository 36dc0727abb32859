/* intrinsics.c — the States.* intrinsic functions at run time.
 *
 * A call is an ASLRT_T_CALL template (compiler/intrinsic.c parses it). Its
 * arguments are evaluated first, left to right: a literal is borrowed from
 * the template, a definite path's node is borrowed from the input, anything
 * else (an indefinite path's array of matches, a nested call's result) is
 * owned by the call and freed when it returns. Functions that put an argument
 * into their result move it when it is owned and copy it when it is borrowed.
 *
 * Errors: a path argument that finds nothing is States.Runtime, with the
 * cause payload templates use (AWS, recorded); any other failure is
 * States.IntrinsicFailure with a cause "<the call as written>: <what is wrong>".
 * AWS's own causes for intrinsic failures have not been recorded.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "digest.h"
#include "intrinsics.h"
#include "jsonfile.h"
#include "jsonread.h"
#include "random.h"
#include "jsonpath.h"
#include "utf8.h"

#define INTRINSIC_FAILURE "States.IntrinsicFailure"
#define MAX_CALL_DEPTH  16    /* the compiler allows 10; guards hand-made data */
#define MAX_VALUE_DEPTH 1000  /* nesting of values we render or compare */
#define MAX_CHARS       10000 /* Base64Encode/Decode and Hash input, UTF-16 units */
#define MAX_RANGE       1000  /* items States.ArrayRange may produce */

/* Names and argument counts (max -1: no limit), indexed by ASLRT_FN_*. */
static const struct {
    const char *name;
    int min, max;
} k_funcs[ASLRT_FN_COUNT] = {
#define X(id, name, impl, min, max, ...) [ASLRT_FN_##id] = {name, min, max},
    ASLRT_INTRINSICS(X)
#undef X
};

/* What every call in one evaluation shares. */
typedef struct ctx {
    aslrt_exec *ex;
    const cJSON *input;  /* the template's input: what $ means */
    const char *field;   /* the template field holding the call ("x.$"), or NULL */
} ctx;

/* One evaluated argument: v is the value; own is v when the call owns it. */
typedef struct arg {
    const cJSON *v;
    cJSON *own;
} arg;

/* A number node (cJSON's constructor costs no more than aslrt_json_new here). */
static cJSON *new_number(double d)
{
    return aslrt_xjson(cJSON_CreateNumber(d));
}

/* A string node holding the n bytes at s (no NUL among them): one
   allocation for the text, no intermediate copy. */
static cJSON *new_string(const char *s, size_t n)
{
    char *text = aslrt_json_alloc(n + 1);
    memcpy(text, s, n);
    text[n] = '\0';
    cJSON *r = aslrt_json_new(cJSON_String);
    r->valuestring = text;
    return r;
}

/* The string node for b's text; frees b. */
static cJSON *buf_string(asl_buf *b)
{
    cJSON *r = new_string(b->data, b->len);
    asl_buf_free(b);
    return r;
}

/* ------------------------------------------------------------ errors */

static const char *call_text(const aslrt_tmpl *t)
{
    return t->text ? t->text : k_funcs[t->fn].name;
}

/* States.IntrinsicFailure, "<call>: <detail>". Returns NULL for `return
   failf(...)`. */
__attribute__((format(printf, 3, 4)))
static cJSON *failf(ctx *c, const aslrt_tmpl *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *detail = aslrt_vstrf(fmt, ap);
    va_end(ap);
    aslrt_error_setf(c->ex, INTRINSIC_FAILURE, "%s: %s", call_text(t), detail);
    free(detail);
    return NULL;
}

/* A path argument found nothing: States.Runtime, in the words dataflow.c
   uses for a payload template field (AWS, recorded): the path, the field and
   the document searched (the context object for $$ paths). A call with no
   field (ErrorPath, CausePath) gets the bare-path cause instead. */
static void path_miss(ctx *c, const aslrt_path *p)
{
    if (!c->field) {
        char *cause = aslrt_path_miss_cause(c->ex, p, c->input);
        aslrt_runtime_error(c->ex, "%s", cause);
        free(cause);
        return;
    }
    const cJSON *doc = p->root == ASLRT_ROOT_CONTEXT ? aslrt_context(c->ex) : c->input;
    char *text = doc ? aslrt_json_text(doc) : aslrt_xstrdup("null");
    aslrt_runtime_error(c->ex, "The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'",
                        p->text ? p->text : "", c->field, text);
    free(text);
}

/* ------------------------------------------------------------ values */

/* The argument's value, owned by the caller: moved when the call owns it,
   copied when it is borrowed. */
static cJSON *take(arg *a)
{
    cJSON *r = a->own;
    if (r) {
        a->own = NULL;
        a->v = NULL;
        aslrt_json_unkey(r);
    } else {
        r = aslrt_json_copy(a->v);
    }
    return r;
}

/* Java's Math.round: the nearest integer, halves toward +infinity
   (2.5 -> 3, -2.5 -> -2, -0.5 -> 0). floor(x + 0.5) would get
   0.49999999999999994 wrong. */
static double java_round(double x)
{
    if (x >= -4503599627370496.0 && x <= 4503599627370496.0 && x == (double)(long long)x)
        return x; /* an integer already (|x| <= 2^52), as most arguments are: no libm call */
    double r = floor(x);
    return x - r >= 0.5 ? r + 1 : r;
}

/* Argument i must have one of the cJSON types in mask. */
static int want_type(ctx *c, const aslrt_tmpl *t, const arg *a, int i, int mask, const char *words)
{
    if (a[i].v->type & mask)
        return 0;
    failf(c, t, "argument %d must be %s, not %s", i + 1, words, aslrt_json_kind(a[i].v));
    return -1;
}

/* Argument i as an integer in [lo, hi]: a number, rounded as AWS rounds
   ("must be an integer" arguments are rounded to the nearest, recorded for
   MathAdd). */
static int want_int(ctx *c, const aslrt_tmpl *t, const arg *a, int i, double lo, double hi, long long *out)
{
    if (want_type(c, t, a, i, cJSON_Number, "a number") != 0)
        return -1;
    double r = java_round(a[i].v->valuedouble);
    if (!(r >= lo && r <= hi)) {
        failf(c, t, "argument %d must be an integer between %.0f and %.0f, not %.17g", i + 1, lo, hi,
              a[i].v->valuedouble);
        return -1;
    }
    *out = (long long)r;
    return 0;
}

/* Argument i as a string of at most MAX_CHARS UTF-16 units; *bytes gets
   its length in bytes. A UTF-8 string has at most twice as many units as
   bytes (a stray lead byte counts two), so short ones need no counting. */
static int want_short_string(ctx *c, const aslrt_tmpl *t, const arg *a, int i, size_t *bytes)
{
    if (want_type(c, t, a, i, cJSON_String, "a string") != 0)
        return -1;
    *bytes = strlen(a[i].v->valuestring);
    size_t n = *bytes <= MAX_CHARS / 2 ? 0 : aslrt_utf8_utf16_len(a[i].v->valuestring);
    if (n > MAX_CHARS) {
        failf(c, t, "argument %d has %zu characters; at most %d are allowed", i + 1, n, MAX_CHARS);
        return -1;
    }
    return 0;
}

/* Deep equality as AWS's ArrayContains and ArrayUnique use it: same type,
   numbers equal as numbers (1 == 1.0), objects equal whatever their key
   order. 1: equal, 0: not, -1: nested deeper than MAX_VALUE_DEPTH. */
static int deep_equal(const cJSON *a, const cJSON *b, int depth)
{
    if (depth > MAX_VALUE_DEPTH)
        return -1;
    int type = a->type & 0xff;
    if (type != (b->type & 0xff))
        return 0;
    switch (type) {
    case cJSON_Number:
        return a->valuedouble == b->valuedouble;
    case cJSON_String:
        return strcmp(a->valuestring, b->valuestring) == 0;
    case cJSON_Array: {
        const cJSON *x = a->child, *y = b->child;
        for (; x && y; x = x->next, y = y->next) {
            int r = deep_equal(x, y, depth + 1);
            if (r != 1)
                return r;
        }
        return !x && !y;
    }
    case cJSON_Object: {
        if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
            return 0;
        for (const cJSON *x = a->child; x; x = x->next) {
            const cJSON *y = x->string ? aslrt_json_member(b, x->string) : NULL;
            if (!y)
                return 0;
            int r = deep_equal(x, y, depth + 1);
            if (r != 1)
                return r;
        }
        return 1;
    }
    default:
        return 1;
    }
}

static uint64_t hash_string(const char *s)
{
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3u;
    return h;
}

/* A hash that agrees with deep_equal (equal values, equal hashes), so that
   ArrayUnique need not compare every pair. Object members are combined by
   addition, which ignores their order. */
static uint64_t hash_value(const cJSON *v, int depth)
{
    uint64_t type = (uint64_t)(v->type & 0xff);
    if (depth > MAX_VALUE_DEPTH)
        return type;
    switch (v->type & 0xff) {
    case cJSON_Number: {
        double d = v->valuedouble == 0 ? 0.0 : v->valuedouble; /* -0 == 0 */
        uint64_t bits;
        memcpy(&bits, &d, sizeof bits);
        return aslrt_mix64(bits ^ type);
    }
    case cJSON_String:
        return aslrt_mix64(hash_string(v->valuestring) ^ type);
    case cJSON_Array: {
        uint64_t h = type;
        for (const cJSON *x = v->child; x; x = x->next)
            h = aslrt_mix64(h * 31 + hash_value(x, depth + 1));
        return h;
    }
    case cJSON_Object: {
        uint64_t h = 0;
        for (const cJSON *x = v->child; x; x = x->next)
            h += aslrt_mix64(hash_string(x->string ? x->string : "") ^ aslrt_mix64(hash_value(x, depth + 1)));
        return aslrt_mix64(h ^ type);
    }
    default:
        return aslrt_mix64(type);
    }
}

/* ------------------------------------------------------------ the functions

   One fn_<impl> per line of aslrt.h's ASLRT_INTRINSICS, all alike so that
   call() can be generated from the list: the call's context c, the call t,
   its evaluated arguments a and their number n (within the list's min and
   max). Those that need less say so with (void). */

/* Format's rendering of a value, as Java's toString renders Jackson's
   nodes [A recorded]: strings raw, numbers/booleans/null as JSON, arrays
   "[a, b]", objects "{k=v, k2=v2}", recursively. -1: nested too deeply. */
static int render(asl_buf *b, const cJSON *v, int depth)
{
    if (depth > MAX_VALUE_DEPTH)
        return -1;
    switch (v->type & 0xff) {
    case cJSON_String:
        asl_buf_puts(b, v->valuestring);
        return 0;
    case cJSON_Array:
    case cJSON_Object: {
        int obj = cJSON_IsObject(v);
        asl_buf_puts(b, obj ? "{" : "[");
        for (const cJSON *x = v->child; x; x = x->next) {
            if (x != v->child)
                asl_buf_puts(b, ", ");
            if (obj) {
                asl_buf_puts(b, x->string ? x->string : "");
                asl_buf_puts(b, "=");
            }
            if (render(b, x, depth + 1) != 0)
                return -1;
        }
        asl_buf_puts(b, obj ? "}" : "]");
        return 0;
    }
    case cJSON_Number: {
        char num[32];
        aslrt_number_format(v->valuedouble, num);
        asl_buf_puts(b, num);
        return 0;
    }
    case cJSON_True:
        asl_buf_add(b, "true", 4);
        return 0;
    case cJSON_False:
        asl_buf_add(b, "false", 5);
        return 0;
    case cJSON_NULL:
        asl_buf_add(b, "null", 4);
        return 0;
    default: {
        char *s = aslrt_json_text(v);
        asl_buf_puts(b, s);
        free(s);
        return 0;
    }
    }
}

/* States.Format(template, values...): each `{}` replaced by the next value;
   as many values as placeholders. A template written as a literal keeps its
   escapes (compiler/intrinsic.c), so `\{` `\}` are braces, not a placeholder. */
static cJSON *fn_format(ctx *c, const aslrt_tmpl *t, arg *a, int n)
{
    if (want_type(c, t, a, 0, cJSON_String, "a string") != 0)
        return NULL;
    const char *s = a[0].v->valuestring;
    int escapes = t->items[0].kind == ASLRT_T_LITERAL;
    int holes = 0;
    for (const char *p = s; *p; p++) {
        if (escapes && *p == '\\' && p[1])
            p++;
        else if (p[0] == '{' && p[1] == '}')
            holes++, p++;
    }
    if (holes != n - 1)
        return failf(c, t, "the template has %d placeholder%s {} but %d value%s given", holes,
                     holes == 1 ? "" : "s", n - 1, n - 1 == 1 ? " was" : "s were");
    char local[256]; /* most results are short: no allocation */
    asl_buf b;
    asl_buf_init_local(&b, local, sizeof local);
    int k = 1;
    const char *run = s; /* text not yet copied */
    for (const char *p = s; *p; p++) {
        if (escapes && *p == '\\' && p[1]) {
            asl_buf_add(&b, run, (size_t)(p - run));
            run = ++p; /* the escaped character starts the next run */
        } else if (p[0] == '{' && p[1] == '}') {
            asl_buf_add(&b, run, (size_t)(p - run));
            if (render(&b, a[k++].v, 0) != 0) {
                asl_buf_free(&b);
                return failf(c, t, "argument %d is nested more than %d levels deep", k, MAX_VALUE_DEPTH);
            }
            run = ++p + 1;
        }
    }
    asl_buf_puts(&b, run);
    return buf_string(&b);
}

/* States.StringToJson(string): the JSON it holds; "" or blanks => null. */
static cJSON *fn_string_to_json(ctx *c, const aslrt_tmpl *t, arg *a, int n)
{
    (void)n;
    if (want_type(c, t, a, 0, cJSON_String, "a string") != 0)
        return NULL;
    const char *s = a[0].v->valuestring;
    if (s[strspn(s, " \t\r\n")] == '\0')
        return aslrt_json_new(cJSON_NULL);
    const char *end = NULL;
    cJSON *r = aslrt_json_parse_plain(s);
    if (!r)
        r = cJSON_ParseWithOpts(s, &end, 1);
    if (!r)
        return failf(c, t, "the string is not valid JSON (at offset %ld)", end ? (long)(end - s) : 0L);
    if (cJSON_IsNumber(r) && r->valuedouble == 0)
        r->valuedouble = 0; /* "-0" => 0 [A] */
    return r;
}

/* States.JsonToString(value): its compact JSON text. */
static cJSON *fn_json_to_string(ctx *c, const aslrt_tmpl *t, arg *a, int n)
{
    (void)c, (void)t, (void)n;
    char buf[256];
    size_t len;
    char *s = aslrt_json_text_buf(a[0].v, buf, sizeof buf, &len);
    cJSON *r = new_string(s, len);
    if (s != buf)
        free(s);
    return r;
}

/* States.Array(values...): the values, in order. */
static cJSON *fn_array(ctx *c, const aslrt_tmpl *t, arg *a, int n)
{
    (void)c, (void)t;
    cJSON *r = aslrt_json_new(cJSON_Array);
    for (int i = 0; i < n; i++)
        aslrt_json_append(r, take(&a[i]));
    return r;
}

/* States.ArrayPartition(array, size): chunks of `size` items, the last one
   shorter; [] for []. */
static cJSON *fn_array_partition(ctx *c, const aslrt_tmpl *t, arg *a, int n)
{
    (void)n;
    long long size;
    if (want_type(c, t, a, 0, cJSON_Array, "an array") != 0 || want_int(c, t, a, 1, 1, INT_MAX, &size) != 0)
        return NULL;
    cJSON *arr = a[0].own; /* items moved from it, else copied (keys and all) */
    const cJSON *x = a[0].v->child;
    cJSON *r = aslrt_json_new(cJSON_Array), *chunk = NULL;
    long long count = 0;
    while (x) {
        const cJSON *next = x->next;
        cJSON *item = arr ? cJSON_DetachItemViaPointer(arr, (cJSON *)x) : aslrt_json_copy_member(x);
        if (!chunk || count == size) {
            chunk = aslrt_json_new(cJSON_Array);
            aslrt_json_append(r, chunk);
            count = 0;
        }
        aslrt_json_append(chunk, item);
        count++;
        x = next;
    }
    return r;
}

/* States.ArrayContains(array, value): whether an element deep-equals value. */
static cJSON *fn_array_contains(ctx *c, const aslrt_tmpl *t, arg *a, int n)
{
    (void)n;
    if (want_type(c, t, a, 0, cJSON_Array, "an array") != 0)
        return NULL;
    for (const cJSON *x = a[0].v->child; x; x = x->next) {
        int r = deep_equal(x, a[1].v, 0);
        if (r < 0)
            return failf(c, t, "the values are nested more than %d levels deep", MAX_VALUE_DEPTH);
        if (r)
            return aslrt_json_new(cJSON_True);
    }
    return aslrt_json_new(cJSON_False);
}

/* States.ArrayRange(start, end, step): start, start+step, ... up to and
   including end when it is hit; step != 0; at most 1,000 items. */
static cJSON *fn_array_range(ctx *c, const aslrt_tmpl *t, arg *a, int n)
{
    (void)n;
    long long v[3];
    for (int i = 0; i < 3; i++)
        if (want_int(c, t, a, i, INT_MIN, INT_MAX, &v[i]) != 0)
            return NULL;
    if (v[2] == 0)
        return failf(c, t, "the step must not be 0");
    long long count = (v[1] - v[0]) / v[2] + 1;
    if ((v[2] > 0 && v[1] < v[0]) || (v[2] < 0 && v[1] > v[0]))
        count = 0;
    if (count > MAX_RANGE)
        return failf(c, t, "the range has %lld items; at most %d are allowed", count, MAX_RANGE);
    cJSON *r = aslrt_json_new(cJSON_Array);
    for (long long i = 0; i < count; i++)
        aslrt_json_append(r, new_number((double)(v[0] + i * v[2])));
    return r;
}

/* States.ArrayGetItem(array, index): the element at index (from 0). */
static cJSON *fn_array_get_item(ctx *c, const aslrt_tmpl *t, arg *a, int n)
{
    (void)n;
    long long index;
    if (want_type(c, t, a, 0, cJSON_Array, "an array") != 0 || want_int(c, t, a, 1, 0, INT_MAX, &index) != 0)
        return NULL;
    int size = cJSON_GetArraySize(a[0].v);
    if (index >= size)
        return failf(c, t, "index %lld is out of range for an array of %d item%s", index, size,
                     size == 1 ? "" : "s");
    cJSON *x = cJSON_GetArrayItem(a[0].v, (int)index);
    if (a[0].own)
        x = cJSON_DetachItemViaPointer(a[0].own, x);
    else
        x = aslrt_json_copy(x);
    aslrt_json_unkey(x);
    return x;
}

/* States.ArrayLength(array). */
static cJSON *fn_array_length(ctx *c, const aslrt_tmpl *t, arg *a, int n)
{
    (void)n;
    if (want_type(c, t, a, 0, cJSON_Array, "an array") != 0)
        return NULL;
    return new_number(cJSON_GetArraySize(a[0].v));
}

/* States.ArrayUnique(array): first occurrences, in order, by deep equality.
   A hash table of the kept elements keeps it linear. */
static cJSON *fn_array_unique(ctx *c, const aslrt_tmpl *t, arg *a, int nargs)
{
    (void)nargs;
    if (want_type(c, t, a, 0, cJSON_Array, "an array") != 0)
        return NULL;
    size_t n = (size_t)cJSON_GetArraySize(a[0].v), cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    const cJSON *local_slot[64]; /* small arrays need no allocation */
    uint64_t local_hash[64];
    const cJSON **slot = cap <= 64 ? local_slot : aslrt_xmalloc(cap * sizeof *slot);
    uint64_t *hash = cap <= 64 ? local_hash : aslrt_xmalloc(cap * sizeof *hash);
    memset(slot, 0, cap * sizeof *slot);
    cJSON *r = aslrt_json_new(cJSON_Array);
    for (const cJSON *x = a[0].v->child; x; x = x->next) {
        uint64_t h = hash_value(x, 0);
        size_t i = (size_t)h & (cap - 1);
        int seen = 0;
        for (; slot[i]; i = (i + 1) & (cap - 1)) {
            if (hash[i] != h)
                continue;
            int eq = deep_equal(slot[i], x, 0);
            if (eq < 0) {
                if (slot != local_slot) {
                    free(slot);
                    free(hash);
                }
                cJSON_Delete(r);
                return failf(c, t, "the elements are nested more than %d levels deep", MAX_VALUE_DEPTH);
            }
            if (eq) {
                seen = 1;
                break;
            }
        }
        if (seen)
            continue;
        slot[i] = x;
        hash[i] = h;
        aslrt_json_append(r, aslrt_json_copy(x));
    }
    if (slot != local_slot) {
        free(slot);
        free(hash);
    }
    return r;
}

static const char k_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* States.Base64Encode(string): standard base64, padded, of its UTF-8 bytes. */
static cJSON *fn_base64_encode(ctx *c, const aslrt_tmpl *t, arg *a, int nargs)
{
    (void)nargs;
    size_t n, k = 0;
    if (want_short_string(c, t, a, 0, &n) != 0)
        return NULL;
    const unsigned char *s = (const unsigned char *)a[0].v->valuestring;
    char local[256], *out = (n + 2) / 3 * 4 < sizeof local ? local : aslrt_xmalloc((n + 2) / 3 * 4 + 1);
    for (size_t i = 0; i < n; i += 3) {
        uint32_t w = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0) | (i + 2 < n ? s[i + 2] : 0);
        out[k++] = k_b64[w >> 18 & 63];
        out[k++] = k_b64[w >> 12 & 63];
        out[k++] = i + 1 < n ? k_b64[w >> 6 & 63] : '=';
        out[k++] = i + 2 < n ? k_b64[w & 63] : '=';
    }
    cJSON *r = new_string(out, k);
    if (out != local)
        free(out);
    return r;
}

/* Each byte's base64 value plus one; 0 for a byte outside the alphabet. */
static const signed char k_b64_value[256] = {
    ['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8,
    ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16,
    ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
    ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32,
    ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40,
    ['o'] = 41, ['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
    ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
    ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
};

/* A byte's base64 value; -1 outside the alphabet (the table holds value + 1,
   so that the bytes it leaves out read 0). */
static int b64_digit(unsigned char ch)
{
    return k_b64_value[ch] - 1;
}

/* Whether s (n bytes) is UTF-8 a JSON string can hold: well-formed, no NUL,
   no surrogates, nothing past U+10FFFF. */
static int valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char b = s[i];
        size_t len;
        uint32_t cp, min;
        if (b == 0)
            return 0;
        if (b < 0x80) {
            i++;
            continue;
        } else if ((b & 0xe0) == 0xc0) {
            len = 2, cp = b & 0x1f, min = 0x80;
        } else if ((b & 0xf0) == 0xe0) {
            len = 3, cp = b & 0x0f, min = 0x800;
        } else if ((b & 0xf8) == 0xf0) {
            len = 4, cp = b & 0x07, min = 0x10000;
        } else {
            return 0;
        }
        if (i + len > n)
            return 0;
        for (size_t j = 1; j < len; j++) {
            if ((s[i + j] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + j] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += len;
    }
    return 1;
}

/* States.Base64Decode(string): the text it encodes. As Java's basic decoder:
   the base64 alphabet only, padding optional but correct when present. */
static cJSON *fn_base64_decode(ctx *c, const aslrt_tmpl *t, arg *a, int nargs)
{
    (void)nargs;
    size_t n, pad = 0;
    if (want_short_string(c, t, a, 0, &n) != 0)
        return NULL;
    const unsigned char *s = (const unsigned char *)a[0].v->valuestring;
    while (pad < n && pad < 3 && s[n - 1 - pad] == '=')
        pad++;
    size_t body = n - pad;
    if (pad > 2 || body % 4 == 1 || (pad > 0 && (body + pad) % 4 != 0))
        return failf(c, t, "the string is not valid base64");
    unsigned char local[256];
    unsigned char *out = body / 4 * 3 + 3 <= sizeof local ? local : aslrt_xmalloc(body / 4 * 3 + 3);
    size_t k = 0;
    uint32_t w = 0;
    for (size_t i = 0; i < body; i++) {
        int d = b64_digit(s[i]);
        if (d < 0) {
            if (out != local)
                free(out);
            return failf(c, t, "the string is not valid base64 (character %zu)", i + 1);
        }
        w = w << 6 | (uint32_t)d;
        if (i % 4 == 3) {
            out[k++] = (unsigned char)(w >> 16);
            out[k++] = (unsigned char)(w >> 8);
            out[k++] = (unsigned char)w;
            w = 0;
        }
    }
    if (body % 4 == 2) {
        out[k++] = (unsigned char)(w >> 4);
    } else if (body % 4 == 3) {
        out[k++] = (unsigned char)(w >> 10);
        out[k++] = (unsigned char)(w >> 2);
    }
    cJSON *r = valid_utf8(out, k) ? new_string((const char *)out, k) : NULL;
    if (out != local)
        free(out);
    return r ? r : failf(c, t, "the decoded data is not UTF-8 text");
}

/* States.Hash(data, algorithm): lowercase hex digest of data's UTF-8 bytes;
   the algorithm is MD5, SHA-1, SHA-256, SHA-384 or SHA-512, spelled so. */
static cJSON *fn_hash(ctx *c, const aslrt_tmpl *t, arg *a, int nargs)
{
    (void)nargs;
    size_t n;
    if (want_short_string(c, t, a, 0, &n) != 0 || want_type(c, t, a, 1, cJSON_String, "a string") != 0)
        return NULL;
    const char *alg = a[1].v->valuestring;
    int md = aslrt_digest_alg(alg);
    if (md < 0)
        return failf(c, t, "unknown hash algorithm '%s' (use MD5, SHA-1, SHA-256, SHA-384 or SHA-512)", alg);
    const char *data = a[0].v->valuestring;
    unsigned char dig[ASLRT_DIGEST_MAX];
    size_t len = aslrt_digest_once(md, data, n, dig);
    static const char digits[] = "0123456789abcdef";
    char hex[2 * ASLRT_DIGEST_MAX + 1];
    for (size_t i = 0; i < len; i++) {
        hex[2 * i] = digits[dig[i] >> 4];
        hex[2 * i + 1] = digits[dig[i] & 15];
    }
    return new_string(hex, 2 * len);
}

/* States.JsonMerge(a, b, false): a's members with b's added, b winning on
   the same key (shallow). AWS rejects true, a deep merge. */
static cJSON *fn_json_merge(ctx *c, const aslrt_tmpl *t, arg *a, int n)
{
    (void)n;
    if (want_type(c, t, a, 0, cJSON_Object, "an object") != 0 ||
        want_type(c, t, a, 1, cJSON_Object, "an object") != 0 ||
        want_type(c, t, a, 2, cJSON_True | cJSON_False, "false") != 0)
        return NULL;
    if (cJSON_IsTrue(a[2].v))
        return failf(c, t, "deep merging is not supported: the third argument must be false");
    cJSON *r;
    if (a[0].own) {
        r = take(&a[0]);
    } else {
        /* A copy of the first object, except that members the loop below
           replaces (the first of each key the second object has) start as
           null rather than as copies thrown away. */
        r = aslrt_json_new(cJSON_Object);
        for (const cJSON *x = a[0].v->child; x; x = x->next) {
            if (x->string && aslrt_json_member(a[1].v, x->string) && !aslrt_json_member(r, x->string)) {
                if (!cJSON_AddNullToObject(r, x->string))
                    aslrt_xjson(NULL); /* out of memory */
            } else {
                aslrt_json_append(r, aslrt_json_copy_member(x));
            }
        }
    }
    cJSON *src = a[1].own;
    const cJSON *x = a[1].v->child;
    while (x) {
        const cJSON *next = x->next;
        cJSON *item = src ? cJSON_DetachItemViaPointer(src, (cJSON *)x) : aslrt_json_copy_member(x);
        cJSON *old = item->string ? (cJSON *)aslrt_json_member(r, item->string) : NULL;
        if (old)
            cJSON_ReplaceItemViaPointer(r, old, item);
        else
            aslrt_json_append(r, item); /* keeps item's key */
        x = next;
    }
    return r;
}

/* States.MathRandom(start, end[, seed]): an integer in [start, end); a seed
   gives the same number every time. */
static cJSON *fn_math_random(ctx *c, const aslrt_tmpl *t, arg *a, int n)
{
    long long lo, hi, seed = 0;
    if (want_int(c, t, a, 0, INT_MIN, INT_MAX, &lo) != 0 || want_int(c, t, a, 1, INT_MIN, INT_MAX, &hi) != 0)
        return NULL;
    if (n > 2 && want_int(c, t, a, 2, -9223372036854775808.0, 9223372036854774784.0, &seed) != 0)
        return NULL;
    if (hi <= lo)
        return failf(c, t, "the end (%lld) must be greater than the start (%lld)", hi, lo);
    uint64_t state;
    if (n > 2)
        state = (uint64_t)seed;
    else
        aslrt_random_bytes(&state, sizeof state);
    uint64_t range = (uint64_t)(hi - lo), limit = UINT64_MAX - UINT64_MAX % range, x;
    do
        x = aslrt_splitmix64(&state);
    while (x >= limit);
    return new_number((double)(lo + (long long)(x % range)));
}

/* States.MathAdd(a, b): the integer sum; arguments rounded as Java's
   Math.round does [A recorded]; int32 arguments and result. */
static cJSON *fn_math_add(ctx *c, const aslrt_tmpl *t, arg *a, int n)
{
    (void)n;
    long long x, y;
    if (want_int(c, t, a, 0, INT_MIN, INT_MAX, &x) != 0 || want_int(c, t, a, 1, INT_MIN, INT_MAX, &y) != 0)
        return NULL;
    long long sum = x + y;
    if (sum < INT_MIN || sum > INT_MAX)
        return failf(c, t, "the sum %lld is outside the 32-bit integer range", sum);
    return new_number((double)sum);
}

/* Bytes in the UTF-8 character at p (1 for a stray byte). */
static size_t char_len(const unsigned char *p)
{
    size_t len = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;
    for (size_t i = 1; i < len; i++)
        if ((p[i] & 0xc0) != 0x80)
            return i;
    return len;
}

/* Whether the character at p (len bytes) is one of the delimiters. */
static int is_delim(const unsigned char *p, size_t len, const unsigned char *delims, const char *ascii)
{
    if (len == 1)
        return ascii[*p];
    for (const unsigned char *d = delims; *d;) {
        size_t dl = char_len(d);
        if (dl == len && memcmp(d, p, len) == 0)
            return 1;
        d += dl;
    }
    return 0;
}

/* States.StringSplit(string, delimiters): every character of the second
   argument is a delimiter; empty pieces are dropped [A recorded]. */
static cJSON *fn_string_split(ctx *c, const aslrt_tmpl *t, arg *a, int n)
{
    (void)n;
    if (want_type(c, t, a, 0, cJSON_String, "a string") != 0 ||
        want_type(c, t, a, 1, cJSON_String, "a string") != 0)
        return NULL;
    const unsigned char *s = (const unsigned char *)a[0].v->valuestring;
    const unsigned char *delims = (const unsigned char *)a[1].v->valuestring;
    char ascii[256] = {0};
    for (const unsigned char *d = delims; *d;) {
        size_t dl = char_len(d);
        if (dl == 1)
            ascii[*d] = 1;
        d += dl;
    }
    cJSON *r = aslrt_json_new(cJSON_Array);
    const unsigned char *piece = s;
    for (const unsigned char *p = s;;) {
        size_t len;
        int cut;
        if (*p < 0x80) { /* ASCII, or the end */
            len = *p != 0;
            cut = !*p || ascii[*p];
        } else {
            len = char_len(p);
            cut = is_delim(p, len, delims, ascii);
        }
        if (cut) {
            if (p > piece)
                aslrt_json_append(r, new_string((const char *)piece, (size_t)(p - piece)));
            if (!*p)
                break;
            piece = p + len;
        }
        p += len;
    }
    return r;
}

/* States.UUID(): a random version 4 UUID, lowercase. */
static cJSON *fn_uuid(ctx *c, const aslrt_tmpl *t, arg *a, int n)
{
    (void)c, (void)t, (void)a, (void)n;
    char s[37];
    aslrt_uuid4(s);
    return new_string(s, 36);
}

/* ------------------------------------------------------------ evaluation */

static cJSON *call(ctx *c, const aslrt_tmpl *t, int depth);

/* Frees what the arguments own, and the vector unless it is `local`. */
static void free_args(arg *a, int n, arg *local)
{
    for (int i = 0; i < n; i++)
        if (a[i].own)
            cJSON_Delete(a[i].own);
    if (a != local)
        free(a);
}

/* Evaluates t's arguments into a (see the file comment for who owns what). */
static int eval_args(ctx *c, const aslrt_tmpl *t, arg *a, int depth)
{
    for (int i = 0; i < t->n; i++) {
        const aslrt_tmpl *it = &t->items[i];
        switch (it->kind) {
        case ASLRT_T_LITERAL:
            if (!it->value) {
                failf(c, t, "argument %d has no value", i + 1);
                return -1;
            }
            a[i].v = it->value;
            break;
        case ASLRT_T_PATH:
            if (it->path->root == ASLRT_ROOT_INPUT && (!c->input || (c->input->type & 0xff) == cJSON_NULL)) {
                aslrt_runtime_error(c->ex, "Unable to apply Path transformation to null or empty input.");
                return -1;
            }
            if (it->path->definite)
                a[i].v = aslrt_path_get(c->ex, it->path, c->input);
            else
                a[i].v = a[i].own = aslrt_path_eval(c->ex, it->path, c->input);
            if (!a[i].v) {
                path_miss(c, it->path);
                return -1;
            }
            break;
        case ASLRT_T_CALL:
            a[i].v = a[i].own = call(c, it, depth + 1);
            if (!a[i].v)
                return -1;
            break;
        default:
            failf(c, t, "argument %d is not a value, a path or a call", i + 1);
            return -1;
        }
    }
    return 0;
}

/* An argument that is a literal or a $ path, looked up without copying or
   reporting anything; NULL for any other argument, or a path that finds
   nothing. */
static const cJSON *plain_arg(const ctx *c, const aslrt_tmpl *a)
{
    if (a->kind == ASLRT_T_LITERAL)
        return a->value;
    if (a->kind != ASLRT_T_PATH || a->path->root != ASLRT_ROOT_INPUT || !c->input ||
        (c->input->type & 0xff) == cJSON_NULL)
        return NULL;
    return aslrt_path_get(c->ex, a->path, c->input);
}

/* An int-valued number, as MathAdd takes it without rounding. */
static int small_int(const cJSON *v, int *out)
{
    if (!v || (v->type & 0xff) != cJSON_Number)
        return 0;
    double d = v->valuedouble;
    if (!(d >= INT_MIN && d <= INT_MAX) || d != (double)(int)d)
        return 0;
    *out = (int)d;
    return 1;
}

/* States.MathAdd of two integers given as literals or paths, the step of
   every counting loop: no argument vector, no copies. NULL when anything is
   unusual; the general path then gives the result or the error. */
static cJSON *quick_math_add(const ctx *c, const aslrt_tmpl *t)
{
    int x, y;
    if (!small_int(plain_arg(c, &t->items[0]), &x) || !small_int(plain_arg(c, &t->items[1]), &y))
        return NULL;
    long long sum = (long long)x + y;
    if (sum < INT_MIN || sum > INT_MAX)
        return NULL;
    return new_number((double)sum);
}

/* One call: its arguments, then the function. */
static cJSON *call(ctx *c, const aslrt_tmpl *t, int depth)
{
    if (t->kind == ASLRT_T_CALL && t->fn == ASLRT_FN_MATH_ADD && t->n == 2) {
        cJSON *r = quick_math_add(c, t);
        if (r)
            return r;
    }
    if (t->kind == ASLRT_T_CALL && t->fn == ASLRT_FN_UNKNOWN) { /* check warned about it */
        const char *paren = t->text ? strchr(t->text, '(') : NULL;
        aslrt_error_setf(c->ex, INTRINSIC_FAILURE, "Unknown intrinsic function '%.*s'",
                         paren ? (int)(paren - t->text) : 0, paren ? t->text : "");
        return NULL;
    }
    if (t->kind != ASLRT_T_CALL || t->fn < 0 || t->fn >= ASLRT_FN_COUNT) {
        aslrt_error_set(c->ex, INTRINSIC_FAILURE, "not an intrinsic function call");
        return NULL;
    }
    if (depth > MAX_CALL_DEPTH)
        return failf(c, t, "intrinsic function calls are nested more than %d deep", MAX_CALL_DEPTH);
    int n = t->n;
    if (n < k_funcs[t->fn].min || (k_funcs[t->fn].max >= 0 && n > k_funcs[t->fn].max))
        return failf(c, t, "wrong number of arguments (%d)", n);
    arg local[4]; /* most calls take a few arguments: no allocation for them */
    arg *a = n <= 4 ? local : aslrt_xmalloc(sizeof *a * (size_t)n);
    for (int i = 0; i < n; i++)
        a[i] = (arg){NULL, NULL};
    if (eval_args(c, t, a, depth) != 0) {
        free_args(a, n, local);
        return NULL;
    }
    cJSON *r = NULL;
    switch (t->fn) {
#define X(id, name, impl, ...) case ASLRT_FN_##id: r = fn_##impl(c, t, a, n); break;
        ASLRT_INTRINSICS(X)
#undef X
    }
    free_args(a, n, local);
    return r;
}

cJSON *aslrt_intrinsic_call(aslrt_exec *ex, const aslrt_tmpl *t, const cJSON *input)
{
    ctx c = {ex, input, t->field};
    return call(&c, t, 0);
}
