/* test_srv_executor.c — executions in `aslc serve` through its API (srv_api_handle, as the
   HTTP side calls it, without HTTP): starting, idempotence, describing, listing, histories,
   task tokens, activities, stopping, sync EXPRESS runs, and 50 executions at once. The state
   machines are put straight into the store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "api.h"
#include "executor.h"

#define REGION_ACCOUNT "us-east-1:123456789012"
#define SM(name) "arn:aws:states:" REGION_ACCOUNT ":stateMachine:" name

static srv server;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int setup(void **state)
{
    (void)state;
    memset(&server, 0, sizeof server);
    server.opt = (srv_options){.host = "127.0.0.1", .db = ":memory:", .mode = "jit", .time_scale = 1,
                               .region = "us-east-1", .account = "123456789012"};
    char *err = NULL;
    server.store = srv_store_open(":memory:", &err);
    assert_non_null(server.store);
    assert_non_null(srv_executor_new(&server, &err));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    srv_executor_free(srv_executor_of(&server));
    srv_store_close(server.store);
    return 0;
}

/* A state machine put into the store. */
static void machine(const char *name, const char *type, const char *definition)
{
    char arn[256];
    snprintf(arn, sizeof arn, "arn:aws:states:%s:stateMachine:%s", REGION_ACCOUNT, name);
    char role[] = "arn:aws:iam::123456789012:role/r", revision[] = "r1";
    srv_sm m = {.arn = arn, .machine_arn = arn, .name = (char *)name, .definition = (char *)definition,
                .role_arn = role, .type = (char *)type, .revision_id = revision, .created = 1, .updated = 1};
    assert_int_equal(srv_store_sm_insert(server.store, &m), SRV_OK);
}

/* Calls operation op with the JSON body fmt; the answer's status in *status and its body
   parsed (caller frees). */
