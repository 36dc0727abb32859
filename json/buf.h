/* buf.h — the growable byte buffer: text built a piece at a time (generated
   C, messages, a process's output, JSON text). */
#ifndef ASL_BUF_H
#define ASL_BUF_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* data holds len bytes and a NUL after them, in cap bytes. A zeroed asl_buf
   (`asl_buf b = {0}`) is empty and allocates nothing until the first byte
   is added, data being NULL till then; asl_buf_init allocates at once, so
   data is "" from the start. Setting len to 0 empties b for reuse (the NUL
   comes back with the next append). */
typedef struct asl_buf {
    char *data;
    size_t len, cap;
    char *local; /* asl_buf_init_local's memory: data while the text fits, never freed */
} asl_buf;

void asl_buf_init(asl_buf *b);
/* The text, malloc'd ("" when b is empty, copied when it is still in local
   memory); b is left empty, as if zeroed. */
char *asl_buf_take(asl_buf *b);

/* Room for n more bytes and the NUL, for code that writes at data + len
   itself (and then keeps len and the NUL right). */
void asl_buf_reserve(asl_buf *b, size_t n);

/* Appends the rest of f. 0 at its end; -1 on a read error, errno as fread
   left it (what was read stays in b). */
int asl_buf_read(asl_buf *b, FILE *f);

/* What hot paths use is inline: Format and JSON text append a few bytes at
   a time, and a call per piece would cost as much as the copy. */

/* Starts b in the caller's memory (size bytes, at least 1), so that a short
   text costs no allocation; a longer one moves to the heap. mem must outlive
   b, and only asl_buf_take hands the text on. */
static inline void asl_buf_init_local(asl_buf *b, char *mem, size_t size)
{
    b->data = b->local = mem;
    b->len = 0;
    b->cap = size;
    mem[0] = '\0';
}

/* Frees what b allocated and leaves it empty, as if zeroed. */
static inline void asl_buf_free(asl_buf *b)
{
    if (b->data != b->local)
        free(b->data);
    b->data = b->local = NULL;
    b->len = b->cap = 0;
}

static inline void asl_buf_add(asl_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap)
        asl_buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static inline void asl_buf_putc(asl_buf *b, char c)
{
    if (b->len + 2 > b->cap)
        asl_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

static inline void asl_buf_puts(asl_buf *b, const char *s)
{
    asl_buf_add(b, s, strlen(s));
}

void asl_buf_printf(asl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends the n bytes of s so that they stay on one line and cannot drive a
   terminal (names in definitions and files may hold newlines or escape
   sequences): control bytes become \n, \t, \r or \xNN. */
void asl_buf_add_clean(asl_buf *b, const char *s, size_t n);

#endif
