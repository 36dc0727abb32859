/* pool.c — the worker pool behind Parallel and Map (see pool.h).
 *
 * Bookkeeping, all under one mutex:
 *   target   how many threads may be at work at once (--threads, or nproc);
 *   active   how many are at work now: the execution's own thread counts
 *            from the start, a worker while it runs a step; a thread that
 *            waits for its group or blocks in a wait stops counting;
 *   groups   the Parallel/Map runs in progress, newest first.
 * A worker takes a step of the newest group that can start one, but only
 * while active < target, so the CPUs are never oversubscribed by us; when
 * an owner starts waiting or a thread blocks, active drops and an idle
 * worker is woken (or one more made, up to ASLRT_POOL_MAX_THREADS).
 * Newest first makes the pool finish inner groups before starting more
 * outer work: the owners waiting on them resume sooner and fewer documents
 * are alive at once.
 *
 * An owner runs its own group's steps whenever one can start (it counts as
 * active already), so a group always makes progress even when every worker
 * is busy elsewhere; and because an owner runs nothing but its own group,
 * its stack grows only with the definition's nesting. */
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pool.h"
#include "vars.h"

/* Stack for worker threads: as much as the main thread usually has, since
   nested Parallel/Map states and templates recurse on it. */
#define WORKER_STACK (8u << 20)

struct aslrt_pool {
    pthread_mutex_t lock;
    pthread_cond_t work;        /* idle workers wait here */
    int target;                 /* threads at work at once, at most */
    int active;                 /* threads at work now */
    int nthreads;               /* workers made */
    int starting;               /* made, but not yet looking for work */
    int idle;                   /* workers waiting on `work` */
    int stopping;               /* aslrt_pool_free: workers exit */
    aslrt_group *groups;        /* newest first */
    pthread_t threads[ASLRT_POOL_MAX_THREADS];
    cpu_set_t cpus;             /* where the process may run; valid when have_cpus */
    int have_cpus;
};

/* The CPUs this process may use, for the default size. */
static int cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > ASLRT_POOL_MAX_THREADS ? ASLRT_POOL_MAX_THREADS : (int)n;
}

/* Can another step of g begin? Not when one returned 0, nor when every
   known job has begun: then nobody is woken for a Parallel of one branch. */
static int can_start(const aslrt_group *g)
{
    return !g->exhausted && (g->size <= 0 || g->started < g->size) && (g->limit <= 0 || g->running < g->limit);
}

/* The newest group that can start a step, or NULL. */
static aslrt_group *pick(aslrt_pool *p)
{
    for (aslrt_group *g = p->groups; g; g = g->next)
        if (can_start(g))
            return g;
    return NULL;
}

static void *worker_main(void *arg);

/* Called with the lock held whenever work may have become startable or a
   thread stopped counting as active: wakes an idle worker, or makes one,
   when there is room for one more thread at work and something for it.
   Threads are made one at a time: while one is starting, it is the one that
   will look (and, finding more room, have the next one made). */
static void wake_workers(aslrt_pool *p)
{
    if (p->stopping || p->active >= p->target || !pick(p))
        return;
    if (p->idle > 0) {
        pthread_cond_signal(&p->work);
        return;
    }
    if (p->starting > 0 || p->nthreads >= ASLRT_POOL_MAX_THREADS)
        return;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, WORKER_STACK);
    /* A new thread tends to start on its creator's CPU, which is busy
       running the group: on a 2-CPU machine the first worker began 2-5 ms
       after the Map, and the two threads then often shared one CPU. Start
       it anywhere else the process may run (map-fanout: 1.10x to 1.43x
       faster than on one thread, paired runs); worker_main then lets it
       run anywhere. */
    int cpu = sched_getcpu();
    if (p->have_cpus && cpu >= 0 && CPU_ISSET(cpu, &p->cpus) && CPU_COUNT(&p->cpus) > 1) {
        cpu_set_t elsewhere = p->cpus;
        CPU_CLR(cpu, &elsewhere);
        pthread_attr_setaffinity_np(&attr, sizeof elsewhere, &elsewhere);
    }
    /* Signals (SIGINT, SIGTERM) go to the execution's own thread. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    if (pthread_create(&p->threads[p->nthreads], &attr, worker_main, p) == 0) {
        p->nthreads++;
        p->starting++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
}

/* Runs one step of g on this thread: called and returns with the lock held.
   The step is claimed first, so that the workers woken meanwhile are only
   those with something left to do. */
static void run_step(aslrt_pool *p, aslrt_group *g)
{
    g->running++;
    g->started++;
    wake_workers(p);
    pthread_mutex_unlock(&p->lock);
    int more = g->step(g);
    pthread_mutex_lock(&p->lock);
    g->running--;
    if (!more)
        g->exhausted = 1;
    pthread_cond_signal(&g->changed);
}

