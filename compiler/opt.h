/* opt.h — decisions the compiler takes once about a built IR, recorded as
   flags in its descriptors so that every mode reads them (internal). */
#ifndef ASL_OPT_H
#define ASL_OPT_H

#include "ir.h"

/* Sets ASLRT_TF_UNIQUE_KEYS on template objects whose keys are distinct,
   and ASLRT_MOVE_INPUT / ASLRT_TF_MOVE where a Pass state's Parameters may
   move nodes out of an input that dies with the state. */
void asl_opt_def(asl_def *def);

#endif
