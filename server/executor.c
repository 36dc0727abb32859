/* executor.c — running executions (executor.h).
 *
 * Threads: workers take executions from one queue and run each to its end through
 * aslrt_execute(); an execution that waits (a task token, an activity, a Wait state) holds its
 * worker, so a monitor adds a worker whenever the queue's oldest execution has waited longer
 * than QUEUE_PATIENCE_S with none idle (up to MAX_WORKERS), and answers long polls whose time
 * is up. A writer takes the records of started and finished executions from the journal and
 * writes them to the store in one transaction per batch, so that no execution waits on SQLite
 * and a batch costs one commit. A finished execution stays in the table of running ones until
 * its record is in the store: a reader looks in the table first, then in the store, and finds
 * it in one or the other at every moment.
 *
 * Locks, taken in this order only: live_lock (the table) before the store's; a live
 * execution's own lock before journal_lock. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bindings.h"
#include "buf.h"
#include "executor.h"
#include "jsonprint.h"
#include "jsonread.h"
#include "mock.h"
#include "programs.h"
#include "random.h"
#include "table.h"
#include "xalloc.h"

enum { MAX_WORKERS = 1024, MONITOR_TICK_MS = 10, JOURNAL_BATCH = 512, STOP_WAIT_MS = 5000 };
#define QUEUE_PATIENCE_S 0.010

/* One execution from its start until its record is in the store. */
typedef struct live {
    atomic_int refs;
    srv_executor *x;
    srv_execution rec; /* status, output, error, cause, stop change under lock when it ends */
    char *machine_name, *test_case;
    const aslrt_program *program;
    const aslrt_mock *mock;
    aslrt_stop_handle *stop;
    pthread_mutex_t lock;
    pthread_cond_t ended_cond;
    asl_buf events; /* its HistoryEvent objects so far, comma-separated */
    int ended;
    int express, sync, metadata_only;
    srv_later *later; /* a sync execution's request */
    cJSON *sync_resp; /* a sync execution run on the caller's thread: its answer */
    double queued_at;
    struct live *next; /* in the run queue */
} live;

/* A record for the writer: an execution started or ended. */
typedef struct entry {
    live *l;
    int ended;
    struct entry *next;
} entry;

struct srv_executor {
    srv *s;
    srv_programs *programs;
    srv_tasks *tasks;
    aslrt_bindings *bindings;
    char *mock_name, *mock_text;
    size_t mock_len;
    pthread_mutex_t mocks_lock;
    srv_table *mocks; /* "MACHINE#CASE" -> aslrt_mock */

    pthread_mutex_t live_lock;
    srv_table *live; /* ARN -> live, running or not yet written */

    pthread_mutex_t run_lock;
    pthread_cond_t run_cond;
    live *run_head, *run_tail;
    int idle, nworkers, stopping;
    pthread_t workers[MAX_WORKERS];

    pthread_mutex_t journal_lock;
    pthread_cond_t journal_cond, written_cond;
    entry *journal_head, *journal_tail;
    long journaled, written; /* entries so far, and how many of them are in the store */
    int journal_stopping;
    pthread_t writer;

    pthread_mutex_t monitor_lock;
    pthread_cond_t monitor_cond;
    int monitor_stopping;
    pthread_t monitor;
};

srv_executor *srv_executor_of(const srv *s)
{
    return s->executor;
}

srv_tasks *srv_executor_tasks(srv_executor *x)
{
    return x->tasks;
}

/* ------------------------------------------------------------ live executions */

static void live_unref(live *l)
{
    if (atomic_fetch_sub(&l->refs, 1) != 1)
        return;
    srv_execution_free(&l->rec);
    free(l->machine_name);
    free(l->test_case);
    aslrt_stop_handle_free(l->stop);
    asl_buf_free(&l->events);
    cJSON_Delete(l->sync_resp);
    pthread_mutex_destroy(&l->lock);
    pthread_cond_destroy(&l->ended_cond);
    free(l);
}

