/* query.h — JSONata fields and Assign: the data-flow steps that depend on a
   state's query language (asl-reference §3.1, §8, §9) (internal). */
#ifndef ASLRT_QUERY_H
#define ASLRT_QUERY_H

#include "exec.h"

/* The error every JSONata-state evaluation problem raises (§9). */
#define ASLRT_QUERY_ERROR "States.QueryEvaluationError"

/* States.QueryEvaluationError with AWS's prefix (§6.4: "An error occurred
   while executing the state 'S' (entered at the event id #N). <detail>"),
   and an EvaluationFailed history event naming `location` (the field, may
   be NULL). Returns -1. */
int aslrt_query_error(aslrt_exec *ex, const char *location, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A template of a JSONata state (Output, Assign, Arguments, ItemSelector,
   ...): LITERAL parts copied, JSONATA leaves evaluated with
   $states = {input, context[, result][, errorOutput]} (result and
   error_output may be NULL: absent). Owned by the caller; NULL with
   States.QueryEvaluationError set. Also takes JSONPath templates with
   JSONATA leaves inside (aslrt_tmpl_eval sends those here). */
cJSON *aslrt_query_eval(aslrt_exec *ex, const aslrt_tmpl *t, const cJSON *input, const cJSON *result,
                        const cJSON *error_output);

/* A JSONata number field (Wait Seconds, TimeoutSeconds, MaxConcurrency,
   ToleratedFailure*): its value in [min, max], an integer when `integer`.
   -1 with States.QueryEvaluationError otherwise. */
int aslrt_query_number(aslrt_exec *ex, const aslrt_tmpl *t, const cJSON *input, int integer, double min,
                       double max, double *out);

/* A JSONata Map's Items (§2.8): the array it evaluates to, or NULL with
   States.QueryEvaluationError ("... returned an unexpected result type.
   Expected 'array', but was '<type>' for value: <json>" [A]). */
cJSON *aslrt_query_array(aslrt_exec *ex, const aslrt_tmpl *t, const cJSON *input);

/* A JSONata string field (Fail Error/Cause, Wait Timestamp): malloc'd, or
   NULL with States.QueryEvaluationError. */
char *aslrt_query_string(aslrt_exec *ex, const aslrt_tmpl *t, const cJSON *input);

/* A JSONata Choice rule's Condition: 1 or 0, -1 with the error set when it
   is not a boolean. */
int aslrt_query_condition(aslrt_exec *ex, const aslrt_tmpl *t, const cJSON *input);

/* Everything a state does after its work, in its query language (§3.1):
     JSONPath: Assign ($ = result), ResultSelector, ResultPath, OutputPath;
     JSONata:  Assign and Output, side by side ($states.result = result in
               Task, Parallel and Map); no Output: the result (Task,
               Parallel, Map) or the state input.
   `result` (taken) is the raw result: Pass's result, or for Choice, Wait
   and Succeed the effective input. `assign` and `output` are the state's
   (or the matching Choice rule's). *v: the raw input on entry, the state
   output on return (on an error still the raw input, for Catch). The
   assigned values are committed by aslrt_state_exit(). */
int aslrt_state_finish(aslrt_exec *ex, const aslrt_state *st, cJSON **v, cJSON *result, const aslrt_tmpl *assign,
                       const aslrt_tmpl *output);

/* aslrt_state_finish for states that pass their effective input on
   (Choice, Wait, Succeed), with the input as a view (aslrt_input_view's
   `eff` and `owned`, taken): JSONPath: Assign ($ = eff), OutputPath over
   eff; JSONata: Assign and Output over $states.input. */
int aslrt_state_pass_on(aslrt_exec *ex, const aslrt_state *st, cJSON **v, const cJSON *eff, cJSON *owned,
                        const aslrt_tmpl *assign, const aslrt_tmpl *output);

/* What a catcher that took the error does with `error_output` (taken, the
   {"Error", "Cause"} object), in the state's query language (§6.3):
     JSONPath: Assign ($ = error output), then ResultPath into *v;
     JSONata:  Assign and Output ($states.errorOutput), *v = Output or the
               error output.
   -1 with the error set (*v unchanged). */
int aslrt_catch_finish(aslrt_exec *ex, const aslrt_state *st, const aslrt_catcher *c, cJSON **v,
                       cJSON *error_output);

#endif
