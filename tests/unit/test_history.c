/* test_history.c — execution history: details keys, resource ARN splitting,
   event lines and ids (also from many threads), state entry/exit events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>

#include <cmocka.h>

#include "enter.h"
#include "exec.h"
#include "history.h"

/* ------------------------------------------------------------ helpers */

static void assert_key(const char *type, const char *want)
{
    char buf[96];
    assert_string_equal(aslrt_history_details_key(type, buf, sizeof buf), want);
}

/* The resourceType of r as a string (it is not NUL-terminated). */
static char *type_of(const aslrt_resource *r)
{
    char *s = malloc(r->type_len + 1);
    memcpy(s, r->type, r->type_len);
    s[r->type_len] = '\0';
    return s;
}

static void assert_split(const char *arn, int kind, const char *type, const char *name)
{
    aslrt_resource r;
    aslrt_resource_split(arn, &r);
    char *t = type_of(&r);
    assert_int_equal(r.kind, kind);
    assert_string_equal(t, type);
    assert_string_equal(r.name, name);
    free(t);
}

/* A run writing its history to a temporary file. */
typedef struct fixture {
    char path[64];
    aslrt_run run;
    aslrt_exec ex;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    strcpy(f->path, "/tmp/aslc-test-history.XXXXXX");
    int fd = mkstemp(f->path);
    assert_true(fd >= 0);
    close(fd);
    f->run.opt.history_file = f->path;
    f->run.input = cJSON_Parse("{\"a\":[1,2]}");
    f->ex.run = &f->run;
    char *err = NULL;
    assert_int_equal(aslrt_history_open(&f->run, &err), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    aslrt_history_close(&f->run);
    cJSON_Delete(f->run.input);
    aslrt_error_clear(&f->ex);
    cJSON_Delete(f->ex.context);
    unlink(f->path);
    free(f);
    return 0;
}

/* Closes the history and reads it back: a JSON array of its lines. */
static cJSON *read_back(fixture *f)
{
    aslrt_history_close(&f->run);
    FILE *in = fopen(f->path, "r");
    assert_non_null(in);
    cJSON *arr = cJSON_CreateArray();
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, in) > 0) {
        cJSON *e = cJSON_Parse(line);
        assert_non_null(e);
        cJSON_AddItemToArray(arr, e);
    }
    free(line);
    fclose(in);
    return arr;
}

