/* emit_data.h — the descriptors of a definition as static C data: the part
   of the generated C that emit.c's machine functions pass to the runtime
   (internal to emit.c). */
#ifndef ASL_EMIT_DATA_H
#define ASL_EMIT_DATA_H

#include "buf.h"
#include "ir.h"

typedef struct asl_emit_data asl_emit_data;

/* A writer of def's descriptors to out; everything it writes is named
   k_<kind>_<n>, with n counting up from 0 across kinds. */
asl_emit_data *asl_emit_data_new(const asl_def *def, asl_buf *out);
void asl_emit_data_free(asl_emit_data *ed);

/* Writes machine m's descriptors: everything its states refer to, then
   `k_states_<m->id>` and `k_machine_<m->id>`. The machines its Parallel and
   Map states run must have been written before. */
void asl_emit_data_machine(asl_emit_data *ed, const asl_machine *m);

/* The n of the `k_rules_<n>` written for the rule array `rules`. When none
   was written (asl_emit_c_code writes no data), a new n is given to it and
   *fresh is set, so that the caller can declare it; otherwise *fresh is 0. */
int asl_emit_data_rules(asl_emit_data *ed, const aslrt_rule *rules, int *fresh);

#endif
