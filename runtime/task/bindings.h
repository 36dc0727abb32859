/* bindings.h — `--bindings FILE`: which local handler does a Task's work
   (design.md "Tasks: where the work happens locally"). */
#ifndef ASLRT_BINDINGS_H
#define ASLRT_BINDINGS_H

#include <cjson/cJSON.h>

#include "aslrt.h"

/* How a bound handler runs. */
enum {
    ASLRT_BIND_EXEC, /* {"exec": [argv...]}: a process, input on stdin, result on stdout */
    ASLRT_BIND_HTTP  /* {"http": "URL"}: POST the input, the body is the result */
};

/* One entry of the bindings file. */
typedef struct aslrt_binding {
    const char *key;  /* the resource or pattern, as written */
    int kind;         /* ASLRT_BIND_* */
    char **argv;      /* EXEC: NULL-terminated */
    const char *url;  /* HTTP */
    const char *dir;  /* the bindings file's directory: EXEC's working directory,
                         so that relative paths resolve against it */
} aslrt_binding;

typedef struct aslrt_bindings aslrt_bindings;

/* Loads a bindings file: a JSON object mapping a resource (exact ARN, or a
   pattern where `*` stands for any run of characters) to a handler. NULL
   with *err (malloc'd, "FILE: /pointer: message", the pointer naming the
   field at fault) when it is unusable. */
aslrt_bindings *aslrt_bindings_load(const char *file, char **err);
/* The same from text (len bytes, called `name` in messages), exec handlers
   running in `dir`. */
aslrt_bindings *aslrt_bindings_parse(const char *name, const char *text, size_t len, const char *dir, char **err);
void aslrt_bindings_free(aslrt_bindings *b);

/* The binding for a Task, NULL when none: see aslrt_binding_match(). The
   result is borrowed from b. */
const aslrt_binding *aslrt_bindings_find(const aslrt_bindings *b, const char *resource, const char *function_name);

/* Does `pattern` match all of `text`? `*` matches any run of characters
   (none included); every other character matches itself. */
int aslrt_pattern_match(const char *pattern, const char *text);

/* Which of n keys binds a Task: the index, or -1. A Task is known by its
   Resource, by the FunctionName of a lambda:invoke (function_name, may be
   NULL), and by the bare function name inside either when it is a Lambda
   ARN. An exact key wins over a pattern; among patterns the first in order
   that matches any of the names. */
int aslrt_binding_match(const char *const *keys, int n, const char *resource, const char *function_name);

/* Is resource arn:<partition>:states:::lambda:invoke (1) or its
   .waitForTaskToken form (2), whose Parameters name the function (0: no)? */
int aslrt_lambda_invoke_kind(const char *resource);

/* For `aslc check --bindings`: does a handler exist for Task st? 1 when b
   binds it, when aslc carries the resource out itself, or when its
   FunctionName is computed at run time (nobody can tell); 0 when nothing
   would handle it. *function_name is set to the literal FunctionName of a
   lambda:invoke Task (borrowed from st), else NULL. */
int aslrt_bindings_cover(const aslrt_bindings *b, const aslrt_state *st, const char **function_name);

/* "Name" from "arn:aws:lambda:<region>:<account>:function:Name[:qualifier]"
   (or the partial "<account>:function:Name"), malloc'd; NULL for anything
   else. */
char *aslrt_lambda_function_name(const char *arn);

#endif
