/* map.c — the Map state (asl-reference §2.8), inline and distributed.
 *
 * One attempt (Retry makes more):
 *   MaxConcurrency[Path]; the items (ItemsPath over the effective input, or
 *   the ItemReader); MapStateStarted; ToleratedFailure*[Path]; then the
 *   iterations on the worker pool, at most MaxConcurrency at once, results
 *   kept by item index so the output is in item order whatever finishes
 *   first.
 * Each iteration's input is its item, or ItemSelector evaluated over the
 * Map's effective input with $$.Map.Item.Index/Value set.  Items are taken
 * from the source only when an iteration starts, so a Map of 100,000 items
 * holds as many iteration inputs as are running, not 100,000, and the
 * effective input is shared (read only) rather than copied per item. When
 * nothing reads the items after their iterations start (an array made for
 * this attempt, or ASLRT_TAKES_ITEMS: the input dies with the state), each
 * item is taken out of the array instead, so it is neither copied nor kept
 * beside the results.
 *
 * Failure: an inline Map fails with its first failing iteration's own error
 * and cancels the others.  A distributed Map (or an inline one given a
 * tolerance) counts failed items instead: it fails with
 * States.ExceedToleratedFailureThreshold once more than
 * ToleratedFailureCount items, or more than ToleratedFailurePercentage of
 * them, have failed (both 0 when not given); a tolerated failure leaves
 * {"Error", "Cause"} in its place in the output.
 *
 * Distributed mode runs locally like inline mode, with AWS's differences:
 * every iteration is a child execution (its own $$.Execution, its own event
 * ids, no events in the parent's history), the Map Run is announced by
 * MapRunStarted / MapRunSucceeded / MapRunFailed (MapRunAborted when the
 * execution is stopped), reported to the host (execution.h: map_run,
 * map_run_child) when it asks, items may come from an
 * ItemReader and go to an ItemBatcher, results to a ResultWriter. */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dataflow.h"
#include "digest.h"
#include "enter.h"
#include "exec.h"
#include "execution.h"
#include "history.h"
#include "inspect.h"
#include "itemreader.h"
#include "jsnum.h"
#include "jsonpath.h"
#include "pool.h"
#include "query.h"
#include "resultwriter.h"
#include "retry.h"
#include "timestamp.h"

/* AWS runs at most 40 iterations of an inline Map at once, whatever
   MaxConcurrency says (0 included); we do the same, so that a definition
   behaves here as there (the pool further bounds the threads at work). */
#define INLINE_MAX_CONCURRENCY 40
/* A distributed Map runs at most 10,000 child executions at once. */
#define DISTRIBUTED_MAX_CONCURRENCY 10000

/* One attempt at running a Map's iterations (its Map Run when distributed:
   execution.h's aslrt_map_run handle). */
typedef struct aslrt_map_run {
    aslrt_group g;                /* first: the pool hands steps &g */
    aslrt_exec *ex;               /* the Map state's exec; it waits meanwhile */
    const aslrt_state *st;
    const cJSON *eff;             /* the effective input (ItemSelector's $); only read */
    int distributed;
    int tolerance;                /* failed items are counted against the limits below */
    int use_count, use_pct;       /* which limits were given */
    long tol_count;
    double tol_pct;
    long batch_items, batch_bytes; /* ItemBatcher limits; 0: none */
    const cJSON *batch_input;     /* BatchInput, evaluated */
    int keep_records;             /* ResultWriter: keep every execution's record */
    /* distributed: the Map Run and its child executions */
    char *map_run_arn, *uuid, *child_sm_arn, *exec_prefix, *child_sm_name;
    aslrt_program child_program;

    pthread_mutex_t lock;         /* guards everything below */
    const cJSON *cursor;          /* ItemsPath: the next element, or NULL */
    cJSON *take_from;             /* the items' array, when they are taken out of it */
    aslrt_item_source *src;       /* or the ItemReader */
    cJSON *held;                  /* batching: a selected item the last batch had no room for */
    long next_item;               /* items taken so far */
    long next_job;                /* iterations (or batches) started so far */
    long total;                   /* items in all; -1 until the source is exhausted */
    int stopped;                  /* the outcome is decided: start no more */
    long failed_items;
    int failed;                   /* the Map fails, with error and cause */
    char *error, *cause;
    cJSON **results;              /* by iteration, without keep_records */
    aslrt_map_record *records;    /* by iteration, with keep_records */
    long cap;
    /* the host's Map Run report (distributed, with aslrt_host.map_run) */
    const aslrt_host *host;       /* NULL: nobody is told */
    long limit_update;            /* UpdateMapRun's MaxConcurrency, -1: none pending */
    long max_concurrency;         /* as the definition (or UpdateMapRun) gave it */
    aslrt_map_run_counts items, execs; /* succeeded, failed, aborted and running kept here */
    double start, last_report;
} map_run;

/* What one step runs: one item, or one batch of them. */
typedef struct job {
    long index;                   /* the iteration's (or batch's) index */
    long nitems;
    const cJSON *item;            /* the item (borrowed), or */
    cJSON *owned;                 /* the item read from an ItemReader or taken, or */
    cJSON *input;                 /* the iteration's input already made (a batch) */
} job;

/* -------------------------------------------------------- dynamic fields */