static void *worker_main(void *arg)
{
    aslrt_pool *p = arg;
    if (p->have_cpus) /* started elsewhere (wake_workers); from now on anywhere */
        pthread_setaffinity_np(pthread_self(), sizeof p->cpus, &p->cpus);
    pthread_mutex_lock(&p->lock);
    p->starting--;
    for (;;) {
        aslrt_group *g = p->stopping || p->active >= p->target ? NULL : pick(p);
        if (!g) {
            if (p->stopping)
                break;
            p->idle++;
            pthread_cond_wait(&p->work, &p->lock);
            p->idle--;
            continue;
        }
        p->active++;
        run_step(p, g); /* wakes the next worker when there is more room and work */
        p->active--;
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

aslrt_pool *aslrt_pool_get(aslrt_run *run)
{
    if (run->pool)
        return run->pool;
    aslrt_pool *p = aslrt_xmalloc(sizeof *p);
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work, NULL);
    p->target = run->opt.threads > 0 ? run->opt.threads : cpu_count();
    if (p->target > ASLRT_POOL_MAX_THREADS)
        p->target = ASLRT_POOL_MAX_THREADS;
    p->active = 1; /* the thread running the execution, which made us */
    p->have_cpus = sched_getaffinity(0, sizeof p->cpus, &p->cpus) == 0;
    run->pool = p;
    return p;
}

void aslrt_pool_free(aslrt_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

void aslrt_pool_run(aslrt_pool *p, aslrt_group *g)
{
    pthread_cond_init(&g->changed, NULL);
    g->pool = p;
    g->started = 0;
    g->running = 0;
    g->exhausted = 0;
    pthread_mutex_lock(&p->lock);
    g->next = p->groups;
    p->groups = g;
    /* No wake-up here: the first step is this thread's (run_step wakes
       others when more can start). */
    while ((!g->exhausted && (g->size <= 0 || g->started < g->size)) || g->running > 0) {
        if (can_start(g)) {
            run_step(p, g);
            continue;
        }
        /* Everything startable is under way elsewhere: let another thread
           have this one's place while it waits. */
        p->active--;
        wake_workers(p);
        pthread_cond_wait(&g->changed, &p->lock);
        p->active++;
    }
    aslrt_group **link = &p->groups;
    while (*link != g)
        link = &(*link)->next;
    *link = g->next;
    pthread_mutex_unlock(&p->lock);
    pthread_cond_destroy(&g->changed);
}

void aslrt_group_set_limit(aslrt_group *g, int limit)
{
    aslrt_pool *p = g->pool;
    pthread_mutex_lock(&p->lock);
    g->limit = limit;
    wake_workers(p); /* a higher limit may let another step begin */
    pthread_mutex_unlock(&p->lock);
}

void aslrt_group_stop(aslrt_group *g)
{
    atomic_store(&g->cancel.set, 1);
    aslrt_pool *p = g->pool;
    pthread_mutex_lock(&p->lock);
    g->exhausted = 1;
    pthread_cond_signal(&g->changed);
    pthread_mutex_unlock(&p->lock);
}

int aslrt_cancelled(const aslrt_exec *ex)
{
    for (const aslrt_cancel *c = ex->cancel; c; c = c->parent)
        if (atomic_load_explicit(&c->set, memory_order_relaxed))
            return 1;
    return 0;
}

void aslrt_pool_blocking(aslrt_exec *ex, int begin)
{
    aslrt_pool *p = ex->run->pool;
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    if (begin) {
        p->active--;
        wake_workers(p);
    } else {
        p->active++;
    }
    pthread_mutex_unlock(&p->lock);
}

/* ---------------------------------------------------- branch executions */

void aslrt_branch_init(aslrt_exec *cx, const aslrt_exec *parent, aslrt_run *run, const aslrt_group *g)
{
    memset(cx, 0, sizeof *cx);
    cx->run = run;
    cx->retry_count = -1;
    cx->prev_event_id = run == parent->run ? parent->prev_event_id : 0;
    cx->cancel = &g->cancel;
    cx->parent = parent;
}

void aslrt_branch_done(aslrt_exec *cx)
{
    cJSON_Delete(cx->context);
    cx->context = NULL;
    free(cx->task_token);
    cx->task_token = NULL;
    aslrt_error_clear(cx);
    aslrt_vars_free(cx); /* the branch's or iteration's variables end with it (§8) */
}

void aslrt_mutex_init(pthread_mutex_t *m)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ADAPTIVE_NP);
    pthread_mutex_init(m, &a);
    pthread_mutexattr_destroy(&a);
}

void aslrt_error_move(aslrt_exec *ex, char **error, char **cause)
{
    *error = ex->error;
    *cause = ex->cause;
    ex->error = ex->cause = NULL;
}

cJSON *aslrt_array_take(cJSON **items, long n)
{
    cJSON *a = aslrt_xjson(cJSON_CreateArray());
    cJSON *last = NULL;
    for (long i = 0; i < n; i++) {
        cJSON *it = items[i] ? items[i] : aslrt_xjson(cJSON_CreateNull());
        items[i] = NULL;
        aslrt_json_unkey(it);
        it->next = NULL;
        it->prev = last;
        if (last)
            last->next = it;
        else
            a->child = it;
        last = it;
    }
    if (a->child)
        a->child->prev = last; /* cJSON keeps the last element there */
    return a;
}
