/* jsonprint.h — JSON text as AWS writes it: compact, numbers exact. */
#ifndef ASLRT_JSONPRINT_H
#define ASLRT_JSONPRINT_H

#include <stddef.h>
#include <stdio.h>
#include <cjson/cJSON.h>

/* Compact JSON text of v, malloc'd (never NULL: aborts on out of memory).
   Numbers print exactly: integers in full, others with the fewest digits
   that read back as the same double. */
char *aslrt_json_text(const cJSON *v);
/* The same text in buf (size bytes) when it fits, else malloc'd: free the
   result unless it is buf. *len gets its length. */
char *aslrt_json_text_buf(const cJSON *v, char *buf, size_t size, size_t *len);
/* The same text written to f (no newline). */
void aslrt_json_write(const cJSON *v, FILE *f);
/* The length of that text, counted without writing it; past `limit` the
   count stops soon after, so a large document costs no more than the limit
   to measure. */
size_t aslrt_json_size(const cJSON *v, size_t limit);
/* At least that length, sooner: a number other than an integer counts as
   the longest a number prints. */
size_t aslrt_json_size_bound(const cJSON *v, size_t limit);
/* One number as aslrt_json_text writes it; buf holds at least 32 bytes. */
void aslrt_number_format(double d, char *buf);

#endif
