/* dataflow.h — InputPath, payload templates, ResultSelector, ResultPath and
   OutputPath, in AWS's order and with AWS's causes. */
#ifndef ASLRT_DATAFLOW_H
#define ASLRT_DATAFLOW_H

#include "exec.h"

/* The effective input: InputPath applied to raw (NULL path: a copy of raw;
   ASLRT_INPUT_PATH_NULL: {}). Owned by the caller; NULL on States.Runtime. */
cJSON *aslrt_input_path(aslrt_exec *ex, const aslrt_state *st, const cJSON *raw);

/* The effective input as a view: borrowed from raw when InputPath selects
   raw or one node of it, else built and also returned in *owned (the
   caller frees it). NULL on States.Runtime. */
const cJSON *aslrt_input_view(aslrt_exec *ex, const aslrt_state *st, const cJSON *raw, cJSON **owned);

/* Makes `view` (from aslrt_input_view, with its `owned`) the document *v:
   moves owned in, copies a borrowed node, and does nothing when view is *v. */
void aslrt_become(cJSON **v, const cJSON *view, cJSON *owned);

/* A payload template (or intrinsic, or ErrorPath value) evaluated over
   `input`. Owned by the caller; NULL on an error (States.Runtime for a path
   that finds nothing, States.IntrinsicFailure ...). */
cJSON *aslrt_tmpl_eval(aslrt_exec *ex, const aslrt_tmpl *t, const cJSON *input);

/* A Pass state's Parameters when its raw input *v dies with it
   (ASLRT_MOVE_INPUT): as aslrt_tmpl_eval over `eff` (*v or a node of it,
   from aslrt_input_view), but members flagged ASLRT_TF_MOVE move their
   node out of *v instead of copying it. On an error *v may have lost
   nodes: the state fails, and no Retry or Catch reads a Pass's input. */
cJSON *aslrt_params_moving(aslrt_exec *ex, const aslrt_state *st, cJSON **v, const cJSON *eff);

/* ResultPath: *v is the raw input on entry and the merged document on
   return; `result` is taken. */
int aslrt_result_path(aslrt_exec *ex, const aslrt_state *st, cJSON **v, cJSON *result);

/* OutputPath applied to *v in place. */
int aslrt_output_path(aslrt_exec *ex, const aslrt_state *st, cJSON **v);

#endif
