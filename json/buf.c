/* buf.c — the growable byte buffer's slow paths. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

void asl_buf_init(asl_buf *b)
{
    b->cap = 256;
    b->len = 0;
    b->data = aslrt_xmalloc(b->cap);
    b->data[0] = '\0';
    b->local = NULL;
}

char *asl_buf_take(asl_buf *b)
{
    char *s = b->data;
    if (!s || s == b->local) {
        s = aslrt_xmalloc(b->len + 1);
        memcpy(s, b->data ? b->data : "", b->len + 1);
    }
    b->data = b->local = NULL;
    b->len = b->cap = 0;
    return s;
}

/* Doubling keeps appending linear. The first heap block is 256 bytes (most
   texts are short), or double the local memory a text outgrows. */
void asl_buf_reserve(asl_buf *b, size_t n)
{
    if (b->len + n + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1)
        cap *= 2;
    if (b->data == b->local) { /* still in the caller's memory (or nothing yet) */
        char *p = aslrt_xmalloc(cap);
        if (b->len)
            memcpy(p, b->data, b->len);
        p[b->len] = '\0';
        b->data = p;
    } else {
        b->data = aslrt_xrealloc(b->data, cap);
    }
    b->cap = cap;
}

/* Reads of at least 32 KiB straight into data; the first block is then
   64 KiB, which malloc still takes from the heap rather than mapping. */
int asl_buf_read(asl_buf *b, FILE *f)
{
    for (;;) {
        asl_buf_reserve(b, 32768);
        size_t got = fread(b->data + b->len, 1, b->cap - b->len - 1, f);
        b->len += got;
        b->data[b->len] = '\0';
        if (got == 0)
            return ferror(f) ? -1 : 0;
    }
}

void asl_buf_printf(asl_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    asl_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void asl_buf_add_clean(asl_buf *b, const char *s, size_t n)
{
    const char *end = s + n;
    while (s < end) {
        size_t run = 0;
        while (s + run < end && (unsigned char)s[run] >= 0x20 && s[run] != 0x7f)
            run++;
        asl_buf_add(b, s, run);
        s += run;
        if (s == end)
            break;
        unsigned char c = (unsigned char)*s++;
        char esc[8];
        if (c == '\n')
            asl_buf_add(b, "\\n", 2);
        else if (c == '\t')
            asl_buf_add(b, "\\t", 2);
        else if (c == '\r')
            asl_buf_add(b, "\\r", 2);
        else
            asl_buf_add(b, esc, (size_t)snprintf(esc, sizeof esc, "\\x%02X", c));
    }
}
