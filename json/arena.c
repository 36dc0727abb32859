/* arena.c — a bump allocator over a list of blocks. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "xalloc.h"

typedef struct block {
    struct block *next;
    size_t used, size;
    max_align_t data[];
} block;

struct asl_arena {
    block *head;
};

asl_arena *asl_arena_new(void)
{
    asl_arena *a = aslrt_xmalloc(sizeof *a);
    a->head = NULL;
    return a;
}

void asl_arena_free(asl_arena *a)
{
    if (!a)
        return;
    for (block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}

void *asl_arena_alloc(asl_arena *a, size_t n)
{
    const size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = n > 32768 ? n : 32768;
        b = aslrt_xmalloc(sizeof *b + size);
        b->used = 0;
        b->size = size;
        /* A big request gets a block of its own behind the current one, so
           the current block's free space is not wasted. */
        if (a->head && n > 32768) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return memset(p, 0, n);
}

char *asl_arena_strndup(asl_arena *a, const char *s, size_t n)
{
    char *p = asl_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *asl_arena_strdup(asl_arena *a, const char *s)
{
    return asl_arena_strndup(a, s, strlen(s));
}

char *asl_arena_printf(asl_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = asl_arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
