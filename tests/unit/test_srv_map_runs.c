/* test_srv_map_runs.c — Map Runs of Distributed Map states, from the runtime's hooks
   (execution.h: map_run, map_run_child) through map_runs.c into the store, and
   DescribeMapRun / ListMapRuns / UpdateMapRun through the dispatcher, with a Map Run updated
   while it runs. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "api.h"
#include "diag.h"
#include "execution.h"
#include "front.h"
#include "interp.h"
#include "map_runs.h"

#define MACHINE "arn:aws:states:us-east-1:123456789012:stateMachine:fan"

static srv server = {.opt = {.region = "us-east-1", .account = "123456789012", .mode = "interp"}};

/* The Distributed Map "Fan" over $.items (MaxConcurrency 1): an item "bad" fails, an item
   "slow" waits a second (0.2 s at the time scale the runs use), the others pass. */
static const char definition_text[] =
    "{\"StartAt\":\"Fan\",\"States\":{\"Fan\":{\"Type\":\"Map\",\"ItemsPath\":\"$.items\",\"Label\":\"Fanout\","
    "\"MaxConcurrency\":1,\"ToleratedFailureCount\":1,\"End\":true,\"ItemProcessor\":{"
    "\"ProcessorConfig\":{\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"STANDARD\"},\"StartAt\":\"Which\",\"States\":{"
    "\"Which\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$\",\"StringEquals\":\"bad\",\"Next\":\"Bad\"},"
    "{\"Variable\":\"$\",\"StringEquals\":\"slow\",\"Next\":\"Slow\"}],\"Default\":\"Good\"},"
    "\"Bad\":{\"Type\":\"Fail\",\"Error\":\"Item.Bad\",\"Cause\":\"a bad item\"},"
    "\"Slow\":{\"Type\":\"Wait\",\"Seconds\":1,\"Next\":\"Good\"},"
    "\"Good\":{\"Type\":\"Pass\",\"End\":true}}}}}}";

/* What an executor does with the hooks: hand them to map_runs.c. */
static const char *running_definition = definition_text;
static void on_map_run(void *ctx, const aslrt_map_run_report *r)
{
    (void)ctx;
    srv_map_runs_report(&server, r, running_definition);
}
static void on_child(void *ctx, const aslrt_map_run_child *c)
{
    (void)ctx;
    srv_map_runs_child(&server, c);
}

typedef struct run {
    const char *name;
    const char *input;
    aslrt_stop_handle *stop;   /* or NULL */
    aslrt_execution_result result;
    char arn[256];
    char events[64][32];       /* the types of its first history events */
    int nevents;
} run;

/* The execution's history events, by type (one at a time for one execution). */
static void on_event(void *ctx, long id, long previous_id, double timestamp, const char *type,
                     const char *details_key, const cJSON *details)
{
    (void)id, (void)previous_id, (void)timestamp, (void)details_key, (void)details;
    run *x = ctx;
    if (x->nevents < 64)
        snprintf(x->events[x->nevents++], sizeof x->events[0], "%s", type);
}

static int has_event(const run *x, const char *type)
{
    for (int i = 0; i < x->nevents; i++)
        if (strcmp(x->events[i], type) == 0)
            return 1;
    return 0;
}

/* Names the run's execution (before a thread runs it). */
static void name_run(run *x)
{
    snprintf(x->arn, sizeof x->arn, "arn:aws:states:us-east-1:123456789012:execution:fan:%s", x->name);
}

