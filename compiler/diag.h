/* diag.h — collecting and printing diagnostics: `FILE: /JSON/Pointer: message`. */
#ifndef ASL_DIAG_H
#define ASL_DIAG_H

#include <stdio.h>

#include "arena.h"

/* Where diagnostics go instead of a stream, for a caller that wants them one by one (aslc
   serve's ValidateStateMachineDefinition): warning 0 or 1, the JSON pointer (NULL when the
   problem has none, such as a syntax error), the message as written (a syntax error's is the
   whole `FILE:LINE:COL: ...` text with the line and caret). */
typedef void asl_diag_sink(void *ctx, int warning, const char *pointer, const char *message);

typedef struct asl_diag {
    const char *file;   /* the definition's file name, as given */
    FILE *out;          /* stderr, or a memory stream in tests */
    int nerrors;
    int nwarnings;
    asl_diag_sink *sink; /* NULL: printed to out */
    void *sink_ctx;
} asl_diag;

void asl_diag_init(asl_diag *d, const char *file, FILE *out);
/* Diagnostics to sink(ctx, ...) rather than printed. */
void asl_diag_init_sink(asl_diag *d, const char *file, asl_diag_sink *sink, void *ctx);

/* `FILE: POINTER: message`; pointer "" is the document itself. */
void asl_diag_error(asl_diag *d, const char *pointer, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void asl_diag_warning(asl_diag *d, const char *pointer, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A message with no pointer: `FILE: message` (file-level problems). */
void asl_diag_plain(asl_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The longest name or value a message quotes whole: AWS's limit on a state
   name. Longer ones, and longer pointer tokens, are cut short with "...". */
#define ASL_DIAG_SHOW_MAX 80

/* s as a message quotes it: s itself, or at most ASL_DIAG_SHOW_MAX bytes
   ending in "..." (in a), cut at a character boundary. */
const char *asl_diag_excerpt(asl_arena *a, const char *s);

/* pointer + "/" + token, the token escaped as RFC 6901 says (~ -> ~0, / -> ~1). */
char *asl_ptr_join(asl_arena *a, const char *pointer, const char *token);
char *asl_ptr_index(asl_arena *a, const char *pointer, int index);

/* The candidate closest to `word` by edit distance, or NULL when none is
   close enough to be a likely typo. */
const char *asl_did_you_mean(const char *word, const char *const *candidates, int n);

#endif