/* A *Path field's value as AWS reports it in a cause: a string as is,
   anything else as compact JSON. */
static char *value_text(const cJSON *v)
{
    return cJSON_IsString(v) ? aslrt_xstrdup(v->valuestring) : aslrt_json_text(v);
}

/* The number a *Path field refers to: a JSON number, or a string holding
   one (AWS accepts "1"); `integer` asks for a 32-bit integer. -1 when it is
   neither, 1 when the path finds nothing. */
static int path_number(const cJSON *v, int integer, double *out)
{
    double d;
    if (!v)
        return 1;
    if (cJSON_IsNumber(v)) {
        d = v->valuedouble;
    } else if (cJSON_IsString(v) && v->valuestring[0] && !strchr(" \t\n\r", v->valuestring[0])) {
        char *end;
        d = strtod(v->valuestring, &end);
        if (*end)
            return -1;
    } else {
        return -1;
    }
    if (!isfinite(d) || (integer && (d != floor(d) || d < -2147483648.0 || d > 2147483647.0)))
        return -1;
    *out = d;
    return 0;
}

/* Evaluates the *Path field `field` (path p) over eff: 0 with *out set, or
   -1 with States.Runtime: "The <field> field refers to value "<v>" which is
   not a valid integer|float: <path>" [A recorded]. */
static int dynamic_field(aslrt_exec *ex, const aslrt_path *p, const cJSON *eff, const char *field, int integer,
                         double *out)
{
    const cJSON *v = aslrt_path_get(ex, p, eff);
    int rc = path_number(v, integer, out);
    if (rc == 0)
        return 0;
    if (rc > 0) {
        char *why = aslrt_path_miss_cause(ex, p, eff);
        aslrt_runtime_error(ex, "%s", why);
        free(why);
        return -1;
    }
    char *text = value_text(v);
    aslrt_runtime_error(ex, "The %s field refers to value \"%s\" which is not a valid %s: %s", field, text,
                        integer ? "integer" : "float", p->text);
    free(text);
    return -1;
}

/* MaxConcurrency or MaxConcurrencyPath; -1 with the error set. */
static long max_concurrency(aslrt_exec *ex, const aslrt_state *st, const cJSON *eff)
{
    if (st->max_concurrency_expr) { /* JSONata (query.c) */
        double d;
        return aslrt_query_number(ex, st->max_concurrency_expr, eff, 1, 0, 2147483647, &d) != 0 ? -1 : (long)d;
    }
    if (!st->max_concurrency_path)
        return st->max_concurrency;
    double d;
    if (dynamic_field(ex, st->max_concurrency_path, eff, "MaxConcurrencyPath", 1, &d) != 0)
        return -1;
    if (d < 0) {
        char buf[32];
        aslrt_number_format(d, buf);
        aslrt_runtime_error(ex, "Expected non-negative integer for MaxConcurrency, got '%s' instead.", buf);
        return -1;
    }
    return (long)d;
}

/* ToleratedFailureCount[Path] and ToleratedFailurePercentage[Path] into mr
   [A recorded causes]; -1 with the error set. */
static int tolerance(aslrt_exec *ex, map_run *mr, const cJSON *eff)
{
    const aslrt_state *st = mr->st;
    mr->use_count = (st->flags & ASLRT_HAS_TOLERATED_COUNT) != 0;
    mr->use_pct = (st->flags & ASLRT_HAS_TOLERATED_PERCENTAGE) != 0;
    mr->tolerance = mr->distributed || mr->use_count || mr->use_pct;
    double d = st->tolerated_failure_count;
    if (st->tolerated_failure_count_path &&
        dynamic_field(ex, st->tolerated_failure_count_path, eff, "ToleratedFailureCountPath", 1, &d) != 0)
        return -1;
    if (st->tolerated_failure_count_expr && /* JSONata (query.c); the range is checked below */
        aslrt_query_number(ex, st->tolerated_failure_count_expr, eff, 1, -HUGE_VAL, HUGE_VAL, &d) != 0)
        return -1;
    if (d < 0)
        return aslrt_runtime_error(ex, "ToleratedFailureCount cannot be negative.");
    /* the definition allows up to 1e300 and JSONata anything: a count past
       LONG_MAX tolerates every failure, as LONG_MAX does */
    mr->tol_count = aslrt_num_clamp(d, 0, LONG_MAX);
    d = st->tolerated_failure_percentage;
    if (st->tolerated_failure_percentage_path &&
        dynamic_field(ex, st->tolerated_failure_percentage_path, eff, "ToleratedFailurePercentagePath", 0, &d) != 0)
        return -1;
    if (st->tolerated_failure_percentage_expr &&
        aslrt_query_number(ex, st->tolerated_failure_percentage_expr, eff, 0, -HUGE_VAL, HUGE_VAL, &d) != 0)
        return -1;
    if (!(d >= 0 && d <= 100))
        return aslrt_runtime_error(ex, "ToleratedFailurePercentage must be between 0 and 100.");
    mr->tol_pct = d;
    return 0;
}

/* ItemBatcher's limits and BatchInput; -1 with the error set. *batch_input
   gets the evaluated BatchInput (owned), or NULL. */
