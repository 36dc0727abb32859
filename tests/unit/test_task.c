/* test_task.c — Task dispatch (runtime/task/: task.c, bindings.c, native.c) and stopping an
   execution (runtime/signals.c): resource patterns, the bindings file, handler answers,
   lambda:invoke's result shape, task tokens, timeout paths, SIGTERM and the execution
   deadline. Processes and HTTP are driven for real by tests/tasks/run.sh. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "aslrt_handler.h"
#include "bindings.h"
#include "exec.h"
#include "execution.h"
#include "front.h"
#include "helpers.h"
#include "signals.h"
#include "task.h"
#include "timestamp.h"

/* ------------------------------------------------------------ fixture */

static char dir[] = "/tmp/aslc-test-task.XXXXXX";
static asl_def *def;
static aslrt_run run;
static aslrt_exec ex;
static char exec_name[] = "exec1";
static char exec_id[] = "arn:aws:states:us-east-1:123456789012:execution:M:exec1";
static char sm_id[] = "arn:aws:states:us-east-1:123456789012:stateMachine:M";

/* Writes text to dir/name; returns the path (static buffer, one at a time). */
static const char *write_file(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Loads a definition through the front end and prepares an execution of it. */
static void load(const char *definition)
{
    const char *file = write_file("wf.asl.json", definition);
    asl_diag d;
    FILE *sink = fopen("/dev/null", "w");
    asl_diag_init(&d, file, sink);
    def = asl_front_load(file, &d);
    fclose(sink);
    if (!def)
        fail_msg("the test definition does not load: %s", definition);
    run.program = &def->program;
}

static int setup(void **state)
{
    (void)state;
    memset(&run, 0, sizeof run);
    memset(&ex, 0, sizeof ex);
    run.input = cJSON_CreateObject();
    run.name = exec_name;
    run.execution_id = exec_id;
    run.state_machine_id = sm_id;
    run.opt.time_scale = 1.0;
    strcpy(run.start_time, "2024-01-01T00:00:00Z");
    ex.run = &run;
    ex.retry_count = -1;
    def = NULL;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    aslrt_error_clear(&ex);
    cJSON_Delete(ex.context);
    cJSON_Delete(run.input);
    aslrt_bindings_free((aslrt_bindings *)run.bindings);
    asl_def_free(def);
    return 0;
}

/* Runs the definition's first state (a Task) on `input`; returns its status, *out the
   document it leaves (owned). */
static int run_task(const char *input, cJSON **out)
{
    *out = J(input);
    return aslrt_task_state(&ex, &def->machines[0]->states[0], out);
}

/* ------------------------------------------------------------ native handlers under test */

static int unit_double(aslrt_task *task, const cJSON *input, cJSON **result)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(input, "n");
    if (!cJSON_IsNumber(n))
        return aslrt_task_fail(task, "Unit.BadInput", "n must be a number");
    *result = cJSON_CreateNumber(2 * n->valuedouble);
    return 0;
}
ASLRT_HANDLER("UnitDouble", unit_double)

static int unit_token(aslrt_task *task, const cJSON *input, cJSON **result)
{
    *result = cJSON_CreateObject();
    cJSON_AddItemToObject(*result, "input", cJSON_Duplicate(input, 1));
    const char *t = aslrt_task_token(task);
    cJSON_AddItemToObject(*result, "token", t ? cJSON_CreateString(t) : cJSON_CreateNull());
    return 0;
}
ASLRT_HANDLER("arn:aws:states:::unit:token*", unit_token)

static int unit_no_result(aslrt_task *task, const cJSON *input, cJSON **result)
{
    (void)task, (void)input, (void)result;
    return 0;
}
ASLRT_HANDLER("arn:aws:states:::unit:no-result", unit_no_result)

/* ------------------------------------------------------------ patterns and names */

