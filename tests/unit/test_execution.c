/* test_execution.c — the embedding API (runtime/execution.h): executions
   run concurrently on threads of one process, each with its own events,
   stop handle, task tokens, activities, region and account. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "diag.h"
#include "execution.h"
#include "front.h"
#include "interp.h"
#include "mock.h"

/* ------------------------------------------------------------ helpers */

/* A definition compiled for the interpreter; the test fails if it is not valid. */
static asl_def *compile(const char *text)
{
    asl_diag d;
    asl_diag_init(&d, "t.asl.json", stderr);
    asl_def *def = asl_front_load_text("t.asl.json", text, strlen(text), &d);
    assert_non_null(def);
    asl_interp_prepare(def);
    return def;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One recorded history event. */
typedef struct event {
    long id, previous_id;
    char type[48];
    char *details; /* compact JSON text, or NULL */
} event;

/* What the host hears of one execution: its events, and the tasks the
   host holds for it (one at a time in these tests). */
typedef struct recorder {
    event events[256];
    int nevents;
    int unordered; /* an event came with an id other than the next one */
    pthread_mutex_t lock;
    pthread_cond_t changed;
    aslrt_callback *cb; /* the task waiting for the test, until task_done */
    char token[80];
    char *input;        /* its input text */
    double timeout, heartbeat;
    int done;           /* task_done calls */
} recorder;

static void on_event(void *ctx, long id, long previous_id, double timestamp, const char *type,
                     const char *details_key, const cJSON *details)
{
    recorder *r = ctx;
    (void)details_key;
    /* on the execution's thread: no assertions here, the test checks the flag */
    if (r->nevents >= (int)(sizeof r->events / sizeof r->events[0]) || id != r->nevents + 1 || !(timestamp > 1e9))
        r->unordered = 1;
    if (r->nevents >= (int)(sizeof r->events / sizeof r->events[0]))
        return;
    event *e = &r->events[r->nevents++];
    e->id = id;
    e->previous_id = previous_id;
    snprintf(e->type, sizeof e->type, "%s", type);
    e->details = details ? cJSON_PrintUnformatted(details) : NULL;
}

/* wait_task and activity: keep the callback for the test thread. */
static void on_task(void *ctx, aslrt_callback *cb, const aslrt_task_request *req)
{
    recorder *r = ctx;
    pthread_mutex_lock(&r->lock);
    r->cb = cb;
    snprintf(r->token, sizeof r->token, "%s", req->token);
    free(r->input);
    r->input = strdup(req->input_text);
    r->timeout = req->timeout_seconds;
    r->heartbeat = req->heartbeat_seconds;
    pthread_cond_broadcast(&r->changed);
    pthread_mutex_unlock(&r->lock);
}

static void on_task_done(void *ctx, aslrt_callback *cb)
{
    recorder *r = ctx;
    pthread_mutex_lock(&r->lock);
    if (r->cb == cb)
        r->cb = NULL;
    r->done++;
    pthread_cond_broadcast(&r->changed);
    pthread_mutex_unlock(&r->lock);
}

static void recorder_init(recorder *r)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->changed, NULL);
}

static void recorder_free(recorder *r)
{
    for (int i = 0; i < r->nevents; i++)
        free(r->events[i].details);
    free(r->input);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->changed);
}

/* The held callback, waiting up to 10 s for the execution to hand it over
   (lock held on return; NULL if it never came). */
static aslrt_callback *held_task(recorder *r)
{
    pthread_mutex_lock(&r->lock);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 10;
    while (!r->cb && pthread_cond_timedwait(&r->changed, &r->lock, &until) == 0) {
    }
    return r->cb;
}

/* The first event of type `type`, or NULL. */
static const event *find_event(const recorder *r, const char *type)
{
    for (int i = 0; i < r->nevents; i++)
        if (strcmp(r->events[i].type, type) == 0)
            return &r->events[i];
    return NULL;
}