static int batcher(aslrt_exec *ex, map_run *mr, const cJSON *eff, cJSON **batch_input)
{
    const aslrt_item_batcher *b = mr->st->item_batcher;
    *batch_input = NULL;
    if (!b)
        return 0;
    double d = b->max_items;
    if (b->max_items_path && dynamic_field(ex, b->max_items_path, eff, "MaxItemsPerBatchPath", 1, &d) != 0)
        return -1;
    if (d < 0 || (b->max_items_path && d < 1))
        return aslrt_runtime_error(ex, "MaxItemsPerBatch must be a positive integer.");
    mr->batch_items = (long)d;
    d = b->max_bytes;
    if (b->max_bytes_path && dynamic_field(ex, b->max_bytes_path, eff, "MaxInputBytesPerBatchPath", 1, &d) != 0)
        return -1;
    if (d < 0 || (b->max_bytes_path && (d < 1 || d > 262144)))
        return aslrt_runtime_error(ex, "MaxInputBytesPerBatch must be between 1 and 262144.");
    mr->batch_bytes = (long)d;
    if (b->batch_input && !(*batch_input = aslrt_tmpl_eval(ex, b->batch_input, eff)))
        return -1;
    return 0;
}

/* ---------------------------------------------------------- identities */

/* A name-based UUID (the form of a version 4 one) from SHA-256 of `text`:
   the same definition, execution name and item give the same Map Run and
   child execution names, so local runs can be compared. */
static void uuid_of(const char *text, char out[37])
{
    unsigned char md[ASLRT_DIGEST_MAX];
    aslrt_digest_once(ASLRT_SHA256, text, strlen(text), md);
    md[6] = (unsigned char)((md[6] & 0x0f) | 0x40);
    md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", md[0], md[1], md[2],
             md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10], md[11], md[12], md[13], md[14], md[15]);
}

/* `arn` with its ":stateMachine:" part renamed ":<kind>:". */
static char *arn_as(const char *arn, const char *kind, const char *suffix)
{
    const char *at = strstr(arn, ":stateMachine:");
    if (!at)
        return aslrt_strf("%s%s", arn, suffix);
    return aslrt_strf("%.*s:%s:%s%s", (int)(at - arn), arn, kind, at + strlen(":stateMachine:"), suffix);
}

/* The Map Run's ARN and its child executions' state machine, as AWS names
   them: ...:mapRun:<sm>/<Label>:<uuid>, ...:stateMachine:<sm>/<Label>. */
static void name_map_run(map_run *mr)
{
    const aslrt_exec *ex = mr->ex;
    const char *label = mr->st->label ? mr->st->label : mr->st->name;
    char *seed = aslrt_strf("%s\n%s\n%ld\n%d", ex->run->execution_id, mr->st->name, ex->entered_event_id, ex->retry_count);
    char uuid[37];
    uuid_of(seed, uuid);
    free(seed);
    mr->uuid = aslrt_xstrdup(uuid);
    char *tail = aslrt_strf("/%s:%s", label, uuid);
    mr->map_run_arn = arn_as(ex->run->state_machine_id, "mapRun", tail);
    free(tail);
    mr->child_sm_arn = aslrt_strf("%s/%s", ex->run->state_machine_id, label);
    mr->exec_prefix = arn_as(mr->child_sm_arn, "execution", ":");
    mr->child_sm_name = aslrt_strf("%s/%s", ex->run->program->name, label);
    mr->child_program = *ex->run->program;
    mr->child_program.name = mr->child_sm_name;
}

/* A child execution of the Map Run for job j: a copy of the parent's run
   with its own identity, input, event ids and no history of its own. */
static void child_run_init(map_run *mr, aslrt_run *child, const job *j, const cJSON *input)
{
    const aslrt_run *parent = mr->ex->run;
    memcpy(child, parent, sizeof *child);
    char *seed = aslrt_strf("%s\n%ld", mr->uuid, j->index);
    char name[37];
    uuid_of(seed, name);
    free(seed);
    child->program = &mr->child_program;
    child->input = aslrt_xjson(cJSON_Duplicate(input, 1));
    child->name = aslrt_xstrdup(name);
    child->execution_id = aslrt_strf("%s%s", mr->exec_prefix, name);
    child->state_machine_id = aslrt_xstrdup(mr->child_sm_arn);
    child->state_machine_name = NULL; /* the child program's own name */
    aslrt_time_format(aslrt_now(), child->start_time);
    child->last_event_id = 0;
    child->history = NULL; /* AWS keeps a child's events out of the parent's history */
    child->parent = parent;
}

static void child_run_free(aslrt_run *child)
{
    cJSON_Delete(child->input);
    free(child->name);
    free(child->execution_id);
    free(child->state_machine_id);
}

/* ------------------------------------------------------------ the items */

/* Room for results of iterations up to index i (lock held). */
static void reserve(map_run *mr, long i)
{
    if (i < mr->cap)
        return;
    long cap = mr->cap ? mr->cap : 64;
    while (cap <= i)
        cap *= 2;
    if (mr->keep_records) {
        aslrt_map_record *r = aslrt_xmalloc((size_t)cap * sizeof *r);
        memset(r, 0, (size_t)cap * sizeof *r);
        if (mr->cap)
            memcpy(r, mr->records, (size_t)mr->cap * sizeof *r);
        free(mr->records);
        mr->records = r;
    } else {
        cJSON **r = aslrt_xmalloc((size_t)cap * sizeof *r);
        memset(r, 0, (size_t)cap * sizeof *r);
        if (mr->cap)
            memcpy(r, mr->results, (size_t)mr->cap * sizeof *r);
        free(mr->results);
        mr->results = r;
    }
    mr->cap = cap;
}