/* The running (or not yet written) execution with this ARN, with a reference, or NULL. */
static live *live_find(srv_executor *x, const char *arn)
{
    pthread_mutex_lock(&x->live_lock);
    live *l = srv_table_get(x->live, arn);
    if (l)
        atomic_fetch_add(&l->refs, 1);
    pthread_mutex_unlock(&x->live_lock);
    return l;
}

static void live_forget(srv_executor *x, live *l)
{
    pthread_mutex_lock(&x->live_lock);
    if (srv_table_get(x->live, l->rec.arn) == l)
        srv_table_del(x->live, l->rec.arn);
    pthread_mutex_unlock(&x->live_lock);
    live_unref(l);
}

static char *dup_or_null(const char *s)
{
    return s ? aslrt_xstrdup(s) : NULL;
}

/* A copy of a record's strings and numbers. */
static void copy_execution(const srv_execution *from, srv_execution *to)
{
    *to = *from;
    to->arn = dup_or_null(from->arn);
    to->machine_arn = dup_or_null(from->machine_arn);
    to->version_arn = dup_or_null(from->version_arn);
    to->alias_arn = dup_or_null(from->alias_arn);
    to->map_run_arn = dup_or_null(from->map_run_arn);
    to->name = dup_or_null(from->name);
    to->type = dup_or_null(from->type);
    to->status = dup_or_null(from->status);
    to->input = dup_or_null(from->input);
    to->output = dup_or_null(from->output);
    to->error = dup_or_null(from->error);
    to->cause = dup_or_null(from->cause);
    to->trace_header = dup_or_null(from->trace_header);
    to->definition = dup_or_null(from->definition);
    to->role_arn = dup_or_null(from->role_arn);
}

/* ------------------------------------------------------------ the journal and its writer */

static void journal(srv_executor *x, live *l, int ended)
{
    entry *e = aslrt_xmalloc(sizeof *e);
    e->l = l;
    e->ended = ended;
    e->next = NULL;
    atomic_fetch_add(&l->refs, 1);
    pthread_mutex_lock(&x->journal_lock);
    if (x->journal_tail)
        x->journal_tail->next = e;
    else
        x->journal_head = e;
    x->journal_tail = e;
    x->journaled++;
    pthread_cond_signal(&x->journal_cond);
    pthread_mutex_unlock(&x->journal_lock);
}

/* Writes one entry (inside the batch's transaction). */
static void write_entry(srv_store *st, entry *e)
{
    live *l = e->l;
    srv_execution rec;
    pthread_mutex_lock(&l->lock);
    copy_execution(&l->rec, &rec);
    char *events = NULL;
    if (e->ended) {
        events = aslrt_xmalloc(l->events.len + 3);
        events[0] = '[';
        memcpy(events + 1, l->events.data ? l->events.data : "", l->events.len);
        events[l->events.len + 1] = ']';
        events[l->events.len + 2] = 0;
    }
    pthread_mutex_unlock(&l->lock);
    int rc = e->ended ? srv_store_execution_update(st, &rec) : srv_store_execution_insert(st, &rec);
    if (rc == SRV_OK && events)
        rc = srv_store_history_put(st, rec.arn, events);
    if (rc != SRV_OK)
        fprintf(stderr, "aslc serve: could not record execution %s\n", rec.arn);
    free(events);
    srv_execution_free(&rec);
}

static void *writer_main(void *arg)
{
    srv_executor *x = arg;
    pthread_mutex_lock(&x->journal_lock);
    for (;;) {
        while (!x->journal_head && !x->journal_stopping)
            pthread_cond_wait(&x->journal_cond, &x->journal_lock);
        if (!x->journal_head)
            break;
        /* a batch: what has gathered while the last one was written */
        entry *batch = x->journal_head, *last = batch;
        long n = 1;
        while (last->next && n < JOURNAL_BATCH) {
            last = last->next;
            n++;
        }
        x->journal_head = last->next;
        if (!x->journal_head)
            x->journal_tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&x->journal_lock);

        srv_store_begin(x->s->store);
        for (entry *e = batch; e; e = e->next)
            write_entry(x->s->store, e);
        if (srv_store_commit(x->s->store) != SRV_OK)
            fprintf(stderr, "aslc serve: could not record %ld executions\n", n);
        for (entry *e = batch, *next; e; e = next) {
            next = e->next;
            if (e->ended)
                live_forget(x, e->l); /* in the store now: readers find it there */
            live_unref(e->l);
            free(e);
        }

        pthread_mutex_lock(&x->journal_lock);
        x->written += n;
        pthread_cond_broadcast(&x->written_cond);
    }
    pthread_mutex_unlock(&x->journal_lock);
    return NULL;
}