/* Ids count from 1 in order; previousEventId points back at an earlier
   event (0 for ExecutionStarted and the first state's entry). */
static void assert_history_well_formed(const recorder *r)
{
    assert_false(r->unordered);
    assert_true(r->nevents >= 2);
    assert_string_equal(r->events[0].type, "ExecutionStarted");
    assert_int_equal(r->events[0].previous_id, 0);
    for (int i = 0; i < r->nevents; i++) {
        assert_int_equal(r->events[i].id, i + 1);
        assert_true(r->events[i].previous_id >= 0 && r->events[i].previous_id < r->events[i].id);
    }
    assert_non_null(strstr(r->events[r->nevents - 1].type, "Execution"));
}

/* One execution on its own thread. */
typedef struct job {
    aslrt_execution_params p;
    aslrt_execution_result r;
    aslrt_host host;
    recorder rec;
    char name[32], arn[160], input[64];
    int rc;
    double took; /* seconds */
    pthread_t thread;
} job;

static void *job_main(void *arg)
{
    job *j = arg;
    double t0 = now();
    j->rc = aslrt_execute(&j->p, &j->r);
    j->took = now() - t0;
    return NULL;
}

/* A job running def on input as execution `name` of state machine "M" in
   region/account (NULL: the defaults). */
static void job_init(job *j, const asl_def *def, const char *name, const char *input, const char *region,
                     const char *account)
{
    memset(j, 0, sizeof *j);
    recorder_init(&j->rec);
    j->host = (aslrt_host){.ctx = &j->rec, .event = on_event, .wait_task = on_task, .activity = on_task,
                           .task_done = on_task_done};
    snprintf(j->name, sizeof j->name, "%s", name);
    snprintf(j->arn, sizeof j->arn, "arn:aws:states:%s:%s:execution:M:%s", region ? region : "us-east-1",
             account ? account : "123456789012", name);
    snprintf(j->input, sizeof j->input, "%s", input);
    j->p = (aslrt_execution_params){
        .program = &def->program,
        .name = j->name,
        .execution_arn = j->arn,
        .state_machine_arn = "arn:aws:states:us-east-1:123456789012:stateMachine:M",
        .state_machine_name = "M",
        .region = region,
        .account = account,
        .input = j->input,
        .input_len = strlen(j->input),
        .host = &j->host,
    };
}

static void job_start(job *j)
{
    assert_int_equal(pthread_create(&j->thread, NULL, job_main, j), 0);
}

static void job_join(job *j)
{
    assert_int_equal(pthread_join(j->thread, NULL), 0);
}

static void job_free(job *j)
{
    aslrt_execution_result_free(&j->r);
    aslrt_stop_handle_free(j->p.stop);
    recorder_free(&j->rec);
}

static void assert_output(const job *j, const char *expected)
{
    assert_int_equal(j->rc, 0);
    assert_int_equal(j->r.status, ASLRT_STATUS_SUCCEEDED);
    assert_non_null(j->r.output);
    cJSON *got = cJSON_Parse(j->r.output), *want = cJSON_Parse(expected);
    assert_non_null(want);
    if (!cJSON_Compare(got, want, 1))
        fail_msg("%s: got %s, expected %s", j->name, j->r.output, expected);
    cJSON_Delete(got);
    cJSON_Delete(want);
}

/* -------------------------------------------------------------- tests */

enum { NJOBS = 8 };