/* Decides the Map's failure (lock held): the first one decided wins. */
static void fail_locked(map_run *mr, const char *error, const char *cause)
{
    if (mr->failed)
        return;
    mr->failed = mr->stopped = 1;
    mr->error = error ? aslrt_xstrdup(error) : NULL;
    mr->cause = cause ? aslrt_xstrdup(cause) : NULL;
}

/* The next item from the source (lock held): 1 with *item borrowed or
   *owned set, 0 at the end, -1 after failing the Map (ItemReader). */
static int next_item(map_run *mr, const cJSON **item, cJSON **owned)
{
    *item = NULL;
    *owned = NULL;
    if (mr->src) {
        char *cause = NULL;
        int rc = aslrt_item_source_next(mr->src, owned, &cause);
        if (rc < 0)
            fail_locked(mr, "States.ItemReaderFailed", cause);
        free(cause);
        if (rc <= 0)
            return rc;
    } else {
        if (!mr->cursor)
            return 0;
        *item = mr->cursor;
        mr->cursor = mr->cursor->next;
        if (mr->take_from) {
            *owned = cJSON_DetachItemViaPointer(mr->take_from, (cJSON *)*item);
            *item = NULL;
        }
    }
    mr->next_item++;
    return 1;
}

/* The iteration input for item `index`: ItemSelector evaluated over the
   Map's effective input with $$.Map.Item set, in cx as the Map state; or
   the item itself (`owned` is taken either way). NULL with cx's error. */
static cJSON *select_item(map_run *mr, aslrt_exec *cx, long index, const cJSON *item, cJSON *owned)
{
    const aslrt_state *st = mr->st;
    if (!st->item_selector)
        return owned ? owned : aslrt_xjson(cJSON_Duplicate(item, 1));
    cx->state = st;
    cx->entered_event_id = mr->ex->entered_event_id;
    cx->entered_at = mr->ex->entered_at;
    cx->retry_count = mr->ex->retry_count;
    cx->map_item = owned ? owned : item;
    cx->map_index = index;
    cJSON *in = aslrt_tmpl_eval(cx, st->item_selector, mr->eff);
    cx->map_item = NULL;
    cJSON_Delete(cx->context);
    cx->context = NULL;
    cx->retry_count = -1;
    cJSON_Delete(owned);
    return in;
}

/* Bytes an item adds to a batch's input text. */
static long text_size(const cJSON *v)
{
    char *t = aslrt_json_text(v);
    long n = (long)strlen(t);
    free(t);
    return n;
}

/* Makes the next batch (lock held): items selected one by one until
   MaxItemsPerBatch or MaxInputBytesPerBatch would be passed (a single item
   larger than the byte limit makes a batch alone). 1 with j->input set, 0
   when no item is left, -1 after failing the Map. */
static int next_batch(map_run *mr, job *j)
{
    aslrt_exec sx;
    aslrt_branch_init(&sx, mr->ex, mr->ex->run, &mr->g);
    cJSON *items = aslrt_xjson(cJSON_CreateArray());
    long n = 0;
    long bytes = (long)strlen("{\"Items\":[]}");
    if (mr->batch_input)
        bytes += (long)strlen("\"BatchInput\":,") + text_size(mr->batch_input);
    int rc = 0;
    for (;;) {
        if (mr->batch_items > 0 && n >= mr->batch_items)
            break;
        cJSON *in = mr->held;
        mr->held = NULL;
        if (!in) {
            const cJSON *item;
            cJSON *owned;
            rc = next_item(mr, &item, &owned);
            if (rc <= 0)
                break;
            in = select_item(mr, &sx, mr->next_item - 1, item, owned);
            if (!in) {
                fail_locked(mr, sx.error, sx.cause);
                rc = -1;
                break;
            }
        }
        long size = text_size(in) + (n ? 1 : 0);
        if (mr->batch_bytes > 0 && n > 0 && bytes + size > mr->batch_bytes) {
            mr->held = in;
            break;
        }
        bytes += size;
        cJSON_AddItemToArray(items, in);
        n++;
    }
    aslrt_branch_done(&sx);
    if (rc < 0 || n == 0) {
        cJSON_Delete(items);
        return rc < 0 ? -1 : 0;
    }
    cJSON *batch = aslrt_xjson(cJSON_CreateObject());
    if (mr->batch_input)
        cJSON_AddItemToObject(batch, "BatchInput", aslrt_xjson(cJSON_Duplicate(mr->batch_input, 1)));
    cJSON_AddItemToObject(batch, "Items", items);
    j->input = batch;
    j->nitems = n;
    return 1;
}

/* ------------------------------------------------------------ Map Run */

/* pending and total of c, given the jobs (or items) begun so far and the
   number in all (-1: not known yet, the source is still being read). */
static void complete_counts(aslrt_map_run_counts *c, long begun, long total)
{
    long done = c->succeeded + c->failed + c->aborted + c->timed_out;
    c->total = total >= 0 ? total : begun;
    c->pending = c->total - done - c->running;
    if (c->pending < 0)
        c->pending = 0;
}