static cJSON *call(const char *op, int *status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static cJSON *call(const char *op, int *status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *body = NULL;
    assert_true(vasprintf(&body, fmt, ap) >= 0);
    va_end(ap);
    char target[96];
    snprintf(target, sizeof target, "AWSStepFunctions.%s", op);
    srv_reply r = {0};
    srv_api_handle(&server, target, body, strlen(body), &r);
    free(body);
    *status = r.status;
    cJSON *v = cJSON_Parse(r.body);
    if (!v)
        fail_msg("%s answered %s", op, r.body);
    free(r.body);
    return v;
}

/* The same, which must succeed. */
#define OK(op, ...) ok_call(op, call(op, &status_, __VA_ARGS__), &status_)
static int status_;
/* (status by address: read after the call has set it) */
static cJSON *ok_call(const char *op, cJSON *v, const int *status)
{
    if (*status != 200) {
        char *t = cJSON_PrintUnformatted(v);
        fail_msg("%s failed: %d %s", op, *status, t);
    }
    return v;
}

/* The call fails with error type. */
static void expect_error(const char *type, cJSON *v, const int *status)
{
    assert_int_equal(*status, 400);
    const cJSON *t = cJSON_GetObjectItem(v, "__type");
    assert_non_null(t);
    if (strcmp(t->valuestring, type) != 0)
        fail_msg("expected %s, got %s: %s", type, t->valuestring, cJSON_GetObjectItem(v, "message")->valuestring);
    cJSON_Delete(v);
}

static const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Starts an execution of machine with input (JSON text of a JSON string); its ARN (malloc'd). */
static char *start(const char *machine_arn, const char *name, const char *input_json)
{
    cJSON *r = name ? OK("StartExecution", "{\"stateMachineArn\":\"%s\",\"name\":\"%s\",\"input\":%s}", machine_arn,
                         name, input_json)
                    : OK("StartExecution", "{\"stateMachineArn\":\"%s\",\"input\":%s}", machine_arn, input_json);
    char *arn = strdup(str(r, "executionArn"));
    assert_non_null(cJSON_GetObjectItem(r, "startDate"));
    cJSON_Delete(r);
    return arn;
}

/* DescribeExecution once it has left RUNNING (within 10 s). */
static cJSON *wait_done(const char *arn)
{
    double until = now() + 10;
    for (;;) {
        cJSON *d = OK("DescribeExecution", "{\"executionArn\":\"%s\"}", arn);
        if (strcmp(str(d, "status"), "RUNNING") != 0)
            return d;
        cJSON_Delete(d);
        if (now() > until)
            fail_msg("%s still RUNNING after 10 s", arn);
        usleep(2000);
    }
}

static cJSON *history(const char *arn)
{
    return OK("GetExecutionHistory", "{\"executionArn\":\"%s\",\"maxResults\":1000}", arn);
}

/* The task token a running execution waits on (from its TaskScheduled event), within 10 s. */
static char *token_of(const char *arn)
{
    double until = now() + 10;
    for (;;) {
        cJSON *h = history(arn);
        const cJSON *ev;
        cJSON_ArrayForEach(ev, cJSON_GetObjectItem(h, "events"))
        {
            if (strcmp(str(ev, "type"), "TaskScheduled") != 0)
                continue;
            cJSON *params = cJSON_Parse(str(cJSON_GetObjectItem(ev, "taskScheduledEventDetails"), "parameters"));
            char *token = strdup(cJSON_GetObjectItem(params, "token")->valuestring);
            cJSON_Delete(params);
            cJSON_Delete(h);
            return token;
        }
        cJSON_Delete(h);
        if (now() > until)
            fail_msg("%s scheduled no task in 10 s", arn);
        usleep(2000);
    }
}

static const char pass_def[] = "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\","
                               "\"Parameters\":{\"sum.$\":\"States.MathAdd($.a, 1)\"},\"End\":true}}}";
static const char token_def[] =
    "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\","
    "\"Resource\":\"arn:aws:states:::sqs:sendMessage.waitForTaskToken\","
    "\"Parameters\":{\"token.$\":\"$$.Task.Token\"},\"End\":true}}}";

/* ---------------------------------------------------------------- tests */

static void an_execution_should_run_and_be_described_and_listed(void **state)
{
    (void)state;
    machine("pass", "STANDARD", pass_def);
    char *arn = start(SM("pass"), "first", "\"{\\\"a\\\": 41}\"");
    assert_string_equal(arn, "arn:aws:states:" REGION_ACCOUNT ":execution:pass:first");
    cJSON *d = wait_done(arn);
    assert_string_equal(str(d, "status"), "SUCCEEDED");
    cJSON *out = cJSON_Parse(str(d, "output"));
    assert_int_equal(cJSON_GetObjectItem(out, "sum")->valueint, 42);
    cJSON_Delete(out);
    assert_string_equal(str(d, "stateMachineArn"), SM("pass"));
    assert_true(cJSON_GetObjectItem(d, "stopDate")->valuedouble >= cJSON_GetObjectItem(d, "startDate")->valuedouble);
    assert_string_equal(str(d, "redriveStatus"), "NOT_REDRIVABLE");
    cJSON_Delete(d);

    cJSON *h = history(arn);
    const cJSON *events = cJSON_GetObjectItem(h, "events");
    int n = cJSON_GetArraySize(events);
    assert_true(n >= 4);
    assert_string_equal(str(cJSON_GetArrayItem(events, 0), "type"), "ExecutionStarted");
    assert_string_equal(str(cJSON_GetArrayItem(events, n - 1), "type"), "ExecutionSucceeded");
    for (int i = 0; i < n; i++)
        assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(events, i), "id")->valueint, i + 1);
    cJSON_Delete(h);

    /* pages of 2, in reverse, without data */
    cJSON *p = OK("GetExecutionHistory",
                  "{\"executionArn\":\"%s\",\"maxResults\":2,\"reverseOrder\":true,\"includeExecutionData\":false}", arn);
    events = cJSON_GetObjectItem(p, "events");
    assert_int_equal(cJSON_GetArraySize(events), 2);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(events, 0), "id")->valueint, n);
    const cJSON *succeeded = cJSON_GetObjectItem(cJSON_GetArrayItem(events, 0), "executionSucceededEventDetails");
    assert_null(cJSON_GetObjectItem(succeeded, "output"));
    assert_non_null(str(p, "nextToken"));
    cJSON *p2 = OK("GetExecutionHistory", "{\"executionArn\":\"%s\",\"maxResults\":2,\"reverseOrder\":true,"
                   "\"nextToken\":\"%s\"}", arn, str(p, "nextToken"));
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(p2, "events"), 0), "id")->valueint,
                     n - 2);
    cJSON_Delete(p);
    cJSON_Delete(p2);

    cJSON *l = OK("ListExecutions", "{\"stateMachineArn\":\"%s\"}", SM("pass"));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(l, "executions")), 1);
    assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(l, "executions"), 0), "executionArn"), arn);
    cJSON_Delete(l);

    /* the name is taken for good once it has ended */
    expect_error("ExecutionAlreadyExists",
                 call("StartExecution", &status_, "{\"stateMachineArn\":\"%s\",\"name\":\"first\",\"input\":\"{\\\"a\\\": 41}\"}",
                      SM("pass")),
                 &status_);
    free(arn);
}

