/* resultwriter.h — a distributed Map's ResultWriter (asl-reference §2.8
 * item 8): the child executions' results exported, as AWS does to S3, to
 * files under --s3-root, or reshaped by WriterConfig in the state's
 * output (internal). */
#ifndef ASLRT_RESULTWRITER_H
#define ASLRT_RESULTWRITER_H

#include "exec.h"

/* aslrt_map_record.status */
enum { ASLRT_RECORD_SUCCEEDED, ASLRT_RECORD_FAILED, ASLRT_RECORD_PENDING };

/* What one child execution (one item, or one batch) of a Map Run did. */
typedef struct aslrt_map_record {
    int status;                 /* ASLRT_RECORD_* */
    char *name;                 /* the child execution's name */
    char *arn;                  /* its execution ARN */
    char *input;                /* compact JSON text of its input */
    cJSON *output;              /* SUCCEEDED: its output */
    char *error, *cause;        /* FAILED: its error (each may be NULL) */
    double start, stop;         /* seconds since the epoch */
} aslrt_map_record;

/* Frees what r holds (not r). */
void aslrt_map_record_free(aslrt_map_record *r);

/* The Map Run's identity, for files and records. */
typedef struct aslrt_map_run_id {
    const char *map_run_arn;    /* arn:aws:states:...:mapRun:<sm>/<label>:<uuid> */
    const char *uuid;           /* its last part: the folder results go in */
    const char *state_machine_arn; /* the child executions' state machine */
} aslrt_map_run_id;

/* The state's result when w exports nothing (no Resource): the records'
   outputs as WriterConfig.Transformation says: COMPACT (the default) the
   outputs, FLATTEN the outputs with arrays spliced in, NONE the full
   execution records. Failed executions appear as {"Error", "Cause"}
   (COMPACT, FLATTEN) or as their record (NONE). Takes the outputs. */
cJSON *aslrt_result_transform(const aslrt_result_writer *w, const aslrt_map_run_id *id, aslrt_map_record *recs,
                              long n);

/* Exports the records: Parameters {Bucket, Prefix} (evaluated over the
   Map's effective input `eff`) name s3://Bucket/Prefix<uuid>/, which gets
   SUCCEEDED_0.json / FAILED_0.json / PENDING_0.json (each only when it has
   records) and manifest.json listing them. Returns the state's result
   {"MapRunArn", "ResultWriterDetails": {"Bucket", "Key"}}, or NULL with
   ex's error set (States.ResultWriterFailed; States.Runtime for a path that
   finds nothing). */
cJSON *aslrt_result_write(aslrt_exec *ex, const aslrt_result_writer *w, const cJSON *eff, const aslrt_map_run_id *id,
                          const aslrt_map_record *recs, long n);

#endif
