/* test_srv_test_state.c — TestState through the server's dispatcher (api.c): each inspection
   level for Pass, Task, Choice, Wait, Fail and inline Map states, JSONPath and JSONata,
   variables, context, mocks, Retry (RETRIABLE) and Catch (CAUGHT_ERROR), and the errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "api.h"

static srv server = {.opt = {.region = "us-east-1", .account = "123456789012", .mode = "interp"}};

/* The answer to TestState with `body` (JSON text): its HTTP status in *status. */
static cJSON *test_state(const char *body, int *status)
{
    srv_reply r;
    memset(&r, 0, sizeof r);
    srv_api_handle(&server, "AWSStepFunctions.TestState", body, strlen(body), &r);
    *status = r.status;
    cJSON *j = cJSON_ParseWithLength(r.body, r.len);
    free(r.body);
    if (!j)
        fail_msg("TestState answered something that is not JSON");
    return j;
}

/* A request: the state (JSON), the input (JSON) and more members (",\"k\": v..." or ""). The
   definition and input go in as JSON strings, as the API wants them. */
static char *request(const char *state, const char *input, const char *more)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "definition", state);
    if (input)
        cJSON_AddStringToObject(r, "input", input);
    char *text = cJSON_PrintUnformatted(r);
    cJSON_Delete(r);
    size_t n = strlen(text);
    text[n - 1] = '\0'; /* drop the closing brace, add more, close again */
    size_t len = n + strlen(more) + 2;
    char *out = malloc(len);
    snprintf(out, len, "%s%s}", text, more);
    free(text);
    return out;
}

/* TestState that must succeed (HTTP 200). */
static cJSON *ok(const char *state, const char *input, const char *more)
{
    char *body = request(state, input, more);
    int status;
    cJSON *r = test_state(body, &status);
    free(body);
    if (status != 200) {
        char *t = cJSON_PrintUnformatted(r);
        fail_msg("TestState failed (%d): %s", status, t);
    }
    return r;
}

/* TestState that must fail with the exception `type`. */
static void refused(const char *state, const char *input, const char *more, const char *type)
{
    char *body = request(state, input, more);
    int status;
    cJSON *r = test_state(body, &status);
    free(body);
    assert_int_equal(status, 400);
    assert_string_equal(cJSON_GetObjectItem(r, "__type")->valuestring, type);
    cJSON_Delete(r);
}

static const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Asserts that member `name` of o is a string holding the JSON `expected`. */
static void assert_json_member(const cJSON *o, const char *name, const char *expected)
{
    const char *text = str(o, name);
    if (!text)
        fail_msg("no string member %s", name);
    cJSON *got = cJSON_Parse(text), *want = cJSON_Parse(expected);
    assert_non_null(got);
    assert_non_null(want);
    if (!cJSON_Compare(got, want, 1))
        fail_msg("%s is %s, not %s", name, text, expected);
    cJSON_Delete(got);
    cJSON_Delete(want);
}

static const cJSON *data_of(const cJSON *r)
{
    return cJSON_GetObjectItemCaseSensitive(r, "inspectionData");
}

#define PASS_STATE                                                                                             \
    "{\"Type\":\"Pass\",\"InputPath\":\"$.in\",\"Parameters\":{\"v.$\":\"$.x\"},\"ResultPath\":\"$.res\","   \
    "\"OutputPath\":\"$.res\",\"Next\":\"Later\"}"

static void pass_info(void **state)
{
    (void)state;
    cJSON *r = ok(PASS_STATE, "{\"in\":{\"x\":5}}", ",\"inspectionLevel\":\"INFO\"");
    assert_string_equal(str(r, "status"), "SUCCEEDED");
    assert_json_member(r, "output", "{\"v\":5}");
    assert_string_equal(str(r, "nextState"), "Later");
    assert_null(data_of(r));
    cJSON_Delete(r);
}

/* DEBUG: every step of the JSONPath data flow; ResultPath puts the result into the raw input. */
static void pass_debug(void **state)
{
    (void)state;
    cJSON *r = ok(PASS_STATE, "{\"in\":{\"x\":5}}", ",\"inspectionLevel\":\"DEBUG\"");
    const cJSON *d = data_of(r);
    assert_json_member(d, "input", "{\"in\":{\"x\":5}}");
    assert_json_member(d, "afterInputPath", "{\"x\":5}");
    assert_json_member(d, "afterParameters", "{\"v\":5}");
    assert_json_member(d, "result", "{\"v\":5}");
    assert_json_member(d, "afterResultSelector", "{\"v\":5}");
    assert_json_member(d, "afterResultPath", "{\"in\":{\"x\":5},\"res\":{\"v\":5}}");
    assert_json_member(r, "output", "{\"v\":5}");
    cJSON_Delete(r);
}