static void pattern_match_should_treat_star_as_any_run_of_characters(void **state)
{
    (void)state;
    assert_true(aslrt_pattern_match("arn:aws:states:::sqs:*", "arn:aws:states:::sqs:sendMessage"));
    assert_true(aslrt_pattern_match("arn:aws:states:::sqs:*", "arn:aws:states:::sqs:"));
    assert_true(aslrt_pattern_match("*", ""));
    assert_true(aslrt_pattern_match("a*b*c", "axxbyyc"));
    assert_true(aslrt_pattern_match("a*b*c", "abcbc"));
    assert_true(aslrt_pattern_match("exact", "exact"));
    assert_false(aslrt_pattern_match("exact", "exactly"));
    assert_false(aslrt_pattern_match("a*b*c", "axxbyy"));
    assert_false(aslrt_pattern_match("arn:aws:lambda:*:function:X", "arn:aws:lambda:r:1:function:Y"));
}

static void pattern_match_should_not_blow_up_on_many_stars(void **state)
{
    (void)state;
    char text[20001];
    memset(text, 'a', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    assert_false(aslrt_pattern_match("*a*a*a*a*a*a*a*a*b", text));
    assert_true(aslrt_pattern_match("*a*a*a*a*a*a*a*a*a", text));
}

static void lambda_function_name_should_take_the_name_out_of_an_arn(void **state)
{
    (void)state;
    char *s = aslrt_lambda_function_name("arn:aws:lambda:us-east-1:123456789012:function:Validate");
    assert_string_equal(s, "Validate");
    free(s);
    s = aslrt_lambda_function_name("arn:aws:lambda:us-east-1:123456789012:function:Validate:prod");
    assert_string_equal(s, "Validate");
    free(s);
    s = aslrt_lambda_function_name("123456789012:function:Partial");
    assert_string_equal(s, "Partial");
    free(s);
    assert_null(aslrt_lambda_function_name("Validate"));
    assert_null(aslrt_lambda_function_name("arn:aws:states:::lambda:invoke"));
    assert_null(aslrt_lambda_function_name(NULL));
}

static void lambda_invoke_kind_should_know_both_lambda_invoke_forms(void **state)
{
    (void)state;
    assert_int_equal(aslrt_lambda_invoke_kind("arn:aws:states:::lambda:invoke"), 1);
    assert_int_equal(aslrt_lambda_invoke_kind("arn:aws-us-gov:states:::lambda:invoke"), 1);
    assert_int_equal(aslrt_lambda_invoke_kind("arn:aws:states:::lambda:invoke.waitForTaskToken"), 2);
    assert_int_equal(aslrt_lambda_invoke_kind("arn:aws:lambda:us-east-1:1:function:F"), 0);
    assert_int_equal(aslrt_lambda_invoke_kind("lambda:invoke"), 0);
}

static void binding_match_should_prefer_exact_keys_over_earlier_patterns(void **state)
{
    (void)state;
    const char *keys[] = {"arn:aws:states:::sqs:*", "arn:aws:states:::sqs:sendMessage"};
    assert_int_equal(aslrt_binding_match(keys, 2, "arn:aws:states:::sqs:sendMessage", NULL), 1);
    assert_int_equal(aslrt_binding_match(keys, 2, "arn:aws:states:::sqs:deleteMessage", NULL), 0);
    assert_int_equal(aslrt_binding_match(keys, 2, "arn:aws:states:::sns:publish", NULL), -1);
}

static void binding_match_should_take_the_first_matching_pattern(void **state)
{
    (void)state;
    const char *keys[] = {"*:sendMessage", "arn:aws:states:::sqs:*"};
    assert_int_equal(aslrt_binding_match(keys, 2, "arn:aws:states:::sqs:sendMessage", NULL), 0);
}

static void binding_match_should_find_lambda_functions_by_name_or_arn(void **state)
{
    (void)state;
    const char *keys[] = {"Other", "Validate", "arn:aws:lambda:*:*:function:Charge*"};
    const char *invoke = "arn:aws:states:::lambda:invoke";
    assert_int_equal(aslrt_binding_match(keys, 3, invoke, "Validate"), 1);
    assert_int_equal(aslrt_binding_match(keys, 3, invoke, "arn:aws:lambda:us-east-1:1:function:Validate:3"), 1);
    assert_int_equal(aslrt_binding_match(keys, 3, "arn:aws:lambda:us-east-1:1:function:Validate", NULL), 1);
    assert_int_equal(aslrt_binding_match(keys, 3, invoke, "arn:aws:lambda:us-east-1:1:function:ChargeCard"), 2);
    assert_int_equal(aslrt_binding_match(keys, 3, invoke, "Nobody"), -1);
    assert_int_equal(aslrt_binding_match(keys, 3, invoke, NULL), -1);
}

/* ------------------------------------------------------------ the bindings file */

static void bindings_load_should_read_exec_and_http_entries(void **state)
{
    (void)state;
    const char *file = write_file("b.json", "{\"Validate\": {\"exec\": [\"python3\", \"v.py\"]},"
                                            " \"arn:aws:states:::sqs:*\": {\"http\": \"http://127.0.0.1:9/x\"}}");
    char *err = NULL;
    aslrt_bindings *b = aslrt_bindings_load(file, &err);
    assert_non_null(b);
    assert_null(err);
    const aslrt_binding *e = aslrt_bindings_find(b, "arn:aws:states:::lambda:invoke", "Validate");
    assert_non_null(e);
    assert_int_equal(e->kind, ASLRT_BIND_EXEC);
    assert_string_equal(e->argv[0], "python3");
    assert_string_equal(e->argv[1], "v.py");
    assert_null(e->argv[2]);
    char *real = realpath(dir, NULL);
    assert_string_equal(e->dir, real); /* exec handlers run next to the bindings file */
    free(real);
    e = aslrt_bindings_find(b, "arn:aws:states:::sqs:sendMessage", NULL);
    assert_non_null(e);
    assert_int_equal(e->kind, ASLRT_BIND_HTTP);
    assert_string_equal(e->url, "http://127.0.0.1:9/x");
    assert_null(aslrt_bindings_find(b, "arn:aws:states:::sns:publish", NULL));
    assert_null(aslrt_bindings_find(NULL, "x", NULL));
    aslrt_bindings_free(b);
}

/* Loading `text` must fail with exactly "FILE: " + `message`. */
static void assert_bindings_error(const char *text, const char *message)
{
    const char *file = write_file("bad.json", text);
    char want[1024];
    snprintf(want, sizeof want, "%s: %s", file, message);
    char *err = NULL;
    assert_null(aslrt_bindings_load(file, &err));
    assert_non_null(err);
    assert_string_equal(err, want);
    free(err);
}

static void bindings_load_should_name_the_entry_that_is_wrong(void **state)
{
    (void)state;
    assert_bindings_error("[]", "a bindings file is a JSON object: {\"<resource or pattern>\": {\"exec\": [...]} | "
                                "{\"http\": \"URL\"}}, not an array");
    assert_bindings_error("{\"A\": {\"exec\": \"python3 v.py\"}}",
                          "/A/exec: \"exec\" must be a non-empty array of strings: the program and its arguments, "
                          "not a string");
    assert_bindings_error("{\"A\": {\"exec\": []}}",
                          "/A/exec: \"exec\" must be a non-empty array of strings: the program and its arguments, "
                          "not an empty array");
    assert_bindings_error("{\"A\": {\"exec\": [\"x\", 1]}}",
                          "/A/exec/1: \"exec\" must be an array of strings: the program and its arguments; this is "
                          "a number");
    assert_bindings_error("{\"A\": {\"exec\": [\"\"]}}", "/A/exec/0: \"exec\": the program name is empty");
    assert_bindings_error("{\"A\": {\"exec\": [\"x\"], \"http\": \"http://h\"}}",
                          "/A: a binding needs exactly one of \"exec\" and \"http\"");
    assert_bindings_error("{\"A\": {}}", "/A: a binding needs exactly one of \"exec\" and \"http\"");
    assert_bindings_error("{\"A\": {\"exce\": [\"x\"]}}", "/A/exce: unknown field in a binding (only \"exec\" or \"http\")");
    assert_bindings_error("{\"a/b~c\": {\"http\": \"ftp://h\"}}",
                          "/a~1b~0c/http: \"http\" must be a URL starting with http:// or https://");
    assert_bindings_error("{\"A\": {\"http\": null}}", "/A/http: \"http\" must be a URL starting with http:// or https://");
    assert_bindings_error("{\"\": {\"http\": \"http://h\"}}", "/: the resource must not be empty");
    assert_bindings_error("{\"A\": 1}",
                          "/A: a binding must be an object: {\"exec\": [\"program\", \"arg\", ...]} or {\"http\": \"URL\"}, "
                          "not a number");
    /* A second copy of a key would never be looked at: an error, not a silent choice. */
    assert_bindings_error("{\"A\": {\"http\": \"http://h\"}, \"B\": {\"http\": \"http://h\"}, \"A\": {\"exec\": [\"x\"]}}",
                          "/A: the same resource is bound twice");
    assert_bindings_error("{\"A\": {\"http\": \"http://h\", \"http\": \"http://i\"}}",
                          "/A/http: duplicate key: an earlier member of this binding has the same name");
    /* Names go into the message on one line, whatever bytes they hold. */
    assert_bindings_error("{\"a\\nb\\u001b\": 1}",
                          "/a\\nb\\x1B: a binding must be an object: {\"exec\": [\"program\", \"arg\", ...]} or "
                          "{\"http\": \"URL\"}, not a number");
}

/* ------------------------------------------------------------ handler answers */

static void parse_result_should_take_one_json_value_with_whitespace_around(void **state)
{
    (void)state;
    const char text[] = "  {\"a\": [1, 2]}\n\n";
    cJSON *v = aslrt_task_parse_result(&ex, "The handler", text, sizeof text - 1);
    assert_json(v, "{\"a\":[1,2]}");
    cJSON_Delete(v);
    assert_null(ex.error);
}

static void parse_result_should_fail_on_text_that_is_not_json(void **state)
{
    (void)state;
    const char text[] = "{\"a\": 1} trailing";
    assert_null(aslrt_task_parse_result(&ex, "The handler", text, sizeof text - 1));
    assert_string_equal(ex.error, "States.TaskFailed");
    assert_string_equal(ex.cause, "The handler returned a result that is not JSON: {\"a\": 1} trailing");
    assert_null(aslrt_task_parse_result(&ex, "The handler", " \n", 2));
    assert_string_equal(ex.cause, "The handler returned nothing; it must answer with the result as JSON.");
}

static void lambda_error_should_recognize_lambda_error_objects_only(void **state)
{
    (void)state;
    const char err[] = "{\"errorMessage\": \"m\", \"errorType\": \"KeyError\", \"requestId\": \"r\", \"stackTrace\": []}\n";
    assert_int_equal(aslrt_task_lambda_error(&ex, err, sizeof err - 1), 1);
    assert_string_equal(ex.error, "KeyError");
    assert_string_equal(ex.cause, "{\"errorMessage\": \"m\", \"errorType\": \"KeyError\", \"requestId\": \"r\", \"stackTrace\": []}");
    aslrt_error_clear(&ex);
    const char extra[] = "{\"errorMessage\": \"m\", \"errorType\": \"KeyError\", \"orders\": 3}";
    assert_int_equal(aslrt_task_lambda_error(&ex, extra, sizeof extra - 1), 0);
    const char no_message[] = "{\"errorType\": \"KeyError\"}";
    assert_int_equal(aslrt_task_lambda_error(&ex, no_message, sizeof no_message - 1), 0);
    assert_int_equal(aslrt_task_lambda_error(&ex, "not json", 8), 0);
    assert_null(ex.error);
}

static void excerpt_should_cut_long_text_on_a_character_boundary_and_keep_one_line(void **state)
{
    (void)state;
    char text[300];
    memset(text, 'x', sizeof text);
    memcpy(text + 199, "\xc3\xa9", 2); /* é across the 200-byte mark */
    char *s = aslrt_task_excerpt(text, sizeof text);
    assert_int_equal(strlen(s), 199 + 3);
    assert_string_equal(s + 199, "...");
    free(s);
    s = aslrt_task_excerpt("two\nlines", 9);
    assert_string_equal(s, "two lines");
    free(s);
}

/* ------------------------------------------------------------ Task states with native handlers */

static void lambda_invoke_should_give_the_handler_the_payload_and_wrap_its_answer(void **state)
{
    (void)state;
    load("{\"StartAt\": \"S\", \"States\": {\"S\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\","
         " \"Parameters\": {\"FunctionName\": \"UnitDouble\", \"Payload\": {\"n.$\": \"$.n\"}}, \"End\": true}}}");
    cJSON *v;
    assert_int_equal(run_task("{\"n\": 21}", &v), 0);
    const char *keys[] = {"ExecutedVersion", "Payload", "SdkHttpMetadata", "SdkResponseMetadata", "StatusCode"};
    const cJSON *m = v->child;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++, m = m->next) {
        assert_non_null(m);
        assert_string_equal(m->string, keys[i]);
    }
    assert_null(m);
    assert_json(cJSON_GetObjectItemCaseSensitive(v, "Payload"), "42");
    assert_json(cJSON_GetObjectItemCaseSensitive(v, "StatusCode"), "200");
    assert_json(cJSON_GetObjectItemCaseSensitive(v, "ExecutedVersion"), "\"$LATEST\"");
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(v, "SdkHttpMetadata");
    assert_json(cJSON_GetObjectItemCaseSensitive(meta, "HttpStatusCode"), "200");
    const cJSON *headers = cJSON_GetObjectItemCaseSensitive(meta, "HttpHeaders");
    assert_json(cJSON_GetObjectItemCaseSensitive(headers, "Content-Length"), "\"2\""); /* "42" */
    const cJSON *rid = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(v, "SdkResponseMetadata"), "RequestId");
    assert_string_equal(rid->valuestring, cJSON_GetObjectItemCaseSensitive(headers, "x-amzn-RequestId")->valuestring);
    cJSON_Delete(v);
}