void srv_executor_flush(srv_executor *x)
{
    pthread_mutex_lock(&x->journal_lock);
    long target = x->journaled;
    while (x->written < target)
        pthread_cond_wait(&x->written_cond, &x->journal_lock);
    pthread_mutex_unlock(&x->journal_lock);
}

/* ------------------------------------------------------------ the runtime's hooks */

static void on_event(void *ctx, long id, long previous_id, double timestamp, const char *type,
                     const char *details_key, const cJSON *details)
{
    live *l = ctx;
    char head[192], small[2048];
    size_t dlen = 0;
    char *dtext = details ? aslrt_json_text_buf(details, small, sizeof small, &dlen) : NULL;
    /* AWS's timestamps have milliseconds */
    int n = snprintf(head, sizeof head, "{\"timestamp\":%.3f,\"type\":\"%s\",\"id\":%ld,\"previousEventId\":%ld",
                     floor(timestamp * 1000) / 1000, type, id, previous_id);
    pthread_mutex_lock(&l->lock);
    if (l->events.len)
        asl_buf_add(&l->events, ",", 1);
    asl_buf_add(&l->events, head, (size_t)n);
    if (dtext) {
        asl_buf_add(&l->events, ",\"", 2);
        asl_buf_add(&l->events, details_key, strlen(details_key));
        asl_buf_add(&l->events, "\":", 2);
        asl_buf_add(&l->events, dtext, dlen);
    }
    asl_buf_add(&l->events, "}", 1);
    pthread_mutex_unlock(&l->lock);
    if (dtext != small)
        free(dtext);
}

static void on_wait_task(void *ctx, aslrt_callback *cb, const aslrt_task_request *req)
{
    live *l = ctx;
    srv_tasks_wait(l->x->tasks, cb, req);
}

static void on_activity(void *ctx, aslrt_callback *cb, const aslrt_task_request *req)
{
    live *l = ctx;
    srv_tasks_activity(l->x->tasks, cb, req);
}

static void on_task_done(void *ctx, aslrt_callback *cb)
{
    live *l = ctx;
    srv_tasks_done(l->x->tasks, cb);
}

/* ------------------------------------------------------------ running one */

static const char *const status_names[] = {
    [ASLRT_STATUS_SUCCEEDED] = "SUCCEEDED",
    [ASLRT_STATUS_FAILED] = "FAILED",
    [ASLRT_STATUS_TIMED_OUT] = "TIMED_OUT",
    [ASLRT_STATUS_ABORTED] = "ABORTED",
};

/* StartSyncExecution's answer (the model's StartSyncExecutionOutput). */
static cJSON *sync_answer(const live *l)
{
    const srv_execution *r = &l->rec;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "executionArn", r->arn);
    cJSON_AddStringToObject(o, "stateMachineArn", r->version_arn ? r->version_arn : r->machine_arn);
    cJSON_AddStringToObject(o, "name", r->name);
    cJSON_AddNumberToObject(o, "startDate", r->start);
    cJSON_AddNumberToObject(o, "stopDate", r->stop);
    /* an execution stopped from outside cannot be (sync executions have no StopExecution) */
    cJSON_AddStringToObject(o, "status", strcmp(r->status, "ABORTED") == 0 ? "FAILED" : r->status);
    if (r->error)
        cJSON_AddStringToObject(o, "error", r->error);
    if (r->cause)
        cJSON_AddStringToObject(o, "cause", r->cause);
    if (!l->metadata_only)
        cJSON_AddStringToObject(o, "input", r->input);
    cJSON_AddBoolToObject(cJSON_AddObjectToObject(o, "inputDetails"), "included", !l->metadata_only);
    if (r->output && !l->metadata_only)
        cJSON_AddStringToObject(o, "output", r->output);
    if (r->output || strcmp(r->status, "SUCCEEDED") == 0)
        cJSON_AddBoolToObject(cJSON_AddObjectToObject(o, "outputDetails"), "included", !l->metadata_only);
    if (r->trace_header)
        cJSON_AddStringToObject(o, "traceHeader", r->trace_header);
    /* Express workflows are billed by 100 ms and by 64 MB of memory at least */
    double ms = ceil((r->stop - r->start) * 1000 / 100) * 100;
    cJSON *bill = cJSON_AddObjectToObject(o, "billingDetails");
    cJSON_AddNumberToObject(bill, "billedMemoryUsedInMB", 64);
    cJSON_AddNumberToObject(bill, "billedDurationInMilliseconds", ms < 100 ? 100 : ms);
    return o;
}

