/* resultwriter.c — exporting a Map Run's results (see resultwriter.h).
 *
 * AWS writes, under s3://Bucket/Prefix/<map run uuid>/:
 *   SUCCEEDED_0.json, FAILED_0.json, PENDING_0.json  one file per status
 *       that has executions: a JSON array (WriterConfig.OutputType JSON, the
 *       default) or JSON Lines (JSONL) of execution records, each
 *       {ExecutionArn, Input, InputDetails, Name, Output | Error + Cause,
 *        OutputDetails, RedriveCount, RedriveStatus, StartDate,
 *        StateMachineArn, Status, StopDate} with Transformation NONE (the
 *       default when exporting), or the outputs alone with COMPACT/FLATTEN;
 *   manifest.json  {DestinationBucket, MapRunArn, ResultFiles: {FAILED,
 *       PENDING, SUCCEEDED: [{Key, Size}]}}.
 * Records are written one at a time, so 100,000 results never exist twice
 * over as one big document. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "dataflow.h"
#include "itemreader.h"
#include "resultwriter.h"
#include "timestamp.h"

enum { T_NONE, T_COMPACT, T_FLATTEN };

void aslrt_map_record_free(aslrt_map_record *r)
{
    free(r->name);
    free(r->arn);
    free(r->input);
    cJSON_Delete(r->output);
    free(r->error);
    free(r->cause);
    memset(r, 0, sizeof *r);
}

/* WriterConfig.Transformation: NONE, COMPACT or FLATTEN; `dflt` when
   absent. */
static int transformation(const aslrt_result_writer *w, int dflt)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(w ? w->writer_config : NULL, "Transformation");
    if (!cJSON_IsString(t))
        return dflt;
    if (strcmp(t->valuestring, "NONE") == 0)
        return T_NONE;
    if (strcmp(t->valuestring, "FLATTEN") == 0)
        return T_FLATTEN;
    return T_COMPACT;
}

static int jsonl_output(const aslrt_result_writer *w)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(w->writer_config, "OutputType");
    return cJSON_IsString(t) && strcmp(t->valuestring, "JSONL") == 0;
}

static void add_str(cJSON *o, const char *key, const char *s)
{
    aslrt_xjson(cJSON_AddStringToObject(o, key, s));
}

static void add_included(cJSON *o, const char *key)
{
    cJSON *d = aslrt_xjson(cJSON_AddObjectToObject(o, key));
    aslrt_xjson(cJSON_AddTrueToObject(d, "Included"));
}

/* The execution record AWS exports with Transformation NONE. */
static cJSON *full_record(const aslrt_map_record *r, const char *sm_arn)
{
    static const char *const status[] = {"SUCCEEDED", "FAILED", "PENDING"};
    char t[40];
    cJSON *o = aslrt_xjson(cJSON_CreateObject());
    if (r->error)
        add_str(o, "Cause", r->cause ? r->cause : "");
    if (r->status == ASLRT_RECORD_FAILED && r->error)
        add_str(o, "Error", r->error);
    add_str(o, "ExecutionArn", r->arn ? r->arn : "");
    add_str(o, "Input", r->input ? r->input : "null");
    add_included(o, "InputDetails");
    add_str(o, "Name", r->name ? r->name : "");
    if (r->status == ASLRT_RECORD_SUCCEEDED) {
        char *text = aslrt_json_text(r->output);
        add_str(o, "Output", text);
        free(text);
        add_included(o, "OutputDetails");
    }
    aslrt_xjson(cJSON_AddNumberToObject(o, "RedriveCount", 0));
    if (r->status == ASLRT_RECORD_SUCCEEDED) {
        add_str(o, "RedriveStatus", "NOT_REDRIVABLE");
        add_str(o, "RedriveStatusReason", "Execution is SUCCEEDED and cannot be redriven");
    } else {
        add_str(o, "RedriveStatus", "REDRIVABLE");
    }
    aslrt_time_format(r->start, t);
    add_str(o, "StartDate", t);
    add_str(o, "StateMachineArn", sm_arn ? sm_arn : "");
    add_str(o, "Status", status[r->status]);
    if (r->status != ASLRT_RECORD_PENDING) {
        aslrt_time_format(r->stop, t);
        add_str(o, "StopDate", t);
    }
    return o;
}