static void concurrent_executions_should_each_get_their_own_output_and_history(void **state)
{
    (void)state;
    asl_def *def = compile(
        "{\"StartAt\": \"Who\", \"States\": {"
        "\"Who\": {\"Type\": \"Pass\", \"Parameters\": {\"n.$\": \"States.MathAdd($.n, 1)\", "
        "\"name.$\": \"$$.Execution.Name\", \"id.$\": \"$$.Execution.Id\", \"role.$\": \"$$.Execution.RoleArn\", "
        "\"sm.$\": \"$$.StateMachine.Name\"}, \"Next\": \"Both\"},"
        "\"Both\": {\"Type\": \"Parallel\", \"ResultPath\": \"$.both\", \"Next\": \"Each\", \"Branches\": ["
        "  {\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"InputPath\": \"$.n\", \"End\": true}}},"
        "  {\"StartAt\": \"B\", \"States\": {\"B\": {\"Type\": \"Wait\", \"Seconds\": 0, \"Next\": \"C\"},"
        "                                    \"C\": {\"Type\": \"Pass\", \"InputPath\": \"$.name\", \"End\": true}}}]},"
        "\"Each\": {\"Type\": \"Map\", \"ItemsPath\": \"$.both\", \"ResultPath\": \"$.each\", \"ItemProcessor\": {"
        "  \"StartAt\": \"I\", \"States\": {\"I\": {\"Type\": \"Pass\", \"End\": true}}}, \"End\": true}}}");
    static job jobs[NJOBS];
    for (int i = 0; i < NJOBS; i++) {
        char name[16], input[32];
        snprintf(name, sizeof name, "e%d", i);
        snprintf(input, sizeof input, "{\"n\": %d}", 10 * i);
        /* half of them in another region and account */
        job_init(&jobs[i], def, name, input, i % 2 ? "eu-west-1" : NULL, i % 2 ? "111122223333" : NULL);
    }
    for (int i = 0; i < NJOBS; i++)
        job_start(&jobs[i]);
    for (int i = 0; i < NJOBS; i++)
        job_join(&jobs[i]);
    for (int i = 0; i < NJOBS; i++) {
        job *j = &jobs[i];
        const char *account = i % 2 ? "111122223333" : "123456789012";
        char want[512];
        snprintf(want, sizeof want,
                 "{\"n\": %d, \"name\": \"e%d\", \"id\": \"%s\", \"role\": \"arn:aws:iam::%s:role/aslc-local\", "
                 "\"sm\": \"M\", \"both\": [%d, \"e%d\"], \"each\": [%d, \"e%d\"]}",
                 10 * i + 1, i, j->arn, account, 10 * i + 1, i, 10 * i + 1, i);
        assert_output(j, want);
        assert_history_well_formed(&j->rec);
        assert_string_equal(j->rec.events[j->rec.nevents - 1].type, "ExecutionSucceeded");
        /* ExecutionStarted names the role of its account */
        assert_non_null(strstr(j->rec.events[0].details, account));
        /* a linear part of the history chains event to event */
        const event *who = find_event(&j->rec, "PassStateEntered");
        assert_non_null(who);
        assert_int_equal(who->previous_id, 0); /* AWS: the first state's entry points at 0 */
        assert_int_equal(j->rec.events[2].previous_id, 2);
        job_free(j);
    }
    asl_def_free(def);
}