static const cJSON *field(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    assert_non_null(v);
    return v;
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = field(o, k);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = field(o, k);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

/* ------------------------------------------------------- details keys */

static void details_key_should_lowercase_type_and_add_suffix(void **state)
{
    (void)state;
    assert_key("TaskScheduled", "taskScheduledEventDetails");
    assert_key("ExecutionStarted", "executionStartedEventDetails");
    assert_key("ExecutionTimedOut", "executionTimedOutEventDetails");
    assert_key("MapStateStarted", "mapStateStartedEventDetails");
    assert_key("MapIterationFailed", "mapIterationFailedEventDetails");
    assert_key("LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails");
}

static void details_key_should_share_one_key_for_every_state_type(void **state)
{
    (void)state;
    assert_key("TaskStateEntered", "stateEnteredEventDetails");
    assert_key("MapStateEntered", "stateEnteredEventDetails");
    assert_key("PassStateExited", "stateExitedEventDetails");
    assert_key("ParallelStateExited", "stateExitedEventDetails");
}

static void details_key_should_not_overflow_a_small_buffer(void **state)
{
    (void)state;
    char buf[8];
    aslrt_history_details_key("TaskScheduled", buf, sizeof buf);
    assert_string_equal(buf, "taskSch");
}

/* --------------------------------------------------------- ARN splits */

static void resource_split_should_follow_aws_examples(void **state)
{
    (void)state;
    assert_split("arn:aws:states:::lambda:invoke", ASLRT_RESOURCE_SERVICE, "lambda", "invoke");
    assert_split("arn:aws:states:::sqs:sendMessage.waitForTaskToken", ASLRT_RESOURCE_SERVICE, "sqs",
                 "sendMessage.waitForTaskToken");
    assert_split("arn:aws:states:::aws-sdk:s3:getObject", ASLRT_RESOURCE_SERVICE, "aws-sdk:s3", "getObject");
    assert_split("arn:aws:states:::states:startExecution.sync:2", ASLRT_RESOURCE_SERVICE,
                 "states:startExecution.sync", "2");
}

static void resource_split_should_recognize_bare_lambda_and_activity(void **state)
{
    (void)state;
    aslrt_resource r;
    aslrt_resource_split("arn:aws:lambda:eu-west-1:111111111111:function:Hello", &r);
    assert_int_equal(r.kind, ASLRT_RESOURCE_LAMBDA);
    assert_int_equal(r.region_len, 9);
    assert_memory_equal(r.region, "eu-west-1", 9);
    aslrt_resource_split("arn:aws:states:us-east-1:111111111111:activity:Work", &r);
    assert_int_equal(r.kind, ASLRT_RESOURCE_ACTIVITY);
    aslrt_resource_split("arn:aws:states:::lambda:invoke", &r);
    assert_int_equal(r.region_len, 0);
}

static void resource_split_should_keep_non_arns_whole(void **state)
{
    (void)state;
    assert_split("my-local-task", ASLRT_RESOURCE_SERVICE, "", "my-local-task");
    assert_split("arn:aws:states", ASLRT_RESOURCE_SERVICE, "", "arn:aws:states");
    assert_split("", ASLRT_RESOURCE_SERVICE, "", "");
}

/* ------------------------------------------------------------- events */

static void event_ids_should_count_without_history(void **state)
{
    (void)state;
    aslrt_run run;
    memset(&run, 0, sizeof run);
    aslrt_exec ex;
    memset(&ex, 0, sizeof ex);
    ex.run = &run;
    assert_false(aslrt_history_enabled(&ex));
    assert_int_equal(aslrt_event(&ex, "ExecutionStarted", NULL), 1);
    assert_int_equal(aslrt_event(&ex, "PassStateEntered", cJSON_CreateObject()), 2); /* details freed */
    assert_int_equal(run.last_event_id, 2);
}

static void history_should_write_aws_shaped_lines(void **state)
{
    fixture *f = *state;
    assert_true(aslrt_history_enabled(&f->ex));
    aslrt_history_execution_started(&f->ex);
    static const aslrt_state pass = {.name = "P \"1\"", .type = ASLRT_PASS, .next = -1};
    cJSON *v = cJSON_Parse("{\"a\":[1,2]}");
    aslrt_state_enter(&f->ex, &pass, v);
    assert_int_equal(f->ex.entered_event_id, 2);
    aslrt_state_exit(&f->ex, &pass, v);
    aslrt_history_execution_ended(&f->ex, ASLRT_OUTCOME_SUCCEEDED, v);
    cJSON_Delete(v);

    cJSON *events = read_back(f);
    assert_int_equal(cJSON_GetArraySize(events), 4);
    const cJSON *e0 = cJSON_GetArrayItem(events, 0), *e1 = cJSON_GetArrayItem(events, 1);
    const cJSON *e2 = cJSON_GetArrayItem(events, 2), *e3 = cJSON_GetArrayItem(events, 3);
    assert_string_equal(str(e0, "type"), "ExecutionStarted");
    assert_true(num(e0, "id") == 1 && num(e0, "previousEventId") == 0);
    const cJSON *d0 = field(e0, "executionStartedEventDetails");
    assert_string_equal(str(d0, "input"), "{\"a\":[1,2]}");
    assert_true(cJSON_IsFalse(field(field(d0, "inputDetails"), "truncated")));
    assert_string_equal(str(d0, "roleArn"), "arn:aws:iam::123456789012:role/aslc-local");
    assert_non_null(str(e0, "timestamp"));

    assert_string_equal(str(e1, "type"), "PassStateEntered");
    assert_true(num(e1, "id") == 2 && num(e1, "previousEventId") == 0); /* as AWS records it */
    assert_string_equal(str(field(e1, "stateEnteredEventDetails"), "name"), "P \"1\"");
    assert_string_equal(str(field(e1, "stateEnteredEventDetails"), "input"), "{\"a\":[1,2]}");

    assert_string_equal(str(e2, "type"), "PassStateExited");
    assert_true(num(e2, "id") == 3 && num(e2, "previousEventId") == 2);
    assert_string_equal(str(field(e2, "stateExitedEventDetails"), "output"), "{\"a\":[1,2]}");

    assert_string_equal(str(e3, "type"), "ExecutionSucceeded");
    assert_true(num(e3, "id") == 4 && num(e3, "previousEventId") == 3);
    assert_string_equal(str(field(e3, "executionSucceededEventDetails"), "output"), "{\"a\":[1,2]}");
    cJSON_Delete(events);
}

static void failed_execution_should_record_error_and_leave_out_missing_cause(void **state)
{
    fixture *f = *state;
    aslrt_history_execution_started(&f->ex);
    aslrt_error_set(&f->ex, "Boom", NULL);
    aslrt_history_execution_ended(&f->ex, ASLRT_OUTCOME_FAILED, NULL);
    cJSON *events = read_back(f);
    const cJSON *e = cJSON_GetArrayItem(events, 1);
    assert_string_equal(str(e, "type"), "ExecutionFailed");
    const cJSON *d = field(e, "executionFailedEventDetails");
    assert_string_equal(str(d, "error"), "Boom");
    assert_null(cJSON_GetObjectItemCaseSensitive(d, "cause"));
    cJSON_Delete(events);
}

static void task_events_should_split_service_resource(void **state)
{
    fixture *f = *state;
    static const aslrt_state task = {.name = "T", .type = ASLRT_TASK, .resource = "arn:aws:states:::lambda:invoke",
                                     .timeout_seconds = 5};
    cJSON *params = cJSON_Parse("{\"FunctionName\":\"f\"}");
    aslrt_history_task_scheduled(&f->ex, &task, params);
    aslrt_history_task_started(&f->ex, &task);
    aslrt_history_task_succeeded(&f->ex, &task, params);
    aslrt_error_set(&f->ex, "States.Timeout", NULL);
    aslrt_history_task_failed(&f->ex, &task);
    aslrt_error_set(&f->ex, "Oops", "why");
    aslrt_history_task_failed(&f->ex, &task);
    cJSON_Delete(params);

    cJSON *events = read_back(f);
    assert_int_equal(cJSON_GetArraySize(events), 5);
    const cJSON *e = cJSON_GetArrayItem(events, 0);
    assert_string_equal(str(e, "type"), "TaskScheduled");
    const cJSON *d = field(e, "taskScheduledEventDetails");
    assert_string_equal(str(d, "resourceType"), "lambda");
    assert_string_equal(str(d, "resource"), "invoke");
    assert_string_equal(str(d, "region"), "us-east-1");
    assert_string_equal(str(d, "parameters"), "{\"FunctionName\":\"f\"}");
    assert_true(num(d, "timeoutInSeconds") == 5);
    e = cJSON_GetArrayItem(events, 1);
    assert_string_equal(str(e, "type"), "TaskStarted");
    assert_string_equal(str(field(e, "taskStartedEventDetails"), "resource"), "invoke");
    e = cJSON_GetArrayItem(events, 2);
    assert_string_equal(str(e, "type"), "TaskSucceeded");
    assert_string_equal(str(field(e, "taskSucceededEventDetails"), "output"), "{\"FunctionName\":\"f\"}");
    e = cJSON_GetArrayItem(events, 3);
    assert_string_equal(str(e, "type"), "TaskTimedOut");
    assert_string_equal(str(field(e, "taskTimedOutEventDetails"), "error"), "States.Timeout");
    assert_null(cJSON_GetObjectItemCaseSensitive(field(e, "taskTimedOutEventDetails"), "cause"));
    e = cJSON_GetArrayItem(events, 4);
    assert_string_equal(str(e, "type"), "TaskFailed");
    assert_string_equal(str(field(e, "taskFailedEventDetails"), "cause"), "why");
    cJSON_Delete(events);
}

static void bare_lambda_arn_should_give_lambda_function_events(void **state)
{
    fixture *f = *state;
    static const aslrt_state task = {.name = "L", .type = ASLRT_TASK,
                                     .resource = "arn:aws:lambda:us-east-1:111111111111:function:Hello"};
    cJSON *in = cJSON_Parse("0");
    aslrt_history_task_scheduled(&f->ex, &task, in);
    aslrt_history_task_started(&f->ex, &task);
    aslrt_error_set(&f->ex, "Lambda.Unknown", "x");
    aslrt_history_task_failed(&f->ex, &task);
    cJSON_Delete(in);
    cJSON *events = read_back(f);
    const cJSON *e = cJSON_GetArrayItem(events, 0);
    assert_string_equal(str(e, "type"), "LambdaFunctionScheduled");
    const cJSON *d = field(e, "lambdaFunctionScheduledEventDetails");
    assert_string_equal(str(d, "resource"), "arn:aws:lambda:us-east-1:111111111111:function:Hello");
    assert_string_equal(str(d, "input"), "0");
    e = cJSON_GetArrayItem(events, 1);
    assert_string_equal(str(e, "type"), "LambdaFunctionStarted");
    assert_null(cJSON_GetObjectItemCaseSensitive(e, "lambdaFunctionStartedEventDetails"));
    e = cJSON_GetArrayItem(events, 2);
    assert_string_equal(str(e, "type"), "LambdaFunctionFailed");
    assert_string_equal(str(field(e, "lambdaFunctionFailedEventDetails"), "error"), "Lambda.Unknown");
    cJSON_Delete(events);
}

static void map_events_should_carry_length_index_and_name(void **state)
{
    fixture *f = *state;
    static const aslrt_state map = {.name = "M", .type = ASLRT_MAP};
    aslrt_history_map_started(&f->ex, 7);
    aslrt_history_map_iteration(&f->ex, "MapIterationStarted", &map, 3);
    aslrt_event(&f->ex, "MapStateSucceeded", NULL);
    cJSON *events = read_back(f);
    assert_true(num(field(cJSON_GetArrayItem(events, 0), "mapStateStartedEventDetails"), "length") == 7);
    const cJSON *d = field(cJSON_GetArrayItem(events, 1), "mapIterationStartedEventDetails");
    assert_true(num(d, "index") == 3);
    assert_string_equal(str(d, "name"), "M");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetArrayItem(events, 2)), 4); /* no details key */
    cJSON_Delete(events);
}

