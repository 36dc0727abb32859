/* parallel.c — the Parallel state (asl-reference §2.7): every branch runs
 * on its own copy of the effective input, on the worker pool; the result is
 * the array of branch outputs in Branches order.  The first branch to fail
 * cancels the others and the state fails with that branch's own error and
 * cause (AWS raises no States.BranchFailed).  Retry re-runs every branch. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dataflow.h"
#include "enter.h"
#include "exec.h"
#include "history.h"
#include "pool.h"
#include "query.h"
#include "retry.h"

/* One attempt at running the branches. */
typedef struct par_run {
    aslrt_group g;              /* first: the pool hands steps &g */
    aslrt_exec *ex;             /* the Parallel state's exec; it waits meanwhile */
    const aslrt_state *st;
    const cJSON *input;         /* the effective input; only read */
    pthread_mutex_t lock;       /* guards the fields below */
    int next;                   /* the next branch to start */
    int failed;                 /* a branch failed: error and cause are its */
    char *error, *cause;
    cJSON **results;            /* by branch */
} par_run;

/* Runs the next branch not yet started, on this thread. */
static int par_step(aslrt_group *g)
{
    par_run *pr = (par_run *)g;
    pthread_mutex_lock(&pr->lock);
    int i = pr->failed || pr->next >= pr->st->nbranches ? -1 : pr->next++;
    pthread_mutex_unlock(&pr->lock);
    if (i < 0)
        return 0;

    aslrt_exec cx;
    aslrt_branch_init(&cx, pr->ex, pr->ex->run, g);
    const aslrt_machine *m = pr->st->branches[i];
    cJSON *v;
    if (m->states[m->start].flags & ASLRT_BORROWS_INPUT) /* it only reads its input (compiler/opt.c) */
        cx.borrowed = v = (cJSON *)pr->input;
    else
        v = aslrt_xjson(cJSON_Duplicate(pr->input, 1));
    int rc = m->run(&cx, m, &v);
    if (v == cx.borrowed)
        v = NULL; /* failed before replacing it: still the Parallel's */

    int stop = 0;
    pthread_mutex_lock(&pr->lock);
    if (rc == 0) {
        pr->results[i] = v;
        v = NULL;
    } else if (!pr->failed) {
        pr->failed = stop = 1;
        aslrt_error_move(&cx, &pr->error, &pr->cause);
    }
    pthread_mutex_unlock(&pr->lock);
    if (stop)
        aslrt_group_stop(g);
    cJSON_Delete(v);
    aslrt_branch_done(&cx);
    return 1;
}

/* Runs all branches once on `input`: the array of their outputs, or NULL
   with the first failure's error in ex. */
static cJSON *run_branches(aslrt_exec *ex, const aslrt_state *st, const cJSON *input)
{
    par_run pr;
    memset(&pr, 0, sizeof pr);
    pr.g.step = par_step;
    pr.g.size = st->nbranches;
    pr.g.cancel.parent = ex->cancel;
    pr.ex = ex;
    pr.st = st;
    pr.input = input;
    size_t size = (size_t)(st->nbranches ? st->nbranches : 1) * sizeof *pr.results;
    pr.results = memset(aslrt_xmalloc(size), 0, size);
    aslrt_mutex_init(&pr.lock);
    aslrt_pool_run(aslrt_pool_get(ex->run), &pr.g);
    pthread_mutex_destroy(&pr.lock);

    cJSON *out = NULL;
    if (pr.failed) {
        aslrt_error_set(ex, pr.error, pr.cause);
        for (int i = 0; i < st->nbranches; i++)
            cJSON_Delete(pr.results[i]);
    } else {
        out = aslrt_array_take(pr.results, st->nbranches);
    }
    free(pr.error);
    free(pr.cause);
    free(pr.results);
    return out;
}

int aslrt_parallel_state(aslrt_exec *ex, const aslrt_state *st, cJSON **v)
{
    if (aslrt_state_enter(ex, st, *v) != 0)
        return -1;
    /* Each branch gets a copy of the effective input, so the state itself
       only reads it: borrowed from the raw input when InputPath allows. */
    cJSON *owned;
    const cJSON *eff = aslrt_input_view(ex, st, *v, &owned);
    if (!eff)
        return -1;
    if (st->parameters) {
        cJSON *p = aslrt_tmpl_eval(ex, st->parameters, eff);
        cJSON_Delete(owned);
        if (!(eff = owned = p))
            return -1;
    }
    aslrt_retries retries;
    aslrt_retries_init(&retries, st);
    cJSON *result;
    for (;;) {
        aslrt_event(ex, "ParallelStateStarted", NULL);
        result = run_branches(ex, st, eff);
        if (result) {
            aslrt_event(ex, "ParallelStateSucceeded", NULL);
            break;
        }
        if (!aslrt_retry(ex, st, &retries)) {
            aslrt_event(ex, "ParallelStateFailed", NULL);
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
