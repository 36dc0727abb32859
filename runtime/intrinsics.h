/* intrinsics.h — the States.* intrinsic functions. */
#ifndef ASLRT_INTRINSICS_H
#define ASLRT_INTRINSICS_H

#include "exec.h"

/* Calls intrinsic t (kind ASLRT_T_CALL) with its arguments evaluated over
   `input`. Owned by the caller; NULL on an error (States.IntrinsicFailure, or
   States.Runtime when a path argument finds nothing). */
cJSON *aslrt_intrinsic_call(aslrt_exec *ex, const aslrt_tmpl *t, const cJSON *input);

#endif
