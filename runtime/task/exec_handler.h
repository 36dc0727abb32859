/* exec_handler.h — Tasks carried out by a local program (--bindings "exec")
   (internal). */
#ifndef ASLRT_EXEC_HANDLER_H
#define ASLRT_EXEC_HANDLER_H

#include <cjson/cJSON.h>

#include "bindings.h"
#include "task.h"

/* Runs an exec binding: input on stdin, result from stdout (see
   exec_handler.c). 0 with *result (owned), or -1 with ex's error. */
int aslrt_exec_invoke(aslrt_task *t, const aslrt_binding *b, const cJSON *input, cJSON **result);

#endif
