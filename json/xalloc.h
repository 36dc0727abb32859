/* xalloc.h — allocation that never fails: out of memory prints one line and aborts. */
#ifndef ASLRT_XALLOC_H
#define ASLRT_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* Out of memory: print one line and abort. */
void *aslrt_xmalloc(size_t n);
char *aslrt_xstrdup(const char *s);
/* A printf-style string, malloc'd (never NULL); aslrt_vstrf takes the
   arguments as a va_list, which it leaves to the caller to va_end. */
char *aslrt_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *aslrt_vstrf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
