/* xalloc.c — allocation that never returns NULL: out of memory ends the process. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void aslrt_out_of_memory(void)
{
    fputs("aslrt: error: cannot allocate memory\n", stderr);
    abort();
}

void *aslrt_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        aslrt_out_of_memory();
    return p;
}

void *aslrt_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        aslrt_out_of_memory();
    return p;
}

char *aslrt_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(aslrt_xmalloc(n), s, n);
}

/* Two passes: the length first, on a copy of ap, then the text. */
char *aslrt_vstrf(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    char *s = aslrt_xmalloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *aslrt_strf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = aslrt_vstrf(fmt, ap);
    va_end(ap);
    return s;
}
