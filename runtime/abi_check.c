/* abi_check.c — aslrt.h restates cJSON's node layout and type bits so that
   libtcc needs no system headers, and aslrt_abi.def restates the functions
   generated code calls so that the JIT can declare them; this checks that
   each agrees with its original. */
#include <stddef.h>

#include <cjson/cJSON.h>

#include "aslrt.h"

_Static_assert(ASLRT_J_FALSE == cJSON_False && ASLRT_J_TRUE == cJSON_True && ASLRT_J_NULL == cJSON_NULL &&
                   ASLRT_J_NUMBER == cJSON_Number && ASLRT_J_STRING == cJSON_String &&
                   ASLRT_J_ARRAY == cJSON_Array && ASLRT_J_OBJECT == cJSON_Object &&
                   ASLRT_J_CONST == cJSON_StringIsConst,
               "aslrt.h's type bits differ from cJSON's");
_Static_assert(offsetof(cJSON, next) == 0 && offsetof(cJSON, prev) == sizeof(void *) &&
                   offsetof(cJSON, child) == 2 * sizeof(void *) && offsetof(cJSON, type) == 3 * sizeof(void *) &&
                   offsetof(cJSON, valuestring) == 4 * sizeof(void *) &&
                   offsetof(cJSON, valueint) == 5 * sizeof(void *) &&
                   offsetof(cJSON, valuedouble) == 6 * sizeof(void *) &&
                   offsetof(cJSON, string) == 7 * sizeof(void *) && sizeof(cJSON) == 8 * sizeof(void *),
               "aslrt.h's cJSON layout differs from <cjson/cJSON.h> (on this LP64 target)");

/* Each function of aslrt_abi.def has the type aslrt.h gives it. */
#define ASLRT_ABI(ret, name, params)                                                                \
    _Static_assert(__builtin_types_compatible_p(__typeof__(&name), ret(*) params),                  \
                   #name " in aslrt_abi.def differs from aslrt.h");
#include "aslrt_abi.def"
#undef ASLRT_ABI