/* Branch threads share the counter and the file. */
typedef struct worker {
    aslrt_run *run;
    int n;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    aslrt_exec ex;
    memset(&ex, 0, sizeof ex);
    ex.run = w->run;
    static const aslrt_state pass = {.name = "W", .type = ASLRT_PASS};
    cJSON *v = cJSON_CreateNumber(1);
    for (int i = 0; i < w->n; i++) {
        aslrt_state_enter(&ex, &pass, v);
        aslrt_state_exit(&ex, &pass, v);
    }
    cJSON_Delete(v);
    cJSON_Delete(ex.context);
    return NULL;
}

static void concurrent_events_should_get_consecutive_ids_in_file_order(void **state)
{
    fixture *f = *state;
    enum { THREADS = 8, EACH = 200 };
    pthread_t t[THREADS];
    worker w = {&f->run, EACH};
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, work, &w), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    cJSON *events = read_back(f);
    assert_int_equal(cJSON_GetArraySize(events), THREADS * EACH * 2);
    int want = 1;
    for (const cJSON *e = events->child; e; e = e->next, want++)
        assert_true(num(e, "id") == want);
    cJSON_Delete(events);
}

static void concurrent_events_should_be_counted_without_history(void **state)
{
    (void)state;
    enum { THREADS = 8, EACH = 500 };
    aslrt_run run;
    memset(&run, 0, sizeof run);
    pthread_t t[THREADS];
    worker w = {&run, EACH};
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, work, &w), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(run.last_event_id, THREADS * EACH * 2);
}

