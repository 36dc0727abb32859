/* buf.h — a growable text buffer for emitted code. */
#ifndef ASL_BUF_H
#define ASL_BUF_H

#include <stddef.h>

typedef struct asl_buf {
    char *data; /* NUL-terminated */
    size_t len, cap;
} asl_buf;

void asl_buf_init(asl_buf *b);
void asl_buf_free(asl_buf *b);
void asl_buf_add(asl_buf *b, const char *s, size_t n);
void asl_buf_puts(asl_buf *b, const char *s);
void asl_buf_printf(asl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
