/* xalloc.h — allocation that never fails: out of memory prints one line and
   aborts. Every layer, the compiler included, allocates through here (arenas
   and buffers too), so there is one message and one way to fail. */
#ifndef ASLRT_XALLOC_H
#define ASLRT_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* Prints "aslrt: error: cannot allocate memory" and aborts: for allocators
   that are not these (cJSON's constructors, libraries) when they return NULL. */
_Noreturn void aslrt_out_of_memory(void);

/* malloc, realloc and strdup that never return NULL (a size of 0 still
   returns a block that free takes). */
void *aslrt_xmalloc(size_t n);
void *aslrt_xrealloc(void *p, size_t n);
char *aslrt_xstrdup(const char *s);
/* A printf-style string, malloc'd (never NULL); aslrt_vstrf takes the
   arguments as a va_list, which it leaves to the caller to va_end. */
char *aslrt_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *aslrt_vstrf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
