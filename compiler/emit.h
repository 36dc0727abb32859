/* emit.h — the code generator: IR -> readable C. */
#ifndef ASL_EMIT_H
#define ASL_EMIT_H

#include "ir.h"

/* The C source of def, malloc'd: static descriptors, one function per state
   machine with a label per state and a goto per transition, and the exported
   `aslg_program`. With include_header 0 the `#include "aslrt.h"` line is left
   out (the JIT puts the header text in front instead). */
char *asl_emit_c(const asl_def *def, int include_header);

/* A descriptor array the code of asl_emit_c_code names but does not define. */
typedef struct asl_emit_sym {
    char name[32];     /* k_states_<machine>, k_rules_<n> */
    const void *ptr;   /* the IR's array */
} asl_emit_sym;

/* For the JIT: the machine functions alone (non-static aslg_m<id>, one per
   machine), referring to def's own descriptors, which the IR already holds
   in memory, as extern arrays; *syms (malloc'd, *nsyms entries) says which
   array each name is. The descriptors need no compiling, and stay those
   the interpreter would read. */
char *asl_emit_c_code(const asl_def *def, asl_emit_sym **syms, int *nsyms);

#endif