static void run(live *l)
{
    srv_executor *x = l->x;
    const srv_options *o = &x->s->opt;
    aslrt_host host = {
        .ctx = l,
        .event = l->express ? NULL : on_event,
        .wait_task = on_wait_task,
        .activity = on_activity,
        .task_done = on_task_done,
    };
    aslrt_execution_params p = {
        .program = l->program,
        .name = l->rec.name,
        .execution_arn = l->rec.arn,
        .state_machine_arn = l->rec.version_arn ? l->rec.version_arn : l->rec.machine_arn,
        .state_machine_name = l->machine_name,
        .role_arn = l->rec.role_arn,
        .region = o->region,
        .account = o->account,
        .start_time = l->rec.start,
        .input = l->rec.input,
        .input_len = strlen(l->rec.input),
        .mock = l->mock,
        .bindings = x->bindings,
        .no_wait = o->no_wait,
        .time_scale = o->time_scale,
        .stop = l->stop,
        .host = &host,
    };
    aslrt_execution_result r;
    aslrt_execute(&p, &r);

    pthread_mutex_lock(&l->lock);
    free(l->rec.status);
    l->rec.status = aslrt_xstrdup(status_names[r.status]);
    l->rec.output = r.output;
    l->rec.error = r.error;
    l->rec.cause = r.cause;
    r.output = r.error = r.cause = NULL;
    l->rec.stop = srv_now();
    l->ended = 1;
    /* journaled before anyone can see it ended: a listing that flushes after a DescribeExecution
       said SUCCEEDED finds SUCCEEDED too */
    if (!l->express)
        journal(x, l, 1);
    pthread_cond_broadcast(&l->ended_cond);
    pthread_mutex_unlock(&l->lock);
    aslrt_execution_result_free(&r);

    if (l->sync) {
        cJSON *resp = sync_answer(l);
        if (l->later)
            srv_later_answer(l->later, resp, NULL);
        else
            l->sync_resp = resp;
    }
    if (l->express)
        live_forget(x, l);
}

/* ------------------------------------------------------------ the pool */

static void *worker_main(void *arg)
{
    srv_executor *x = arg;
    pthread_mutex_lock(&x->run_lock);
    for (;;) {
        x->idle++;
        while (!x->run_head && !x->stopping)
            pthread_cond_wait(&x->run_cond, &x->run_lock);
        x->idle--;
        live *l = x->run_head;
        if (!l)
            break;
        x->run_head = l->next;
        if (!x->run_head)
            x->run_tail = NULL;
        pthread_mutex_unlock(&x->run_lock);
        atomic_fetch_add(&l->refs, 1);
        run(l);
        live_unref(l);
        pthread_mutex_lock(&x->run_lock);
    }
    pthread_mutex_unlock(&x->run_lock);
    return NULL;
}

/* One more worker (run_lock held); 0, or -1 when there are as many as there may be. */
static int add_worker(srv_executor *x)
{
    if (x->nworkers == MAX_WORKERS || pthread_create(&x->workers[x->nworkers], NULL, worker_main, x) != 0)
        return -1;
    x->nworkers++;
    return 0;
}

static void enqueue(srv_executor *x, live *l)
{
    l->queued_at = srv_now();
    l->next = NULL;
    pthread_mutex_lock(&x->run_lock);
    if (x->run_tail)
        x->run_tail->next = l;
    else
        x->run_head = l;
    x->run_tail = l;
    pthread_cond_signal(&x->run_cond);
    pthread_mutex_unlock(&x->run_lock);
}

