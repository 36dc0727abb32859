/* store.h — the server's state in SQLite: state machines and their versions, aliases,
   activities, tags, executions, their history events, task tokens and map runs. All SQL lives in
   store.c; callers get C structs, each freed by its *_free. One connection behind one lock:
   every call is atomic, and srv_store_begin/commit make a sequence of calls one transaction.

   Results: SRV_OK (0), SRV_NOT_FOUND, SRV_EXISTS, or SRV_ERR (-1: SQLite failed; store.c said
   why on stderr). Strings are malloc'd UTF-8; NULL where AWS leaves the member out. Times are
   seconds since the epoch. */
#ifndef SRV_STORE_H
#define SRV_STORE_H

#include <cjson/cJSON.h>

typedef struct srv_store srv_store;

enum { SRV_OK = 0, SRV_NOT_FOUND = 1, SRV_EXISTS = 2, SRV_ERR = -1 };

/* Opens the store at path (":memory:": fresh, gone at close; a file: kept, in WAL mode) and
   creates its tables. NULL with *err (malloc'd) when it cannot. */
srv_store *srv_store_open(const char *path, char **err);
void srv_store_close(srv_store *st);

/* One transaction over several calls; the calling thread holds the store until it commits or
   rolls back. srv_store_commit returns SRV_OK or SRV_ERR (and then rolled back). */
void srv_store_begin(srv_store *st);
int srv_store_commit(srv_store *st);
void srv_store_rollback(srv_store *st);

/* A number that changes whenever a machine, version or alias is inserted, updated or deleted
   (after the change): what was read after it had a value is current while it keeps it. Read
   without the lock, for caches of the hot path (executor.c). */
long srv_store_generation(srv_store *st);

/* A state machine (version 0) or one of its published versions (version N). */
typedef struct srv_sm {
    char *arn;          /* the machine's ARN, or the version's (MACHINE:N) */
    char *machine_arn;  /* the machine's own ARN */
    char *name;
    char *definition;
    char *role_arn;
    char *type;         /* "STANDARD" or "EXPRESS" */
    char *logging;      /* loggingConfiguration as JSON text */
    char *tracing;      /* tracingConfiguration as JSON text */
    char *encryption;   /* encryptionConfiguration as JSON text */
    char *revision_id;  /* changes with every update of definition, role, logging or tracing */
    char *description;  /* a version's description, or NULL */
    double created;     /* creationDate */
    double updated;     /* the machine's last update (0: never) */
    long version;       /* 0: the machine itself */
} srv_sm;
void srv_sm_free(srv_sm *m);

/* The machine or version with this ARN. */
int srv_store_sm_get(srv_store *st, const char *arn, srv_sm *out);
/* Inserts a machine or a version; SRV_EXISTS when its ARN is taken. */
int srv_store_sm_insert(srv_store *st, const srv_sm *m);
/* Replaces a machine's row (its ARN unchanged). */
int srv_store_sm_update(srv_store *st, const srv_sm *m);
/* Deletes a machine and everything that belongs to it (versions, aliases, tags); its executions
   stay, as on AWS. SRV_NOT_FOUND when there is no such machine. */
int srv_store_sm_delete(srv_store *st, const char *machine_arn);
/* Deletes one version (and its tags). */
int srv_store_version_delete(srv_store *st, const char *version_arn);
/* Machines sorted by ARN (version 0 only), or a machine's versions newest first when
   machine_arn is not NULL: at most limit of them after `after` (a key srv_sm_key made; NULL:
   from the first). *out (malloc'd array, each freed with srv_sm_free) and *n; *more says
   whether there are more after the last. */
int srv_store_sm_list(srv_store *st, const char *machine_arn, const char *after, int limit, srv_sm **out,
                      int *n, int *more);
/* The key a listing resumes after (malloc'd). */
char *srv_sm_key(const srv_sm *m);
/* The next version number of a machine (1, 2, ...; never reused), counted up. */
long srv_store_next_version(srv_store *st, const char *machine_arn);
/* The newest version of a machine, if any. */
int srv_store_latest_version(srv_store *st, const char *machine_arn, srv_sm *out);

/* An alias of a machine: routing is routingConfiguration as JSON text. */
typedef struct srv_alias {
    char *arn, *machine_arn, *name, *description, *routing;
    double created, updated;
} srv_alias;
void srv_alias_free(srv_alias *a);
int srv_store_alias_get(srv_store *st, const char *arn, srv_alias *out);
int srv_store_alias_insert(srv_store *st, const srv_alias *a);
int srv_store_alias_update(srv_store *st, const srv_alias *a);
int srv_store_alias_delete(srv_store *st, const char *arn);
/* A machine's aliases sorted by ARN, paged as srv_store_sm_list (the key: the alias' ARN). */
int srv_store_alias_list(srv_store *st, const char *machine_arn, const char *after, int limit, srv_alias **out,
                         int *n, int *more);
/* The names of the aliases that route to version_arn (a new list of strings in *names), for
   refusing to delete the version while any does. */
int srv_store_aliases_routing_to(srv_store *st, const char *version_arn, cJSON **names);
/* How many aliases a machine has. */
int srv_store_alias_count(srv_store *st, const char *machine_arn);

