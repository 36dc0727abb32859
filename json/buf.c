/* buf.c — a growable text buffer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "buf.h"

void asl_buf_init(asl_buf *b)
{
    b->cap = 256;
    b->len = 0;
    b->data = aslrt_xmalloc(b->cap);
    b->data[0] = '\0';
}

void asl_buf_free(asl_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static void reserve(asl_buf *b, size_t n)
{
    if (b->len + n + 1 <= b->cap)
        return;
    while (b->len + n + 1 > b->cap)
        b->cap *= 2;
    b->data = aslrt_xrealloc(b->data, b->cap);
}

void asl_buf_add(asl_buf *b, const char *s, size_t n)
{
    reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void asl_buf_puts(asl_buf *b, const char *s)
{
    asl_buf_add(b, s, strlen(s));
}

void asl_buf_printf(asl_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}