/* Every MONITOR_TICK_MS: a worker more when executions wait in the queue with every worker
   busy (some are waiting on tasks or timers), and the long polls whose time is up answered. */
static void *monitor_main(void *arg)
{
    srv_executor *x = arg;
    pthread_mutex_lock(&x->monitor_lock);
    while (!x->monitor_stopping) {
        struct timespec at;
        clock_gettime(CLOCK_REALTIME, &at);
        at.tv_nsec += MONITOR_TICK_MS * 1000000L;
        if (at.tv_nsec >= 1000000000L) {
            at.tv_sec++;
            at.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&x->monitor_cond, &x->monitor_lock, &at);
        if (x->monitor_stopping)
            break;
        pthread_mutex_unlock(&x->monitor_lock);
        double now = srv_now();
        srv_tasks_expire(x->tasks, now);
        pthread_mutex_lock(&x->run_lock);
        if (x->run_head && x->idle == 0 && now - x->run_head->queued_at >= QUEUE_PATIENCE_S)
            add_worker(x);
        pthread_mutex_unlock(&x->run_lock);
        pthread_mutex_lock(&x->monitor_lock);
    }
    pthread_mutex_unlock(&x->monitor_lock);
    return NULL;
}

/* ------------------------------------------------------------ starting */

static char *read_file(const char *path, size_t *len, char **err)
{
    FILE *f = fopen(path, "rb");
    asl_buf b = {0};
    if (!f || asl_buf_read(&b, f) != 0) {
        *err = aslrt_strf("%s: cannot read it", path);
        if (f)
            fclose(f);
        asl_buf_free(&b);
        return NULL;
    }
    fclose(f);
    *len = b.len;
    return asl_buf_take(&b);
}

srv_executor *srv_executor_new(srv *s, char **err)
{
    srv_executor *x = aslrt_xmalloc(sizeof *x);
    memset(x, 0, sizeof *x);
    x->s = s;
    if (strcmp(s->opt.mode, "aot") == 0) {
        *err = aslrt_xstrdup("--mode aot is not implemented for aslc serve yet (jit or interp)");
        free(x);
        return NULL;
    }
    if (s->opt.mock_config) {
        if (!(x->mock_text = read_file(s->opt.mock_config, &x->mock_len, err))) {
            free(x);
            return NULL;
        }
        x->mock_name = aslrt_xstrdup(s->opt.mock_config);
    }
    if (s->opt.bindings && !(x->bindings = aslrt_bindings_load(s->opt.bindings, err))) {
        free(x->mock_text);
        free(x->mock_name);
        free(x);
        return NULL;
    }
    x->programs = srv_programs_new(s->opt.mode);
    x->tasks = srv_tasks_new();
    x->mocks = srv_table_new();
    x->live = srv_table_new();
    pthread_mutex_init(&x->mocks_lock, NULL);
    pthread_mutex_init(&x->live_lock, NULL);
    pthread_mutex_init(&x->run_lock, NULL);
    pthread_cond_init(&x->run_cond, NULL);
    pthread_mutex_init(&x->journal_lock, NULL);
    pthread_cond_init(&x->journal_cond, NULL);
    pthread_cond_init(&x->written_cond, NULL);
    pthread_mutex_init(&x->monitor_lock, NULL);
    pthread_cond_init(&x->monitor_cond, NULL);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    pthread_mutex_lock(&x->run_lock);
    for (long i = 0; i < (cores > 2 ? cores : 2); i++)
        add_worker(x);
    pthread_mutex_unlock(&x->run_lock);
    pthread_create(&x->writer, NULL, writer_main, x);
    pthread_create(&x->monitor, NULL, monitor_main, x);
    s->executor = x;
    return x;
}

static void stop_one(void *ctx, const char *key, void *value)
{
    live *l = value;
    (void)ctx, (void)key;
    aslrt_stop_execution(l->stop, NULL, "aslc serve stopped");
}