static void stopping_one_execution_should_end_it_at_once_and_leave_the_others(void **state)
{
    (void)state;
    /* A minute's Wait, in two Parallel branches and in a Map iteration. */
    asl_def *slow = compile(
        "{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Parallel\", \"End\": true, \"Branches\": ["
        "  {\"StartAt\": \"W1\", \"States\": {\"W1\": {\"Type\": \"Wait\", \"Seconds\": 60, \"End\": true}}},"
        "  {\"StartAt\": \"W2\", \"States\": {\"W2\": {\"Type\": \"Wait\", \"Seconds\": 60, \"End\": true}}},"
        "  {\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"ItemsPath\": \"$.items\", \"End\": true,"
        "    \"Retry\": [{\"ErrorEquals\": [\"States.ALL\"]}], \"Catch\": [{\"ErrorEquals\": [\"States.ALL\"], \"Next\": \"X\"}],"
        "    \"ItemProcessor\": {\"StartAt\": \"W3\", \"States\": {\"W3\": {\"Type\": \"Wait\", \"Seconds\": 60, \"End\": true}}}},"
        "    \"X\": {\"Type\": \"Pass\", \"End\": true}}}]}}}");
    asl_def *quick = compile("{\"StartAt\": \"W\", \"States\": {\"W\": {\"Type\": \"Wait\", \"Seconds\": 1, \"End\": true}}}");
    static job jobs[4];
    job_init(&jobs[0], slow, "stopped", "{\"items\": [1, 2]}", NULL, NULL);
    jobs[0].p.stop = aslrt_stop_handle_new();
    for (int i = 1; i < 4; i++) {
        char name[16];
        snprintf(name, sizeof name, "other%d", i);
        job_init(&jobs[i], quick, name, "{\"k\": 1}", NULL, NULL);
        jobs[i].p.stop = aslrt_stop_handle_new(); /* theirs are never triggered */
    }
    for (int i = 0; i < 4; i++)
        job_start(&jobs[i]);
    usleep(200 * 1000);
    assert_int_equal(aslrt_stop_execution(jobs[0].p.stop, "User.Stop", "the test stopped it"), 0);
    assert_int_equal(aslrt_stop_execution(jobs[0].p.stop, "Again", NULL), -1);
    for (int i = 0; i < 4; i++)
        job_join(&jobs[i]);

    job *j = &jobs[0];
    assert_int_equal(j->rc, 0);
    assert_int_equal(j->r.status, ASLRT_STATUS_ABORTED);
    assert_true(j->took < 1.0); /* 0.2 s before the stop, then at once */
    assert_string_equal(j->r.error, "User.Stop");
    assert_string_equal(j->r.cause, "the test stopped it");
    assert_null(j->r.output);
    assert_history_well_formed(&j->rec);
    const event *last = &j->rec.events[j->rec.nevents - 1];
    assert_string_equal(last->type, "ExecutionAborted");
    assert_string_equal(last->details, "{\"error\":\"User.Stop\",\"cause\":\"the test stopped it\"}");
    assert_null(find_event(&j->rec, "PassStateEntered")); /* no catcher took the stop */
    for (int i = 1; i < 4; i++) {
        assert_output(&jobs[i], "{\"k\": 1}");
        assert_true(jobs[i].took >= 1.0);
        assert_string_equal(jobs[i].rec.events[jobs[i].rec.nevents - 1].type, "ExecutionSucceeded");
    }
    for (int i = 0; i < 4; i++)
        job_free(&jobs[i]);
    asl_def_free(slow);
    asl_def_free(quick);
}

static const char token_machine[] =
    "{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", "
    "\"Resource\": \"arn:aws:states:::sqs:sendMessage.waitForTaskToken\", \"TimeoutSeconds\": 30, "
    "\"HeartbeatSeconds\": 20, \"Parameters\": {\"MessageBody\": {\"token.$\": \"$$.Task.Token\", \"x.$\": \"$.x\"}}, "
    "\"End\": true}}}";

/* The token the host was given is 64 hex digits, and the one the Task's
   Parameters saw. */
static void assert_token_seen(const recorder *r)
{
    assert_int_equal(strlen(r->token), 64);
    assert_int_equal(strspn(r->token, "0123456789abcdef"), 64);
    assert_non_null(strstr(r->input, r->token));
    assert_non_null(strstr(r->input, "\"x\":7"));
}

