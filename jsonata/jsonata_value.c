/* jsonata_value.c — JSONata values: the per-evaluation arena, arrays and
 * objects, JSONata's equality/truthiness/append rules, JSON text ($string)
 * and conversion from and to cJSON.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonata_impl.h"

/* ---------------------------------------------------------------- arena */

struct jblock {
    jblock *next;
    max_align_t data[];
};

#define JX_BLOCK 65536

/* jx_alloc when the current block is used up: a new one (n bytes, rounded), or a block of
   its own for a big n. Out of line, so that jx_alloc stays small enough to inline. */
static __attribute__((noinline)) void *new_block(jctx *c, size_t n)
{
    size_t size = n > JX_BLOCK / 4 ? n : JX_BLOCK;
    c->used += size;
    const jx_options *o = c->o;
    if (c->used > o->max_memory) { /* in MiB when it is a whole number of them (AWS's is) */
        if (o->max_memory % ((size_t)1 << 20) == 0)
            jx_fail(c, "U1002: The expression used more memory than allowed (%zu MiB)", o->max_memory >> 20);
        jx_fail(c, "U1002: The expression used more memory than allowed (%zu bytes)", o->max_memory);
    }
    jblock *b = o->alloc(o->user, sizeof *b + size);
    if (!b)
        jx_fail(c, "U1002: Out of memory");
    b->next = c->blocks;
    c->blocks = b;
    if (size == JX_BLOCK) {
        c->cur = (char *)b->data + n;
        c->left = size - n;
    }
    memset(b->data, 0, n);
    return b->data;
}

void *jx_alloc(jctx *c, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n > c->left)
        return new_block(c, n);
    void *p = c->cur;
    c->cur += n;
    c->left -= n;
    memset(p, 0, n);
    return p;
}

char *jx_strndup(jctx *c, const char *s, size_t n)
{
    char *d = jx_alloc(c, n + 1);
    if (n) /* s may be NULL for an empty string */
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* A cJSON tree the evaluation borrows strings from until it ends. */
struct jowned {
    struct jowned *next;
    cJSON *json;
};

void jx_arena_free(jctx *c)
{
    for (struct jowned *o = c->owned; o; o = o->next)
        cJSON_Delete(o->json);
    c->owned = NULL;
    for (jblock *b = c->blocks, *next; b; b = next) {
        next = b->next;
        c->o->dealloc(c->o->user, b);
    }
    c->blocks = NULL;
}

_Noreturn void jx_fail(jctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof c->err, fmt, ap);
    va_end(ap);
    longjmp(c->fail, 1);
}

/* --------------------------------------------------------------- values */

jval jx_undef(void)
{
    jval v;
    memset(&v, 0, sizeof v);
    return v;
}

jval jx_null(void)
{
    jval v = jx_undef();
    v.t = JT_NULL;
    return v;
}

jval jx_bool(int b)
{
    jval v = jx_undef();
    v.t = JT_BOOL;
    v.b = b != 0;
    return v;
}

jval jx_num(jctx *c, double d)
{
    if (!isfinite(d)) {
        char buf[ASLRT_JSNUM_MAX];
        jx_fail(c, "D1001: Number out of range: %s", aslrt_jsnum_format(d, buf));
    }
    jval v = jx_undef();
    v.t = JT_NUM;
    v.u.n = d == 0 ? 0 : d; /* no -0 */
    return v;
}

jval jx_str(const char *s, size_t n)
{
    jval v = jx_undef();
    v.t = JT_STR;
    v.len = (uint32_t)n;
    v.u.s = s;
    return v;
}

jval jx_strc(jctx *c, const char *s, size_t n)
{
    return jx_str(jx_strndup(c, s, n), n);
}

jval jx_strz(const char *s)
{
    return jx_str(s, strlen(s));
}

jval jx_arrv(jarr *a)
{
    jval v = jx_undef();
    v.t = JT_ARR;
    v.u.a = a;
    return v;
}

jval jx_objv(jobj *o)
{
    jval v = jx_undef();
    v.t = JT_OBJ;
    v.u.o = o;
    return v;
}

jval jx_fnv(jfn *f)
{
    jval v = jx_undef();
    v.t = JT_FN;
    v.u.f = f;
    return v;
}

