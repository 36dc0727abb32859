/* interp.h — interp mode: walking the IR. */
#ifndef ASL_INTERP_H
#define ASL_INTERP_H

#include "ir.h"

/* Points every machine of def at the interpreter, so that def->program runs
   by walking the IR. */
void asl_interp_prepare(asl_def *def);

#endif