static void bare_lambda_arn_should_give_the_answer_itself(void **state)
{
    (void)state;
    load("{\"StartAt\": \"S\", \"States\": {\"S\": {\"Type\": \"Task\","
         " \"Resource\": \"arn:aws:lambda:us-east-1:123456789012:function:UnitDouble\", \"ResultPath\": \"$.r\", \"End\": true}}}");
    cJSON *v;
    assert_int_equal(run_task("{\"n\": 5}", &v), 0);
    assert_json(v, "{\"n\":5,\"r\":10}");
    cJSON_Delete(v);
}

static void native_handler_failure_should_be_the_task_error(void **state)
{
    (void)state;
    load("{\"StartAt\": \"S\", \"States\": {\"S\": {\"Type\": \"Task\","
         " \"Resource\": \"arn:aws:lambda:us-east-1:123456789012:function:UnitDouble\", \"End\": true}}}");
    cJSON *v;
    assert_int_equal(run_task("{\"n\": \"five\"}", &v), -1);
    assert_string_equal(ex.error, "Unit.BadInput");
    assert_string_equal(ex.cause, "n must be a number");
    assert_json(v, "{\"n\":\"five\"}"); /* the state's input, for Catch */
    cJSON_Delete(v);
}

static void native_handler_returning_no_result_should_fail_the_task(void **state)
{
    (void)state;
    load("{\"StartAt\": \"S\", \"States\": {\"S\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::unit:no-result\", \"End\": true}}}");
    cJSON *v;
    assert_int_equal(run_task("{}", &v), -1);
    assert_string_equal(ex.error, "States.TaskFailed");
    assert_string_equal(ex.cause, "The native handler for state 'S' returned 0 without storing a result.");
    cJSON_Delete(v);
}