static void bad_starts_should_be_refused_as_aws_refuses_them(void **state)
{
    (void)state;
    machine("refuse", "STANDARD", pass_def);
    expect_error("InvalidExecutionInput",
                 call("StartExecution", &status_, "{\"stateMachineArn\":\"%s\",\"input\":\"{nope\"}", SM("refuse")),
                 &status_);
    expect_error("InvalidName",
                 call("StartExecution", &status_, "{\"stateMachineArn\":\"%s\",\"name\":\"a b\"}", SM("refuse")),
                 &status_);
    expect_error("StateMachineDoesNotExist",
                 call("StartExecution", &status_, "{\"stateMachineArn\":\"%s\"}", SM("absent")), &status_);
    expect_error("InvalidArn", call("StartExecution", &status_, "{\"stateMachineArn\":\"not:an:arn\"}"), &status_);
    expect_error("StateMachineTypeNotSupported",
                 call("StartSyncExecution", &status_, "{\"stateMachineArn\":\"%s\"}", SM("refuse")), &status_);
    expect_error("ExecutionDoesNotExist",
                 call("DescribeExecution", &status_, "{\"executionArn\":\"arn:aws:states:" REGION_ACCOUNT
                      ":execution:refuse:none\"}"),
                 &status_);
}

static void a_task_token_should_be_answered_once(void **state)
{
    (void)state;
    machine("token", "STANDARD", token_def);
    char *arn = start(SM("token"), "t1", "\"{}\"");
    char *token = token_of(arn);
    /* the same request again while it runs: the same execution */
    char *again = start(SM("token"), "t1", "\"{}\"");
    assert_string_equal(again, arn);
    free(again);
    expect_error("ExecutionAlreadyExists",
                 call("StartExecution", &status_, "{\"stateMachineArn\":\"%s\",\"name\":\"t1\",\"input\":\"{\\\"x\\\":1}\"}",
                      SM("token")),
                 &status_);
    expect_error("InvalidOutput",
                 call("SendTaskSuccess", &status_, "{\"taskToken\":\"%s\",\"output\":\"{nope\"}", token), &status_);
    cJSON_Delete(OK("SendTaskHeartbeat", "{\"taskToken\":\"%s\"}", token));
    cJSON_Delete(OK("SendTaskSuccess", "{\"taskToken\":\"%s\",\"output\":\"{\\\"done\\\":true}\"}", token));
    cJSON *d = wait_done(arn);
    assert_string_equal(str(d, "status"), "SUCCEEDED");
    assert_string_equal(str(d, "output"), "{\"done\":true}");
    cJSON_Delete(d);
    expect_error("TaskTimedOut",
                 call("SendTaskSuccess", &status_, "{\"taskToken\":\"%s\",\"output\":\"{}\"}", token), &status_);
    expect_error("InvalidToken", call("SendTaskFailure", &status_, "{\"taskToken\":\"garbage\"}"), &status_);
    free(token);
    free(arn);
}

