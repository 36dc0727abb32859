/* cquote.h — the only way text from a definition reaches generated C. */
#ifndef ASL_CQUOTE_H
#define ASL_CQUOTE_H

#include <stddef.h>

#include "buf.h"

/* Appends s (n bytes) as a C string literal, quotes included. Printable
   ASCII stands for itself except " \ and ?; every other byte is a
   three-digit octal escape; a / next to a * is escaped too, so the literal
   can never open or close a comment. */
void asl_cquote(asl_buf *b, const char *s, size_t n);

/* The same for a NUL-terminated string; NULL is written as 0. */
void asl_cquote_str(asl_buf *b, const char *s);

/* Appends s for use inside a C comment: the same literal, cut to at most
   `max` bytes of s with "..." after. */
void asl_cquote_comment(asl_buf *b, const char *s, size_t max);

#endif
