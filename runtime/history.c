/* history.c — execution history events (--history: JSON lines with AWS's
 * names and details, asl-reference.md §11) and the readable trace
 * (--trace) on stderr.
 *
 * Ids are always counted; the file, when there is one, is written under a
 * mutex so that Parallel/Map branch threads get consecutive ids and lines
 * appear in id order. Without --history the count is one atomic add, so
 * entering a state stays cheap. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "exec.h"
#include "execution.h"
#include "history.h"
#include "signals.h"
#include "timestamp.h"

/* Longest error cause a trace line shows, in bytes. */
#define TRACE_CAUSE_MAX 160
/* Deepest branch nesting the trace shows by indenting. */
#define TRACE_MAX_INDENT 16

struct aslrt_history {
    FILE *file;            /* --history, or NULL */
    const aslrt_host *host; /* an embedding host that hears every event (execution.h), or NULL */
    int trace;             /* --trace */
    double t0;             /* when the execution started, for trace times */
    pthread_mutex_t lock;  /* ids, file writes and the host's calls, when either is there */
};

/* Is anyone recording events with their details? */
static int recorded(const struct aslrt_history *h)
{
    return h && (h->file || h->host);
}

/* A distributed Map's child executions (run->parent set) have histories of
   their own in AWS, so they count their events but do not write them into
   the parent's file. */
int aslrt_history_enabled(const aslrt_exec *ex)
{
    return recorded(ex->run->history) && !ex->run->parent;
}

/* ---------------------------------------------------------------- names */

/* AWS names each event's details after its type, except that every
   <T>StateEntered/<T>StateExited shares one key (§11). */
char *aslrt_history_details_key(const char *type, char *buf, size_t n)
{
    static const char entered[] = "StateEntered", exited[] = "StateExited";
    size_t len = strlen(type);
    if (n == 0)
        return buf;
    if (len >= sizeof entered - 1 && strcmp(type + len - (sizeof entered - 1), entered) == 0)
        type = "stateEntered";
    else if (len >= sizeof exited - 1 && strcmp(type + len - (sizeof exited - 1), exited) == 0)
        type = "stateExited";
    snprintf(buf, n, "%s%s", type, "EventDetails");
    if (buf[0] >= 'A' && buf[0] <= 'Z')
        buf[0] = (char)(buf[0] - 'A' + 'a');
    return buf;
}

/* Where the n-th ':' of s is (n counts from 1), or NULL. */
static const char *nth_colon(const char *s, int n)
{
    for (; *s; s++)
        if (*s == ':' && --n == 0)
            return s;
    return NULL;
}

/* The resourceType/resource pair of Task* events, and which event family a
   resource takes (§11: "resourceType/resource come from the ARN"). */
void aslrt_resource_split(const char *arn, aslrt_resource *r)
{
    memset(r, 0, sizeof *r);
    r->kind = ASLRT_RESOURCE_SERVICE;
    r->type = arn;
    r->name = arn;
    /* arn:partition:service:region:account:rest */
    const char *c2 = nth_colon(arn, 2), *c3 = nth_colon(arn, 3), *c4 = nth_colon(arn, 4), *c5 = nth_colon(arn, 5);
    if (strncmp(arn, "arn:", 4) != 0 || !c5)
        return;
    const char *service = c2 + 1, *rest = c5 + 1;
    size_t service_len = (size_t)(c3 - service);
    r->region = c3 + 1;
    r->region_len = (size_t)(c4 - r->region);
    if (service_len == 6 && strncmp(service, "lambda", 6) == 0 && strncmp(rest, "function:", 9) == 0)
        r->kind = ASLRT_RESOURCE_LAMBDA;
    else if (service_len == 6 && strncmp(service, "states", 6) == 0 && strncmp(rest, "activity:", 9) == 0)
        r->kind = ASLRT_RESOURCE_ACTIVITY;
    const char *last = strrchr(rest, ':');
    r->type = rest;
    if (last) {
        r->type_len = (size_t)(last - rest);
        r->name = last + 1;
    } else {
        r->type_len = strlen(rest);
        r->name = rest;
    }
}

/* ---------------------------------------------------------------- trace */

/* s as a JSON string literal (quotes, control characters escaped), cut to
   at most max bytes of s without splitting a UTF-8 sequence; malloc'd. */
