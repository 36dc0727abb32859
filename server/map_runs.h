/* map_runs.h — Distributed Map runs, from the runtime's hooks (execution.h: aslrt_host.map_run
   and map_run_child) into the store, and the handles of those still running (UpdateMapRun).

   The executor forwards its hooks here:
     host.map_run       -> srv_map_runs_report(s, r, execution_definition)
     host.map_run_child -> srv_map_runs_child(s, c)
   Everything the store keeps of a Map Run (srv_map_run, and its child executions as
   srv_execution rows with map_run_arn set) is written by these two. */
#ifndef SRV_MAP_RUNS_H
#define SRV_MAP_RUNS_H

#include "execution.h"
#include "srv.h"

/* A Map Run started, progressed or ended: its row in the store; its handle is kept from
   STARTED to ENDED for srv_map_runs_update. definition: the parent execution's definition (its
   child executions run part of it; DescribeStateMachineForExecution shows it), or NULL. */
void srv_map_runs_report(srv *s, const aslrt_map_run_report *r, const char *definition);

/* A child execution started or ended: its row in the store (ListExecutions by mapRunArn,
   DescribeExecution). */
void srv_map_runs_child(srv *s, const aslrt_map_run_child *c);

/* UpdateMapRun on a Map Run still running: 1 when it was (and now runs with the new
   values), 0 when it is not running. Arguments as aslrt_map_run_update's. */
int srv_map_runs_update(const char *arn, long max_concurrency, long tolerated_failure_count,
                        double tolerated_failure_percentage);

/* The ARN of the state machine a Map Run's child executions belong to (malloc'd):
   ...:mapRun:SM/LABEL:ID -> ...:stateMachine:SM/LABEL. */
char *srv_map_run_machine_arn(const char *map_run_arn);

#endif
