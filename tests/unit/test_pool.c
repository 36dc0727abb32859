/* test_pool.c — the worker pool behind Parallel and Map (runtime/map/pool.c):
   every job runs once, MaxConcurrency holds, nested groups cannot deadlock
   even on one thread, a stopped group starts nothing more and cancels its
   branches, and a blocked thread lets another take its place. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "pool.h"

/* ------------------------------------------------------------ helpers */

static void nap_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static aslrt_run *new_run(int threads)
{
    aslrt_run *run = calloc(1, sizeof *run);
    assert_non_null(run);
    run->opt.threads = threads;
    return run;
}

static void free_run(aslrt_run *run)
{
    aslrt_pool_free(run->pool);
    free(run);
}

/* A group of n jobs that counts what ran and how many ran at once. */
typedef struct counting {
    aslrt_group g;              /* first: steps get &g */
    int n;
    atomic_int next;            /* the next job to hand out */
    atomic_int *ran;            /* ran[i]: times job i ran */
    atomic_int running, peak;
    int nap;                    /* ms each job takes */
    aslrt_pool *pool;           /* for nested groups */
    int nested;                 /* each job runs a group of this many jobs */
    atomic_int nested_done;
    int stop_at;                /* job that stops the group; -1: none */
    atomic_int started_after_stop;
    atomic_int stopped;
} counting;

static int counting_step(aslrt_group *g);

static void counting_init(counting *c, int n, int limit)
{
    memset(c, 0, sizeof *c);
    c->g.step = counting_step;
    c->g.limit = limit;
    c->n = n;
    c->stop_at = -1;
    c->ran = calloc((size_t)n + 1, sizeof *c->ran);
    assert_non_null(c->ran);
}

static int counting_step(aslrt_group *g)
{
    counting *c = (counting *)g;
    int i = atomic_fetch_add(&c->next, 1);
    if (i >= c->n)
        return 0;
    if (atomic_load(&c->stopped))
        atomic_fetch_add(&c->started_after_stop, 1);
    int now = atomic_fetch_add(&c->running, 1) + 1;
    int peak = atomic_load(&c->peak);
    while (now > peak && !atomic_compare_exchange_weak(&c->peak, &peak, now))
        ;
    atomic_fetch_add(&c->ran[i], 1);
    if (c->nap)
        nap_ms(c->nap);
    if (c->nested) {
        counting inner;
        counting_init(&inner, c->nested, 0);
        inner.g.cancel.parent = &g->cancel;
        aslrt_pool_run(c->pool, &inner.g);
        for (int k = 0; k < c->nested; k++)
            if (atomic_load(&inner.ran[k]) == 1)
                atomic_fetch_add(&c->nested_done, 1);
        free(inner.ran);
    }
    if (i == c->stop_at) {
        atomic_store(&c->stopped, 1);
        aslrt_group_stop(g);
    }
    atomic_fetch_sub(&c->running, 1);
    return 1;
}

/* -------------------------------------------------------------- tests */

static void pool_run_should_run_every_job_exactly_once(void **state)
{
    (void)state;
    aslrt_run *run = new_run(4);
    counting c;
    counting_init(&c, 1000, 0);
    aslrt_pool_run(aslrt_pool_get(run), &c.g);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(atomic_load(&c.ran[i]), 1);
    assert_int_equal(atomic_load(&c.running), 0);
    free(c.ran);
    free_run(run);
}

static void pool_run_should_keep_to_the_group_limit(void **state)
{
    (void)state;
    aslrt_run *run = new_run(8);
    counting c;
    counting_init(&c, 24, 2);
    c.nap = 5;
    aslrt_pool_run(aslrt_pool_get(run), &c.g);
    assert_true(atomic_load(&c.peak) <= 2);
    for (int i = 0; i < 24; i++)
        assert_int_equal(atomic_load(&c.ran[i]), 1);
    free(c.ran);
    free_run(run);
}

static void pool_run_with_limit_one_should_run_one_at_a_time(void **state)
{
    (void)state;
    aslrt_run *run = new_run(4);
    counting c;
    counting_init(&c, 10, 1);
    c.nap = 2;
    aslrt_pool_run(aslrt_pool_get(run), &c.g);
    assert_int_equal(atomic_load(&c.peak), 1);
    free(c.ran);
    free_run(run);
}

static void pool_should_use_more_than_one_thread_when_it_has_them(void **state)
{
    (void)state;
    aslrt_run *run = new_run(4);
    counting c;
    counting_init(&c, 16, 0);
    c.nap = 20;
    aslrt_pool_run(aslrt_pool_get(run), &c.g);
    assert_true(atomic_load(&c.peak) > 1);
    assert_true(atomic_load(&c.peak) <= 4);
    free(c.ran);
    free_run(run);
}

static void nested_groups_should_finish_on_one_thread(void **state)
{
    (void)state;
    aslrt_run *run = new_run(1);
    aslrt_pool *p = aslrt_pool_get(run);
    counting c;
    counting_init(&c, 20, 0);
    c.pool = p;
    c.nested = 5;
    aslrt_pool_run(p, &c.g);
    assert_int_equal(atomic_load(&c.nested_done), 100);
    free(c.ran);
    free_run(run);
}