/* How the Map Run stands (lock held), into *out. */
static void snapshot_locked(map_run *mr, aslrt_map_run_phase phase, const char *status, double now,
                            aslrt_map_run_report *out)
{
    aslrt_map_run_report r;
    memset(&r, 0, sizeof r);
    r.phase = phase;
    r.handle = mr;
    r.map_run_arn = mr->map_run_arn;
    r.execution_arn = mr->ex->run->execution_id;
    r.state_machine_arn = mr->ex->run->state_machine_id;
    r.state_name = mr->st->name;
    r.status = status;
    if (phase == ASLRT_MAP_RUN_ENDED && mr->failed) {
        r.error = mr->error;
        r.cause = mr->cause;
    }
    r.start = mr->start;
    r.stop = phase == ASLRT_MAP_RUN_ENDED ? now : 0;
    r.max_concurrency = mr->max_concurrency;
    r.tolerated_failure_count = mr->use_count ? mr->tol_count : 0;
    r.tolerated_failure_percentage = mr->use_pct ? mr->tol_pct : 0;
    r.items = mr->items;
    r.executions = mr->execs;
    long total_items = mr->total;
    long total_jobs = mr->total >= 0 && mr->batch_items <= 0 && mr->batch_bytes <= 0 ? mr->total : -1;
    if (phase == ASLRT_MAP_RUN_ENDED) { /* what never began never will */
        total_items = mr->next_item;
        total_jobs = mr->next_job;
    }
    complete_counts(&r.items, mr->next_item, total_items);
    complete_counts(&r.executions, mr->next_job, total_jobs);
    if (phase == ASLRT_MAP_RUN_ENDED && mr->st->result_writer && !mr->failed) {
        r.items.results_written = r.items.succeeded + r.items.failed;
        r.executions.results_written = r.executions.succeeded + r.executions.failed;
    }
    *out = r;
}

/* Tells the host how the Map Run stands (lock held): STARTED, or PROGRESS
   at most every 100 ms. ENDED goes through report_end instead. */
static void report_locked(map_run *mr, aslrt_map_run_phase phase)
{
    if (!mr->host)
        return;
    double now = aslrt_now();
    if (phase == ASLRT_MAP_RUN_PROGRESS && now - mr->last_report < 0.1)
        return;
    mr->last_report = now;
    aslrt_map_run_report r;
    snapshot_locked(mr, phase, "RUNNING", now, &r);
    mr->host->map_run(mr->host->ctx, &r);
}

/* The last report, made outside the lock (every iteration has ended), so
   that the host may wait there for an UpdateMapRun still holding the
   handle (which takes the lock) to finish. */
static void report_end(map_run *mr, const char *status)
{
    if (!mr->host)
        return;
    aslrt_map_run_report r;
    pthread_mutex_lock(&mr->lock);
    snapshot_locked(mr, ASLRT_MAP_RUN_ENDED, status, aslrt_now(), &r);
    pthread_mutex_unlock(&mr->lock);
    mr->host->map_run(mr->host->ctx, &r);
}

/* A child execution started or ended, for ListExecutions by Map Run. */
static void report_child(const map_run *mr, const aslrt_run *child, const char *status, const char *input,
                         const char *output, const aslrt_exec *cx, double start)
{
    if (!mr->host || !mr->host->map_run_child)
        return;
    aslrt_map_run_child c = {
        .map_run_arn = mr->map_run_arn,
        .execution_arn = child->execution_id,
        .name = child->name,
        .state_machine_arn = child->state_machine_id,
        .status = status,
        .input = input,
        .output = output,
        .error = output ? NULL : cx->error,
        .cause = output ? NULL : cx->cause,
        .start = start,
        .stop = strcmp(status, "RUNNING") == 0 ? 0 : aslrt_now(),
    };
    mr->host->map_run_child(mr->host->ctx, &c);
}

void aslrt_map_run_update(aslrt_map_run *mr, long max_concurrency, long tolerated_failure_count,
                          double tolerated_failure_percentage)
{
    pthread_mutex_lock(&mr->lock);
    if (max_concurrency >= 0) {
        mr->max_concurrency = max_concurrency;
        mr->limit_update = max_concurrency == 0 || max_concurrency > DISTRIBUTED_MAX_CONCURRENCY
                               ? DISTRIBUTED_MAX_CONCURRENCY
                               : max_concurrency;
    }
    if (tolerated_failure_count >= 0) {
        mr->use_count = 1;
        mr->tol_count = tolerated_failure_count;
    }
    if (tolerated_failure_percentage >= 0) {
        mr->use_pct = 1;
        mr->tol_pct = tolerated_failure_percentage;
    }
    pthread_mutex_unlock(&mr->lock);
}

/* ------------------------------------------------------------ iterations */

/* Would failed_items fail the Map, given `total` items (-1: not known yet)? */
static int exceeded(const map_run *mr, long total)
{
    if (!mr->use_count && !mr->use_pct)
        return mr->failed_items > 0;
    if (mr->use_count && mr->failed_items > mr->tol_count)
        return 1;
    return mr->use_pct && total > 0 && (double)mr->failed_items * 100.0 > mr->tol_pct * (double)total;
}

/* What became of an iteration, for its history event. */
enum { DONE_SUCCEEDED, DONE_FAILED, DONE_ABORTED };

