/* executor.h — the engine that runs executions: the compile cache (programs.h), a pool of
   worker threads calling aslrt_execute() (runtime/execution.h), the running executions by ARN
   (their status and history events in memory), a writer thread that records finished
   executions in the store in one transaction per batch, and the tasks they wait on (tasks.h).

   A STANDARD execution's row is written when it starts and again, with its whole history, when
   it ends; while it runs its events are in memory only, so reading an execution looks here
   first (srv_executor_get/_history) and in the store after. An EXPRESS execution leaves no
   record (AWS keeps no history of them): only StartSyncExecution's answer says how it went. */
#ifndef SRV_EXECUTOR_H
#define SRV_EXECUTOR_H

#include <cjson/cJSON.h>

#include "later.h"
#include "srv.h"
#include "tasks.h"

typedef struct srv_executor srv_executor;

/* Reads --mock-config and --bindings, starts the threads. NULL with *err (malloc'd). */
srv_executor *srv_executor_new(srv *s, char **err);
/* The server is stopping: waiting polls are answered, running executions stopped (ABORTED,
   cause "aslc serve stopped"), so that the HTTP side can finish its requests. */
void srv_executor_quiesce(srv_executor *x);
/* Waits for the executions to end and their records to be written, then frees x. */
void srv_executor_free(srv_executor *x);

/* The executor of the server (s->executor). */
srv_executor *srv_executor_of(const srv *s);
srv_tasks *srv_executor_tasks(srv_executor *x);

/* A state machine or version as executions start it: its row and its compiled program, read and
   compiled once and kept while the store's generation (srv_store_generation) stays the same, so
   that starting an execution reads nothing from the store. */
typedef struct srv_machine srv_machine;
/* The machine or version with this ARN, with a reference; 0, or -1 with e
   (StateMachineDoesNotExist, InvalidDefinition when it does not compile). */
int srv_executor_machine(srv_executor *x, const char *arn, srv_machine **out, srv_err *e);
const srv_sm *srv_machine_row(const srv_machine *m);
/* Gives the reference back (NULL: nothing). */
void srv_machine_release(srv_machine *m);

/* A new execution. */
typedef struct srv_launch {
    srv_execution rec;        /* its record: arn, machine_arn, version_arn, alias_arn, name, type, input,
                                 trace_header, definition, role_arn, start; the executor takes the strings */
    srv_machine *machine;     /* what it runs (the executor takes the reference) */
    int generated_name;       /* rec.name is a new UUID (StartExecution gave none) */
    const char *test_case;    /* a test case of the mock configuration (StartExecution on ARN#CASE), or NULL */
    int sync;                 /* StartSyncExecution: the answer says how it ended */
    int metadata_only;        /* StartSyncExecution's includedData METADATA_ONLY: no input or output */
} srv_launch;

/* Starts it; 0, or -1 with e (ExecutionAlreadyExists; a definition or test case that cannot be
   used). A STANDARD execution whose name is taken by a running one with the same input is that
   one (AWS's idempotence): 0, with nothing started. *start_date: the execution's startDate.
   A sync execution with `later` answers it when it ends; without, it runs on the calling
   thread and *resp is the answer. */
int srv_executor_start(srv_executor *x, srv_launch *l, srv_later *later, double *start_date, cJSON **resp,
                       srv_err *e);

/* The execution's record as it is now (running ones from memory): SRV_OK, SRV_NOT_FOUND,
   SRV_ERR. */
int srv_executor_get(srv_executor *x, const char *arn, srv_execution *out);
/* Its history: *events is the JSON text of its list of HistoryEvent objects (malloc'd). */
int srv_executor_history(srv_executor *x, const char *arn, char **events);
/* StopExecution: stops a running execution and waits (briefly) for it to end ABORTED. SRV_OK
   with *stop_date; SRV_NOT_FOUND when it is not running (ended, or unknown). */
int srv_executor_stop(srv_executor *x, const char *arn, const char *error, const char *cause, double *stop_date);
/* Writes every record waiting for the writer before a listing reads the store. */
void srv_executor_flush(srv_executor *x);

#endif