/* {"Error", "Cause"} of a failed execution. */
static cJSON *error_object(const aslrt_map_record *r)
{
    cJSON *o = aslrt_xjson(cJSON_CreateObject());
    add_str(o, "Error", r->error ? r->error : "");
    add_str(o, "Cause", r->cause ? r->cause : "");
    return o;
}

cJSON *aslrt_result_transform(const aslrt_result_writer *w, const aslrt_map_run_id *id, aslrt_map_record *recs,
                              long n)
{
    int t = transformation(w, T_COMPACT);
    cJSON *a = aslrt_xjson(cJSON_CreateArray());
    for (long i = 0; i < n; i++) {
        aslrt_map_record *r = &recs[i];
        if (t == T_NONE) {
            cJSON_AddItemToArray(a, full_record(r, id->state_machine_arn));
            continue;
        }
        if (r->status != ASLRT_RECORD_SUCCEEDED) {
            cJSON_AddItemToArray(a, error_object(r));
            continue;
        }
        cJSON *out = r->output;
        r->output = NULL;
        if (t == T_FLATTEN && cJSON_IsArray(out)) {
            while (out->child) {
                cJSON *c = cJSON_DetachItemViaPointer(out, out->child);
                cJSON_AddItemToArray(a, c);
            }
            cJSON_Delete(out);
        } else {
            cJSON_AddItemToArray(a, out);
        }
    }
    return a;
}

/* mkdir -p for the directories of `path` (not its last part). */
static int make_dirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(path, 0777);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
            return -1;
    }
    return 0;
}

/* Writes the records with `status` to `file`; their number, or -1 with
   *cause set; *size gets the file's size in bytes. */
static long write_status(const char *file, const aslrt_result_writer *w, const aslrt_map_run_id *id,
                         const aslrt_map_record *recs, long n, int status, long *size, char **cause)
{
    long count = 0;
    for (long i = 0; i < n; i++)
        count += recs[i].status == status;
    if (count == 0)
        return 0;
    FILE *f = fopen(file, "w");
    if (!f) {
        *cause = aslrt_strf("Cannot write %s: %s", file, strerror(errno));
        return -1;
    }
    int jsonl = jsonl_output(w), t = transformation(w, T_NONE), first = 1;
    if (!jsonl)
        fputc('[', f);
    for (long i = 0; i < n; i++) {
        const aslrt_map_record *r = &recs[i];
        if (r->status != status)
            continue;
        cJSON *doc = NULL;
        const cJSON *v;
        if (t == T_NONE || status != ASLRT_RECORD_SUCCEEDED)
            v = doc = full_record(r, id->state_machine_arn);
        else
            v = r->output;
        char *text = aslrt_json_text(v);
        cJSON_Delete(doc);
        if (!jsonl && !first)
            fputc(',', f);
        fputs(text, f);
        if (jsonl)
            fputc('\n', f);
        free(text);
        first = 0;
    }
    if (!jsonl)
        fputc(']', f);
    *size = ftell(f);
    if (fclose(f) != 0 || *size < 0) {
        *cause = aslrt_strf("Cannot write %s: %s", file, strerror(errno));
        return -1;
    }
    return count;
}

