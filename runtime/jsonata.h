/* jsonata.h — evaluating JSONata expressions (aslrt_jx trees) over cJSON. */
#ifndef ASLRT_JSONATA_H
#define ASLRT_JSONATA_H

#include "exec.h"

/* Workflow variables, as the evaluator reads them: the value of variable
   `name` (without the $), borrowed and valid for the whole evaluation, or
   NULL when it is not set. `ctx` is passed through. */
typedef const cJSON *(*aslrt_jsonata_var_fn)(void *ctx, const char *name);

/* aslrt_jsonata_eval's result when the expression evaluates to a function,
   which no JSON field can hold (AWS: "returned an unsupported result type"). */
#define ASLRT_JSONATA_FUNCTION 1

/* The error name every evaluation error is reported under. */
#define ASLRT_JSONATA_ERROR "States.QueryEvaluationError"

/* Evaluates expr as Step Functions does (JSONata 2.0.6, all built-ins but
   $eval, plus $partition $range $hash $random $uuid $parse):
     - there is no context value: `$` at the top level is undefined;
     - `$states` is `states` (borrowed: {input, context, result?, errorOutput?});
     - any other `$name` not bound inside the expression is looked up with
       lookup(ctx, name) (lookup may be NULL), then among the built-ins.
   Returns
     0   *out = the result (owned by the caller), NULL when it is undefined;
    -1   a JSONata error: ex's error is ASLRT_JSONATA_ERROR and its cause the
         JSONata code and message, e.g. "T1006: Attempted to invoke a
         non-function" or "D3137: custom message" for $error("custom
         message"); the caller wraps it into AWS's "The JSONata expression
         '...' specified for the field '...' threw an error during
         evaluation. <cause>"; *out = NULL;
     ASLRT_JSONATA_FUNCTION  the result is a function; *out = NULL, no error set.
   Evaluation is bounded: nesting depth (U1001), memory (U1002) and range
   sizes (D2014) give errors, never a crash. Thread-safe: no shared mutable
   state except a mutex-protected cache of compiled regular expressions. */
int aslrt_jsonata_eval(aslrt_exec *ex, const aslrt_jx *expr, const cJSON *states, aslrt_jsonata_var_fn lookup,
                       void *ctx, cJSON **out);

#endif