/* One execution of the definition, recorded as an executor would record its start. */
static void *execute(void *arg)
{
    run *x = arg;
    asl_diag d;
    asl_diag_init(&d, "fan", stderr);
    asl_def *def = asl_front_load_text("fan", definition_text, strlen(definition_text), &d);
    assert_non_null(def);
    asl_interp_prepare(def);
    srv_execution row = {.arn = x->arn, .machine_arn = (char *)MACHINE, .name = (char *)x->name,
                         .type = (char *)"STANDARD", .status = (char *)"RUNNING", .input = (char *)x->input,
                         .definition = (char *)definition_text, .start = srv_now()};
    assert_int_equal(srv_store_execution_insert(server.store, &row), SRV_OK);
    aslrt_host host = {.ctx = x, .event = on_event, .map_run = on_map_run, .map_run_child = on_child};
    aslrt_execution_params p = {.program = &def->program, .name = x->name, .execution_arn = x->arn,
                                .state_machine_arn = MACHINE, .input = x->input, .input_len = strlen(x->input),
                                .time_scale = 0.2, .stop = x->stop, .host = &host};
    aslrt_execute(&p, &x->result);
    asl_def_free(def);
    return NULL;
}

static cJSON *call(const char *op, const char *body, int *status)
{
    char target[64];
    snprintf(target, sizeof target, "AWSStepFunctions.%s", op);
    srv_reply r;
    memset(&r, 0, sizeof r);
    srv_api_handle(&server, target, body, strlen(body), &r);
    *status = r.status;
    cJSON *j = cJSON_ParseWithLength(r.body, r.len);
    free(r.body);
    assert_non_null(j);
    return j;
}

static cJSON *call_ok(const char *op, const char *fmt, const char *arg)
{
    char body[1024];
    snprintf(body, sizeof body, fmt, arg);
    int status;
    cJSON *r = call(op, body, &status);
    if (status != 200)
        fail_msg("%s: %s", op, cJSON_PrintUnformatted(r));
    return r;
}

static long count(const cJSON *describe, const char *which, const char *name)
{
    return (long)cJSON_GetObjectItem(cJSON_GetObjectItem(describe, which), name)->valuedouble;
}

static const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The one Map Run of execution arn (malloc'd ARN). */
static char *map_run_of(const char *arn)
{
    cJSON *l = call_ok("ListMapRuns", "{\"executionArn\":\"%s\"}", arn);
    const cJSON *runs = cJSON_GetObjectItem(l, "mapRuns");
    assert_int_equal(cJSON_GetArraySize(runs), 1);
    const cJSON *item = cJSON_GetArrayItem(runs, 0);
    assert_string_equal(str(item, "executionArn"), arn);
    assert_string_equal(str(item, "stateMachineArn"), MACHINE "/Fanout");
    assert_non_null(cJSON_GetObjectItem(item, "stopDate"));
    char *m = strdup(str(item, "mapRunArn"));
    cJSON_Delete(l);
    return m;
}

static void finished_map_run(void **state)
{
    (void)state;
    run x = {.name = "ok", .input = "{\"items\":[\"a\",\"b\",\"c\"]}"};
    name_run(&x);
    execute(&x);
    assert_int_equal(x.result.status, ASLRT_STATUS_SUCCEEDED);
    assert_true(has_event(&x, "MapRunSucceeded"));
    char *m = map_run_of(x.arn);
    assert_true(strncmp(m, "arn:aws:states:us-east-1:123456789012:mapRun:fan/Fanout:", 56) == 0);
    cJSON *d = call_ok("DescribeMapRun", "{\"mapRunArn\":\"%s\"}", m);
    assert_string_equal(str(d, "status"), "SUCCEEDED");
    assert_string_equal(str(d, "executionArn"), x.arn);
    assert_int_equal((int)cJSON_GetObjectItem(d, "maxConcurrency")->valuedouble, 1);
    assert_int_equal((int)cJSON_GetObjectItem(d, "toleratedFailureCount")->valuedouble, 1);
    assert_true(cJSON_GetObjectItem(d, "stopDate")->valuedouble >= cJSON_GetObjectItem(d, "startDate")->valuedouble);
    static const char *const which[] = {"itemCounts", "executionCounts"};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(count(d, which[i], "total"), 3);
        assert_int_equal(count(d, which[i], "succeeded"), 3);
        assert_int_equal(count(d, which[i], "failed"), 0);
        assert_int_equal(count(d, which[i], "running"), 0);
        assert_int_equal(count(d, which[i], "pending"), 0);
    }
    /* its child executions, for ListExecutions with mapRunArn */
    srv_execution *kids;
    int n, more;
    assert_int_equal(srv_store_execution_list(server.store, NULL, m, NULL, NULL, 10, &kids, &n, &more), SRV_OK);
    assert_int_equal(n, 3);
    for (int i = 0; i < n; i++) {
        assert_string_equal(kids[i].status, "SUCCEEDED");
        assert_string_equal(kids[i].machine_arn, MACHINE "/Fanout");
        assert_non_null(kids[i].output);
        assert_true(kids[i].stop >= kids[i].start);
        srv_execution_free(&kids[i]);
    }
    free(kids);
    cJSON_Delete(d);
    free(m);
    aslrt_execution_result_free(&x.result);
}