cJSON *aslrt_result_write(aslrt_exec *ex, const aslrt_result_writer *w, const cJSON *eff, const aslrt_map_run_id *id,
                          const aslrt_map_record *recs, long n)
{
    cJSON *params = w->parameters ? aslrt_tmpl_eval(ex, w->parameters, eff) : aslrt_xjson(cJSON_CreateObject());
    if (!params)
        return NULL;
    const cJSON *bucket = cJSON_GetObjectItemCaseSensitive(params, "Bucket");
    const cJSON *prefix = cJSON_GetObjectItemCaseSensitive(params, "Prefix");
    const char *res = w->resource;
    const char *api = strrchr(res, ':');
    char *cause = NULL, *dir = NULL, *folder = NULL;
    cJSON *out = NULL;
    if (strcmp(api ? api + 1 : res, "putObject") != 0) {
        cause = aslrt_strf("The ResultWriter resource '%s' is not supported locally (arn:aws:states:::s3:putObject is).", res);
    } else if (!cJSON_IsString(bucket) || (prefix && !cJSON_IsString(prefix))) {
        cause = aslrt_strf("The ResultWriter's Parameters need \"Bucket\" (and may have \"Prefix\"), strings.");
    } else {
        const char *p = prefix ? prefix->valuestring : "";
        size_t plen = strlen(p);
        folder = aslrt_strf("%s%s%s/", p, plen && p[plen - 1] != '/' ? "/" : "", id->uuid);
        dir = aslrt_s3_path(ex->run->opt.s3_root, bucket->valuestring, folder, &cause);
    }
    if (dir && make_dirs(dir) != 0)
        cause = aslrt_strf("Cannot create the local directory %s: %s", dir, strerror(errno));
    if (dir && !cause) {
        static const char *const names[] = {"SUCCEEDED", "FAILED", "PENDING"};
        cJSON *manifest = aslrt_xjson(cJSON_CreateObject());
        add_str(manifest, "DestinationBucket", bucket->valuestring);
        add_str(manifest, "MapRunArn", id->map_run_arn);
        cJSON *files = aslrt_xjson(cJSON_AddObjectToObject(manifest, "ResultFiles"));
        cJSON *lists[3];
        for (int k = 0; k < 3; k++)
            lists[k] = aslrt_xjson(cJSON_CreateArray());
        for (int k = 0; k < 3 && !cause; k++) {
            char *file = aslrt_strf("%s%s_0.json", dir, names[k]);
            long size = 0;
            long count = write_status(file, w, id, recs, n, k, &size, &cause);
            if (count > 0) {
                cJSON *e = aslrt_xjson(cJSON_CreateObject());
                char *key = aslrt_strf("%s%s_0.json", folder, names[k]);
                add_str(e, "Key", key);
                free(key);
                aslrt_xjson(cJSON_AddNumberToObject(e, "Size", (double)size));
                cJSON_AddItemToArray(lists[k], e);
            }
            free(file);
        }
        /* AWS lists them FAILED, PENDING, SUCCEEDED */
        cJSON_AddItemToObject(files, "FAILED", lists[1]);
        cJSON_AddItemToObject(files, "PENDING", lists[2]);
        cJSON_AddItemToObject(files, "SUCCEEDED", lists[0]);
        char *file = aslrt_strf("%smanifest.json", dir);
        FILE *f = cause ? NULL : fopen(file, "w");
        if (!cause && !f)
            cause = aslrt_strf("Cannot write %s: %s", file, strerror(errno));
        if (f) {
            char *text = aslrt_json_text(manifest);
            fputs(text, f);
            free(text);
            if (fclose(f) != 0)
                cause = aslrt_strf("Cannot write %s: %s", file, strerror(errno));
        }
        free(file);
        cJSON_Delete(manifest);
        if (!cause) {
            out = aslrt_xjson(cJSON_CreateObject());
            add_str(out, "MapRunArn", id->map_run_arn);
            cJSON *d = aslrt_xjson(cJSON_AddObjectToObject(out, "ResultWriterDetails"));
            add_str(d, "Bucket", bucket->valuestring);
            char *key = aslrt_strf("%smanifest.json", folder);
            add_str(d, "Key", key);
            free(key);
        }
    }
    if (!out)
        aslrt_error_set(ex, "States.ResultWriterFailed", cause ? cause : "The results cannot be written.");
    free(cause);
    free(dir);
    free(folder);
    cJSON_Delete(params);
    return out;
}
