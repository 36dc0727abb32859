/* executor.c — running executions (executor.h).
 *
 * Threads: workers take executions from one queue and run each to its end through
 * aslrt_execute(); an execution that waits (a task token, an activity, a Wait state) holds its
 * worker, so a monitor adds workers when executions wait in the queue behind blocked ones (up
 * to MAX_WORKERS), and answers long polls whose time is up. A writer takes the records of
 * finished executions (and of running ones a listing needs: srv_executor_flush) from the
 * journal and writes them to the store in one transaction per batch, so that no execution
 * waits on SQLite and a batch costs one commit. A finished execution stays in the table of
 * running ones until its record is in the store: a reader looks in the table first, then in
 * the store, and finds it in one or the other at every moment.
 *
 * Locks, taken in this order only: live_lock (the table), then a live execution's own lock,
 * then journal_lock; live_lock before the store's. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bindings.h"
#include "buf.h"
#include "executor.h"
#include "map_runs.h"
#include "jsonprint.h"
#include "jsonread.h"
#include "mock.h"
#include "programs.h"
#include "random.h"
#include "table.h"
#include "xalloc.h"

enum { MAX_WORKERS = 1024, MONITOR_TICK_MS = 10, JOURNAL_BATCH = 512, STOP_WAIT_MS = 5000, WAKE_QUEUE = 4,
       EVENTS_RESERVE = 8192 };
#define QUEUE_PATIENCE_S 0.010

struct srv_machine {
    atomic_int refs;
    long generation; /* the store's when the row was read */
    srv_sm row;
    const aslrt_program *program;
};

/* One execution from its start until its record is in the store. */
typedef struct live {
    atomic_int refs;
    srv_executor *x;
    srv_execution rec; /* status, output, error, cause, stop change under lock when it ends */
    srv_machine *machine;
    char *test_case;
    const aslrt_mock *mock;
    aslrt_stop_handle *stop;
    pthread_mutex_t lock;
    pthread_cond_t ended_cond;
    asl_buf events; /* its HistoryEvent objects so far, comma-separated */
    int ended;
    int start_journaled; /* its row is in the journal (srv_executor_flush) */
    int row_final;       /* the writer wrote its row after it ended (write_entry) */
    int express, sync, metadata_only;
    srv_later *later; /* a sync execution's request */
    cJSON *sync_resp; /* a sync execution run on the caller's thread: its answer */
    double queued_at;
    struct live *next; /* in the run queue */
} live;

/* What an entry of the journal writes. */
enum {
    ENTRY_STARTED, /* the row of a running execution (someone is about to list the store) */
    ENTRY_ENDED,   /* the row again, ended, and the history */
    ENTRY_WHOLE    /* an execution that ended before its start was written: its row and history */
};