/* Two bad items of three pass the ToleratedFailureCount of 1: the Map Run fails. */
static void failed_map_run(void **state)
{
    (void)state;
    run x = {.name = "bad", .input = "{\"items\":[\"a\",\"bad\",\"bad\"]}"};
    name_run(&x);
    execute(&x);
    assert_int_equal(x.result.status, ASLRT_STATUS_FAILED);
    assert_string_equal(x.result.error, "States.ExceedToleratedFailureThreshold");
    assert_true(has_event(&x, "MapRunFailed"));
    char *m = map_run_of(x.arn);
    cJSON *d = call_ok("DescribeMapRun", "{\"mapRunArn\":\"%s\"}", m);
    assert_string_equal(str(d, "status"), "FAILED");
    assert_int_equal(count(d, "itemCounts", "succeeded"), 1);
    assert_int_equal(count(d, "itemCounts", "failed"), 2);
    assert_int_equal(count(d, "itemCounts", "total"), 3);
    srv_execution *kids;
    int n, more;
    assert_int_equal(srv_store_execution_list(server.store, NULL, m, "FAILED", NULL, 10, &kids, &n, &more), SRV_OK);
    assert_int_equal(n, 2);
    for (int i = 0; i < n; i++) {
        assert_string_equal(kids[i].error, "Item.Bad");
        srv_execution_free(&kids[i]);
    }
    free(kids);
    cJSON_Delete(d);
    free(m);
    aslrt_execution_result_free(&x.result);
}

/* UpdateMapRun while the Map Run waits on its slow items: the runtime takes the new values
   (its last report carries them) and the row shows them at once. */
static void update_running_map_run(void **state)
{
    (void)state;
    run x = {.name = "slow", .input = "{\"items\":[\"slow\",\"slow\",\"slow\",\"slow\"]}"};
    name_run(&x);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, execute, &x), 0);
    srv_map_run *runs = NULL;
    int n = 0, more;
    for (int tries = 0; n == 0 && tries < 2000; tries++) {
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
        assert_int_equal(srv_store_map_run_list(server.store, x.arn, NULL, 10, &runs, &n, &more), SRV_OK);
    }
    assert_int_equal(n, 1);
    char *m = strdup(runs[0].arn);
    assert_string_equal(runs[0].status, "RUNNING");
    srv_map_run_free(&runs[0]);
    free(runs);
    char body[512];
    snprintf(body, sizeof body,
             "{\"mapRunArn\":\"%s\",\"maxConcurrency\":4,\"toleratedFailureCount\":3,\"toleratedFailurePercentage\":50}", m);
    int status;
    cJSON *u = call("UpdateMapRun", body, &status);
    assert_int_equal(status, 200);
    cJSON_Delete(u);
    cJSON *d = call_ok("DescribeMapRun", "{\"mapRunArn\":\"%s\"}", m);
    assert_int_equal((int)cJSON_GetObjectItem(d, "maxConcurrency")->valuedouble, 4);
    cJSON_Delete(d);
    pthread_join(t, NULL);
    assert_int_equal(x.result.status, ASLRT_STATUS_SUCCEEDED);
    d = call_ok("DescribeMapRun", "{\"mapRunArn\":\"%s\"}", m);
    assert_string_equal(str(d, "status"), "SUCCEEDED");
    assert_int_equal((int)cJSON_GetObjectItem(d, "maxConcurrency")->valuedouble, 4);
    assert_int_equal((int)cJSON_GetObjectItem(d, "toleratedFailureCount")->valuedouble, 3);
    assert_true(cJSON_GetObjectItem(d, "toleratedFailurePercentage")->valuedouble == 50);
    assert_int_equal(count(d, "itemCounts", "succeeded"), 4);
    cJSON_Delete(d);
    free(m);
    aslrt_execution_result_free(&x.result);
}

