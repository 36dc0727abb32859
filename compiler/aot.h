/* aot.h — aot mode: generated C compiled by the system C compiler and linked
   with libaslrt.a into a standalone executable. */
#ifndef ASL_AOT_H
#define ASL_AOT_H

#include "diag.h"
#include "ir.h"

typedef struct asl_aot_options {
    const char *cc;              /* C compiler; NULL: $CC, else "cc" */
    const char *opt_level;       /* -O level; NULL: "2" */
    const char *const *handlers; /* C files with native Task handlers */
    int nhandlers;
} asl_aot_options;

/* Builds def into the executable `out`. 0, or -1 after reporting to d. */
int asl_aot_build(const asl_def *def, const char *out, const asl_aot_options *o, asl_diag *d);

/* Builds def into a temporary executable and runs it with argv (run options;
   argv[0] is ignored); returns its exit status, or 2 when it could not run. */
int asl_aot_run(const asl_def *def, int argc, char **argv, asl_diag *d);

#endif
