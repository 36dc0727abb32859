/* jit.h — jit mode: generated C compiled in memory by libtcc. */
#ifndef ASL_JIT_H
#define ASL_JIT_H

#include "diag.h"
#include "ir.h"

typedef struct asl_jit asl_jit;

/* Compiles def's generated code in memory and points def's machines
   (rt.run) at it: def must outlive the result, and runs compiled code
   until prepared for another mode. NULL after reporting to d when libtcc
   fails (an aslc bug: generated code must always compile). */
asl_jit *asl_jit_compile(const asl_def *def, asl_diag *d);

/* The compiled program; valid until asl_jit_free. */
const aslrt_program *asl_jit_program(const asl_jit *j);

void asl_jit_free(asl_jit *j);

#endif