jarr *jx_arr_new(jctx *c, int cap, unsigned flags)
{
    jarr *a = jx_alloc(c, sizeof *a);
    a->flags = flags;
    a->cap = cap > 0 ? cap : 0;
    a->v = a->cap ? jx_alloc(c, sizeof *a->v * (size_t)a->cap) : NULL;
    return a;
}

void jx_arr_push(jctx *c, jarr *a, jval v)
{
    if (a->n == a->cap) {
        int cap = a->cap ? 2 * a->cap : 4;
        jval *nv = jx_alloc(c, sizeof *nv * (size_t)cap);
        if (a->n)
            memcpy(nv, a->v, sizeof *nv * (size_t)a->n);
        a->v = nv;
        a->cap = cap;
    }
    a->v[a->n++] = v;
}

/* createSequence(v): a sequence holding v (even when v is undefined). */
jarr *jx_seq1(jctx *c, jval v)
{
    jarr *a = jx_arr_new(c, 1, JA_SEQ);
    a->v[a->n++] = v;
    return a;
}

jobj *jx_obj_new(jctx *c, int cap)
{
    jobj *o = jx_alloc(c, sizeof *o);
    o->cap = cap > 0 ? cap : 0;
    if (o->cap) {
        o->k = jx_alloc(c, sizeof *o->k * (size_t)o->cap);
        o->v = jx_alloc(c, sizeof *o->v * (size_t)o->cap);
    }
    return o;
}

