/* abi_check.c — aslrt.h restates cJSON's node layout and type bits so that
   libtcc needs no system headers; this checks the two agree. */
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