static void nested_groups_should_finish_on_many_threads(void **state)
{
    (void)state;
    aslrt_run *run = new_run(3);
    aslrt_pool *p = aslrt_pool_get(run);
    counting c;
    counting_init(&c, 50, 3);
    c.pool = p;
    c.nested = 7;
    aslrt_pool_run(p, &c.g);
    assert_int_equal(atomic_load(&c.nested_done), 350);
    free(c.ran);
    free_run(run);
}

static void group_stop_should_start_no_further_job(void **state)
{
    (void)state;
    aslrt_run *run = new_run(2);
    counting c;
    counting_init(&c, 1000, 1);
    c.stop_at = 3;
    aslrt_pool_run(aslrt_pool_get(run), &c.g);
    assert_int_equal(atomic_load(&c.started_after_stop), 0);
    assert_int_equal(atomic_load(&c.ran[3]), 1);
    assert_int_equal(atomic_load(&c.ran[4]), 0);
    free(c.ran);
    free_run(run);
}

/* A step that would go on for ever: only the group's size stops it. */
static int endless_step(aslrt_group *g)
{
    counting *c = (counting *)g;
    atomic_fetch_add(&c->next, 1);
    return 1;
}

static void group_size_should_bound_the_steps_begun(void **state)
{
    (void)state;
    aslrt_run *run = new_run(2);
    for (long size = 1; size <= 5; size++) {
        counting c;
        counting_init(&c, 0, 0);
        c.g.step = endless_step;
        c.g.size = size;
        aslrt_pool_run(aslrt_pool_get(run), &c.g);
        assert_int_equal(atomic_load(&c.next), size);
        free(c.ran);
    }
    free_run(run);
}

static void cancelled_should_see_every_enclosing_token(void **state)
{
    (void)state;
    aslrt_cancel outer, inner;
    memset(&outer, 0, sizeof outer);
    memset(&inner, 0, sizeof inner);
    inner.parent = &outer;
    aslrt_exec ex;
    memset(&ex, 0, sizeof ex);
    assert_false(aslrt_cancelled(&ex));
    ex.cancel = &inner;
    assert_false(aslrt_cancelled(&ex));
    atomic_store(&outer.set, 1);
    assert_true(aslrt_cancelled(&ex));
    atomic_store(&outer.set, 0);
    atomic_store(&inner.set, 1);
    assert_true(aslrt_cancelled(&ex));
}

/* Job 0 blocks until job 1 has run; with one thread at work that only
   ends if blocking lets another thread take job 1. */
typedef struct handoff {
    aslrt_group g;
    aslrt_run *run;
    atomic_int next, second_ran;
} handoff;

static int handoff_step(aslrt_group *g)
{
    handoff *h = (handoff *)g;
    int i = atomic_fetch_add(&h->next, 1);
    if (i >= 2)
        return 0;
    if (i == 1) {
        atomic_store(&h->second_ran, 1);
        return 1;
    }
    aslrt_exec ex;
    memset(&ex, 0, sizeof ex);
    ex.run = h->run;
    aslrt_pool_blocking(&ex, 1);
    for (int tries = 0; tries < 500 && !atomic_load(&h->second_ran); tries++)
        nap_ms(10);
    aslrt_pool_blocking(&ex, 0);
    return 1;
}

static void blocking_should_let_another_thread_run_jobs(void **state)
{
    (void)state;
    aslrt_run *run = new_run(1);
    handoff h;
    memset(&h, 0, sizeof h);
    h.g.step = handoff_step;
    h.run = run;
    aslrt_pool_run(aslrt_pool_get(run), &h.g);
    assert_int_equal(atomic_load(&h.second_ran), 1);
    free_run(run);
}

static void array_take_should_keep_order_and_drop_member_keys(void **state)
{
    (void)state;
    cJSON *src = cJSON_Parse("{\"a\":1,\"b\":\"two\"}");
    cJSON *items[3];
    items[0] = cJSON_DetachItemFromObjectCaseSensitive(src, "b");
    items[1] = NULL;
    items[2] = cJSON_DetachItemFromObjectCaseSensitive(src, "a");
    cJSON *a = aslrt_array_take(items, 3);
    char *text = cJSON_PrintUnformatted(a);
    assert_string_equal(text, "[\"two\",null,1]");
    assert_null(items[0]);
    assert_null(cJSON_GetArrayItem(a, 0)->string);
    assert_ptr_equal(a->child->prev, cJSON_GetArrayItem(a, 2)); /* cJSON's last-element link */
    cJSON_AddItemToArray(a, cJSON_CreateNumber(4));
    free(text);
    text = cJSON_PrintUnformatted(a);
    assert_string_equal(text, "[\"two\",null,1,4]");
    free(text);
    cJSON_Delete(a);
    cJSON_Delete(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pool_run_should_run_every_job_exactly_once),
        cmocka_unit_test(pool_run_should_keep_to_the_group_limit),
        cmocka_unit_test(pool_run_with_limit_one_should_run_one_at_a_time),
        cmocka_unit_test(pool_should_use_more_than_one_thread_when_it_has_them),
        cmocka_unit_test(nested_groups_should_finish_on_one_thread),
        cmocka_unit_test(nested_groups_should_finish_on_many_threads),
        cmocka_unit_test(group_stop_should_start_no_further_job),
        cmocka_unit_test(group_size_should_bound_the_steps_begun),
        cmocka_unit_test(cancelled_should_see_every_enclosing_token),
        cmocka_unit_test(blocking_should_let_another_thread_run_jobs),
        cmocka_unit_test(array_take_should_keep_order_and_drop_member_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