static void wait_for_task_token_should_show_the_token_to_parameters_and_handler(void **state)
{
    (void)state;
    load("{\"StartAt\": \"S\", \"States\": {\"S\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::unit:token.waitForTaskToken\","
         " \"Parameters\": {\"tok.$\": \"$$.Task.Token\"}, \"End\": true}}}");
    cJSON *v;
    assert_int_equal(run_task("{}", &v), 0);
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(v, "token");
    assert_true(cJSON_IsString(tok));
    assert_int_equal(strlen(tok->valuestring), 64);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(v, "input"), "tok")->valuestring,
                        tok->valuestring);
    assert_null(ex.task_token); /* gone once the Parameters are evaluated */
    cJSON_Delete(v);
}

static void task_token_should_be_absent_without_wait_for_task_token(void **state)
{
    (void)state;
    load("{\"StartAt\": \"S\", \"States\": {\"S\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::unit:token\","
         " \"Parameters\": {\"x\": 1}, \"End\": true}}}");
    cJSON *v;
    assert_int_equal(run_task("{}", &v), 0);
    assert_json(v, "{\"input\":{\"x\":1},\"token\":null}");
    cJSON_Delete(v);
}

static void timeout_seconds_path_that_misses_should_be_states_runtime(void **state)
{
    (void)state;
    load("{\"StartAt\": \"S\", \"States\": {\"S\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::unit:token\","
         " \"TimeoutSecondsPath\": \"$.limits.t\", \"End\": true}}}");
    cJSON *v;
    assert_int_equal(run_task("{\"limits\": {}}", &v), -1);
    assert_string_equal(ex.error, "States.Runtime");
    assert_string_equal(ex.cause, "An error occurred while executing the state 'S' (entered at the event id #1). "
                                  "Invalid path '$.limits.t' : No results for path: $['limits']['t']");
    cJSON_Delete(v);
}