static void history_open_should_fail_on_unwritable_path(void **state)
{
    (void)state;
    aslrt_run run;
    memset(&run, 0, sizeof run);
    run.opt.history_file = "/nonexistent-dir/h.jsonl";
    char *err = NULL;
    assert_int_equal(aslrt_history_open(&run, &err), -1);
    assert_non_null(strstr(err, "/nonexistent-dir/h.jsonl"));
    assert_null(run.history);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(details_key_should_lowercase_type_and_add_suffix),
        cmocka_unit_test(details_key_should_share_one_key_for_every_state_type),
        cmocka_unit_test(details_key_should_not_overflow_a_small_buffer),
        cmocka_unit_test(resource_split_should_follow_aws_examples),
        cmocka_unit_test(resource_split_should_recognize_bare_lambda_and_activity),
        cmocka_unit_test(resource_split_should_keep_non_arns_whole),
        cmocka_unit_test(event_ids_should_count_without_history),
        cmocka_unit_test_setup_teardown(history_should_write_aws_shaped_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(failed_execution_should_record_error_and_leave_out_missing_cause, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(task_events_should_split_service_resource, setup, teardown),
        cmocka_unit_test_setup_teardown(bare_lambda_arn_should_give_lambda_function_events, setup, teardown),
        cmocka_unit_test_setup_teardown(map_events_should_carry_length_index_and_name, setup, teardown),
        cmocka_unit_test_setup_teardown(concurrent_events_should_get_consecutive_ids_in_file_order, setup,
                                        teardown),
        cmocka_unit_test(concurrent_events_should_be_counted_without_history),
        cmocka_unit_test(history_open_should_fail_on_unwritable_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