static void wait_task_should_hand_the_token_to_the_host_and_take_its_answer(void **state)
{
    (void)state;
    asl_def *def = compile(token_machine);
    static job ok, failed;
    job_init(&ok, def, "ok", "{\"x\": 7}", "eu-west-1", "111122223333");
    job_init(&failed, def, "failed", "{\"x\": 7}", NULL, NULL);
    job_start(&ok);
    job_start(&failed);

    aslrt_callback *cb = held_task(&ok.rec);
    assert_non_null(cb);
    assert_token_seen(&ok.rec);
    assert_true(ok.rec.timeout == 30 && ok.rec.heartbeat == 20);
    const char *why = NULL;
    assert_int_equal(aslrt_callback_heartbeat(cb), 0);
    assert_int_equal(aslrt_callback_succeed(cb, "{\"a\": ", 6, &why), -1); /* not JSON: nothing changes */
    assert_non_null(why);
    assert_int_equal(aslrt_callback_succeed(cb, "{\"answer\": 42}", 14, NULL), 0);
    pthread_mutex_unlock(&ok.rec.lock);

    cb = held_task(&failed.rec);
    assert_non_null(cb);
    assert_token_seen(&failed.rec);
    assert_string_not_equal(failed.rec.token, ok.rec.token);
    assert_int_equal(aslrt_callback_fail(cb, "Custom.Error", "it went wrong"), 0);
    assert_int_equal(aslrt_callback_fail(cb, "Again", NULL), -1); /* answered already */
    pthread_mutex_unlock(&failed.rec.lock);

    job_join(&ok);
    job_join(&failed);
    assert_output(&ok, "{\"answer\": 42}");
    assert_history_well_formed(&ok.rec);
    assert_int_equal(ok.rec.done, 1);
    const event *sched = find_event(&ok.rec, "TaskScheduled");
    assert_non_null(sched);
    assert_non_null(strstr(sched->details, "\"region\":\"eu-west-1\"")); /* the execution's region */
    assert_non_null(find_event(&ok.rec, "TaskSucceeded"));

    assert_int_equal(failed.r.status, ASLRT_STATUS_FAILED);
    assert_string_equal(failed.r.error, "Custom.Error");
    assert_string_equal(failed.r.cause, "it went wrong");
    assert_history_well_formed(&failed.rec);
    assert_int_equal(failed.rec.done, 1);
    const event *tf = find_event(&failed.rec, "TaskFailed");
    assert_non_null(tf);
    assert_non_null(strstr(tf->details, "\"error\":\"Custom.Error\""));
    sched = find_event(&failed.rec, "TaskScheduled");
    assert_non_null(strstr(sched->details, "\"region\":\"us-east-1\""));
    job_free(&ok);
    job_free(&failed);
    asl_def_free(def);
}

static void stopping_an_execution_should_end_its_token_wait(void **state)
{
    (void)state;
    asl_def *def = compile(token_machine);
    static job j;
    job_init(&j, def, "parked", "{\"x\": 7}", NULL, NULL);
    j.p.stop = aslrt_stop_handle_new();
    job_start(&j);
    aslrt_callback *cb = held_task(&j.rec);
    assert_non_null(cb);
    pthread_mutex_unlock(&j.rec.lock);
    aslrt_stop_execution(j.p.stop, NULL, NULL);
    job_join(&j);
    assert_int_equal(j.r.status, ASLRT_STATUS_ABORTED);
    assert_true(j.took < 5.0);
    assert_null(j.r.error);
    assert_int_equal(j.rec.done, 1);
    assert_null(j.rec.cb); /* task_done came before the execution ended */
    assert_string_equal(j.rec.events[j.rec.nevents - 1].type, "ExecutionAborted");
    assert_string_equal(j.rec.events[j.rec.nevents - 1].details, "{}");
    job_free(&j);
    asl_def_free(def);
}

static const char heartbeat_machine[] =
    "{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", "
    "\"Resource\": \"arn:aws:states:::sqs:sendMessage.waitForTaskToken\", \"HeartbeatSeconds\": 1, "
    "\"Parameters\": {\"token.$\": \"$$.Task.Token\"}, \"End\": true}}}";