/* TRACE without an HTTP Task shows what DEBUG shows. */
static void pass_trace(void **state)
{
    (void)state;
    cJSON *r = ok(PASS_STATE, "{\"in\":{\"x\":2}}", ",\"inspectionLevel\":\"TRACE\"");
    assert_json_member(data_of(r), "afterInputPath", "{\"x\":2}");
    assert_null(cJSON_GetObjectItemCaseSensitive(data_of(r), "request"));
    cJSON_Delete(r);
}

static void pass_result_and_null_result_path(void **state)
{
    (void)state;
    cJSON *r = ok("{\"Type\":\"Pass\",\"Result\":{\"r\":1},\"ResultPath\":null,\"End\":true}", "{\"a\":1}",
                  ",\"inspectionLevel\":\"DEBUG\"");
    assert_json_member(r, "output", "{\"a\":1}");
    assert_json_member(data_of(r), "result", "{\"r\":1}");
    assert_json_member(data_of(r), "afterResultPath", "{\"a\":1}");
    assert_null(cJSON_GetObjectItemCaseSensitive(r, "nextState"));
    cJSON_Delete(r);
}

static void task_mocked_debug(void **state)
{
    (void)state;
    cJSON *r = ok("{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\","
                  "\"Parameters\":{\"FunctionName\":\"f\",\"Payload.$\":\"$\"},"
                  "\"ResultSelector\":{\"p.$\":\"$.Payload\"},\"ResultPath\":\"$.r\",\"Next\":\"N\"}",
                  "{\"a\":1}",
                  ",\"inspectionLevel\":\"DEBUG\",\"mock\":{\"result\":\"{\\\"Payload\\\":{\\\"z\\\":2}}\"}");
    assert_string_equal(str(r, "status"), "SUCCEEDED");
    const cJSON *d = data_of(r);
    assert_json_member(d, "afterParameters", "{\"FunctionName\":\"f\",\"Payload\":{\"a\":1}}");
    assert_json_member(d, "result", "{\"Payload\":{\"z\":2}}");
    assert_json_member(d, "afterResultSelector", "{\"p\":{\"z\":2}}");
    assert_json_member(d, "afterResultPath", "{\"a\":1,\"r\":{\"p\":{\"z\":2}}}");
    assert_string_equal(str(r, "nextState"), "N");
    cJSON_Delete(r);
}

static void task_jsonata_mocked(void **state)
{
    (void)state;
    cJSON *r = ok("{\"Type\":\"Task\",\"QueryLanguage\":\"JSONata\",\"Resource\":\"arn:aws:states:::lambda:invoke\","
                  "\"Arguments\":{\"FunctionName\":\"f\",\"Payload\":\"{% $states.input.a + 1 %}\"},"
                  "\"Output\":\"{% $states.result.Payload %}\",\"End\":true}",
                  "{\"a\":1}",
                  ",\"inspectionLevel\":\"DEBUG\",\"mock\":{\"result\":\"{\\\"Payload\\\":{\\\"m\\\":true}}\"}");
    assert_json_member(r, "output", "{\"m\":true}");
    assert_json_member(data_of(r), "afterArguments", "{\"FunctionName\":\"f\",\"Payload\":2}");
    assert_json_member(data_of(r), "result", "{\"Payload\":{\"m\":true}}");
    assert_null(cJSON_GetObjectItemCaseSensitive(data_of(r), "afterInputPath"));
    cJSON_Delete(r);
}

/* A retrier that takes the error makes the state RETRIABLE, with the interval before the next
   attempt: IntervalSeconds * BackoffRate ^ retrierRetryCount (2 * 3^1 here). */
