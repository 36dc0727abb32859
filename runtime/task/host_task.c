/* host_task.c — Tasks an embedding host completes (execution.h).
 *
 * The runtime keeps the clock: the host's hook only files the callback
 * under its token and returns; the execution's thread then waits here on
 * two descriptors, the callback's own eventfd (an answer, a heartbeat, a
 * worker taking an activity) and the execution's stop descriptor, with the
 * task's timeout, next heartbeat and the execution's deadline bounding each
 * poll. So timeouts and stops end a waiting task exactly as they end an
 * exec handler, and the host needs no timers of its own.
 *
 * The callback's fields are shared with the host's threads under its
 * mutex; ActivityStarted is recorded by the execution's thread, which owns
 * the exec record that events chain through.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "bindings.h"
#include "execution.h"
#include "history.h"
#include "host_task.h"
#include "jsonfile.h"
#include "mock.h"
#include "native.h"
#include "pool.h"
#include "signals.h"
#include "timestamp.h"

/* A Parallel branch or Map iteration learns that a sibling failed by
   looking: how often a wait looks, at most (as signals.c). */
#define CANCEL_POLL_MS 50

struct aslrt_callback {
    pthread_mutex_t lock;  /* everything below */
    int fd;                /* eventfd the host's calls write to; -1: the wait polls */
    int ended;             /* the runtime is done with it: calls fail */
    int answer;            /* 0: none yet; 1: succeeded (output); 2: failed (error, cause) */
    cJSON *output;
    char *error, *cause;
    int activity;          /* an activity task: it must be taken before it is answered */
    int taken;             /* a worker took it (aslrt_callback_start) */
    int taken_reported;    /* ActivityStarted is recorded */
    char *worker;          /* the worker's name, until reported */
    double heartbeat;      /* HeartbeatSeconds; 0: none */
    double heartbeat_at;   /* when the next heartbeat is due; 0: never */
};

/* ------------------------------------------------------- which tasks */

static int is_activity(const char *resource)
{
    aslrt_resource r;
    aslrt_resource_split(resource, &r);
    return r.kind == ASLRT_RESOURCE_ACTIVITY;
}

static int waits_for_token(const char *r)
{
    static const char suffix[] = ".waitForTaskToken";
    size_t n = strlen(r), k = sizeof suffix - 1;
    return n > k && strcmp(r + n - k, suffix) == 0;
}

int aslrt_host_takes_activity(const aslrt_exec *ex, const aslrt_state *st)
{
    const aslrt_run *run = ex->run;
    return run->host && run->host->activity && st->resource && is_activity(st->resource) &&
           !aslrt_mock_claims(run->mock, st->name) && !aslrt_bindings_find(run->bindings, st->resource, NULL) &&
           !aslrt_native_find(st->resource, NULL);
}

int aslrt_host_takes_token(const aslrt_task *t)
{
    const aslrt_run *run = t->ex->run;
    return run->host && run->host->wait_task && t->token && waits_for_token(t->st->resource);
}

/* ---------------------------------------------------- the host's calls */

/* Wakes the waiting thread (lock held). */
static void wake(aslrt_callback *cb)
{
    if (cb->fd >= 0) {
        uint64_t one = 1;
        ssize_t n = write(cb->fd, &one, sizeof one);
        (void)n; /* a counter at its limit is readable anyway */
    }
}

int aslrt_callback_succeed(aslrt_callback *cb, const char *output, size_t len, const char **why)
{
    char *err = NULL;
    cJSON *v = aslrt_json_parse("output", output ? output : "", output ? len : 0, &err);
    free(err);
    if (!v) {
        if (why)
            *why = "the output is not JSON";
        return -1;
    }
    pthread_mutex_lock(&cb->lock);
    int ok = !cb->ended && !cb->answer;
    if (ok) {
        cb->answer = 1;
        cb->output = v;
        v = NULL;
        wake(cb);
    } else if (why) {
        *why = "the task has ended";
    }
    pthread_mutex_unlock(&cb->lock);
    cJSON_Delete(v);
    return ok ? 0 : -1;
}

int aslrt_callback_fail(aslrt_callback *cb, const char *error, const char *cause)
{
    pthread_mutex_lock(&cb->lock);
    int ok = !cb->ended && !cb->answer;
    if (ok) {
        cb->answer = 2;
        cb->error = error ? aslrt_xstrdup(error) : NULL;
        cb->cause = cause ? aslrt_xstrdup(cause) : NULL;
        wake(cb);
    }
    pthread_mutex_unlock(&cb->lock);
    return ok ? 0 : -1;
}

int aslrt_callback_heartbeat(aslrt_callback *cb)
{
    pthread_mutex_lock(&cb->lock);
    int ok = !cb->ended && !cb->answer;
    if (ok && cb->heartbeat > 0 && (!cb->activity || cb->taken)) {
        cb->heartbeat_at = aslrt_now() + cb->heartbeat;
        wake(cb);
    }
    pthread_mutex_unlock(&cb->lock);
    return ok ? 0 : -1;
}