/* FNV-1a, for object keys. */
static unsigned hash_str(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Rebuilds the hash index (objects with more than 8 members have one). */
static void obj_reindex(jctx *c, jobj *o)
{
    o->icap = 16;
    while (o->icap < 2 * o->cap)
        o->icap *= 2;
    o->idx = jx_alloc(c, sizeof *o->idx * (size_t)o->icap);
    memset(o->idx, 0xff, sizeof *o->idx * (size_t)o->icap);
    for (int i = 0; i < o->n; i++) {
        unsigned j = hash_str(o->k[i]) & (unsigned)(o->icap - 1);
        while (o->idx[j] >= 0)
            j = (j + 1) & (unsigned)(o->icap - 1);
        o->idx[j] = i;
    }
}

/* The position of key in o, or -1. */
static int obj_find(const jobj *o, const char *key)
{
    if (o->idx) {
        for (unsigned j = hash_str(key) & (unsigned)(o->icap - 1);; j = (j + 1) & (unsigned)(o->icap - 1)) {
            if (o->idx[j] < 0)
                return -1;
            if (!strcmp(o->k[o->idx[j]], key))
                return o->idx[j];
        }
    }
    for (int i = 0; i < o->n; i++)
        if (!strcmp(o->k[i], key))
            return i;
    return -1;
}

jval jx_obj_get(const jobj *o, const char *key)
{
    int i = obj_find(o, key);
    return i >= 0 ? o->v[i] : jx_undef();
}

/* An array index as JavaScript objects know it: "0" to "4294967294",
   without leading zeros. */
static int index_key(const char *k, double *value)
{
    if (!(*k >= '0' && *k <= '9') || (k[0] == '0' && k[1]))
        return 0;
    double v = 0;
    for (; *k; k++) {
        if (!(*k >= '0' && *k <= '9'))
            return 0;
        v = v * 10 + (*k - '0');
        if (v > 4294967294.0)
            return 0;
    }
    *value = v;
    return 1;
}

/* Sets key (borrowed: it must outlive the evaluation) to v, keeping the
   position of an existing key. New keys go where JavaScript lists them:
   array indexes first in numeric order, then the others as inserted. */
void jx_obj_set(jctx *c, jobj *o, const char *key, jval v)
{
    int i = obj_find(o, key);
    if (i >= 0) {
        o->v[i] = v;
        return;
    }
    if (o->n == o->cap) {
        int cap = o->cap ? 2 * o->cap : 4;
        const char **nk = jx_alloc(c, sizeof *nk * (size_t)cap);
        jval *nv = jx_alloc(c, sizeof *nv * (size_t)cap);
        if (o->n) {
            memcpy(nk, o->k, sizeof *nk * (size_t)o->n);
            memcpy(nv, o->v, sizeof *nv * (size_t)o->n);
        }
        o->k = nk;
        o->v = nv;
        o->cap = cap;
        o->idx = NULL;
    }
    double kv, ov;
    if (index_key(key, &kv)) {
        int pos = 0;
        while (pos < o->n && index_key(o->k[pos], &ov) && ov < kv)
            pos++;
        if (pos < o->n) {
            memmove(o->k + pos + 1, o->k + pos, sizeof *o->k * (size_t)(o->n - pos));
            memmove(o->v + pos + 1, o->v + pos, sizeof *o->v * (size_t)(o->n - pos));
            o->k[pos] = key;
            o->v[pos] = v;
            o->n++;
            if (o->idx || o->n > 8)
                obj_reindex(c, o);
            return;
        }
    }
    o->k[o->n] = key;
    o->v[o->n] = v;
    o->n++;
    if (o->n > 8 && !o->idx)
        obj_reindex(c, o);
    else if (o->idx) {
        unsigned j = hash_str(key) & (unsigned)(o->icap - 1);
        while (o->idx[j] >= 0)
            j = (j + 1) & (unsigned)(o->icap - 1);
        o->idx[j] = o->n - 1;
    }
}

void jx_obj_del(jobj *o, const char *key)
{
    int i = obj_find(o, key);
    if (i < 0)
        return;
    memmove(o->k + i, o->k + i + 1, sizeof *o->k * (size_t)(o->n - i - 1));
    memmove(o->v + i, o->v + i + 1, sizeof *o->v * (size_t)(o->n - i - 1));
    o->n--;
    o->idx = NULL; /* small again or rebuilt on the next set; lookups scan meanwhile */
}

int jx_is_fn(jval v)
{
    return v.t == JT_FN;
}

/* isNumeric: a number; infinities are D1001 (they never reach here from
   arithmetic, which checks, but can from built-ins). */
int jx_is_num(jctx *c, jval v)
{
    if (v.t != JT_NUM)
        return 0;
    if (!isfinite(v.u.n))
        jx_num(c, v.u.n);
    return 1;
}

/* $boolean's rules: "" 0 null [] {} and functions are false, an array is
   true when any of its items is. Undefined is reported as false too. */
int jx_truthy(jctx *c, jval v)
{
    switch (v.t) {
    case JT_ARR:
        for (int i = 0; i < v.u.a->n; i++)
            if (jx_truthy(c, v.u.a->v[i]))
                return 1;
        return 0;
    case JT_STR: return v.len > 0;
    case JT_NUM: return v.u.n != 0;
    case JT_OBJ: return v.u.o->n > 0;
    case JT_BOOL: return v.b;
    case JT_TUPLE: return jx_truthy(c, v.u.tp->at);
    default: return 0;
    }
}

/* JSONata `=`: deep equality for arrays and objects (keys in any order). */
int jx_deep_equal(jctx *c, jval a, jval b, int depth)
{
    if (depth > 1000)
        jx_fail(c, "U1001: Stack overflow error: the values compared are nested too deeply");
    if (a.t != b.t)
        return 0;
    switch (a.t) {
    case JT_UNDEF:
    case JT_NULL: return 1;
    case JT_BOOL: return a.b == b.b;
    case JT_NUM: return a.u.n == b.u.n;
    case JT_STR: return a.len == b.len && !memcmp(a.u.s, b.u.s, a.len);
    case JT_ARR:
        if (a.u.a->n != b.u.a->n)
            return 0;
        for (int i = 0; i < a.u.a->n; i++)
            if (!jx_deep_equal(c, a.u.a->v[i], b.u.a->v[i], depth + 1))
                return 0;
        return 1;
    case JT_OBJ:
        if (a.u.o->n != b.u.o->n)
            return 0;
        for (int i = 0; i < a.u.o->n; i++) {
            int j = obj_find(b.u.o, a.u.o->k[i]);
            if (j < 0 || !jx_deep_equal(c, a.u.o->v[i], b.u.o->v[j], depth + 1))
                return 0;
        }
        return 1;
    default: return a.u.f == b.u.f;
    }
}

/* fn.append: undefined operands disappear, others are concatenated as
   arrays (a non-array is a one-item array). The result is a plain array. */
jval jx_append(jctx *c, jval a, jval b)
{
    if (a.t == JT_UNDEF)
        return b;
    if (b.t == JT_UNDEF)
        return a;
    int na = a.t == JT_ARR ? a.u.a->n : 1, nb = b.t == JT_ARR ? b.u.a->n : 1;
    jarr *r = jx_arr_new(c, na + nb, 0);
    if (a.t == JT_ARR) {
        if (na)
            memcpy(r->v, a.u.a->v, sizeof *r->v * (size_t)na);
    } else {
        r->v[0] = a;
    }
    if (b.t == JT_ARR) {
        if (nb)
            memcpy(r->v + na, b.u.a->v, sizeof *r->v * (size_t)nb);
    } else {
        r->v[na] = b;
    }
    r->n = na + nb;
    return jx_arrv(r);
}

/* fn.lookup: a field of an object, or of every object in an array (the
   results flattened one level into a sequence). */
jval jx_lookup(jctx *c, jval in, const char *key)
{
    if (in.t == JT_ARR) {
        jarr *r = jx_arr_new(c, 0, JA_SEQ);
        for (int i = 0; i < in.u.a->n; i++) {
            jval v = jx_lookup(c, in.u.a->v[i], key);
            if (v.t == JT_ARR) {
                for (int j = 0; j < v.u.a->n; j++)
                    jx_arr_push(c, r, v.u.a->v[j]);
            } else if (v.t != JT_UNDEF) {
                jx_arr_push(c, r, v);
            }
        }
        return jx_arrv(r);
    }
    if (in.t == JT_OBJ)
        return jx_obj_get(in.u.o, key);
    return jx_undef();
}

/* A deep copy ($clone, and the copy a transform works on). */
jval jx_clone(jctx *c, jval v, int depth)
{
    if (depth > 1000)
        jx_fail(c, "U1001: Stack overflow error: the value is nested too deeply");
    if (v.t == JT_ARR) {
        jarr *r = jx_arr_new(c, v.u.a->n, 0);
        for (int i = 0; i < v.u.a->n; i++)
            if (v.u.a->v[i].t != JT_FN)
                r->v[r->n++] = jx_clone(c, v.u.a->v[i], depth + 1);
        return jx_arrv(r);
    }
    if (v.t == JT_OBJ) {
        jobj *r = jx_obj_new(c, v.u.o->n);
        for (int i = 0; i < v.u.o->n; i++)
            if (v.u.o->v[i].t != JT_FN && v.u.o->v[i].t != JT_UNDEF)
                jx_obj_set(c, r, v.u.o->k[i], jx_clone(c, v.u.o->v[i], depth + 1));
        return jx_objv(r);
    }
    return v;
}

/* ---------------------------------------------------------- JSON text */

void jx_buf_add(jctx *c, char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t ncap = *cap ? *cap : 64;
        while (*len + n + 1 > ncap)
            ncap *= 2;
        char *nb = jx_alloc(c, ncap);
        if (*len)
            memcpy(nb, *buf, *len);
        *buf = nb;
        *cap = ncap;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
}

/* A JSON string literal, escaped as JSON.stringify escapes. */
static void json_string(jctx *c, const char *s, size_t n, char **buf, size_t *len, size_t *cap)
{
    jx_buf_add(c, buf, len, cap, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        const char *esc = NULL;
        char tmp[8];
        switch (ch) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (ch < 0x20) {
                snprintf(tmp, sizeof tmp, "\\u%04x", ch);
                esc = tmp;
            }
        }
        if (esc) {
            jx_buf_add(c, buf, len, cap, s + i - run, run);
            run = 0;
            jx_buf_add(c, buf, len, cap, esc, strlen(esc));
        } else {
            run++;
        }
    }
    jx_buf_add(c, buf, len, cap, s + n - run, run);
    jx_buf_add(c, buf, len, cap, "\"", 1);
}

