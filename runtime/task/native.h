/* native.h — Tasks carried out by C functions registered through
   aslrt_handler.h (the API handlers see, also defined in native.c)
   (internal). */
#ifndef ASLRT_NATIVE_H
#define ASLRT_NATIVE_H

#include <cjson/cJSON.h>

#include "aslrt_handler.h"
#include "task.h"

/* The native handler registered for a Task (see aslrt_binding_match()), or
   NULL. */
aslrt_handler_fn aslrt_native_find(const char *resource, const char *function_name);
/* Calls a native handler and checks what it did. */
int aslrt_native_invoke(aslrt_task *t, aslrt_handler_fn fn, const cJSON *input, cJSON **result);

#endif