int aslrt_callback_start(aslrt_callback *cb, const char *worker_name)
{
    pthread_mutex_lock(&cb->lock);
    int ok = !cb->ended && !cb->answer && cb->activity && !cb->taken;
    if (ok) {
        cb->taken = 1;
        cb->worker = worker_name ? aslrt_xstrdup(worker_name) : NULL;
        if (cb->heartbeat > 0) /* an activity's heartbeats count from when a worker has it */
            cb->heartbeat_at = aslrt_now() + cb->heartbeat;
        wake(cb);
    }
    pthread_mutex_unlock(&cb->lock);
    return ok ? 0 : -1;
}

/* ------------------------------------------------------------ waiting */

/* Empties the eventfd: it stays readable until read. */
static void drain(int fd)
{
    uint64_t n;
    while (fd >= 0 && read(fd, &n, sizeof n) > 0) {
    }
}

/* Waits for cb's answer; 0 with *result or -1 with ex's error. */
static int await(aslrt_task *t, aslrt_callback *cb, cJSON **result)
{
    aslrt_exec *ex = t->ex;
    int rc;
    for (;;) {
        pthread_mutex_lock(&cb->lock);
        int answer = cb->answer;
        if (answer == 1) {
            *result = cb->output;
            cb->output = NULL;
        } else if (answer == 2) {
            aslrt_error_set(ex, cb->error, cb->cause);
        }
        char *worker = NULL;
        int report = cb->taken && !cb->taken_reported;
        if (report) {
            cb->taken_reported = 1;
            worker = cb->worker;
            cb->worker = NULL;
        }
        t->heartbeat_at = cb->heartbeat_at;
        pthread_mutex_unlock(&cb->lock);
        if (report) { /* on this thread: events chain through ex */
            aslrt_history_activity_started(ex, worker);
            free(worker);
        }
        if (answer) {
            rc = answer == 1 ? 0 : -1;
            break;
        }
        if (aslrt_stop_reason(ex->run) != ASLRT_STOP_NONE || aslrt_cancelled(ex)) {
            aslrt_stop_check(ex);
            rc = -1;
            break;
        }
        if (aslrt_task_expired(t, aslrt_now())) {
            rc = aslrt_error_set(ex, "States.Timeout", NULL); /* timeouts and missed heartbeats alike */
            break;
        }
        struct pollfd p[2] = {{.fd = cb->fd, .events = POLLIN}, {.fd = aslrt_stop_fd(ex->run), .events = POLLIN}};
        int ms = aslrt_stop_poll_ms(ex->run, aslrt_task_deadline(t));
        if ((ex->cancel || cb->fd < 0) && ms > CANCEL_POLL_MS)
            ms = CANCEL_POLL_MS;
        poll(p, 2, ms);
        drain(cb->fd);
    }
    return rc;
}

int aslrt_host_task(aslrt_task *t, int activity, const cJSON *params, cJSON **result)
{
    aslrt_exec *ex = t->ex;
    const aslrt_host *host = ex->run->host;
    aslrt_callback *cb = aslrt_xmalloc(sizeof *cb);
    memset(cb, 0, sizeof *cb);
    pthread_mutex_init(&cb->lock, NULL);
    cb->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    cb->activity = activity;
    cb->heartbeat = t->heartbeat;
    cb->heartbeat_at = activity ? 0 : t->heartbeat_at;
    t->heartbeat_at = cb->heartbeat_at;

    char *text = aslrt_json_text(params);
    char *token = t->token ? NULL : aslrt_task_new_token(); /* activities: one for the worker */
    aslrt_task_request req = {
        .token = t->token ? t->token : token,
        .resource = t->st->resource,
        .state_name = t->st->name,
        .input = params,
        .input_text = text,
        .timeout_seconds = t->timeout,
        .heartbeat_seconds = t->heartbeat,
        .execution_arn = ex->run->execution_id,
    };

    aslrt_pool_blocking(ex, 1); /* waiting on the host: another branch may use the CPU (pool.h) */
    (activity ? host->activity : host->wait_task)(host->ctx, cb, &req);
    int rc = await(t, cb, result);
    aslrt_pool_blocking(ex, 0);

    pthread_mutex_lock(&cb->lock);
    cb->ended = 1;
    pthread_mutex_unlock(&cb->lock);
    if (host->task_done)
        host->task_done(host->ctx, cb);
    free(text);
    free(token);
    cJSON_Delete(cb->output);
    free(cb->error);
    free(cb->cause);
    free(cb->worker);
    if (cb->fd >= 0)
        close(cb->fd);
    pthread_mutex_destroy(&cb->lock);
    free(cb);
    return rc;
}
