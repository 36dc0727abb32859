/* jsonata.h — evaluating JSONata expressions (jsonata_node trees) over cJSON. */
#ifndef JSONATA_H
#define JSONATA_H

#include <cjson/cJSON.h>

#include "jsonata_ast.h"

/* Workflow variables, as the evaluator reads them: the value of variable
   `name` (without the $), borrowed and valid for the whole evaluation, or
   NULL when it is not set. `ctx` is passed through. */
typedef const cJSON *(*jsonata_lookup_fn)(void *ctx, const char *name);

/* jsonata_eval's result when the expression evaluates to a function,
   which no JSON field can hold (AWS: "returned an unsupported result type"). */
#define JSONATA_FUNCTION 1

/* Evaluates expr as Step Functions does (JSONata 2.0.6, all built-ins but
   $eval, plus $partition $range $hash $random $uuid $parse):
     - there is no context value: `$` at the top level is undefined;
     - `$states` is `states` (borrowed: {input, context, result?, errorOutput?});
     - any other `$name` not bound inside the expression is looked up with
       lookup(ctx, name) (lookup may be NULL), then among the built-ins.
   Returns
     0   *out = the result (owned by the caller), NULL when it is undefined;
    -1   a JSONata error: *err (malloc'd) is its code and message, e.g.
         "T1006: Attempted to invoke a non-function" or "D3137: custom
         message" for $error("custom message"); *out = NULL;
     JSONATA_FUNCTION  the result is a function; *out = NULL, no error.
   Evaluation is bounded: nesting depth (U1001), memory (U1002) and range
   sizes (D2014) give errors, never a crash. Thread-safe: no shared mutable
   state except a mutex-protected cache of compiled regular expressions. */
int jsonata_eval(const jsonata_node *expr, const cJSON *states, jsonata_lookup_fn lookup, void *ctx, cJSON **out,
                 char **err);

#endif