/* Pretty printing: a new line indented by two spaces a level. */
static void newline(jctx *c, int pretty, int indent, char **buf, size_t *len, size_t *cap)
{
    if (!pretty)
        return;
    jx_buf_add(c, buf, len, cap, "\n", 1);
    for (int i = 0; i < indent; i++)
        jx_buf_add(c, buf, len, cap, "  ", 2);
}

/* JSON.stringify(v, replacer, pretty ? 2 : 0) with $string's replacer:
   numbers rounded to 15 significant digits, functions as "". */
void jx_json(jctx *c, jval v, int pretty, int depth, int indent, char **buf, size_t *len, size_t *cap)
{
    char num[ASLRT_JSNUM_MAX];
    if (depth > 1000)
        jx_fail(c, "U1001: Stack overflow error: the value is nested too deeply");
    switch (v.t) {
    case JT_NUM:
        jx_is_num(c, v);
        aslrt_jsnum_format_prec(v.u.n, 15, num);
        if (!strcmp(num, "Infinity") || !strcmp(num, "-Infinity")) /* rounded past the largest double */
            strcpy(num, "null");
        jx_buf_add(c, buf, len, cap, num, strlen(num));
        break;
    case JT_STR: json_string(c, v.u.s, v.len, buf, len, cap); break;
    case JT_BOOL: jx_buf_add(c, buf, len, cap, v.b ? "true" : "false", v.b ? 4 : 5); break;
    case JT_FN: jx_buf_add(c, buf, len, cap, "\"\"", 2); break;
    case JT_TUPLE: jx_json(c, v.u.tp->at, pretty, depth, indent, buf, len, cap); break;
    case JT_ARR:
        jx_buf_add(c, buf, len, cap, "[", 1);
        for (int i = 0; i < v.u.a->n; i++) {
            if (i)
                jx_buf_add(c, buf, len, cap, ",", 1);
            newline(c, pretty, indent + 1, buf, len, cap);
            jval x = v.u.a->v[i];
            if (x.t == JT_UNDEF)
                jx_buf_add(c, buf, len, cap, "null", 4);
            else
                jx_json(c, x, pretty, depth + 1, indent + 1, buf, len, cap);
        }
        if (v.u.a->n)
            newline(c, pretty, indent, buf, len, cap);
        jx_buf_add(c, buf, len, cap, "]", 1);
        break;
    case JT_OBJ: {
        jx_buf_add(c, buf, len, cap, "{", 1);
        int first = 1;
        for (int i = 0; i < v.u.o->n; i++) {
            if (v.u.o->v[i].t == JT_UNDEF)
                continue;
            if (!first)
                jx_buf_add(c, buf, len, cap, ",", 1);
            first = 0;
            newline(c, pretty, indent + 1, buf, len, cap);
            json_string(c, v.u.o->k[i], strlen(v.u.o->k[i]), buf, len, cap);
            jx_buf_add(c, buf, len, cap, pretty ? ": " : ":", pretty ? 2 : 1);
            jx_json(c, v.u.o->v[i], pretty, depth + 1, indent + 1, buf, len, cap);
        }
        if (!first)
            newline(c, pretty, indent, buf, len, cap);
        jx_buf_add(c, buf, len, cap, "}", 1);
        break;
    }
    default: jx_buf_add(c, buf, len, cap, "null", 4); break;
    }
}