static void heartbeats_should_keep_a_token_wait_alive(void **state)
{
    (void)state;
    asl_def *def = compile(heartbeat_machine);
    static job j;
    job_init(&j, def, "beating", "{}", NULL, NULL);
    job_start(&j);
    aslrt_callback *cb = held_task(&j.rec);
    assert_non_null(cb);
    pthread_mutex_unlock(&j.rec.lock);
    for (int i = 0; i < 4; i++) { /* 2 s in all, twice the heartbeat's second */
        usleep(500 * 1000);
        pthread_mutex_lock(&j.rec.lock);
        assert_non_null(j.rec.cb);
        assert_int_equal(aslrt_callback_heartbeat(j.rec.cb), 0);
        pthread_mutex_unlock(&j.rec.lock);
    }
    pthread_mutex_lock(&j.rec.lock);
    assert_int_equal(aslrt_callback_succeed(j.rec.cb, "\"done\"", 6, NULL), 0);
    pthread_mutex_unlock(&j.rec.lock);
    job_join(&j);
    assert_output(&j, "\"done\"");
    assert_true(j.took >= 2.0);
    job_free(&j);
    asl_def_free(def);
}

static void missed_heartbeat_should_time_the_task_out(void **state)
{
    (void)state;
    asl_def *def = compile(heartbeat_machine);
    static job j;
    job_init(&j, def, "silent", "{}", NULL, NULL);
    job_start(&j);
    job_join(&j);
    assert_int_equal(j.r.status, ASLRT_STATUS_FAILED);
    assert_string_equal(j.r.error, "States.Timeout");
    assert_null(j.r.cause);
    assert_true(j.took >= 1.0 && j.took < 5.0);
    assert_non_null(find_event(&j.rec, "TaskTimedOut"));
    assert_int_equal(j.rec.done, 1);
    assert_null(j.rec.cb);
    job_free(&j);
    asl_def_free(def);
}

static void activity_should_be_started_by_a_worker_and_answered(void **state)
{
    (void)state;
    asl_def *def = compile("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", "
                           "\"Resource\": \"arn:aws:states:us-east-1:123456789012:activity:work\", "
                           "\"HeartbeatSeconds\": 30, \"End\": true}}}");
    static job j;
    job_init(&j, def, "act", "{\"x\": 7}", NULL, NULL);
    job_start(&j);
    aslrt_callback *cb = held_task(&j.rec);
    assert_non_null(cb);
    assert_int_equal(strlen(j.rec.token), 64);
    assert_string_equal(j.rec.input, "{\"x\":7}");
    assert_int_equal(aslrt_callback_start(cb, "worker-1"), 0);
    assert_int_equal(aslrt_callback_start(cb, "worker-2"), -1); /* taken */
    assert_int_equal(aslrt_callback_succeed(cb, "[1,2]", 5, NULL), 0);
    pthread_mutex_unlock(&j.rec.lock);
    job_join(&j);
    assert_output(&j, "[1, 2]");
    assert_history_well_formed(&j.rec);
    static const char *const order[] = {"ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted",
                                        "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"};
    assert_int_equal(j.rec.nevents, 7);
    for (int i = 0; i < 7; i++)
        assert_string_equal(j.rec.events[i].type, order[i]);
    assert_string_equal(j.rec.events[3].details, "{\"workerName\":\"worker-1\"}");
    assert_non_null(strstr(j.rec.events[2].details, "\"heartbeatInSeconds\":30"));
    job_free(&j);
    asl_def_free(def);
}

static void activity_nobody_takes_should_time_out(void **state)
{
    (void)state;
    asl_def *def = compile("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", "
                           "\"Resource\": \"arn:aws:states:us-east-1:123456789012:activity:work\", "
                           "\"TimeoutSeconds\": 1, \"End\": true}}}");
    static job j;
    job_init(&j, def, "late", "{}", NULL, NULL);
    job_start(&j);
    job_join(&j);
    assert_int_equal(j.r.status, ASLRT_STATUS_FAILED);
    assert_string_equal(j.r.error, "States.Timeout");
    assert_true(j.took >= 1.0 && j.took < 5.0);
    assert_non_null(find_event(&j.rec, "ActivityTimedOut"));
    assert_null(find_event(&j.rec, "ActivityStarted"));
    assert_int_equal(j.rec.done, 1);
    job_free(&j);
    asl_def_free(def);
}