static char *quoted(const char *s, size_t max)
{
    size_t len = strlen(s);
    char *cut = NULL;
    if (len > max) {
        while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
            max--;
        cut = aslrt_xmalloc(max + 4);
        memcpy(cut, s, max);
        memcpy(cut + max, "...", 4);
        s = cut;
    }
    cJSON *str = aslrt_xjson(cJSON_CreateString(s));
    char *text = aslrt_json_text(str);
    cJSON_Delete(str);
    free(cut);
    return text;
}

static const char *const type_names[] = {
#define X(id, name, ...) name,
    ASLRT_STATE_TYPES(X)
#undef X
};

static const char *state_type_name(const aslrt_state *st)
{
    return st && st->type >= 0 && st->type < ASLRT_STATE_COUNT ? type_names[st->type] : "?";
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* One trace line for an event, if it is one the trace shows: states entered
   and exited (with the time spent), failures (with the error). Lines of
   Parallel branches and Map iterations are indented by their nesting. One
   fprintf per line, so that lines of concurrent branches do not mix. */
static void trace_event(const aslrt_exec *ex, const struct aslrt_history *h, const char *type)
{
    const aslrt_state *st = ex->state;
    double now = aslrt_now();
    int depth = 0;
    for (const aslrt_exec *p = ex->parent; p && depth < TRACE_MAX_INDENT; p = p->parent)
        depth++;
    char *name = quoted(st ? st->name : "", 200);
    if (ends_with(type, "StateEntered")) {
        fprintf(stderr, "aslrt: %8.3fs %*senter %s (%s)\n", now - h->t0, 2 * depth, "", name, state_type_name(st));
    } else if (ends_with(type, "StateExited")) {
        double spent = now - ex->entered_at;
        fprintf(stderr, "aslrt: %8.3fs %*sexit  %s (%s) %.*f %s\n", now - h->t0, 2 * depth, "", name,
                state_type_name(st), spent < 1 ? 1 : 2, spent < 1 ? spent * 1e3 : spent, spent < 1 ? "ms" : "s");
    } else if (strncmp(type, "Execution", 9) != 0 && (ends_with(type, "Failed") || ends_with(type, "TimedOut"))) {
        char *cause = ex->cause ? quoted(ex->cause, TRACE_CAUSE_MAX) : NULL;
        fprintf(stderr, "aslrt: %8.3fs %*sfail  %s (%s) %s: %s%s%s\n", now - h->t0, 2 * depth, "", name,
                state_type_name(st), type, ex->error ? ex->error : "(no error)", cause ? " " : "",
                cause ? cause : "");
        free(cause);
    }
    free(name);
}

/* ---------------------------------------------------------------- events */

/* Every event goes through here, so that ids are counted one way whatever
   writes them; details are printed before taking the lock. */
long aslrt_event(aslrt_exec *ex, const char *type, cJSON *details)
{
    aslrt_run *run = ex->run;
    struct aslrt_history *h = run->history;
    long id;
    if (!h) { /* neither --history nor --trace: every state's events only count */
        if (details)
            cJSON_Delete(details);
        id = __atomic_add_fetch(&run->last_event_id, 1, __ATOMIC_RELAXED);
        if (type[0] != 'E' || strcmp(type, "ExecutionStarted") != 0)
            ex->prev_event_id = id;
        return id;
    }
    if (!aslrt_history_enabled(ex)) {
        cJSON_Delete(details);
        id = __atomic_add_fetch(&run->last_event_id, 1, __ATOMIC_RELAXED);
    } else {
        char key[96];
        char *text = details && h->file ? aslrt_json_text(details) : NULL;
        aslrt_history_details_key(type, key, sizeof key);
        char ts[40];
        pthread_mutex_lock(&h->lock);
        id = ++run->last_event_id;
        double now = aslrt_now();
        if (h->file) {
            aslrt_time_format(now, ts);
            /* type and key are AWS's event names (letters only), ts digits and
               punctuation: none needs escaping. */
            fprintf(h->file, "{\"timestamp\":\"%s\",\"type\":\"%s\",\"id\":%ld,\"previousEventId\":%ld", ts, type,
                    id, ex->prev_event_id);
            if (text)
                fprintf(h->file, ",\"%s\":%s", key, text);
            fputs("}\n", h->file);
        }
        if (h->host) /* under the lock: one call at a time, in id order */
            h->host->event(h->host->ctx, id, ex->prev_event_id, now, type, key, details);
        pthread_mutex_unlock(&h->lock);
        cJSON_Delete(details);
        free(text);
    }
    /* AWS's first state's StateEntered points at event 0, not at
       ExecutionStarted; later events point at their branch's previous one. */
    if (type[0] != 'E' || strcmp(type, "ExecutionStarted") != 0)
        ex->prev_event_id = id;
    if (h && h->trace)
        trace_event(ex, h, type);
    return id;
}

/* Opened once per execution, before ExecutionStarted; truncates, as each
   run is one history. */
int aslrt_history_open(aslrt_run *run, char **err)
{
    run->history = NULL;
    const aslrt_host *host = run->host && run->host->event ? run->host : NULL;
    if (!run->opt.history_file && !run->opt.trace && !host)
        return 0;
    struct aslrt_history *h = aslrt_xmalloc(sizeof *h);
    memset(h, 0, sizeof *h);
    h->host = host;
    h->trace = run->opt.trace;
    h->t0 = aslrt_now();
    if (run->opt.history_file) {
        const char *path = run->opt.history_file;
        h->file = fopen(path, "w");
        if (!h->file) {
            const char *why = strerror(errno);
            size_t n = strlen(path) + strlen(why) + 32;
            *err = aslrt_xmalloc(n);
            snprintf(*err, n, "--history %s: %s", path, why);
            free(h);
            return -1;
        }
        /* A line at a time: `tail -f` follows a long execution, and what
           happened before an abort or a crash is on disk. */
        setvbuf(h->file, NULL, _IOLBF, 0);
    }
    pthread_mutex_init(&h->lock, NULL);
    run->history = h;
    return 0;
}

/* A close that fails (disk full) is reported: the history would be cut. */
void aslrt_history_close(aslrt_run *run)
{
    struct aslrt_history *h = run->history;
    if (!h)
        return;
    if (h->file && fclose(h->file) != 0)
        fprintf(stderr, "aslrt: --history %s: %s\n", run->opt.history_file, strerror(errno));
    pthread_mutex_destroy(&h->lock);
    free(h);
    run->history = NULL;
}

/* Adds key: compact JSON text of v, and keyDetails: {"truncated": false}. */
static void add_payload(cJSON *d, const char *key, const char *details_key, const cJSON *v)
{
    char *text = aslrt_json_text(v);
    aslrt_xjson(cJSON_AddStringToObject(d, key, text));
    free(text);
    cJSON *t = aslrt_xjson(cJSON_AddObjectToObject(d, details_key));
    aslrt_xjson(cJSON_AddFalseToObject(t, "truncated"));
}

static cJSON *new_object(void)
{
    return aslrt_xjson(cJSON_CreateObject());
}

/* The first event: the input as a compact JSON string and the role. */
void aslrt_history_execution_started(aslrt_exec *ex)
{
    cJSON *d = NULL;
    if (aslrt_history_enabled(ex)) {
        d = new_object();
        add_payload(d, "input", "inputDetails", aslrt_run_input(ex->run));
        aslrt_xjson(cJSON_AddStringToObject(d, "roleArn", ex->run->role_arn ? ex->run->role_arn : ASLRT_DEFAULT_ROLE_ARN));
    }
    aslrt_event(ex, "ExecutionStarted", d);
}

/* {error, cause} from ex, each left out when absent. */
static cJSON *error_details(const aslrt_exec *ex)
{
    cJSON *d = new_object();
    if (ex->error)
        aslrt_xjson(cJSON_AddStringToObject(d, "error", ex->error));
    if (ex->cause)
        aslrt_xjson(cJSON_AddStringToObject(d, "cause", ex->cause));
    return d;
}

/* The last event, and the trace's last line, which names the error. */
void aslrt_history_execution_ended(aslrt_exec *ex, aslrt_outcome how, const cJSON *output)
{
    static const char *const types[] = {"ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut",
                                        "ExecutionAborted"};
    static const char *const words[] = {"succeeded", "failed", "timed out", "aborted"};
    int i = how >= ASLRT_OUTCOME_SUCCEEDED && how <= ASLRT_OUTCOME_ABORTED ? (int)how : ASLRT_OUTCOME_FAILED;
    cJSON *d = NULL;
    if (aslrt_history_enabled(ex)) {
        if (i == ASLRT_OUTCOME_SUCCEEDED) {
            d = new_object();
            if (output)
                add_payload(d, "output", "outputDetails", output);
        } else if (i == ASLRT_OUTCOME_ABORTED) {
            /* StopExecution's error and cause, when it gave them */
            const aslrt_stop_handle *stop = ex->run->stopper;
            d = new_object();
            if (aslrt_stop_raised(stop) && stop->error)
                aslrt_xjson(cJSON_AddStringToObject(d, "error", stop->error));
            if (aslrt_stop_raised(stop) && stop->cause)
                aslrt_xjson(cJSON_AddStringToObject(d, "cause", stop->cause));
        } else {
            d = error_details(ex);
        }
    }
    aslrt_event(ex, types[i], d);
    struct aslrt_history *h = ex->run->history;
    if (!h || !h->trace)
        return;
    if (i == ASLRT_OUTCOME_SUCCEEDED || i == ASLRT_OUTCOME_ABORTED || !ex->error) {
        fprintf(stderr, "aslrt: %8.3fs execution %s\n", aslrt_now() - h->t0, words[i]);
        return;
    }
    char *cause = ex->cause ? quoted(ex->cause, TRACE_CAUSE_MAX) : NULL;
    fprintf(stderr, "aslrt: %8.3fs execution %s: %s%s%s\n", aslrt_now() - h->t0, words[i], ex->error,
            cause ? " " : "", cause ? cause : "");
    free(cause);
}

/* ------------------------------------------------------------------- Task */

/* The event type for a Task attempt's `step` ("Scheduled", "Started",
   "Succeeded", "Failed", "TimedOut") with the prefix the resource kind
   takes: Task, LambdaFunction or Activity. */
static const char *task_event_type(int kind, int step)
{
    static const char *const names[3][5] = {
        {"TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskFailed", "TaskTimedOut"},
        {"LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded", "LambdaFunctionFailed",
         "LambdaFunctionTimedOut"},
        {"ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "ActivityFailed", "ActivityTimedOut"},
    };
    return names[kind][step];
}

enum { STEP_SCHEDULED, STEP_STARTED, STEP_SUCCEEDED, STEP_FAILED, STEP_TIMED_OUT };

/* resourceType and resource, as Task* events start their details. */
static cJSON *service_details(const aslrt_resource *r)
{
    cJSON *d = new_object();
    char *type = aslrt_xmalloc(r->type_len + 1);
    memcpy(type, r->type, r->type_len);
    type[r->type_len] = '\0';
    aslrt_xjson(cJSON_AddStringToObject(d, "resourceType", type));
    free(type);
    aslrt_xjson(cJSON_AddStringToObject(d, "resource", r->name));
    return d;
}

static const char *resource_of(const aslrt_state *st)
{
    return st->resource ? st->resource : "";
}

/* Service integrations record the split resource and the parameters as a
   string; Lambda functions and activities the ARN and the input. */
/* Without --history or --trace an event is only counted, whatever its
   type: the Task events skip working out theirs from the resource ARN. */
static int only_counted(aslrt_exec *ex, const char *type)
{
    if (ex->run->history)
        return 0;
    aslrt_event(ex, type, NULL);
    return 1;
}

void aslrt_history_task_scheduled(aslrt_exec *ex, const aslrt_state *st, const cJSON *parameters)
{
    if (only_counted(ex, "TaskScheduled"))
        return;
    aslrt_resource r;
    aslrt_resource_split(resource_of(st), &r);
    cJSON *d = NULL;
    if (aslrt_history_enabled(ex)) {
        if (r.kind == ASLRT_RESOURCE_SERVICE) {
            d = service_details(&r);
            if (r.region_len) {
                char *region = aslrt_xmalloc(r.region_len + 1);
                memcpy(region, r.region, r.region_len);
                region[r.region_len] = '\0';
                aslrt_xjson(cJSON_AddStringToObject(d, "region", region));
                free(region);
            } else {
                aslrt_xjson(cJSON_AddStringToObject(d, "region", ex->run->region ? ex->run->region : ASLRT_DEFAULT_REGION));
            }
            char *text = aslrt_json_text(parameters);
            aslrt_xjson(cJSON_AddStringToObject(d, "parameters", text));
            free(text);
        } else {
            d = new_object();
            aslrt_xjson(cJSON_AddStringToObject(d, "resource", resource_of(st)));
            add_payload(d, "input", "inputDetails", parameters);
        }
        if (st->timeout_seconds > 0)
            aslrt_xjson(cJSON_AddNumberToObject(d, "timeoutInSeconds", st->timeout_seconds));
        if (st->heartbeat_seconds > 0 && r.kind != ASLRT_RESOURCE_LAMBDA)
            aslrt_xjson(cJSON_AddNumberToObject(d, "heartbeatInSeconds", st->heartbeat_seconds));
    }
    aslrt_event(ex, task_event_type(r.kind, STEP_SCHEDULED), d);
}

/* LambdaFunctionStarted and ActivityStarted carry no details. */
void aslrt_history_task_started(aslrt_exec *ex, const aslrt_state *st)
{
    if (only_counted(ex, "TaskStarted"))
        return;
    aslrt_resource r;
    aslrt_resource_split(resource_of(st), &r);
    cJSON *d = NULL;
    if (r.kind == ASLRT_RESOURCE_SERVICE && aslrt_history_enabled(ex))
        d = service_details(&r);
    aslrt_event(ex, task_event_type(r.kind, STEP_STARTED), d);
}

/* An embedding host's worker took an activity task (GetActivityTask). */
void aslrt_history_activity_started(aslrt_exec *ex, const char *worker)
{
    cJSON *d = NULL;
    if (aslrt_history_enabled(ex)) {
        d = new_object();
        if (worker)
            aslrt_xjson(cJSON_AddStringToObject(d, "workerName", worker));
    }
    aslrt_event(ex, "ActivityStarted", d);
}

/* The raw result, before ResultSelector/ResultPath. */
void aslrt_history_task_succeeded(aslrt_exec *ex, const aslrt_state *st, const cJSON *output)
{
    if (only_counted(ex, "TaskSucceeded"))
        return;
    aslrt_resource r;
    aslrt_resource_split(resource_of(st), &r);
    cJSON *d = NULL;
    if (aslrt_history_enabled(ex)) {
        d = r.kind == ASLRT_RESOURCE_SERVICE ? service_details(&r) : new_object();
        if (output)
            add_payload(d, "output", "outputDetails", output);
    }
    aslrt_event(ex, task_event_type(r.kind, STEP_SUCCEEDED), d);
}

/* One per failed attempt, retried or not; a timeout is its own event. */
void aslrt_history_task_failed(aslrt_exec *ex, const aslrt_state *st)
{
    if (only_counted(ex, "TaskFailed"))
        return;
    aslrt_resource r;
    aslrt_resource_split(resource_of(st), &r);
    int step = ex->error && strcmp(ex->error, "States.Timeout") == 0 ? STEP_TIMED_OUT : STEP_FAILED;
    cJSON *d = NULL;
    if (aslrt_history_enabled(ex)) {
        d = r.kind == ASLRT_RESOURCE_SERVICE ? service_details(&r) : new_object();
        if (ex->error)
            aslrt_xjson(cJSON_AddStringToObject(d, "error", ex->error));
        if (ex->cause)
            aslrt_xjson(cJSON_AddStringToObject(d, "cause", ex->cause));
    }
    aslrt_event(ex, task_event_type(r.kind, step), d);
}

/* -------------------------------------------------------------------- Map */

/* For map.c: the item count goes in the details. */
long aslrt_history_map_started(aslrt_exec *ex, long length)
{
    cJSON *d = NULL;
    if (aslrt_history_enabled(ex)) {
        d = new_object();
        aslrt_xjson(cJSON_AddNumberToObject(d, "length", (double)length));
    }
    return aslrt_event(ex, "MapStateStarted", d);
}

/* For map.c: iteration events name the Map state, not the inner one. */
long aslrt_history_map_iteration(aslrt_exec *ex, const char *type, const aslrt_state *map, long index)
{
    cJSON *d = NULL;
    if (aslrt_history_enabled(ex)) {
        d = new_object();
        aslrt_xjson(cJSON_AddNumberToObject(d, "index", (double)index));
        aslrt_xjson(cJSON_AddStringToObject(d, "name", map->name));
    }
    return aslrt_event(ex, type, d);
}