static void timeout_seconds_path_should_want_a_positive_integer(void **state)
{
    (void)state;
    load("{\"StartAt\": \"S\", \"States\": {\"S\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::unit:token\","
         " \"TimeoutSecondsPath\": \"$.t\", \"End\": true}}}");
    cJSON *v;
    assert_int_equal(run_task("{\"t\": 0}", &v), -1);
    assert_string_equal(ex.error, "States.Runtime");
    assert_string_equal(ex.cause, "An error occurred while executing the state 'S' (entered at the event id #1). "
                                  "The TimeoutSecondsPath parameter must reference a positive integer: $.t == 0");
    cJSON_Delete(v);
    aslrt_error_clear(&ex);
    assert_int_equal(run_task("{\"t\": 2}", &v), 0); /* and a good one is taken */
    cJSON_Delete(v);
}

static void unbound_resource_should_fail_with_a_cause_naming_it(void **state)
{
    (void)state;
    load("{\"StartAt\": \"S\", \"States\": {\"S\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::unit:nobody\", \"End\": true}}}");
    cJSON *v;
    assert_int_equal(run_task("{}", &v), -1);
    assert_string_equal(ex.error, "States.TaskFailed");
    assert_string_equal(ex.cause, "No handler is bound to the resource 'arn:aws:states:::unit:nobody' of state 'S' "
                                  "(use --mock-config or --bindings).");
    cJSON_Delete(v);
}