static void retry_is_retriable(void **state)
{
    (void)state;
    static const char task[] = "{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\","
                               "\"Parameters\":{\"FunctionName\":\"f\"},\"Retry\":[{\"ErrorEquals\":[\"Other\"]},"
                               "{\"ErrorEquals\":[\"Boom\"],\"IntervalSeconds\":2,\"BackoffRate\":3,\"MaxAttempts\":2}],"
                               "\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Next\":\"Handler\"}],\"End\":true}";
    static const char mock[] = ",\"mock\":{\"errorOutput\":{\"error\":\"Boom\",\"cause\":\"why\"}}";
    char more[256];
    snprintf(more, sizeof more, "%s,\"stateConfiguration\":{\"retrierRetryCount\":1}", mock);
    cJSON *r = ok(task, "{}", more);
    assert_string_equal(str(r, "status"), "RETRIABLE");
    assert_string_equal(str(r, "error"), "Boom");
    assert_string_equal(str(r, "cause"), "why");
    const cJSON *ed = cJSON_GetObjectItemCaseSensitive(data_of(r), "errorDetails");
    assert_int_equal(cJSON_GetObjectItem(ed, "retryIndex")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(ed, "retryBackoffIntervalSeconds")->valueint, 6);
    assert_null(cJSON_GetObjectItemCaseSensitive(r, "output"));
    cJSON_Delete(r);
    /* its MaxAttempts used up, the retrier gives way to the catcher */
    snprintf(more, sizeof more, "%s,\"stateConfiguration\":{\"retrierRetryCount\":2}", mock);
    r = ok(task, "{}", more);
    assert_string_equal(str(r, "status"), "CAUGHT_ERROR");
    assert_string_equal(str(r, "nextState"), "Handler");
    cJSON_Delete(r);
}

static void catch_is_caught_error(void **state)
{
    (void)state;
    cJSON *r = ok("{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"FunctionName\":\"f\"},"
                  "\"Catch\":[{\"ErrorEquals\":[\"X\"],\"Next\":\"A\"},"
                  "{\"ErrorEquals\":[\"States.ALL\"],\"ResultPath\":\"$.err\",\"Next\":\"B\"}],\"End\":true}",
                  "{\"k\":1}", ",\"mock\":{\"errorOutput\":{\"error\":\"Y\",\"cause\":\"c\"}}");
    assert_string_equal(str(r, "status"), "CAUGHT_ERROR");
    assert_string_equal(str(r, "nextState"), "B");
    assert_string_equal(str(r, "error"), "Y");
    assert_json_member(r, "output", "{\"k\":1,\"err\":{\"Error\":\"Y\",\"Cause\":\"c\"}}");
    const cJSON *ed = cJSON_GetObjectItemCaseSensitive(data_of(r), "errorDetails");
    assert_int_equal(cJSON_GetObjectItem(ed, "catchIndex")->valueint, 1);
    cJSON_Delete(r);
}

static void uncaught_is_failed(void **state)
{
    (void)state;
    cJSON *r = ok("{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"FunctionName\":\"f\"},"
                  "\"Retry\":[{\"ErrorEquals\":[\"Other\"]}],\"End\":true}",
                  "{}", ",\"mock\":{\"errorOutput\":{\"error\":\"Y\",\"cause\":\"c\"}}");
    assert_string_equal(str(r, "status"), "FAILED");
    assert_string_equal(str(r, "error"), "Y");
    assert_null(cJSON_GetObjectItemCaseSensitive(r, "nextState"));
    cJSON_Delete(r);
}

static void choice_next_state(void **state)
{
    (void)state;
    static const char choice[] = "{\"Type\":\"Choice\",\"InputPath\":\"$.c\",\"Choices\":["
                                 "{\"Variable\":\"$.n\",\"NumericGreaterThan\":10,\"Next\":\"Big\"}],\"Default\":\"Small\"}";
    cJSON *r = ok(choice, "{\"c\":{\"n\":11}}", ",\"inspectionLevel\":\"DEBUG\"");
    assert_string_equal(str(r, "nextState"), "Big");
    assert_json_member(data_of(r), "afterInputPath", "{\"n\":11}");
    assert_null(cJSON_GetObjectItemCaseSensitive(data_of(r), "result"));
    cJSON_Delete(r);
    r = ok(choice, "{\"c\":{\"n\":1}}", "");
    assert_string_equal(str(r, "nextState"), "Small");
    cJSON_Delete(r);
    /* no Default and no match */
    r = ok("{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.n\",\"NumericEquals\":1,\"Next\":\"One\"}]}", "{\"n\":2}",
           "");
    assert_string_equal(str(r, "status"), "FAILED");
    assert_string_equal(str(r, "error"), "States.NoChoiceMatched");
    cJSON_Delete(r);
}

