/* path.h — parsing JSONPath text into aslrt_path at compile time. */
#ifndef ASL_PATH_H
#define ASL_PATH_H

#include "arena.h"
#include "aslrt.h"

#define ASL_PATH_REFERENCE  1 /* a Reference Path: only .name, ['name'] and [n] */
#define ASL_PATH_NO_CONTEXT 2 /* $$ is not allowed (ResultPath) */
#define ASL_PATH_NO_VARS    4 /* $name is not allowed (ResultPath) */

/* Parses `text` (which starts with $, $$ or $name). Returns the path, owned
   by the arena, or NULL with *err set to a message such as
   "expected a field name after '.' at offset 2". */
const aslrt_path *asl_path_parse(asl_arena *a, const char *text, int flags, const char **err);

#endif
