/* map_runs.c — Map Runs from the runtime's hooks into the store, and the live ones' handles
   (map_runs.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "map_runs.h"
#include "xalloc.h"

/* ------------------------------------------------------------ live Map Runs */

/* The Map Runs under way in this process, by ARN. Process-wide, like the runtime's handles it
   holds: a Map Run ARN names one run whatever server (store) recorded it. UpdateMapRun counts
   itself in `users` while it calls into the runtime without the lock, and ENDED waits for
   users to drop to 0 before the handle goes away (map_runs.h on lock order). */
typedef struct live {
    char *arn;
    char *definition; /* the parent's, for the child executions' rows */
    aslrt_map_run *handle;
    int users;
    struct live *next;
} live;

static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t live_changed = PTHREAD_COND_INITIALIZER;
static live *live_runs;

static live *live_find(const char *arn)
{
    for (live *l = live_runs; l; l = l->next)
        if (strcmp(l->arn, arn) == 0)
            return l;
    return NULL;
}

static void live_add(const aslrt_map_run_report *r, const char *definition)
{
    live *l = aslrt_xmalloc(sizeof *l);
    memset(l, 0, sizeof *l);
    l->arn = aslrt_xstrdup(r->map_run_arn);
    l->definition = aslrt_xstrdup(definition ? definition : "{}");
    l->handle = r->handle;
    pthread_mutex_lock(&live_lock);
    l->next = live_runs;
    live_runs = l;
    pthread_mutex_unlock(&live_lock);
}

static void live_remove(const char *arn)
{
    pthread_mutex_lock(&live_lock);
    for (live **p = &live_runs; *p; p = &(*p)->next) {
        if (strcmp((*p)->arn, arn) != 0)
            continue;
        live *l = *p;
        *p = l->next;
        while (l->users > 0)
            pthread_cond_wait(&live_changed, &live_lock);
        free(l->arn);
        free(l->definition);
        free(l);
        break;
    }
    pthread_mutex_unlock(&live_lock);
}

/* The definition recorded for a live Map Run (malloc'd), or "{}". */
static char *live_definition(const char *arn)
{
    pthread_mutex_lock(&live_lock);
    live *l = live_find(arn);
    char *d = aslrt_xstrdup(l ? l->definition : "{}");
    pthread_mutex_unlock(&live_lock);
    return d;
}

int srv_map_runs_update(const char *arn, long max_concurrency, long tolerated_failure_count,
                        double tolerated_failure_percentage)
{
    pthread_mutex_lock(&live_lock);
    live *l = live_find(arn);
    if (l)
        l->users++;
    pthread_mutex_unlock(&live_lock);
    if (!l)
        return 0;
    aslrt_map_run_update(l->handle, max_concurrency, tolerated_failure_count, tolerated_failure_percentage);
    pthread_mutex_lock(&live_lock);
    l->users--;
    pthread_cond_broadcast(&live_changed);
    pthread_mutex_unlock(&live_lock);
    return 1;
}

/* ------------------------------------------------------------------ rows */

char *srv_map_run_machine_arn(const char *map_run_arn)
{
    const char *at = strstr(map_run_arn, ":mapRun:");
    const char *id = strrchr(map_run_arn, ':');
    if (!at || !id || id <= at + strlen(":mapRun:"))
        return aslrt_xstrdup(map_run_arn);
    return aslrt_strf("%.*s:stateMachine:%.*s", (int)(at - map_run_arn), map_run_arn,
                      (int)(id - (at + strlen(":mapRun:"))), at + strlen(":mapRun:"));
}

/* DescribeMapRun's MapRunItemCounts / MapRunExecutionCounts as JSON text (malloc'd). */
static char *counts_text(const aslrt_map_run_counts *c)
{
    return aslrt_strf("{\"pending\":%ld,\"running\":%ld,\"succeeded\":%ld,\"failed\":%ld,\"timedOut\":%ld,"
                      "\"aborted\":%ld,\"total\":%ld,\"resultsWritten\":%ld,\"failuresNotRedrivable\":0,"
                      "\"pendingRedrive\":0}",
                      c->pending, c->running, c->succeeded, c->failed, c->timed_out, c->aborted, c->total,
                      c->results_written);
}

void srv_map_runs_report(srv *s, const aslrt_map_run_report *r, const char *definition)
{
    if (r->phase == ASLRT_MAP_RUN_STARTED)
        live_add(r, definition);
    srv_map_run m = {
        .arn = (char *)r->map_run_arn,
        .execution_arn = (char *)r->execution_arn,
        .status = (char *)r->status,
        .item_counts = counts_text(&r->items),
        .execution_counts = counts_text(&r->executions),
        .max_concurrency = r->max_concurrency,
        .tolerated_failure_count = r->tolerated_failure_count,
        .tolerated_failure_percentage = r->tolerated_failure_percentage,
        .start = r->start,
        .stop = r->stop,
    };
    if (srv_store_map_run_put(s->store, &m) != SRV_OK)
        fprintf(stderr, "aslc serve: map run %s: not recorded\n", r->map_run_arn);
    free(m.item_counts);
    free(m.execution_counts);
    if (r->phase == ASLRT_MAP_RUN_ENDED)
        live_remove(r->map_run_arn);
}

void srv_map_runs_child(srv *s, const aslrt_map_run_child *c)
{
    srv_execution x;
    if (strcmp(c->status, "RUNNING") == 0) {
        char *definition = live_definition(c->map_run_arn);
        srv_execution n = {
            .arn = (char *)c->execution_arn,
            .machine_arn = (char *)c->state_machine_arn,
            .map_run_arn = (char *)c->map_run_arn,
            .name = (char *)c->name,
            .type = (char *)"STANDARD",
            .status = (char *)"RUNNING",
            .input = (char *)c->input,
            .definition = definition,
            .start = c->start,
        };
        if (srv_store_execution_insert(s->store, &n) != SRV_OK)
            fprintf(stderr, "aslc serve: map run child %s: not recorded\n", c->execution_arn);
        free(definition);
        return;
    }
    srv_store_begin(s->store);
    if (srv_store_execution_get(s->store, c->execution_arn, &x) != SRV_OK) {
        srv_store_rollback(s->store);
        return;
    }
    free(x.status);
    x.status = aslrt_xstrdup(c->status);
    free(x.output);
    x.output = c->output ? aslrt_xstrdup(c->output) : NULL;
    free(x.error);
    x.error = c->error ? aslrt_xstrdup(c->error) : NULL;
    free(x.cause);
    x.cause = c->cause ? aslrt_xstrdup(c->cause) : NULL;
    x.stop = c->stop;
    if (srv_store_execution_update(s->store, &x) != SRV_OK)
        srv_store_rollback(s->store);
    else
        srv_store_commit(s->store);
    srv_execution_free(&x);
}
