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

#include "buf.h"
#include "jsonprint.h"

/* The text being written: in a buffer that grows, or in a fixed one that
   is written to a file whenever it fills. put() writes at data + len
   itself rather than through asl_buf_add, which would also store a NUL
   after every piece: the text is terminated once, when it is done. */
typedef struct out {
    asl_buf b;
    FILE *f; /* set: b stays in its local memory and is flushed to f */
} out;

/* put() when the buffer is full: flush it to the file, or grow it. */
static void put_slow(out *o, const char *s, size_t n)
{
    if (o->f) {
        fwrite(o->b.data, 1, o->b.len, o->f);
        o->b.len = 0;
        if (n + 1 > o->b.cap) {
            fwrite(s, 1, n, o->f);
            return;
        }
    } else {
        asl_buf_reserve(&o->b, n);
    }
    memcpy(o->b.data + o->b.len, s, n);
    o->b.len += n;
}

static inline void put(out *o, const char *s, size_t n)
{
    if (o->b.len + n + 1 > o->b.cap) {
        put_slow(o, s, n);
        return;
    }
    memcpy(o->b.data + o->b.len, s, n);
    o->b.len += n;
}

static inline void put_char(out *o, char c)
{
    if (o->b.len + 2 > o->b.cap) {
        put_slow(o, &c, 1);
        return;
    }
    o->b.data[o->b.len++] = c;
}

/* aslrt_number_format, returning the length of the text. */
static size_t number_text(double d, char *buf)
{
    if (!isfinite(d)) { /* JSON has no NaN or infinities; cJSON writes null too */
        memcpy(buf, "null", 5);
        return 4;
    }
    if (d == 0) { /* -0 prints as 0, as JavaScript and Java's JSON writers do */
        memcpy(buf, "0", 2);
        return 1;
    }
    if (d > -1e17 && d < 1e17 && d == (double)(long long)d) {
        /* An integer below 10^17 converts to long long exactly; writing its
           digits directly is several times faster than "%.0f", and output
           documents (a Map's 10,000 results) are mostly such numbers. */
        long long n = (long long)d;
        unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
        size_t len = 1;
        for (unsigned long long x = u; x >= 10; x /= 10)
            len++;
        char *p = buf + (n < 0);
        buf[0] = '-';
        p[len] = '\0';
        for (size_t i = len; i > 0; u /= 10)
            p[--i] = (char)('0' + u % 10);
        return len + (n < 0);
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return strlen(buf);
}

void aslrt_number_format(double d, char *buf)
{
    number_text(d, buf);
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
    put_char(o, '"');
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (escaped_size(c) == 1)
            continue;
        if (s > run)
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
    put_char(o, '"');
}

static void put_value(out *o, const cJSON *v)
{
    char num[32];
    switch (v->type & 0xff) {
    case cJSON_False: put(o, "false", 5); break;
    case cJSON_True: put(o, "true", 4); break;
    case cJSON_Number:
        put(o, num, number_text(v->valuedouble, num));
        break;
    case cJSON_String: put_string(o, v->valuestring ? v->valuestring : ""); break;
    case cJSON_Raw: put(o, v->valuestring, strlen(v->valuestring)); break;
    case cJSON_Array:
    case cJSON_Object: {
        int obj = (v->type & 0xff) == cJSON_Object;
        put_char(o, obj ? '{' : '[');
        for (const cJSON *c = v->child; c; c = c->next) {
            if (obj) {
                put_string(o, c->string ? c->string : "");
                put_char(o, ':');
            }
            put_value(o, c);
            if (c->next)
                put_char(o, ',');
        }
        put_char(o, obj ? '}' : ']');
        break;
    }
    default: put(o, "null", 4); break;
    }
}

char *aslrt_json_text(const cJSON *v)
{
    size_t len;
    return aslrt_json_text_buf(v, NULL, 0, &len); /* the first put allocates */
}

/* Every value puts at least one byte, and put() leaves room for the NUL. */
char *aslrt_json_text_buf(const cJSON *v, char *buf, size_t size, size_t *len)
{
    out o = {{0}, NULL};
    if (size)
        asl_buf_init_local(&o.b, buf, size);
    if (v)
        put_value(&o, v);
    else
        put(&o, "null", 4);
    o.b.data[o.b.len] = '\0';
    *len = o.b.len;
    return o.b.data;
}

/* Writes v's text to f a buffer at a time: a large output then exists once,
   as a tree, rather than also as a string as long as itself. */
void aslrt_json_write(const cJSON *v, FILE *f)
{
    char buf[8192];
    out o = {{0}, f};
    asl_buf_init_local(&o.b, buf, sizeof buf);
    if (v)
        put_value(&o, v);
    else
        put(&o, "null", 4);
    fwrite(o.b.data, 1, o.b.len, f);
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