void srv_executor_quiesce(srv_executor *x)
{
    if (!x)
        return;
    srv_tasks_quiesce(x->tasks);
    pthread_mutex_lock(&x->live_lock);
    srv_table_each(x->live, stop_one, NULL);
    pthread_mutex_unlock(&x->live_lock);
}

static void free_mock(void *ctx, const char *key, void *value)
{
    (void)ctx, (void)key;
    aslrt_mock_free(value);
}

void srv_executor_free(srv_executor *x)
{
    if (!x)
        return;
    srv_executor_quiesce(x);
    pthread_mutex_lock(&x->monitor_lock);
    x->monitor_stopping = 1;
    pthread_cond_signal(&x->monitor_cond);
    pthread_mutex_unlock(&x->monitor_lock);
    pthread_join(x->monitor, NULL);
    pthread_mutex_lock(&x->run_lock);
    x->stopping = 1;
    pthread_cond_broadcast(&x->run_cond);
    int n = x->nworkers;
    pthread_mutex_unlock(&x->run_lock);
    for (int i = 0; i < n; i++)
        pthread_join(x->workers[i], NULL);
    pthread_mutex_lock(&x->journal_lock);
    x->journal_stopping = 1;
    pthread_cond_signal(&x->journal_cond);
    pthread_mutex_unlock(&x->journal_lock);
    pthread_join(x->writer, NULL);

    srv_tasks_free(x->tasks);
    srv_table_each(x->mocks, free_mock, NULL);
    srv_table_free(x->mocks);
    srv_table_free(x->live);
    srv_programs_free(x->programs);
    aslrt_bindings_free(x->bindings);
    free(x->mock_text);
    free(x->mock_name);
    pthread_mutex_destroy(&x->mocks_lock);
    pthread_mutex_destroy(&x->live_lock);
    pthread_mutex_destroy(&x->run_lock);
    pthread_cond_destroy(&x->run_cond);
    pthread_mutex_destroy(&x->journal_lock);
    pthread_cond_destroy(&x->journal_cond);
    pthread_cond_destroy(&x->written_cond);
    pthread_mutex_destroy(&x->monitor_lock);
    pthread_cond_destroy(&x->monitor_cond);
    x->s->executor = NULL;
    free(x);
}

/* The mock test case, parsed once per machine and case; NULL with e filled. */
static const aslrt_mock *mock_for(srv_executor *x, const char *machine, const char *test_case, srv_err *e)
{
    if (!x->mock_text) {
        srv_fail(e, "ValidationException",
                 "Test case '%s' was asked for, but aslc serve has no mock configuration (--mock-config or "
                 "SFN_MOCK_CONFIG)", test_case);
        return NULL;
    }
    char *key = aslrt_strf("%s#%s", machine, test_case);
    pthread_mutex_lock(&x->mocks_lock);
    aslrt_mock *m = srv_table_get(x->mocks, key);
    char *err = NULL;
    if (!m && (m = aslrt_mock_parse(x->mock_name, x->mock_text, x->mock_len, machine, test_case, &err)))
        srv_table_put(x->mocks, key, m);
    pthread_mutex_unlock(&x->mocks_lock);
    free(key);
    if (!m) {
        srv_fail(e, "ValidationException", "%s", err ? err : "the mock configuration cannot be used");
        free(err);
    }
    return m;
}

/* What StartExecution answers when the name is taken: 0 with *start_date when the execution
   holding it is running with the same input (the same request again), else -1. Called with
   live_lock held. */
static int name_taken(srv_executor *x, const srv_launch *ln, double *start_date, srv_err *e)
{
    live *l = srv_table_get(x->live, ln->rec.arn);
    if (l) {
        pthread_mutex_lock(&l->lock);
        int same = !l->ended && !l->express && strcmp(l->rec.input, ln->rec.input) == 0;
        *start_date = l->rec.start;
        pthread_mutex_unlock(&l->lock);
        if (same)
            return 0;
    } else {
        srv_execution old;
        int rc = srv_store_execution_get(x->s->store, ln->rec.arn, &old);
        srv_execution_free(&old);
        if (rc == SRV_NOT_FOUND)
            return 1;
        if (rc != SRV_OK)
            return srv_fail_store(e);
    }
    return srv_fail(e, "ExecutionAlreadyExists", "Execution Already Exists: '%s'", ln->rec.arn);
}