/* Files iteration j's outcome (lock held): rc 0 with `out` (taken), else
   cx's error; `selected` is 0 when the failure was the Map's own
   (ItemSelector), which no tolerance covers. Returns DONE_*. */
static int finish_locked(map_run *mr, const job *j, aslrt_exec *cx, int rc, cJSON *out, int selected,
                         aslrt_map_record *rec)
{
    reserve(mr, j->index);
    if (rc == 0) {
        if (mr->keep_records) {
            rec->status = ASLRT_RECORD_SUCCEEDED;
            rec->output = out;
            mr->records[j->index] = *rec;
            memset(rec, 0, sizeof *rec);
        } else {
            mr->results[j->index] = out;
        }
        return DONE_SUCCEEDED;
    }
    cJSON_Delete(out);
    if (mr->stopped)
        return DONE_ABORTED;
    if (!selected || !mr->tolerance) {
        fail_locked(mr, cx->error, cx->cause);
        return DONE_FAILED;
    }
    mr->failed_items += j->nitems;
    if (mr->keep_records) {
        rec->status = ASLRT_RECORD_FAILED;
        aslrt_error_move(cx, &rec->error, &rec->cause);
        mr->records[j->index] = *rec;
        memset(rec, 0, sizeof *rec);
    } else {
        cJSON *e = aslrt_xjson(cJSON_CreateObject());
        aslrt_xjson(cJSON_AddStringToObject(e, "Error", cx->error ? cx->error : ""));
        aslrt_xjson(cJSON_AddStringToObject(e, "Cause", cx->cause ? cx->cause : ""));
        mr->results[j->index] = e;
    }
    if (exceeded(mr, mr->total))
        fail_locked(mr, "States.ExceedToleratedFailureThreshold", "The specified tolerated failure threshold was exceeded");
    return DONE_FAILED;
}

/* Runs iteration j on this thread, from its item to its filed outcome. */
static void run_job(map_run *mr, job *j)
{
    static const char *const events[] = {"MapIterationSucceeded", "MapIterationFailed", "MapIterationAborted"};
    const aslrt_state *st = mr->st;
    aslrt_exec cx;
    aslrt_branch_init(&cx, mr->ex, mr->ex->run, &mr->g);
    if (!mr->distributed)
        aslrt_history_map_iteration(&cx, "MapIterationStarted", st, j->index);
    cJSON *in = j->input ? j->input : select_item(mr, &cx, j->index, j->item, j->owned);
    j->input = j->owned = NULL;
    int selected = in != NULL, rc = -1;
    aslrt_run child;
    char *child_output = NULL;
    double child_start = 0;
    aslrt_map_record rec;
    memset(&rec, 0, sizeof rec);
    if (in) {
        if (mr->distributed) {
            child_run_init(mr, &child, j, in);
            cx.run = &child;
            cx.prev_event_id = 0;
            aslrt_event(&cx, "ExecutionStarted", NULL);
            if (mr->host) {
                child_start = aslrt_now();
                char *text = aslrt_json_text(in);
                report_child(mr, &child, "RUNNING", text, NULL, &cx, child_start);
                free(text);
            }
        }
        if (mr->keep_records) {
            rec.input = aslrt_json_text(in);
            rec.start = aslrt_now();
            if (mr->distributed) {
                rec.name = aslrt_xstrdup(child.name);
                rec.arn = aslrt_xstrdup(child.execution_id);
            }
        }
        const aslrt_machine *m = st->branches[0];
        rc = m->run(&cx, m, &in);
        if (mr->keep_records)
            rec.stop = aslrt_now();
    }
    if (mr->host && selected)
        report_child(mr, &child, rc == 0 ? "SUCCEEDED" : aslrt_cancelled(&cx) ? "ABORTED" : "FAILED", NULL,
                     rc == 0 ? (child_output = aslrt_json_text(in)) : NULL, &cx, child_start);
    free(child_output);
    pthread_mutex_lock(&mr->lock);
    int done = finish_locked(mr, j, &cx, rc, rc == 0 ? in : NULL, selected, &rec);
    if (mr->host) {
        static const size_t slot[] = {offsetof(aslrt_map_run_counts, succeeded),
                                      offsetof(aslrt_map_run_counts, failed),
                                      offsetof(aslrt_map_run_counts, aborted)};
        *(long *)((char *)&mr->items + slot[done]) += j->nitems;
        *(long *)((char *)&mr->execs + slot[done]) += 1;
        mr->items.running -= j->nitems;
        mr->execs.running--;
        report_locked(mr, ASLRT_MAP_RUN_PROGRESS);
    }
    int stop = mr->stopped;
    pthread_mutex_unlock(&mr->lock);
    if (rc != 0)
        cJSON_Delete(in);
    if (stop)
        aslrt_group_stop(&mr->g);
    if (mr->distributed && selected) {
        child_run_free(&child);
        cx.run = mr->ex->run;
    }
    if (!mr->distributed)
        aslrt_history_map_iteration(&cx, events[done], st, j->index);
    aslrt_map_record_free(&rec);
    aslrt_branch_done(&cx);
}

/* One step: takes the next item (or batch) and runs it, then the next,
   until none is left or the Map stops. Taking the next item here instead of
   returning to the pool saves a trip through the pool's lock per item, and
   changes nothing else: the iterations running at once are still the steps
   running, which the pool keeps to MaxConcurrency, and items are still
   taken in order. */