/* A state that goes to itself still names itself as the next state. */
static void next_state_is_itself(void **state)
{
    (void)state;
    cJSON *r = ok("{\"StartAt\":\"Loop\",\"States\":{\"Loop\":{\"Type\":\"Pass\",\"Next\":\"Loop\"}}}", "{}",
                  ",\"stateName\":\"Loop\"");
    assert_string_equal(str(r, "nextState"), "Loop");
    cJSON_Delete(r);
}

static void wait_does_not_wait(void **state)
{
    (void)state;
    cJSON *r = ok("{\"Type\":\"Wait\",\"Seconds\":3600,\"Next\":\"After\"}", "{\"w\":1}", "");
    assert_string_equal(str(r, "status"), "SUCCEEDED");
    assert_string_equal(str(r, "nextState"), "After");
    assert_json_member(r, "output", "{\"w\":1}");
    cJSON_Delete(r);
}

static void fail_state(void **state)
{
    (void)state;
    cJSON *r = ok("{\"Type\":\"Fail\",\"Error\":\"E.x\",\"Cause\":\"c\"}", "{}", "");
    assert_string_equal(str(r, "status"), "FAILED");
    assert_string_equal(str(r, "error"), "E.x");
    assert_string_equal(str(r, "cause"), "c");
    cJSON_Delete(r);
}

static void inline_map_debug(void **state)
{
    (void)state;
    cJSON *r = ok("{\"Type\":\"Map\",\"ItemsPath\":\"$.items\",\"MaxConcurrency\":2,\"ToleratedFailureCount\":1,"
                  "\"ItemProcessor\":{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Parameters\":{\"v.$\":\"$\"},"
                  "\"End\":true}}},\"ResultPath\":\"$.out\",\"End\":true}",
                  "{\"items\":[1,2]}", ",\"inspectionLevel\":\"DEBUG\"");
    assert_json_member(r, "output", "{\"items\":[1,2],\"out\":[{\"v\":1},{\"v\":2}]}");
    const cJSON *d = data_of(r);
    assert_json_member(d, "afterItemsPath", "[1,2]");
    assert_json_member(d, "result", "[{\"v\":1},{\"v\":2}]");
    assert_int_equal(cJSON_GetObjectItem(d, "maxConcurrency")->valueint, 2);
    assert_int_equal(cJSON_GetObjectItem(d, "toleratedFailureCount")->valueint, 1);
    /* the inner Pass reports nothing of its own */
    assert_json_member(d, "afterParameters", "{\"items\":[1,2]}");
    cJSON_Delete(r);
}

static void map_and_parallel_mocked(void **state)
{
    (void)state;
    cJSON *r = ok("{\"Type\":\"Parallel\",\"Branches\":[{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Fail\"}}}],"
                  "\"ResultPath\":\"$.r\",\"End\":true}",
                  "{\"q\":1}", ",\"mock\":{\"result\":\"[7]\"}");
    assert_json_member(r, "output", "{\"q\":1,\"r\":[7]}");
    cJSON_Delete(r);
}

/* JSONata: variables given, Assign seen by the next state (inspectionData.variables). */
static void jsonata_variables(void **state)
{
    (void)state;
    cJSON *r = ok("{\"Type\":\"Pass\",\"QueryLanguage\":\"JSONata\",\"Assign\":{\"x\":\"{% $states.input.a + $y %}\"},"
                  "\"Output\":{\"before\":\"{% $y %}\"},\"Next\":\"N\"}",
                  "{\"a\":1}", ",\"inspectionLevel\":\"DEBUG\",\"variables\":\"{\\\"y\\\":10}\"");
    assert_string_equal(str(r, "status"), "SUCCEEDED");
    assert_json_member(r, "output", "{\"before\":10}");
    assert_json_member(data_of(r), "variables", "{\"y\":10,\"x\":11}");
    cJSON_Delete(r);
}

static void jsonpath_reads_variables(void **state)
{
    (void)state;
    cJSON *r = ok("{\"Type\":\"Pass\",\"Parameters\":{\"g.$\":\"$greeting\"},\"End\":true}", "{}",
                  ",\"variables\":\"{\\\"greeting\\\":\\\"hi\\\"}\"");
    assert_json_member(r, "output", "{\"g\":\"hi\"}");
    cJSON_Delete(r);
}