/* A record for the writer. */
typedef struct entry {
    live *l;
    int kind;
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

    pthread_mutex_t machines_lock;
    srv_table *machines; /* ARN -> srv_machine (one reference) */

    pthread_mutex_t live_lock;
    srv_table *live; /* ARN -> live, running or not yet written */

    pthread_mutex_t run_lock;
    pthread_cond_t run_cond;
    live *run_head, *run_tail;
    int idle, nworkers, stopping;
    int queued; /* executions in the queue */
    pthread_t workers[MAX_WORKERS];
    double worker_cpu[MAX_WORKERS]; /* each one's CPU time at the monitor's last tick */
    atomic_int worker_tid[MAX_WORKERS]; /* each one's thread id (0 until it has started) */

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
    srv_machine_release(l->machine);
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

static void journal(srv_executor *x, live *l, int kind)
{
    entry *e = aslrt_xmalloc(sizeof *e);
    e->l = l;
    e->kind = kind;
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
    /* An execution that has ended by the time its start is written is written once, ended: its
       end's entry (after this one in the journal) then adds the history alone. */
    int write_row = e->kind != ENTRY_ENDED || !l->row_final;
    if (e->kind == ENTRY_STARTED && l->ended)
        l->row_final = 1;
    if (e->kind != ENTRY_STARTED) {
        events = aslrt_xmalloc(l->events.len + 3);
        events[0] = '[';
        memcpy(events + 1, l->events.data ? l->events.data : "", l->events.len);
        events[l->events.len + 1] = ']';
        events[l->events.len + 2] = 0;
    }
    pthread_mutex_unlock(&l->lock);
    int rc = !write_row                  ? SRV_OK
             : e->kind == ENTRY_ENDED    ? srv_store_execution_update(st, &rec)
                                         : srv_store_execution_insert(st, &rec);
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
            if (e->kind != ENTRY_STARTED)
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

/* Journals the row of a running execution not in the journal yet (live_lock held). */
static void journal_start(void *ctx, const char *key, void *value)
{
    live *l = value;
    (void)key;
    pthread_mutex_lock(&l->lock);
    if (!l->express && !l->ended && !l->start_journaled) {
        l->start_journaled = 1;
        journal(ctx, l, ENTRY_STARTED);
    }
    pthread_mutex_unlock(&l->lock);
}

/* An execution's row is written when it ends (one write for the whole execution), or earlier
   when a listing needs the store to show it running: here. */
void srv_executor_flush(srv_executor *x)
{
    pthread_mutex_lock(&x->live_lock);
    srv_table_each(x->live, journal_start, x);
    pthread_mutex_unlock(&x->live_lock);
    pthread_mutex_lock(&x->journal_lock);
    long target = x->journaled;
    while (x->written < target)
        pthread_cond_wait(&x->written_cond, &x->journal_lock);
    pthread_mutex_unlock(&x->journal_lock);
}

/* ------------------------------------------------------------ the runtime's hooks */

/* Appends the decimal digits of v (not negative) to b. */
static void add_decimal(asl_buf *b, long long v)
{
    char digits[24];
    int n = 0;
    do
        digits[sizeof digits - 1 - n++] = (char)('0' + v % 10);
    while ((v /= 10) > 0);
    asl_buf_add(b, digits + sizeof digits - n, (size_t)n);
}

/* The history event as AWS's HistoryEvent object, appended to the execution's list. Written
   piece by piece: a printf per event cost more than the rest of the event. */
static void on_event(void *ctx, long id, long previous_id, double timestamp, const char *type,
                     const char *details_key, const cJSON *details)
{
    live *l = ctx;
    char small[2048];
    size_t dlen = 0;
    char *dtext = details ? aslrt_json_text_buf(details, small, sizeof small, &dlen) : NULL;
    long long ms = (long long)floor(timestamp * 1000); /* AWS's timestamps have milliseconds */
    char frac[4] = {(char)('0' + ms % 1000 / 100), (char)('0' + ms % 100 / 10), (char)('0' + ms % 10), 0};
    asl_buf *b = &l->events;
    pthread_mutex_lock(&l->lock);
    if (!b->cap) /* room for a short execution's history at once, not a realloc per event */
        asl_buf_reserve(b, EVENTS_RESERVE);
    if (b->len)
        asl_buf_add(b, ",", 1);
    asl_buf_add(b, "{\"timestamp\":", 13);
    add_decimal(b, ms / 1000);
    asl_buf_add(b, ".", 1);
    asl_buf_add(b, frac, 3);
    asl_buf_add(b, ",\"type\":\"", 9);
    asl_buf_add(b, type, strlen(type));
    asl_buf_add(b, "\",\"id\":", 7);
    add_decimal(b, id);
    asl_buf_add(b, ",\"previousEventId\":", 19);
    add_decimal(b, previous_id);
    if (dtext) {
        asl_buf_add(b, ",\"", 2);
        asl_buf_add(b, details_key, strlen(details_key));
        asl_buf_add(b, "\":", 2);
        asl_buf_add(b, dtext, dlen);
    }
    asl_buf_add(b, "}", 1);
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

/* A Distributed Map's Map Run and its child executions, recorded for DescribeMapRun, ListMapRuns
   and ListExecutions by mapRunArn (map_runs.c); EXPRESS executions keep no record of them. */
static void on_map_run(void *ctx, const aslrt_map_run_report *r)
{
    live *l = ctx;
    srv_map_runs_report(l->x->s, r, l->rec.definition);
}

static void on_map_run_child(void *ctx, const aslrt_map_run_child *c)
{
    live *l = ctx;
    srv_map_runs_child(l->x->s, c);
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
        .map_run = l->express ? NULL : on_map_run,
        .map_run_child = l->express ? NULL : on_map_run_child,
    };
    aslrt_execution_params p = {
        .program = l->machine->program,
        .name = l->rec.name,
        .execution_arn = l->rec.arn,
        .state_machine_arn = l->rec.version_arn ? l->rec.version_arn : l->rec.machine_arn,
        .state_machine_name = l->machine->row.name,
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
        .aws = o->aws,
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
        journal(x, l, l->start_journaled ? ENTRY_ENDED : ENTRY_WHOLE);
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

/* A worker's argument: the executor, and its index. */
typedef struct worker_arg {
    srv_executor *x;
    int index;
} worker_arg;

static void *worker_main(void *arg)
{
    worker_arg *w = arg;
    srv_executor *x = w->x;
    atomic_store(&x->worker_tid[w->index], (int)gettid());
    free(w);
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
        x->queued--;
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
    if (x->nworkers == MAX_WORKERS)
        return -1;
    worker_arg *w = aslrt_xmalloc(sizeof *w);
    w->x = x;
    w->index = x->nworkers;
    if (pthread_create(&x->workers[x->nworkers], NULL, worker_main, w) != 0) {
        free(w);
        return -1;
    }
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
    x->queued++;
    /* Waking a thread costs more than a short execution: a worker that is awake takes the
       next one when it is done. One is woken when none is awake, or when the queue is longer
       than the awake ones can soon drain; the monitor wakes them should the awake ones be
       blocked. */
    int awake = x->nworkers - x->idle;
    if (x->idle && (awake == 0 || x->queued > WAKE_QUEUE * awake))
        pthread_cond_signal(&x->run_cond);
    pthread_mutex_unlock(&x->run_lock);
}

/* The CPU time a thread has used, in seconds. */
static double thread_cpu(pthread_t t)
{
    clockid_t clock;
    struct timespec ts;
    if (pthread_getcpuclockid(t, &clock) != 0 || clock_gettime(clock, &ts) != 0)
        return 0;
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Whether the thread is blocked in a system call other than futex: waiting on a timer, a file
   descriptor or a child process (a Wait state, a task token, an activity, an exec or HTTP task),
   not on a lock or for a core, which more threads would not help. From the kernel's account of
   it (/proc/self/task/TID/syscall: the call's number, or "running"). */
static int thread_waits_outside_locks(int tid)
{
    char path[64], buf[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/syscall", tid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = 0;
    char *end;
    long call = strtol(buf, &end, 10);
    return end != buf && call >= 0 && call != SYS_futex;
}

/* Executions wait in the queue with no worker idle (run_lock held): as many workers more as
   there are workers blocked in a wait of their execution (a task token, an activity, a Wait
   state), having used almost no CPU since the last tick. Workers that compute, wait for a
   lock, or wait for a core on a loaded machine get no company: more threads would only take
   turns. */
static void add_workers_for_blocked(srv_executor *x, double tick)
{
    int blocked = 0;
    for (int i = 0; i < x->nworkers; i++) {
        double cpu = thread_cpu(x->workers[i]);
        int tid = atomic_load(&x->worker_tid[i]);
        if (cpu - x->worker_cpu[i] < tick / 5 && tid && thread_waits_outside_locks(tid))
            blocked++;
        x->worker_cpu[i] = cpu;
    }
    int queued = 0;
    for (live *l = x->run_head; l && queued < blocked; l = l->next)
        queued++;
    for (int i = 0; i < queued && add_worker(x) == 0; i++)
        x->worker_cpu[x->nworkers - 1] = thread_cpu(x->workers[x->nworkers - 1]);
}

/* Every MONITOR_TICK_MS: workers more when executions wait behind blocked ones, and the long
   polls whose time is up answered. */
static void *monitor_main(void *arg)
{
    srv_executor *x = arg;
    double last = srv_now();
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
        if (x->run_head && x->idle)
            pthread_cond_broadcast(&x->run_cond); /* the awake ones may be blocked (enqueue) */
        if (x->run_head && x->idle == 0 && now - x->run_head->queued_at >= QUEUE_PATIENCE_S)
            add_workers_for_blocked(x, now - last);
        else
            for (int i = 0; i < x->nworkers; i++)
                x->worker_cpu[i] = thread_cpu(x->workers[i]);
        pthread_mutex_unlock(&x->run_lock);
        last = now;
        pthread_mutex_lock(&x->monitor_lock);
    }
    pthread_mutex_unlock(&x->monitor_lock);
    return NULL;
}

/* ------------------------------------------------------------ machines */

const srv_sm *srv_machine_row(const srv_machine *m)
{
    return &m->row;
}

void srv_machine_release(srv_machine *m)
{
    if (!m || atomic_fetch_sub(&m->refs, 1) != 1)
        return;
    srv_sm_free(&m->row);
    free(m);
}

int srv_executor_machine(srv_executor *x, const char *arn, srv_machine **out, srv_err *e)
{
    long generation = srv_store_generation(x->s->store); /* before the row is read */
    pthread_mutex_lock(&x->machines_lock);
    srv_machine *m = srv_table_get(x->machines, arn);
    if (m && m->generation == generation) {
        atomic_fetch_add(&m->refs, 1);
        pthread_mutex_unlock(&x->machines_lock);
        *out = m;
        return 0;
    }
    pthread_mutex_unlock(&x->machines_lock);

    m = aslrt_xmalloc(sizeof *m);
    memset(m, 0, sizeof *m);
    atomic_init(&m->refs, 1);
    m->generation = generation;
    int rc = srv_store_sm_get(x->s->store, arn, &m->row);
    char *why = NULL;
    if (rc == SRV_OK &&
        !(m->program = srv_programs_get(x->programs, m->row.definition, strlen(m->row.definition), &why))) {
        srv_fail(e, "InvalidDefinition", "Invalid State Machine Definition: '%s'", why);
        free(why);
        srv_machine_release(m);
        return -1;
    }
    if (rc != SRV_OK) {
        srv_machine_release(m);
        if (rc == SRV_NOT_FOUND)
            return srv_fail(e, "StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn);
        return srv_fail_store(e);
    }
    atomic_fetch_add(&m->refs, 1); /* one for the table, one for the caller */
    pthread_mutex_lock(&x->machines_lock);
    srv_machine *old = srv_table_get(x->machines, arn);
    srv_table_put(x->machines, arn, m);
    pthread_mutex_unlock(&x->machines_lock);
    srv_machine_release(old);
    *out = m;
    return 0;
}

static void release_machine(void *ctx, const char *key, void *value)
{
    (void)ctx, (void)key;
    srv_machine_release(value);
}

/* ------------------------------------------------------------ setting up */

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
    x->machines = srv_table_new();
    x->live = srv_table_new();
    pthread_mutex_init(&x->mocks_lock, NULL);
    pthread_mutex_init(&x->machines_lock, NULL);
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
    srv_table_each(x->machines, release_machine, NULL);
    srv_table_free(x->machines);
    pthread_mutex_destroy(&x->machines_lock);
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
    if (!l && ln->generated_name)
        return 1; /* a new UUID: no execution can have it */
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

/* ------------------------------------------------------------ starting */

int srv_executor_start(srv_executor *x, srv_launch *ln, srv_later *later, double *start_date, cJSON **resp,
                       srv_err *e)
{
    srv_machine *machine = ln->machine;
    ln->machine = NULL;
    const aslrt_mock *mock = NULL;
    if (ln->test_case && !(mock = mock_for(x, machine->row.name, ln->test_case, e))) {
        srv_machine_release(machine);
        srv_execution_free(&ln->rec);
        return -1;
    }

    live *l = aslrt_xmalloc(sizeof *l);
    memset(l, 0, sizeof *l);
    atomic_init(&l->refs, 1);
    l->x = x;
    l->machine = machine;
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
    l->test_case = dup_or_null(ln->test_case);
    l->stop = aslrt_stop_handle_new();
    srv_table_put(x->live, l->rec.arn, l);
    pthread_mutex_unlock(&x->live_lock);
    *start_date = l->rec.start;

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