static int map_step(aslrt_group *g)
{
    map_run *mr = (map_run *)g;
    for (;;) {
        job j;
        memset(&j, 0, sizeof j);
        pthread_mutex_lock(&mr->lock);
        int rc = 0;
        if (!mr->stopped) {
            if (mr->batch_items > 0 || mr->batch_bytes > 0)
                rc = next_batch(mr, &j);
            else if ((rc = next_item(mr, &j.item, &j.owned)) > 0)
                j.nitems = 1;
        }
        if (rc > 0) {
            j.index = mr->next_job++;
            reserve(mr, j.index);
            if (mr->host) {
                mr->items.running += j.nitems;
                mr->execs.running++;
            }
            if (mr->limit_update >= 0) { /* UpdateMapRun */
                aslrt_group_set_limit(g, (int)mr->limit_update);
                mr->limit_update = -1;
            }
        } else if (rc == 0 && mr->total < 0) {
            mr->total = mr->next_item;
        }
        pthread_mutex_unlock(&mr->lock);
        if (rc < 0)
            aslrt_group_stop(g);
        if (rc <= 0)
            return 0;
        run_job(mr, &j);
    }
}

/* --------------------------------------------------------------- a run */

static void map_run_free(map_run *mr)
{
    for (long i = 0; i < mr->cap; i++) {
        if (mr->keep_records)
            aslrt_map_record_free(&mr->records[i]);
        else
            cJSON_Delete(mr->results[i]);
    }
    free(mr->records);
    free(mr->results);
    cJSON_Delete(mr->held);
    aslrt_item_source_close(mr->src);
    free(mr->error);
    free(mr->cause);
    free(mr->map_run_arn);
    free(mr->uuid);
    free(mr->child_sm_arn);
    free(mr->exec_prefix);
    free(mr->child_sm_name);
    pthread_mutex_destroy(&mr->lock);
}

/* The state's result from the finished iterations: the outputs in order,
   or what the ResultWriter makes of them. NULL with ex's error set. */
static cJSON *gather(aslrt_exec *ex, map_run *mr)
{
    long n = mr->next_job;
    const aslrt_result_writer *w = mr->st->result_writer;
    if (!w) {
        reserve(mr, n);
        return aslrt_array_take(mr->results, n);
    }
    aslrt_map_run_id id = {mr->map_run_arn ? mr->map_run_arn : "", mr->uuid ? mr->uuid : "",
                           mr->child_sm_arn ? mr->child_sm_arn : ""};
    if (!w->resource)
        return aslrt_result_transform(w, &id, mr->records, n);
    return aslrt_result_write(ex, w, mr->eff, &id, mr->records, n);
}

/* One attempt: the result array (or ResultWriter details), or NULL with
   ex's error set; *own is 1 when the Map's own fields failed (no
   MapStateFailed event follows, as in AWS's histories). `take`: the items
   may be taken out of eff (ASLRT_TAKES_ITEMS). */
