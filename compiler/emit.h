/* emit.h — the code generator: IR -> readable C. */
#ifndef ASL_EMIT_H
#define ASL_EMIT_H

#include "ir.h"

/* The C source of def, malloc'd: static descriptors, one function per state
   machine with a label per state and a goto per transition, and the exported
   `aslg_program`. With include_header 0 the `#include "aslrt.h"` line is left
   out (the JIT puts the header text in front instead). */
char *asl_emit_c(const asl_def *def, int include_header);

#endif
