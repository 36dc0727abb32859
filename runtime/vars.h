/* vars.h — workflow variables (asl-reference §8): scopes, Assign, limits (internal).
 *
 * One scope per States object instance: the execution's top level, each
 * Parallel branch, each Map iteration.  A scope lives in its aslrt_exec
 * (ex->vars), made by its first Assign.  Reads walk up ex->parent, so a
 * branch or iteration sees the variables of the Parallel/Map state that
 * runs it, as they were when it started: that state's scope does not change
 * until every branch has ended (its own Assign is committed when it exits).
 * Inner scopes never write outer ones; the validator rejects an inner Assign
 * of a name assigned outside.  A distributed Map's child executions read no
 * outer variables (their aslrt_exec has another aslrt_run).
 *
 * For the Parallel/Map engineer: a child aslrt_exec needs nothing beyond
 * aslrt_branch_init() (which sets `parent`), and aslrt_branch_done() must
 * call aslrt_vars_free() on it (pool.c does).
 *
 * Assign is two-phase, because every variable reference in a state sees the
 * values of state entry (§3.1, even the state's own OutputPath / Output):
 * aslrt_vars_stage() checks and holds the new values, aslrt_vars_commit()
 * (called by aslrt_state_exit) makes them visible.  A state that fails drops
 * its staged values (aslrt_vars_discard(), from aslrt_catch), and a catcher's
 * Assign stages its own.
 */
#ifndef ASLRT_VARS_H
#define ASLRT_VARS_H

#include "exec.h"

/* AWS's limits on variables, in bytes of compact JSON text. */
#define ASLRT_VAR_MAX_BYTES    262144      /* one variable */
#define ASLRT_ASSIGN_MAX_BYTES 262144      /* one Assign, all its variables */
#define ASLRT_VARS_MAX_BYTES   10485760    /* all variables of an execution */

/* The error a variable over its limit raises [?: AWS's name is not
   recorded; one constant so that it is easy to change]. */
#define ASLRT_VARS_LIMIT_ERROR "States.Runtime"

/* The value of variable `name` as ex sees it: its own scope, then those of
   the states it runs inside. Borrowed (valid until the next commit of that
   scope); NULL when it is not set. */
const cJSON *aslrt_var_get(const aslrt_exec *ex, const char *name);

/* aslrt_var_get in the shape of jsonata_lookup_fn (ctx: the aslrt_exec). */
const cJSON *aslrt_var_lookup(void *ctx, const char *name);

/* Stages an Assign's values: `values` (taken) is an object whose members are
   the variables to set. Checks the size limits (error set, -1). Replaces
   anything staged before by this state. */
int aslrt_vars_stage(aslrt_exec *ex, cJSON *values);

/* Makes the staged values ex's variables. With `details` (a StateExited
   event's details object, may be NULL) also records them there as AWS does:
   "assignedVariables": {name: compact JSON text},
   "assignedVariablesDetails": {"truncated": false}. */
void aslrt_vars_commit(aslrt_exec *ex, cJSON *details);

/* Every variable visible from ex, as a new object (TestState's inspection
   data). */
cJSON *aslrt_vars_visible(const aslrt_exec *ex);
/* Sets the variables of `values` (an object, borrowed) in ex's scope before
   the first state (TestState's `variables`); -1 with the error set when
   they are over the limits. */
int aslrt_vars_preset(aslrt_exec *ex, const cJSON *values);
/* Drops what the current state staged (it failed). */
void aslrt_vars_discard(aslrt_exec *ex);

/* Frees ex's scope (the end of an execution, branch or iteration). */
void aslrt_vars_free(aslrt_exec *ex);

#endif