static void a_stopped_execution_should_be_aborted_promptly(void **state)
{
    (void)state;
    machine("waits", "STANDARD",
            "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":100,\"End\":true}}}");
    char *arn = start(SM("waits"), "long", "\"{}\"");
    /* it is waiting once it has entered W */
    double until = now() + 10;
    for (;;) {
        cJSON *h = history(arn);
        const cJSON *events = cJSON_GetObjectItem(h, "events");
        int n = cJSON_GetArraySize(events);
        int waiting = n && strcmp(str(cJSON_GetArrayItem(events, n - 1), "type"), "WaitStateEntered") == 0;
        cJSON_Delete(h);
        if (waiting)
            break;
        assert_true(now() < until);
        usleep(2000);
    }
    double t0 = now();
    cJSON *r = OK("StopExecution", "{\"executionArn\":\"%s\",\"error\":\"E.Stop\",\"cause\":\"enough\"}", arn);
    assert_non_null(cJSON_GetObjectItem(r, "stopDate"));
    cJSON_Delete(r);
    cJSON *d = OK("DescribeExecution", "{\"executionArn\":\"%s\"}", arn);
    assert_string_equal(str(d, "status"), "ABORTED");
    assert_true(now() - t0 < 2);
    assert_string_equal(str(d, "error"), "E.Stop");
    assert_string_equal(str(d, "cause"), "enough");
    assert_string_equal(str(d, "redriveStatus"), "REDRIVABLE");
    cJSON_Delete(d);
    cJSON *h = history(arn);
    const cJSON *events = cJSON_GetObjectItem(h, "events");
    const cJSON *last = cJSON_GetArrayItem(events, cJSON_GetArraySize(events) - 1);
    assert_string_equal(str(last, "type"), "ExecutionAborted");
    assert_string_equal(str(cJSON_GetObjectItem(last, "executionAbortedEventDetails"), "error"), "E.Stop");
    cJSON_Delete(h);
    free(arn);
}

static void a_sync_express_execution_should_answer_how_it_ended(void **state)
{
    (void)state;
    machine("quick", "EXPRESS", pass_def);
    cJSON *r = OK("StartSyncExecution", "{\"stateMachineArn\":\"%s\",\"input\":\"{\\\"a\\\":1}\"}", SM("quick"));
    assert_string_equal(str(r, "status"), "SUCCEEDED");
    assert_string_equal(str(r, "output"), "{\"sum\":2}");
    assert_string_equal(str(r, "input"), "{\"a\":1}");
    assert_non_null(strstr(str(r, "executionArn"), ":express:quick:"));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "outputDetails"), "included")));
    assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "billingDetails"), "billedDurationInMilliseconds"));
    /* AWS keeps no record of EXPRESS executions */
    expect_error("InvalidArn", call("DescribeExecution", &status_, "{\"executionArn\":\"%s\"}", str(r, "executionArn")),
                 &status_);
    expect_error("StateMachineTypeNotSupported",
                 call("ListExecutions", &status_, "{\"stateMachineArn\":\"%s\"}", SM("quick")), &status_);
    cJSON_Delete(r);

    machine("fails", "EXPRESS", "{\"StartAt\":\"F\",\"States\":{\"F\":{\"Type\":\"Fail\",\"Error\":\"E\",\"Cause\":\"c\"}}}");
    r = OK("StartSyncExecution", "{\"stateMachineArn\":\"%s\",\"includedData\":\"METADATA_ONLY\"}", SM("fails"));
    assert_string_equal(str(r, "status"), "FAILED");
    assert_string_equal(str(r, "error"), "E");
    assert_string_equal(str(r, "cause"), "c");
    assert_null(cJSON_GetObjectItem(r, "input"));
    assert_null(cJSON_GetObjectItem(r, "output"));
    cJSON_Delete(r);
}