/* The Map Run of a stopped execution is aborted: MapRunAborted, status ABORTED. */
static void aborted_map_run(void **state)
{
    (void)state;
    run x = {.name = "stopped", .input = "{\"items\":[\"slow\",\"slow\",\"slow\",\"slow\",\"slow\"]}"};
    name_run(&x);
    x.stop = aslrt_stop_handle_new();
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, execute, &x), 0);
    srv_map_run *runs = NULL;
    int n = 0, more;
    for (int tries = 0; n == 0 && tries < 2000; tries++) {
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
        assert_int_equal(srv_store_map_run_list(server.store, x.arn, NULL, 10, &runs, &n, &more), SRV_OK);
    }
    assert_int_equal(n, 1);
    char *m = strdup(runs[0].arn);
    srv_map_run_free(&runs[0]);
    free(runs);
    assert_int_equal(aslrt_stop_execution(x.stop, "Stopped.ByTest", NULL), 0);
    pthread_join(t, NULL);
    assert_int_equal(x.result.status, ASLRT_STATUS_ABORTED);
    assert_true(has_event(&x, "MapRunStarted"));
    assert_true(has_event(&x, "MapRunAborted"));
    assert_false(has_event(&x, "MapRunFailed"));
    cJSON *d = call_ok("DescribeMapRun", "{\"mapRunArn\":\"%s\"}", m);
    assert_string_equal(str(d, "status"), "ABORTED");
    assert_true(count(d, "itemCounts", "succeeded") < 5);
    cJSON_Delete(d);
    free(m);
    aslrt_stop_handle_free(x.stop);
    aslrt_execution_result_free(&x.result);
}

static void errors(void **state)
{
    (void)state;
    int status;
    cJSON *r = call("DescribeMapRun", "{\"mapRunArn\":\"arn:aws:states:us-east-1:123456789012:mapRun:fan/x:nope\"}",
                    &status);
    assert_int_equal(status, 400);
    assert_string_equal(str(r, "__type"), "ResourceNotFound");
    cJSON_Delete(r);
    r = call("UpdateMapRun", "{\"mapRunArn\":\"arn:aws:states:us-east-1:123456789012:mapRun:fan/x:nope\",\"maxConcurrency\":1}",
             &status);
    assert_string_equal(str(r, "__type"), "ResourceNotFound");
    cJSON_Delete(r);
    r = call("DescribeMapRun", "{\"mapRunArn\":\"not-a-map-run\"}", &status);
    assert_string_equal(str(r, "__type"), "InvalidArn");
    cJSON_Delete(r);
    r = call("ListMapRuns", "{\"executionArn\":\"arn:aws:states:us-east-1:123456789012:execution:fan:none\"}", &status);
    assert_string_equal(str(r, "__type"), "ExecutionDoesNotExist");
    cJSON_Delete(r);
}

static int setup(void **state)
{
    (void)state;
    char *err = NULL;
    server.store = srv_store_open(":memory:", &err);
    return server.store ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    srv_store_close(server.store);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finished_map_run),
        cmocka_unit_test(failed_map_run),
        cmocka_unit_test(update_running_map_run),
        cmocka_unit_test(aborted_map_run),
        cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
