/* intrinsic.h — parsing intrinsic function calls (States.Format(...)) into
   ASLRT_T_CALL templates at compile time. */
#ifndef ASL_INTRINSIC_H
#define ASL_INTRINSIC_H

#include "arena.h"
#include "aslrt.h"

/* Parses a whole call such as "States.Format('{}', $.x)". Returns the call,
   owned by the arena, or NULL with *err set (unknown function, bad argument
   count where it is fixed, bad escape, nesting deeper than 10, ...). */
const aslrt_tmpl *asl_intrinsic_parse(asl_arena *a, const char *text, const char **err);

/* The first call in t (depth first) of a States.* function aslc does not
   know (fn ASLRT_FN_UNKNOWN), as a message naming it and the closest known
   name; NULL when every call is known. */
const char *asl_intrinsic_unknown(asl_arena *a, const aslrt_tmpl *t);

#endif