static void an_activity_task_should_go_to_the_worker_that_asks(void **state)
{
    (void)state;
    const char *activity = "arn:aws:states:" REGION_ACCOUNT ":activity:work";
    char name[] = "work";
    srv_activity a = {.arn = (char *)activity, .name = name, .created = 1};
    assert_int_equal(srv_store_activity_insert(server.store, &a), SRV_OK);
    machine("act", "STANDARD",
            "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:" REGION_ACCOUNT
            ":activity:work\",\"End\":true}}}");
    /* nothing yet: an empty answer */
    cJSON *r = OK("GetActivityTask", "{\"activityArn\":\"%s\"}", activity);
    assert_null(cJSON_GetObjectItem(r, "taskToken"));
    cJSON_Delete(r);
    char *arn = start(SM("act"), NULL, "\"{\\\"job\\\": 7}\"");
    double until = now() + 10;
    for (;;) {
        r = OK("GetActivityTask", "{\"activityArn\":\"%s\",\"workerName\":\"w1\"}", activity);
        if (cJSON_GetObjectItem(r, "taskToken"))
            break;
        cJSON_Delete(r);
        assert_true(now() < until);
        usleep(2000);
    }
    assert_string_equal(str(r, "input"), "{\"job\":7}");
    cJSON_Delete(OK("SendTaskSuccess", "{\"taskToken\":\"%s\",\"output\":\"{\\\"r\\\":1}\"}", str(r, "taskToken")));
    cJSON_Delete(r);
    cJSON *d = wait_done(arn);
    assert_string_equal(str(d, "status"), "SUCCEEDED");
    cJSON_Delete(d);
    cJSON *h = history(arn);
    int started = 0;
    const cJSON *ev;
    cJSON_ArrayForEach(ev, cJSON_GetObjectItem(h, "events"))
    {
        if (strcmp(str(ev, "type"), "ActivityStarted") == 0) {
            started++;
            assert_string_equal(str(cJSON_GetObjectItem(ev, "activityStartedEventDetails"), "workerName"), "w1");
        }
    }
    assert_int_equal(started, 1);
    cJSON_Delete(h);
    free(arn);
}

enum { MANY = 50 };

static void fifty_executions_should_wait_side_by_side(void **state)
{
    (void)state;
    machine("fifty", "STANDARD", token_def);
    char *arns[MANY], *tokens[MANY];
    for (int i = 0; i < MANY; i++) {
        char input[64];
        snprintf(input, sizeof input, "\"{\\\"i\\\": %d}\"", i);
        arns[i] = start(SM("fifty"), NULL, input);
    }
    /* all 50 wait on their tokens at once: none holds up another */
    for (int i = 0; i < MANY; i++)
        tokens[i] = token_of(arns[i]);
    cJSON *l = OK("ListExecutions", "{\"stateMachineArn\":\"%s\",\"statusFilter\":\"RUNNING\",\"maxResults\":20}",
                  SM("fifty"));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(l, "executions")), 20);
    assert_non_null(str(l, "nextToken"));
    cJSON_Delete(l);
    for (int i = MANY - 1; i >= 0; i--)
        cJSON_Delete(OK("SendTaskSuccess", "{\"taskToken\":\"%s\",\"output\":\"{\\\"n\\\": %d}\"}", tokens[i], i));
    for (int i = 0; i < MANY; i++) {
        cJSON *d = wait_done(arns[i]);
        assert_string_equal(str(d, "status"), "SUCCEEDED");
        cJSON *out = cJSON_Parse(str(d, "output"));
        assert_int_equal(cJSON_GetObjectItem(out, "n")->valueint, i);
        cJSON_Delete(out);
        cJSON_Delete(d);
        free(arns[i]);
        free(tokens[i]);
    }
    l = OK("ListExecutions", "{\"stateMachineArn\":\"%s\",\"statusFilter\":\"SUCCEEDED\",\"maxResults\":1000}",
           SM("fifty"));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(l, "executions")), MANY);
    cJSON_Delete(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(an_execution_should_run_and_be_described_and_listed, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_starts_should_be_refused_as_aws_refuses_them, setup, teardown),
        cmocka_unit_test_setup_teardown(a_task_token_should_be_answered_once, setup, teardown),
        cmocka_unit_test_setup_teardown(a_stopped_execution_should_be_aborted_promptly, setup, teardown),
        cmocka_unit_test_setup_teardown(a_sync_express_execution_should_answer_how_it_ended, setup, teardown),
        cmocka_unit_test_setup_teardown(an_activity_task_should_go_to_the_worker_that_asks, setup, teardown),
        cmocka_unit_test_setup_teardown(fifty_executions_should_wait_side_by_side, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