jval jx_string(jctx *c, jval v, int pretty)
{
    if (v.t == JT_UNDEF)
        return v;
    if (v.t == JT_STR)
        return v;
    if (v.t == JT_FN)
        return jx_strz("");
    if (v.t == JT_NUM && !isfinite(v.u.n))
        jx_fail(c, "D3001: Attempting to invoke string function on Infinity or NaN");
    if (v.t == JT_ARR && (v.u.a->flags & JA_OUTER) && v.u.a->n)
        v = v.u.a->v[0];
    char *buf = NULL;
    size_t len = 0, cap = 0;
    jx_json(c, v, pretty, 0, 0, &buf, &len, &cap);
    return jx_str(buf, len);
}

/* JSON text of v for an error message, cut to 200 bytes. */
const char *jx_show(jctx *c, jval v)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (v.t == JT_UNDEF)
        return "undefined";
    if (v.t == JT_NUM) {
        char num[ASLRT_JSNUM_MAX];
        const char *t = aslrt_jsnum_format(v.u.n, num);
        return jx_strndup(c, t, strlen(t));
    }
    jx_json(c, v, 0, 0, 0, &buf, &len, &cap);
    if (len > 200)
        memcpy(buf + 197, "...", 4);
    return buf;
}

/* -------------------------------------------------------- JSON <-> jval */

