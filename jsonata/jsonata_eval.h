/* jsonata_eval.h — the ASL runtime's entry to the evaluator: a parsed tree (jsonata_node, which
   generated programs hold as static data) evaluated as Step Functions does. Programs using
   JSONata on its own want jsonata.h instead. */
#ifndef JSONATA_EVAL_H
#define JSONATA_EVAL_H

#include <cjson/cJSON.h>

#include "jsonata.h" /* jsonata_lookup_fn (variables: `ctx` is passed through), JSONATA_FUNCTION */
#include "jsonata_ast.h"

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