/* An activity. */
typedef struct srv_activity {
    char *arn, *name, *encryption;
    double created;
} srv_activity;
void srv_activity_free(srv_activity *a);
int srv_store_activity_get(srv_store *st, const char *arn, srv_activity *out);
int srv_store_activity_insert(srv_store *st, const srv_activity *a);
int srv_store_activity_delete(srv_store *st, const char *arn);
/* Activities sorted by ARN, paged as srv_store_sm_list (the key: the ARN). */
int srv_store_activity_list(srv_store *st, const char *after, int limit, srv_activity **out, int *n, int *more);

/* Tags of a resource (any ARN): *out is a new [{"key","value"}] list in key order. */
int srv_store_tags_get(srv_store *st, const char *arn, cJSON **out);
/* Adds or replaces each {"key","value"} of tags. */
int srv_store_tags_put(srv_store *st, const char *arn, const cJSON *tags);
/* Removes each key (a list of strings); keys it does not have are no error. */
int srv_store_tags_remove(srv_store *st, const char *arn, const cJSON *keys);
/* The number of tags the resource would have with tags added (for AWS's 50-tag limit). */
int srv_store_tags_count_with(srv_store *st, const char *arn, const cJSON *tags);

/* An execution. What it ran: the machine's ARN, and the version or alias it was started by. */
typedef struct srv_execution {
    char *arn, *machine_arn, *version_arn, *alias_arn, *map_run_arn;
    char *name, *type;     /* type: "STANDARD" or "EXPRESS" */
    char *status;          /* RUNNING SUCCEEDED FAILED TIMED_OUT ABORTED PENDING_REDRIVE */
    char *input, *output;  /* JSON texts; output NULL until it succeeded */
    char *error, *cause;
    char *trace_header;
    char *definition;      /* the definition it runs (a machine can change under it) */
    char *role_arn;
    double start, stop;    /* stop 0 while it runs */
    double redrive_date;   /* 0: never redriven */
    int redrive_count;
    long seq;              /* its order of starting, set by the store (listing keys) */
} srv_execution;
void srv_execution_free(srv_execution *x);
int srv_store_execution_get(srv_store *st, const char *arn, srv_execution *out);
/* Inserts a new execution; SRV_EXISTS when the ARN is taken. */
int srv_store_execution_insert(srv_store *st, const srv_execution *x);
/* Replaces an execution's row (its status, output, error, stop, redrive). */
int srv_store_execution_update(srv_store *st, const srv_execution *x);
/* Executions newest first: of a machine (machine_arn; a version or alias ARN lists those it
   started) or of a map run (map_run_arn), with status when not NULL; paged after the key
   srv_execution_key made. */
int srv_store_execution_list(srv_store *st, const char *machine_arn, const char *map_run_arn, const char *status,
                             const char *after, int limit, srv_execution **out, int *n, int *more);
char *srv_execution_key(const srv_execution *x);

/* History events: one row per event, details as the event's JSON object text (everything but
   id, previousEventId, timestamp and type). */
int srv_store_event_add(srv_store *st, const char *execution_arn, long id, long previous_id, double timestamp,
                        const char *type, const char *details);
/* Events of an execution as AWS's HistoryEvent objects in *out (a new list), in id order or
   reverse, those after id `after` (0: from the first; reverse: before it), at most limit;
   *more as srv_store_sm_list. */
int srv_store_event_list(srv_store *st, const char *execution_arn, long after, int reverse, int limit, cJSON **out,
                         int *more);
/* The highest event id of an execution (0: none). */
long srv_store_event_last(srv_store *st, const char *execution_arn);

/* An execution's whole history at once, as the JSON text of its list of HistoryEvent objects:
   an execution's events are kept in memory while it runs and written in one row when it ends
   (one write per execution instead of one per event). */
int srv_store_history_put(srv_store *st, const char *execution_arn, const char *events);
/* *events (malloc'd) or SRV_NOT_FOUND. */
int srv_store_history_get(srv_store *st, const char *execution_arn, char **events);

/* Task tokens handed to callbacks and activity workers: what waits on each. */
int srv_store_token_put(srv_store *st, const char *token, const char *execution_arn, const char *activity_arn,
                        long scheduled_event, double heartbeat_deadline, double deadline);
/* The execution waiting on a token; SRV_NOT_FOUND when none (or it was used). */
int srv_store_token_get(srv_store *st, const char *token, char **execution_arn, long *scheduled_event);
int srv_store_token_delete(srv_store *st, const char *token);

/* A map run: its configuration and counts as JSON texts (DescribeMapRun's itemCounts and
   executionCounts). */
typedef struct srv_map_run {
    char *arn, *execution_arn, *status;
    char *item_counts, *execution_counts;
    long max_concurrency, tolerated_failure_count;
    double tolerated_failure_percentage;
    double start, stop;
} srv_map_run;
void srv_map_run_free(srv_map_run *m);
int srv_store_map_run_get(srv_store *st, const char *arn, srv_map_run *out);
/* Inserts or replaces a map run. */
int srv_store_map_run_put(srv_store *st, const srv_map_run *m);
/* An execution's map runs, oldest first, paged by ARN. */
int srv_store_map_run_list(srv_store *st, const char *execution_arn, const char *after, int limit,
                           srv_map_run **out, int *n, int *more);

#endif