jval jx_from_json(jctx *c, const cJSON *j, int depth)
{
    if (!j)
        return jx_undef();
    if (depth > 1000)
        jx_fail(c, "U1001: Stack overflow error: the input is nested too deeply");
    switch (j->type & 0xff) {
    case cJSON_False: return jx_bool(0);
    case cJSON_True: return jx_bool(1);
    case cJSON_NULL: return jx_null();
    case cJSON_Number: return jx_num(c, j->valuedouble);
    case cJSON_String: return jx_strz(j->valuestring ? j->valuestring : "");
    case cJSON_Array: {
        int n = 0;
        for (const cJSON *x = j->child; x; x = x->next)
            n++;
        jarr *a = jx_arr_new(c, n, 0);
        for (const cJSON *x = j->child; x; x = x->next)
            a->v[a->n++] = jx_from_json(c, x, depth + 1);
        return jx_arrv(a);
    }
    case cJSON_Object: {
        int n = 0;
        for (const cJSON *x = j->child; x; x = x->next)
            n++;
        jobj *o = jx_obj_new(c, n);
        for (const cJSON *x = j->child; x; x = x->next)
            jx_obj_set(c, o, x->string ? x->string : "", jx_from_json(c, x, depth + 1));
        return jx_objv(o);
    }
    default: return jx_null();
    }
}

/* Fails (before any cJSON is built) when v nests deeper than to_json goes. */
void jx_check_depth(jctx *c, jval v, int depth)
{
    if (depth > 1000)
        jx_fail(c, "U1001: Stack overflow error: the result is nested too deeply");
    if (v.t == JT_ARR)
        for (int i = 0; i < v.u.a->n; i++)
            jx_check_depth(c, v.u.a->v[i], depth + 1);
    else if (v.t == JT_OBJ)
        for (int i = 0; i < v.u.o->n; i++)
            jx_check_depth(c, v.u.o->v[i], depth + 1);
    else if (v.t == JT_TUPLE)
        jx_check_depth(c, v.u.tp->at, depth);
}

int jx_parse_json(jctx *c, const char *s, size_t n, jval *out)
{
    struct jowned *o = jx_alloc(c, sizeof *o); /* before parsing: nothing may fail after */
    const char *end = NULL;
    o->json = cJSON_ParseWithLengthOpts(s, n + 1, &end, 1); /* s is NUL-terminated */
    if (!o->json)
        return -1;
    o->next = c->owned;
    c->owned = o;
    *out = jx_from_json(c, o->json, 0);
    return 0;
}

/* The result as cJSON: undefined inside arrays is null, functions are
   dropped from objects and null in arrays (JSON.stringify's rules). Returns
   NULL for undefined and functions. Never fails (see check_depth). */
cJSON *jx_to_json(jctx *c, jval v, int depth)
{
    switch (v.t) {
    case JT_NULL: return aslrt_xjson(cJSON_CreateNull());
    case JT_BOOL: return aslrt_xjson(cJSON_CreateBool(v.b));
    case JT_NUM: return aslrt_xjson(cJSON_CreateNumber(v.u.n == 0 ? 0 : v.u.n));
    case JT_STR: return aslrt_xjson(cJSON_CreateString(v.u.s));
    case JT_TUPLE: return jx_to_json(c, v.u.tp->at, depth);
    case JT_ARR: {
        cJSON *a = aslrt_xjson(cJSON_CreateArray());
        for (int i = 0; i < v.u.a->n; i++) {
            cJSON *x = jx_to_json(c, v.u.a->v[i], depth + 1);
            cJSON_AddItemToArray(a, x ? x : aslrt_xjson(cJSON_CreateNull()));
        }
        return a;
    }
    case JT_OBJ: {
        cJSON *o = aslrt_xjson(cJSON_CreateObject());
        for (int i = 0; i < v.u.o->n; i++) {
            cJSON *x = jx_to_json(c, v.u.o->v[i], depth + 1);
            if (x)
                cJSON_AddItemToObject(o, v.u.o->k[i], x);
        }
        return o;
    }
    default: return NULL;
    }
}