static void shared_mock_should_count_invocations_per_execution(void **state)
{
    (void)state;
    asl_def *def = compile("{\"StartAt\": \"T\", \"States\": {"
                           "\"T\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\", "
                           "\"ResultPath\": \"$.first\", \"Next\": \"U\"},"
                           "\"U\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\", "
                           "\"Parameters\": {}, \"ResultPath\": \"$.second\", \"End\": true}}}");
    static const char mock_text[] = "{\"StateMachines\": {\"M\": {\"TestCases\": {\"c\": {\"T\": \"R\", \"U\": \"R\"}}}},"
                                    " \"MockedResponses\": {\"R\": {\"0\": {\"Return\": 1}, \"1\": {\"Return\": 2}}}}";
    char *err = NULL;
    aslrt_mock *mock = aslrt_mock_parse("mock.json", mock_text, strlen(mock_text), "M", "c", &err);
    assert_non_null(mock);
    static job jobs[NJOBS];
    for (int i = 0; i < NJOBS; i++) {
        char name[16];
        snprintf(name, sizeof name, "m%d", i);
        job_init(&jobs[i], def, name, "{}", NULL, NULL);
        jobs[i].p.mock = mock;
    }
    for (int i = 0; i < NJOBS; i++)
        job_start(&jobs[i]);
    for (int i = 0; i < NJOBS; i++)
        job_join(&jobs[i]);
    for (int i = 0; i < NJOBS; i++) {
        assert_output(&jobs[i], "{\"first\": 1, \"second\": 1}"); /* each state's invocation 0, in every execution */
        job_free(&jobs[i]);
    }
    aslrt_mock_free(mock);
    asl_def_free(def);
}

static void input_that_is_not_json_should_not_start(void **state)
{
    (void)state;
    asl_def *def = compile("{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}");
    static job j;
    job_init(&j, def, "bad", "{\"x\": ", NULL, NULL);
    assert_int_equal(aslrt_execute(&j.p, &j.r), -1);
    assert_int_equal(j.r.status, ASLRT_STATUS_FAILED);
    assert_string_equal(j.r.error, "ExecutionNotStarted");
    assert_non_null(j.r.cause);
    assert_int_equal(j.rec.nevents, 0);
    job_free(&j);
    asl_def_free(def);
}

static void embedded_runs_should_leave_signal_dispositions_alone(void **state)
{
    (void)state;
    asl_def *def = compile("{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}");
    struct sigaction before[3], after[3];
    const int sigs[3] = {SIGINT, SIGTERM, SIGPIPE};
    for (int i = 0; i < 3; i++)
        sigaction(sigs[i], NULL, &before[i]);
    static job j;
    job_init(&j, def, "quiet", "{\"a\": 1}", NULL, NULL);
    j.p.stop = aslrt_stop_handle_new();
    job_start(&j);
    job_join(&j);
    assert_output(&j, "{\"a\": 1}");
    for (int i = 0; i < 3; i++) {
        sigaction(sigs[i], NULL, &after[i]);
        assert_true(before[i].sa_handler == after[i].sa_handler);
    }
    job_free(&j);
    asl_def_free(def);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(concurrent_executions_should_each_get_their_own_output_and_history),
        cmocka_unit_test(stopping_one_execution_should_end_it_at_once_and_leave_the_others),
        cmocka_unit_test(wait_task_should_hand_the_token_to_the_host_and_take_its_answer),
        cmocka_unit_test(stopping_an_execution_should_end_its_token_wait),
        cmocka_unit_test(heartbeats_should_keep_a_token_wait_alive),
        cmocka_unit_test(missed_heartbeat_should_time_the_task_out),
        cmocka_unit_test(activity_should_be_started_by_a_worker_and_answered),
        cmocka_unit_test(activity_nobody_takes_should_time_out),
        cmocka_unit_test(shared_mock_should_count_invocations_per_execution),
        cmocka_unit_test(input_that_is_not_json_should_not_start),
        cmocka_unit_test(embedded_runs_should_leave_signal_dispositions_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
