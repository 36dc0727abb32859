/* pool.h — the worker threads that run Parallel branches and Map iterations,
 * and cancelling a branch once a sibling has failed (internal).
 *
 * One pool per execution (aslrt_run.pool), made by the first Parallel or
 * Map state, with --threads threads at work at once (default: one per CPU).
 * A Parallel or Map state describes its work as a group of jobs and calls
 * aslrt_pool_run(): the pool's threads and the calling thread run the jobs
 * until none is left, so the caller never just waits while there is work it
 * could do.  Nested Parallel/Map states make nested groups on the same pool;
 * a thread waiting for its own group runs only that group's jobs, which
 * bounds its stack by the definition's nesting and cannot deadlock: every
 * job a group has not started is one its owner can start itself.
 *
 * Threads that block (Wait states, retry intervals, task handlers) tell the
 * pool with aslrt_pool_blocking(), and another thread takes their place, up
 * to a fixed cap, so that waiting branches do not hold the CPUs. */
#ifndef ASLRT_POOL_H
#define ASLRT_POOL_H

#include <pthread.h>
#include <stdatomic.h>

#include "exec.h"

/* Threads a pool ever makes, whatever --threads says and however many
   branches block: a Map of 100,000 waiting items does not make 100,000. */
#define ASLRT_POOL_MAX_THREADS 64

typedef struct aslrt_pool aslrt_pool;

/* Set when the branches below it must stop: a sibling failed, or the
   Parallel/Map that started them is itself being cancelled (parent). */
typedef struct aslrt_cancel {
    atomic_int set;
    const struct aslrt_cancel *parent;
} aslrt_cancel;

/* One Parallel/Map run's jobs.  The caller fills in step, limit and
   cancel.parent; the rest is the pool's. */
typedef struct aslrt_group {
    /* Runs a job (or several, one after another): returns 1 when more may
       be left, 0 when none is (then no further step is started). Called on
       any thread, several at once. */
    int (*step)(struct aslrt_group *g);
    int limit;                  /* at most this many steps at once; 0: no limit */
    long size;                  /* jobs in all when known (a Parallel's branches, a Map's
                                   items): no more steps than that are begun; 0: unknown,
                                   a step returning 0 says when they are done */
    aslrt_cancel cancel;        /* what the jobs' execs point at */

    long started;               /* steps begun */
    int running;                /* steps under way */
    int exhausted;              /* a step returned 0, or aslrt_group_stop() */
    pthread_cond_t changed;     /* the owner waits here */
    struct aslrt_group *next;   /* the pool's groups, newest first */
    aslrt_pool *pool;
} aslrt_group;

/* The execution's pool, made on first use (on the thread that runs the
   execution, which it counts as one of the threads at work). */
aslrt_pool *aslrt_pool_get(aslrt_run *run);
/* Stops and joins the pool's threads (no group may be running). */
void aslrt_pool_free(aslrt_pool *p);

/* Runs g's steps on the pool and on the calling thread until a step has
   returned 0 (or the group was stopped) and every step has finished. */
void aslrt_pool_run(aslrt_pool *p, aslrt_group *g);
/* Starts no further step of g and cancels the steps under way: their
   branches fail at their next state (aslrt_cancelled()) and their waits
   end. Safe from any thread, also from inside a step. */
void aslrt_group_stop(aslrt_group *g);

/* Changes g's limit while it runs (UpdateMapRun's MaxConcurrency): from
   one of g's steps, which the pool runs with g->pool set. */
void aslrt_group_set_limit(aslrt_group *g, int limit);
/* 1 when ex runs in a branch or iteration that has been cancelled. */
int aslrt_cancelled(const aslrt_exec *ex);

/* ---------------------------------------------------- branch executions */

/* Prepares cx to run a Parallel branch or Map iteration of the state that
   `parent` is executing, on `run` (the parent's, or a distributed Map's
   child execution), cancelled with g. */
void aslrt_branch_init(aslrt_exec *cx, const aslrt_exec *parent, aslrt_run *run, const aslrt_group *g);
/* Frees what cx holds (context, error, task token). */
void aslrt_branch_done(aslrt_exec *cx);
/* Moves ex's error (name and cause) to *error and *cause, leaving ex with
   none. */
void aslrt_error_move(aslrt_exec *ex, char **error, char **cause);

/* A mutex for a Parallel's or Map's own bookkeeping, which every thread at
   work takes for a moment per branch or item: it spins briefly before
   sleeping, since a sleep and a wake-up cost more than the wait. */
void aslrt_mutex_init(pthread_mutex_t *m);
/* An array of items[0..n-1] (taken; NULL entries become null), in order,
   made in time linear in n. */
cJSON *aslrt_array_take(cJSON **items, long n);

/* Brackets a wait that does not use the CPU (begin = 1, then 0), so that
   the pool may run another job meanwhile. No-op without a pool. */
void aslrt_pool_blocking(aslrt_exec *ex, int begin);

#endif