static void context_object(void **state)
{
    (void)state;
    cJSON *r = ok("{\"Type\":\"Pass\",\"Parameters\":{\"id.$\":\"$$.Execution.Id\",\"n.$\":\"$$.Execution.Name\"},\"End\":true}",
                  "{}", ",\"context\":\"{\\\"Execution\\\":{\\\"Id\\\":\\\"exec-123\\\",\\\"Name\\\":\\\"nm\\\"}}\"");
    assert_json_member(r, "output", "{\"id\":\"exec-123\",\"n\":\"nm\"}");
    cJSON_Delete(r);
}

static void state_name_in_machine(void **state)
{
    (void)state;
    static const char machine[] = "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{"
                                  "\"A\":{\"Type\":\"Pass\",\"Output\":\"{% $states.input.v %}\",\"Next\":\"B\"},"
                                  "\"B\":{\"Type\":\"Pass\",\"Output\":\"{% $states.input.v * 2 %}\",\"End\":true}}}";
    cJSON *r = ok(machine, "{\"v\":4}", ",\"stateName\":\"B\"");
    assert_json_member(r, "output", "8");
    assert_null(cJSON_GetObjectItemCaseSensitive(r, "nextState"));
    cJSON_Delete(r);
    /* a state with a Next in a JSONata machine */
    r = ok(machine, "{\"v\":4}", ",\"stateName\":\"A\",\"inspectionLevel\":\"DEBUG\"");
    assert_json_member(r, "output", "4");
    assert_null(cJSON_GetObjectItemCaseSensitive(data_of(r), "afterInputPath")); /* JSONata, from the machine */
    assert_string_equal(str(r, "nextState"), "B");
    cJSON_Delete(r);
    refused(machine, "{}", ",\"stateName\":\"C\"", "ValidationException");
}

static void errors(void **state)
{
    (void)state;
    refused("{\"Type\":\"Teleport\"}", "{}", "", "InvalidDefinition");
    refused("{\"Type\":\"Pass\",\"Bogus\":1,\"End\":true}", "{}", "", "InvalidDefinition");
    refused("not json", "{}", "", "InvalidDefinition");
    refused(PASS_STATE, "{oops", "", "InvalidExecutionInput");
    refused(PASS_STATE, "{}", ",\"inspectionLevel\":\"EVERYTHING\"", "ValidationException");
    refused(PASS_STATE, "{}", ",\"mock\":{\"result\":\"1\"}", "ValidationException");
    refused("{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\",\"End\":true}", "{}",
            ",\"mock\":{\"result\":\"{oops\"}", "ValidationException");
    refused(PASS_STATE, "{}", ",\"variables\":\"[1]\"", "ValidationException");
}

/* A data error in the state is the state's failure, not the request's. */
static void runtime_error_is_failed(void **state)
{
    (void)state;
    cJSON *r = ok("{\"Type\":\"Pass\",\"InputPath\":\"$.missing\",\"End\":true}", "{}", "");
    assert_string_equal(str(r, "status"), "FAILED");
    assert_string_equal(str(r, "error"), "States.Runtime");
    cJSON_Delete(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pass_info),
        cmocka_unit_test(pass_debug),
        cmocka_unit_test(pass_trace),
        cmocka_unit_test(pass_result_and_null_result_path),
        cmocka_unit_test(task_mocked_debug),
        cmocka_unit_test(task_jsonata_mocked),
        cmocka_unit_test(retry_is_retriable),
        cmocka_unit_test(catch_is_caught_error),
        cmocka_unit_test(uncaught_is_failed),
        cmocka_unit_test(choice_next_state),
        cmocka_unit_test(next_state_is_itself),
        cmocka_unit_test(wait_does_not_wait),
        cmocka_unit_test(fail_state),
        cmocka_unit_test(inline_map_debug),
        cmocka_unit_test(map_and_parallel_mocked),
        cmocka_unit_test(jsonata_variables),
        cmocka_unit_test(jsonpath_reads_variables),
        cmocka_unit_test(context_object),
        cmocka_unit_test(state_name_in_machine),
        cmocka_unit_test(errors),
        cmocka_unit_test(runtime_error_is_failed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