static void bindings_cover_should_know_what_check_must_warn_about(void **state)
{
    (void)state;
    load("{\"StartAt\": \"A\", \"States\": {"
         "\"A\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\", \"Parameters\": {\"FunctionName\": \"F\"}, \"Next\": \"B\"},"
         "\"B\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\", \"Parameters\": {\"FunctionName.$\": \"$.f\"}, \"Next\": \"C\"},"
         "\"C\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::http:invoke\", \"Parameters\": {\"ApiEndpoint\": \"https://example.com/\", \"Method\": \"GET\"}, \"Next\": \"D\"},"
         "\"D\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::sqs:sendMessage\", \"End\": true}}}");
    const char *file = write_file("cover.json", "{\"G\": {\"exec\": [\"true\"]}}");
    char *err = NULL;
    aslrt_bindings *b = aslrt_bindings_load(file, &err);
    assert_non_null(b);
    const aslrt_state *s = def->machines[0]->states;
    const char *fn;
    assert_int_equal(aslrt_bindings_cover(b, &s[0], &fn), 0);
    assert_string_equal(fn, "F");
    assert_int_equal(aslrt_bindings_cover(b, &s[1], &fn), 1); /* computed at run time: cannot tell */
    assert_int_equal(aslrt_bindings_cover(b, &s[2], &fn), 1); /* built in */
    assert_int_equal(aslrt_bindings_cover(b, &s[3], &fn), 0);
    assert_null(fn);
    aslrt_bindings_free(b);
}

