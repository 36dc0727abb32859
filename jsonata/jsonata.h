/* jsonata.h — JSONata 2.0 expressions over cJSON documents: the public API of libjsonata.
 *
 *     jsonata_error err;
 *     jsonata_expr *e = jsonata_compile("$sum(items.price)", &err);  // once
 *     cJSON *result;
 *     if (e && jsonata_evaluate(e, doc, NULL, &result, &err) == 0) {  // many times
 *         ...                                                         // result: NULL if undefined
 *         cJSON_Delete(result);
 *     }
 *     jsonata_free(e);
 *
 * Link with `pkg-config --cflags --libs jsonata`. The semantics are those of JSONata 2.0.6
 * (jsonata-js): `$` and `$$` are the input document, every built-in function but $eval.
 *
 * Ownership follows one rule: a `const cJSON *` argument is borrowed (read, never kept after
 * the call returns), and a `cJSON *` handed back is the caller's, to free with cJSON_Delete.
 *
 * Memory: results are built with cJSON, so cJSON_InitHooks decides where they live. An
 * evaluation's working memory (an arena freed when it returns) comes from jsonata_env's
 * `alloc` hook when set, else malloc; exhausting it, or env->max_memory, is error U1002, not
 * a crash. Compiling and the process-wide cache of regular expressions use malloc, and out of
 * memory there ends the process with one line on stderr.
 *
 * Threads: a compiled expression is read-only; any number of threads may evaluate it at once.
 */
#ifndef JSONATA_H
#define JSONATA_H

#include <stddef.h>

#include <cjson/cJSON.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A compiled expression (opaque). */
typedef struct jsonata_expr jsonata_expr;

/* Why compiling or evaluating failed. */
typedef struct jsonata_error {
    char code[8];       /* JSONata's code: "S0202", "T2001", "D3030", ...; "" for the few errors
                           jsonata-js raises as plain JavaScript TypeErrors */
    int position;       /* byte offset in the expression text: of the token a syntax error is
                           about, or of the operator, call or construct whose evaluation failed
                           (for a call: its "("); -1 when unknown */
    char message[1024]; /* the message without the code, e.g. `The left side of the "+"
                           operator must evaluate to a number` (long messages are cut) */
} jsonata_error;

/* A variable the expression reads and does not bind itself, by name without the `$`: its
   value, borrowed and valid until jsonata_evaluate returns, or NULL when it is not set. */
typedef const cJSON *(*jsonata_lookup_fn)(void *user, const char *name);

/* Everything an evaluation may take besides the input; zero means "the default" for every
   field, so `jsonata_env env = {0};` is a valid start. */
typedef struct jsonata_env {
    const cJSON *bindings;   /* an object whose members bind variables: {"rate": 0.5} binds $rate
                                (borrowed); they shadow built-ins, as jsonata-js bindings do */
    jsonata_lookup_fn lookup; /* asked for variables `bindings` does not have, or NULL */
    int max_depth;           /* nesting of evaluations and calls before error U1001 (0:
                                JSONATA_DEFAULT_MAX_DEPTH). It bounds the C stack used, about
                                JSONATA_STACK_PER_DEPTH bytes a level: lower it on small stacks */
    double time_limit_ms;    /* wall-clock time before error U1001 (0: no limit) */
    size_t max_memory;       /* bytes of working memory before error U1002 (0:
                                JSONATA_DEFAULT_MAX_MEMORY) */
    int (*cancelled)(void *user); /* polled now and then (every few thousand steps); nonzero
                                stops the evaluation with error U1003 */
    void *(*alloc)(void *user, size_t size); /* working memory, in blocks of 8 KiB or more;
                                NULL means out of memory (U1002). Both or neither: */
    void (*dealloc)(void *user, void *block);
    void *user;              /* passed to lookup, cancelled, alloc and dealloc */
    unsigned flags;          /* JSONATA_* below */
} jsonata_env;

#define JSONATA_DEFAULT_MAX_DEPTH 1000
#define JSONATA_STACK_PER_DEPTH 512
#define JSONATA_DEFAULT_MAX_MEMORY ((size_t)512 << 20)

/* flags: also define the functions AWS Step Functions adds to JSONata ($partition, $range,
   $hash, $uuid, $parse; $random with a seed takes a seed anyway). */
#define JSONATA_AWS_FUNCTIONS 1u

/* jsonata_evaluate's result when the expression evaluates to a function, which no cJSON
   value can hold: *result is NULL, and it is not an error. */
#define JSONATA_FUNCTION 1

/* Compiles expression text (UTF-8, NUL-terminated). Returns the expression, to free with
   jsonata_free, or NULL with a syntax error (S0xxx) in *err (err may be NULL). */
jsonata_expr *jsonata_compile(const char *text, jsonata_error *err);

/* Evaluates e with `input` as the context value `$` and the root `$$` (NULL: no input, as
   jsonata-js's `undefined`; an array input is one value, as jsonata-js treats it), and env
   (NULL: all defaults). Returns
     0                 *result = the value (the caller's), or NULL when it is undefined;
     JSONATA_FUNCTION  the value is a function: *result = NULL;
     -1                an error, described in *err (err may be NULL): *result = NULL. */
int jsonata_evaluate(const jsonata_expr *e, const cJSON *input, const jsonata_env *env, cJSON **result,
                     jsonata_error *err);

/* Frees a compiled expression (NULL is fine). */
void jsonata_free(jsonata_expr *e);

#ifdef __cplusplus
}
#endif

#endif