int srv_executor_start(srv_executor *x, srv_launch *ln, srv_later *later, double *start_date, cJSON **resp,
                       srv_err *e)
{
    char *why = NULL;
    const aslrt_program *program =
        srv_programs_get(x->programs, ln->rec.definition, strlen(ln->rec.definition), &why);
    if (!program) {
        srv_fail(e, "InvalidDefinition", "Invalid State Machine Definition: '%s'", why);
        free(why);
        return -1;
    }
    const aslrt_mock *mock = NULL;
    if (ln->test_case && !(mock = mock_for(x, ln->machine_name, ln->test_case, e)))
        return -1;

    live *l = aslrt_xmalloc(sizeof *l);
    memset(l, 0, sizeof *l);
    atomic_init(&l->refs, 1);
    l->x = x;
    l->program = program;
    l->mock = mock;
    l->express = strcmp(ln->rec.type, "EXPRESS") == 0;
    l->sync = ln->sync;
    l->metadata_only = ln->metadata_only;
    l->later = later;
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->ended_cond, NULL);

    pthread_mutex_lock(&x->live_lock);
    if (!l->express) {
        int rc = name_taken(x, ln, start_date, e);
        if (rc <= 0) {
            pthread_mutex_unlock(&x->live_lock);
            live_unref(l);
            srv_execution_free(&ln->rec);
            return rc;
        }
    }
    l->rec = ln->rec;
    memset(&ln->rec, 0, sizeof ln->rec);
    free(l->rec.status);
    l->rec.status = aslrt_xstrdup("RUNNING");
    l->machine_name = dup_or_null(ln->machine_name);
    l->test_case = dup_or_null(ln->test_case);
    l->stop = aslrt_stop_handle_new();
    srv_table_put(x->live, l->rec.arn, l);
    pthread_mutex_unlock(&x->live_lock);
    *start_date = l->rec.start;

    if (!l->express)
        journal(x, l, 0);
    if (l->sync && !later) { /* no HTTP request to answer later: run it here */
        atomic_fetch_add(&l->refs, 1);
        run(l);
        *resp = l->sync_resp;
        l->sync_resp = NULL;
        live_unref(l);
        return 0;
    }
    enqueue(x, l);
    return 0;
}

/* ------------------------------------------------------------ reading */

int srv_executor_get(srv_executor *x, const char *arn, srv_execution *out)
{
    live *l = live_find(x, arn);
    if (!l)
        return srv_store_execution_get(x->s->store, arn, out);
    pthread_mutex_lock(&l->lock);
    copy_execution(&l->rec, out);
    pthread_mutex_unlock(&l->lock);
    live_unref(l);
    return SRV_OK;
}

int srv_executor_history(srv_executor *x, const char *arn, char **events)
{
    live *l = live_find(x, arn);
    if (!l)
        return srv_store_history_get(x->s->store, arn, events);
    pthread_mutex_lock(&l->lock);
    *events = aslrt_strf("[%s]", l->events.data ? l->events.data : "");
    pthread_mutex_unlock(&l->lock);
    live_unref(l);
    return SRV_OK;
}

int srv_executor_stop(srv_executor *x, const char *arn, const char *error, const char *cause, double *stop_date)
{
    live *l = live_find(x, arn);
    if (!l)
        return SRV_NOT_FOUND;
    pthread_mutex_lock(&l->lock);
    int running = !l->ended;
    pthread_mutex_unlock(&l->lock);
    if (!running || aslrt_stop_execution(l->stop, error, cause) != 0) {
        live_unref(l);
        return SRV_NOT_FOUND;
    }
    /* it ends at once (every wait of it watches the stop handle); the answer says when */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += STOP_WAIT_MS / 1000;
    pthread_mutex_lock(&l->lock);
    while (!l->ended && pthread_cond_timedwait(&l->ended_cond, &l->lock, &until) == 0)
        ;
    *stop_date = l->ended ? l->rec.stop : srv_now();
    pthread_mutex_unlock(&l->lock);
    live_unref(l);
    return SRV_OK;
}