/* ------------------------------------------------------------ stopping */

static void sigterm_should_abort_and_wake_a_sleeper(void **state)
{
    (void)state;
    run.stopper = aslrt_stop_handle_new();
    aslrt_signals_catch(run.stopper);
    aslrt_stop_begin(&run);
    assert_int_equal(aslrt_stop_reason(&run), ASLRT_STOP_NONE);
    assert_int_equal(aslrt_stop_check(&ex), 0);
    raise(SIGTERM); /* handled: the process goes on */
    assert_int_equal(aslrt_sleep_until(&ex, aslrt_now() + 3600), 1);
    assert_int_equal(aslrt_stop_reason(&run), ASLRT_STOP_ABORTED);
    assert_int_equal(aslrt_stop_signal(&run), SIGTERM);
    assert_int_equal(aslrt_stop_check(&ex), -1);
    assert_string_equal(ex.error, ASLRT_ERR_ABORTED);
    assert_string_equal(ex.cause, "The execution was aborted by a signal.");
    aslrt_signals_restore();
    aslrt_stop_handle_free(run.stopper);
    run.stopper = NULL;
}

static void stop_handle_should_abort_with_the_first_error_and_cause(void **state)
{
    (void)state;
    run.stopper = aslrt_stop_handle_new();
    aslrt_stop_begin(&run);
    assert_int_equal(aslrt_stop_execution(run.stopper, "Stopped.ByUser", "enough"), 0);
    assert_int_equal(aslrt_stop_execution(run.stopper, "Other", NULL), -1); /* the first one counts */
    assert_int_equal(aslrt_sleep_until(&ex, aslrt_now() + 3600), 1);
    assert_int_equal(aslrt_stop_reason(&run), ASLRT_STOP_ABORTED);
    assert_int_equal(aslrt_stop_signal(&run), 0);
    assert_string_equal(run.stopper->error, "Stopped.ByUser");
    assert_string_equal(run.stopper->cause, "enough");
    assert_int_equal(aslrt_stop_check(&ex), -1);
    assert_string_equal(ex.cause, "The execution was stopped.");
    aslrt_stop_handle_free(run.stopper);
    run.stopper = NULL;
}

static void execution_deadline_should_time_out_and_stick(void **state)
{
    (void)state;
    static const aslrt_program short_program = {.abi_version = ASLRT_ABI_VERSION, .name = "M", .timeout_seconds = 0.05};
    run.program = &short_program;
    run.stopper = aslrt_stop_handle_new();
    aslrt_signals_catch(run.stopper);
    aslrt_stop_begin(&run);
    assert_true(run.deadline > 0);
    assert_int_equal(aslrt_sleep_until(&ex, aslrt_now() + 3600), 1);
    assert_int_equal(aslrt_stop_reason(&run), ASLRT_STOP_TIMED_OUT);
    raise(SIGINT); /* too late to change the reason */
    assert_int_equal(aslrt_stop_reason(&run), ASLRT_STOP_TIMED_OUT);
    assert_int_equal(aslrt_stop_check(&ex), -1);
    assert_string_equal(ex.error, "States.Timeout");
    assert_null(ex.cause);
    aslrt_signals_restore();
    aslrt_stop_handle_free(run.stopper);
    run.stopper = NULL;
}