static cJSON *map_attempt(aslrt_exec *ex, const aslrt_state *st, const cJSON *eff, int take, int *own)
{
    *own = 1;
    long mc = max_concurrency(ex, st, eff);
    if (mc < 0)
        return NULL;
    cJSON *owned_items = NULL;
    const cJSON *items = NULL;
    if (!st->item_reader) {
        if (st->flags & ASLRT_PLACEHOLDER) { /* Items is a template placeholder (check warned) */
            aslrt_runtime_error(ex, "%s", st->cause);
            return NULL;
        }
        if (st->items) { /* JSONata Items (query.c checks it is an array) */
            if (!(items = owned_items = aslrt_query_array(ex, st->items, eff)))
                return NULL;
        } else if (st->items_path && st->items_path->definite) {
            items = aslrt_path_get(ex, st->items_path, eff);
            if (!items) {
                char *why = aslrt_path_miss_cause(ex, st->items_path, eff);
                aslrt_runtime_error(ex, "%s", why);
                free(why);
                return NULL;
            }
        } else if (st->items_path) {
            items = owned_items = aslrt_path_eval(ex, st->items_path, eff);
        } else {
            items = eff;
        }
        if (!cJSON_IsArray(items)) {
            char *text = aslrt_json_text(items);
            if (st->flags & ASLRT_JSONATA) /* [A recorded]: the same cause, another name */
                aslrt_query_error(ex, NULL, "Map state input must be an array but was: %s", text);
            else
                aslrt_runtime_error(ex, "Map state input must be an array but was: %s", text);
            free(text);
            cJSON_Delete(owned_items);
            return NULL;
        }
    }
    if (aslrt_inspecting(ex)) {
        if (items)
            aslrt_inspect_report(ex, "afterItemsPath", items);
        aslrt_inspect_number(ex, "maxConcurrency", (double)mc);
    }
    aslrt_history_map_started(ex, items ? cJSON_GetArraySize(items) : 0);

    map_run mr;
    memset(&mr, 0, sizeof mr);
    mr.g.step = map_step;
    mr.g.cancel.parent = ex->cancel;
    mr.ex = ex;
    mr.st = st;
    mr.eff = eff;
    mr.distributed = (st->flags & ASLRT_DISTRIBUTED) != 0;
    mr.keep_records = st->result_writer != NULL;
    mr.total = -1;
    aslrt_mutex_init(&mr.lock); /* taken twice an item by every thread at work */
    cJSON *batch_input = NULL;
    cJSON *out = NULL;
    mr.limit_update = -1;
    mr.max_concurrency = mc;
    if (tolerance(ex, &mr, eff) != 0 || batcher(ex, &mr, eff, &batch_input) != 0)
        goto done;
    if (aslrt_inspecting(ex) && (mr.use_count || mr.use_pct)) {
        aslrt_inspect_number(ex, "toleratedFailureCount", (double)mr.tol_count);
        aslrt_inspect_number(ex, "toleratedFailurePercentage", mr.tol_pct);
    }
    mr.batch_input = batch_input;
    if (mc == 0 || mc > (mr.distributed ? DISTRIBUTED_MAX_CONCURRENCY : INLINE_MAX_CONCURRENCY))
        mc = mr.distributed ? DISTRIBUTED_MAX_CONCURRENCY : INLINE_MAX_CONCURRENCY;
    mr.g.limit = (int)mc;
    if (items) {
        mr.cursor = items->child;
        if (owned_items || take)
            mr.take_from = (cJSON *)items; /* ours to change: see `take` */
        mr.total = cJSON_GetArraySize(items);
        reserve(&mr, mr.total);
        if (mr.batch_items <= 0 && mr.batch_bytes <= 0)
            mr.g.size = mr.total; /* never more steps than items */
    }
    *own = 0;
    if (mr.distributed) {
        name_map_run(&mr);
        cJSON *d = NULL;
        if (aslrt_history_enabled(ex)) {
            d = aslrt_xjson(cJSON_CreateObject());
            aslrt_xjson(cJSON_AddStringToObject(d, "mapRunArn", mr.map_run_arn));
        }
        aslrt_event(ex, "MapRunStarted", d);
        const aslrt_host *h = ex->run->host;
        if (h && h->map_run && !ex->run->parent) {
            mr.host = h;
            mr.start = aslrt_now();
            pthread_mutex_lock(&mr.lock);
            report_locked(&mr, ASLRT_MAP_RUN_STARTED);
            pthread_mutex_unlock(&mr.lock);
        }
    }
    if (st->item_reader && !(mr.src = aslrt_item_source_open(ex, st->item_reader, eff))) {
        fail_locked(&mr, ex->error, ex->cause);
    } else {
        aslrt_pool_run(aslrt_pool_get(ex->run), &mr.g);
        if (!mr.failed && mr.tolerance && exceeded(&mr, mr.total))
            fail_locked(&mr, "States.ExceedToleratedFailureThreshold",
                        "The specified tolerated failure threshold was exceeded");
    }
    if (mr.failed) {
        aslrt_error_set(ex, mr.error, mr.cause);
    } else if (!(out = gather(ex, &mr))) {
        mr.failed = 1;
    }
    if (mr.distributed) {
        /* a Map Run cut short by StopExecution (or the execution's timeout) is aborted */
        int aborted = mr.failed && aslrt_stop_reason(ex->run) != ASLRT_STOP_NONE;
        cJSON *d = NULL;
        if (mr.failed && !aborted && aslrt_history_enabled(ex)) {
            d = aslrt_xjson(cJSON_CreateObject());
            if (ex->error)
                aslrt_xjson(cJSON_AddStringToObject(d, "error", ex->error));
            if (ex->cause)
                aslrt_xjson(cJSON_AddStringToObject(d, "cause", ex->cause));
        }
        aslrt_event(ex, aborted ? "MapRunAborted" : mr.failed ? "MapRunFailed" : "MapRunSucceeded", d);
        report_end(&mr, aborted ? "ABORTED" : mr.failed ? "FAILED" : "SUCCEEDED");
    }
done:
    map_run_free(&mr);
    cJSON_Delete(batch_input);
    cJSON_Delete(owned_items);
    return out;
}

int aslrt_map_state(aslrt_exec *ex, const aslrt_state *st, cJSON **v)
{
    if (aslrt_state_enter(ex, st, *v) != 0)
        return -1;
    /* The effective input is only read (ItemsPath, ItemSelector's $), so it
       is borrowed from the raw input when InputPath allows. */
    cJSON *owned;
    const cJSON *eff = aslrt_input_view(ex, st, *v, &owned);
    if (!eff)
        return -1;
    aslrt_retries retries;
    aslrt_retries_init(&retries, st);
    int take = (st->flags & ASLRT_TAKES_ITEMS) && *v != ex->borrowed;
    cJSON *result;
    for (;;) {
        int own;
        result = map_attempt(ex, st, eff, take, &own);
        if (result) {
            aslrt_event(ex, "MapStateSucceeded", NULL);
            break;
        }
        if (!aslrt_retry(ex, st, &retries)) {
            if (!own)
                aslrt_event(ex, "MapStateFailed", NULL);
            break;
        }
        aslrt_error_clear(ex);
    }
    aslrt_retries_free(&retries);
    cJSON_Delete(owned);
    if (!result)
        return -1;
    /* Assign, ResultSelector, ResultPath, OutputPath, or JSONata's Assign and Output */
    if (aslrt_state_finish(ex, st, v, result, st->assign, st->output) != 0)
        return -1;
    return aslrt_state_exit(ex, st, *v);
}
