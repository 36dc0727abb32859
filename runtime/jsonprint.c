/* jsonprint.c — compact JSON text, with numbers that round-trip.
 *
 * cJSON prints numbers with "%1.15g" and accepts the result when it reads
 * back *approximately* equal, so 9007199254740991 comes out as
 * 9.00719925474099e+15. AWS keeps such numbers exact, so every document the
 * runtime prints (outputs, causes, JsonToString, history) goes through here:
 * integers print in full, other numbers with the fewest digits that read back
 * as the very same double. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "exec.h"

typedef struct out {
    char *s;
    size_t len, cap;
    FILE *f; /* set: s is a fixed buffer, written to f whenever it is full */
} out;

static void grow(out *o, size_t n)
{
    if (o->len + n + 1 <= o->cap)
        return;
    while (o->len + n + 1 > o->cap)
        o->cap = o->cap ? 2 * o->cap : 256;
    char *s = realloc(o->s, o->cap);
    if (!s) {
        fputs("aslrt: error: cannot allocate memory\n", stderr);
        abort();
    }
    o->s = s;
}

static void put(out *o, const char *s, size_t n)
{
    if (o->f && o->len + n + 1 > o->cap) {
        fwrite(o->s, 1, o->len, o->f);
        o->len = 0;
        if (n + 1 > o->cap) {
            fwrite(s, 1, n, o->f);
            return;
        }
    }
    grow(o, n);
    memcpy(o->s + o->len, s, n);
    o->len += n;
}

void aslrt_number_format(double d, char *buf)
{
    if (!isfinite(d)) { /* JSON has no NaN or infinities; cJSON writes null too */
        strcpy(buf, "null");
        return;
    }
    if (d == 0) { /* -0 prints as 0, as JavaScript and Java's JSON writers do */
        strcpy(buf, "0");
        return;
    }
    if (d == floor(d) && fabs(d) < 1e17) {
        /* An integer below 10^17 converts to long long exactly; writing its
           digits directly is several times faster than "%.0f", and output
           documents (a Map's 10,000 results) are mostly such numbers. */
        long long n = (long long)d;
        char digits[24];
        int k = 0;
        unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
        do
            digits[k++] = (char)('0' + u % 10);
        while ((u /= 10) != 0);
        char *p = buf;
        if (n < 0)
            *p++ = '-';
        while (k > 0)
            *p++ = digits[--k];
        *p = '\0';
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            return;
    }
}

/* How many bytes character c takes inside a JSON string: itself, a
   two-character escape, or \u00XX. */
static inline int escaped_size(unsigned char c)
{
    if (c >= 0x20 && c != '"' && c != '\\')
        return 1;
    switch (c) {
    case '"': case '\\': case '\b': case '\f': case '\n': case '\r': case '\t': return 2;
    default: return 6;
    }
}

static void put_string(out *o, const char *s)
{
    put(o, "\"", 1);
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (escaped_size(c) == 1)
            continue;
        put(o, run, (size_t)(s - run));
        char esc[8];
        switch (c) {
        case '"': put(o, "\\\"", 2); break;
        case '\\': put(o, "\\\\", 2); break;
        case '\b': put(o, "\\b", 2); break;
        case '\f': put(o, "\\f", 2); break;
        case '\n': put(o, "\\n", 2); break;
        case '\r': put(o, "\\r", 2); break;
        case '\t': put(o, "\\t", 2); break;
        default:
            snprintf(esc, sizeof esc, "\\u%04x", c);
            put(o, esc, 6);
        }
        run = s + 1;
    }
    put(o, run, (size_t)(s - run));
    put(o, "\"", 1);
}

static void put_value(out *o, const cJSON *v)
{
    char num[32];
    switch (v->type & 0xff) {
    case cJSON_False: put(o, "false", 5); break;
    case cJSON_True: put(o, "true", 4); break;
    case cJSON_Number:
        aslrt_number_format(v->valuedouble, num);
        put(o, num, strlen(num));
        break;
    case cJSON_String: put_string(o, v->valuestring ? v->valuestring : ""); break;
    case cJSON_Raw: put(o, v->valuestring, strlen(v->valuestring)); break;
    case cJSON_Array:
    case cJSON_Object: {
        int obj = (v->type & 0xff) == cJSON_Object;
        put(o, obj ? "{" : "[", 1);
        for (const cJSON *c = v->child; c; c = c->next) {
            if (obj) {
                put_string(o, c->string ? c->string : "");
                put(o, ":", 1);
            }
            put_value(o, c);
            if (c->next)
                put(o, ",", 1);
        }
        put(o, obj ? "}" : "]", 1);
        break;
    }
    default: put(o, "null", 4); break;
    }
}

char *aslrt_json_text(const cJSON *v)
{
    out o = {NULL, 0, 0, NULL};
    grow(&o, 64);
    if (v)
        put_value(&o, v);
    else
        put(&o, "null", 4);
    o.s[o.len] = '\0';
    return o.s;
}

/* Writes v's text to f a buffer at a time: a large output then exists once,
   as a tree, rather than also as a string as long as itself. */
void aslrt_json_write(const cJSON *v, FILE *f)
{
    char buf[8192];
    out o = {buf, 0, sizeof buf, f};
    if (v)
        put_value(&o, v);
    else
        put(&o, "null", 4);
    fwrite(buf, 1, o.len, f);
}

/* ------------------------------------------------------------ lengths */

/* The length of s written as a JSON string, quotes included. */
static size_t string_size(const char *s)
{
    size_t n = 2;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (size_t)escaped_size(*p);
    return n;
}

/* n plus the length of v's text, as put_value writes it; once past
   `limit` it returns without looking further. Unless `exact`, a number
   other than an integer counts as the longest a number prints (24 bytes),
   which spares formatting it. */
static size_t add_size(const cJSON *v, size_t n, size_t limit, int exact)
{
    char num[32];
    if (n > limit)
        return n;
    switch (v->type & 0xff) {
    case cJSON_False: return n + 5;
    case cJSON_True: return n + 4;
    case cJSON_Number: {
        double d = v->valuedouble;
        if (d == floor(d) && fabs(d) < 1e17) { /* aslrt_number_format's integers, counted */
            unsigned long long u = (unsigned long long)fabs(d);
            n += d < 0;
            do
                n++;
            while ((u /= 10) != 0);
            return n;
        }
        if (!exact)
            return n + 24; /* "-1.2345678901234567e-308" */
        aslrt_number_format(d, num);
        return n + strlen(num);
    }
    case cJSON_String: return n + string_size(v->valuestring ? v->valuestring : "");
    case cJSON_Raw: return n + strlen(v->valuestring);
    case cJSON_Array:
    case cJSON_Object: {
        int obj = (v->type & 0xff) == cJSON_Object;
        n += 2;
        for (const cJSON *c = v->child; c && n <= limit; c = c->next) {
            if (obj)
                n += string_size(c->string ? c->string : "") + 1;
            n = add_size(c, n, limit, exact) + (c->next != NULL);
        }
        return n;
    }
    default: return n + 4;
    }
}

size_t aslrt_json_size(const cJSON *v, size_t limit)
{
    return v ? add_size(v, 0, limit ? limit : (size_t)-1, 1) : 4;
}

size_t aslrt_json_size_bound(const cJSON *v, size_t limit)
{
    return v ? add_size(v, 0, limit ? limit : (size_t)-1, 0) : 4;
}