static void entering_a_state_should_fail_once_the_execution_stops(void **state)
{
    (void)state;
    load("{\"StartAt\": \"S\", \"States\": {\"S\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::unit:token\", \"End\": true}}}");
    run.stopper = aslrt_stop_handle_new();
    aslrt_stop_begin(&run);
    aslrt_stop_execution(run.stopper, NULL, NULL);
    cJSON *v;
    assert_int_equal(run_task("{}", &v), -1);
    assert_string_equal(ex.error, ASLRT_ERR_ABORTED);
    assert_int_equal(run.last_event_id, 0); /* not even entered */
    aslrt_stop_handle_free(run.stopper);
    run.stopper = NULL;
    cJSON_Delete(v);
}

static void no_wait_should_skip_sleeps(void **state)
{
    (void)state;
    run.opt.no_wait = 1;
    double before = aslrt_now();
    aslrt_sleep(&ex, 3600);
    assert_true(aslrt_now() - before < 60); /* returned, instead of sleeping an hour */
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pattern_match_should_treat_star_as_any_run_of_characters),
        cmocka_unit_test(pattern_match_should_not_blow_up_on_many_stars),
        cmocka_unit_test(lambda_function_name_should_take_the_name_out_of_an_arn),
        cmocka_unit_test(lambda_invoke_kind_should_know_both_lambda_invoke_forms),
        cmocka_unit_test(binding_match_should_prefer_exact_keys_over_earlier_patterns),
        cmocka_unit_test(binding_match_should_take_the_first_matching_pattern),
        cmocka_unit_test(binding_match_should_find_lambda_functions_by_name_or_arn),
        cmocka_unit_test_setup_teardown(bindings_load_should_read_exec_and_http_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(bindings_load_should_name_the_entry_that_is_wrong, setup, teardown),
        cmocka_unit_test_setup_teardown(parse_result_should_take_one_json_value_with_whitespace_around, setup, teardown),
        cmocka_unit_test_setup_teardown(parse_result_should_fail_on_text_that_is_not_json, setup, teardown),
        cmocka_unit_test_setup_teardown(lambda_error_should_recognize_lambda_error_objects_only, setup, teardown),
        cmocka_unit_test(excerpt_should_cut_long_text_on_a_character_boundary_and_keep_one_line),
        cmocka_unit_test_setup_teardown(lambda_invoke_should_give_the_handler_the_payload_and_wrap_its_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(bare_lambda_arn_should_give_the_answer_itself, setup, teardown),
        cmocka_unit_test_setup_teardown(native_handler_failure_should_be_the_task_error, setup, teardown),
        cmocka_unit_test_setup_teardown(native_handler_returning_no_result_should_fail_the_task, setup, teardown),
        cmocka_unit_test_setup_teardown(wait_for_task_token_should_show_the_token_to_parameters_and_handler, setup, teardown),
        cmocka_unit_test_setup_teardown(task_token_should_be_absent_without_wait_for_task_token, setup, teardown),
        cmocka_unit_test_setup_teardown(timeout_seconds_path_that_misses_should_be_states_runtime, setup, teardown),
        cmocka_unit_test_setup_teardown(timeout_seconds_path_should_want_a_positive_integer, setup, teardown),
        cmocka_unit_test_setup_teardown(unbound_resource_should_fail_with_a_cause_naming_it, setup, teardown),
        cmocka_unit_test_setup_teardown(bindings_cover_should_know_what_check_must_warn_about, setup, teardown),
        cmocka_unit_test_setup_teardown(sigterm_should_abort_and_wake_a_sleeper, setup, teardown),
        cmocka_unit_test_setup_teardown(stop_handle_should_abort_with_the_first_error_and_cause, setup, teardown),
        cmocka_unit_test_setup_teardown(execution_deadline_should_time_out_and_stick, setup, teardown),
        cmocka_unit_test_setup_teardown(entering_a_state_should_fail_once_the_execution_stops, setup, teardown),
        cmocka_unit_test_setup_teardown(no_wait_should_skip_sleeps, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    static const char *const files[] = {"wf.asl.json", "b.json", "bad.json", "cover.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
    return rc;
}
