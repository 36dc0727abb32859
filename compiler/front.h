/* front.h — the front end: definition file -> validated IR. */
#ifndef ASL_FRONT_H
#define ASL_FRONT_H

#include "diag.h"
#include "ir.h"
#include "subst.h"

/* How the IR is built. */
typedef struct asl_front_opts {
    int no_opt; /* leave out every decision taken only for speed (asl_def.no_opt): what
                   runs is the definition as written, to check the optimizations against */
    const asl_subst *subst; /* --substitutions/--substitution: placeholders filled before the
                               definition is parsed (subst.c); NULL when none was given */
} asl_front_opts;

/* Reads, parses and validates `file`, reporting every problem to d. Returns
   the IR, or NULL when there were errors (d->nerrors > 0). Warnings do not
   stop it. */
asl_def *asl_front_load(const char *file, asl_diag *d);

/* The same for a definition already in memory: text holds len bytes (not
   necessarily NUL-terminated); file names it in diagnostics. */
asl_def *asl_front_load_text(const char *file, const char *text, size_t len, asl_diag *d);

/* Either with options (NULL: the defaults): from text (len bytes) when it is
   not NULL, else from the file. */
asl_def *asl_front_load_opts(const char *file, const char *text, size_t len, const asl_front_opts *o,
                             asl_diag *d);

/* Frees the IR, its arena and its document. */
void asl_def_free(asl_def *def);

#endif
