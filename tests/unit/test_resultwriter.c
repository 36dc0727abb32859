/* test_resultwriter.c — a distributed Map's ResultWriter
   (runtime/map/resultwriter.c): the manifest and result files AWS writes, under
   --s3-root, and WriterConfig's transformations of the state's output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "resultwriter.h"

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/aslc-resultwriter-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = calloc(1, 1 << 16);
    size_t n = fread(s, 1, (1 << 16) - 1, f);
    s[n] = '\0';
    fclose(f);
    return s;
}

static const aslrt_map_run_id ID = {"arn:aws:states:us-east-1:123456789012:mapRun:sm/L:u-1", "u-1",
                                    "arn:aws:states:us-east-1:123456789012:stateMachine:sm/L"};

/* Two succeeded executions (outputs 1 and [2, 3]) and one failed. The
   epoch times are whole seconds so that dates print exactly. */
static void make_records(aslrt_map_record r[3])
{
    memset(r, 0, 3 * sizeof *r);
    const char *names[] = {"c0", "c1", "c2"};
    for (int i = 0; i < 3; i++) {
        r[i].name = strdup(names[i]);
        char arn[128];
        snprintf(arn, sizeof arn, "arn:aws:states:us-east-1:123456789012:execution:sm/L:%s", names[i]);
        r[i].arn = strdup(arn);
        r[i].start = 1700000000.0;
        r[i].stop = 1700000001.0;
    }
    r[0].input = strdup("{\"i\":0}");
    r[0].output = cJSON_CreateNumber(1);
    r[1].input = strdup("{\"i\":1}");
    r[1].output = cJSON_Parse("[2,3]");
    r[2].status = ASLRT_RECORD_FAILED;
    r[2].input = strdup("{\"i\":2}");
    r[2].error = strdup("E");
    r[2].cause = strdup("C");
}

static void free_records(aslrt_map_record r[3])
{
    for (int i = 0; i < 3; i++)
        aslrt_map_record_free(&r[i]);
}

static cJSON *parse_tmpl(const char *text)
{
    return cJSON_Parse(text);
}

static void write_should_make_aws_manifest_and_result_files(void **state)
{
    (void)state;
    aslrt_run run;
    memset(&run, 0, sizeof run);
    run.opt.s3_root = dir;
    aslrt_exec ex;
    memset(&ex, 0, sizeof ex);
    ex.run = &run;
    aslrt_tmpl params = {.kind = ASLRT_T_LITERAL};
    cJSON *literal = parse_tmpl("{\"Bucket\": \"out\", \"Prefix\": \"runs\"}");
    params.value = literal;
    aslrt_result_writer w = {"arn:aws:states:::s3:putObject", &params, NULL};
    aslrt_map_record r[3];
    make_records(r);

    cJSON *out = aslrt_result_write(&ex, &w, NULL, &ID, r, 3);
    assert_non_null(out);
    char *text = cJSON_PrintUnformatted(out);
    assert_string_equal(text, "{\"MapRunArn\":\"arn:aws:states:us-east-1:123456789012:mapRun:sm/L:u-1\","
                              "\"ResultWriterDetails\":{\"Bucket\":\"out\",\"Key\":\"runs/u-1/manifest.json\"}}");
    free(text);
    cJSON_Delete(out);

    char *succeeded = slurp("out/runs/u-1/SUCCEEDED_0.json");
    char *failed = slurp("out/runs/u-1/FAILED_0.json");
    char *manifest = slurp("out/runs/u-1/manifest.json");
    assert_null(slurp("out/runs/u-1/PENDING_0.json"));
    assert_string_equal(succeeded,
        "[{\"ExecutionArn\":\"arn:aws:states:us-east-1:123456789012:execution:sm/L:c0\",\"Input\":\"{\\\"i\\\":0}\","
        "\"InputDetails\":{\"Included\":true},\"Name\":\"c0\",\"Output\":\"1\",\"OutputDetails\":{\"Included\":true},"
        "\"RedriveCount\":0,\"RedriveStatus\":\"NOT_REDRIVABLE\",\"RedriveStatusReason\":\"Execution is SUCCEEDED and "
        "cannot be redriven\",\"StartDate\":\"2023-11-14T22:13:20Z\",\"StateMachineArn\":\"arn:aws:states:us-east-1:"
        "123456789012:stateMachine:sm/L\",\"Status\":\"SUCCEEDED\",\"StopDate\":\"2023-11-14T22:13:21Z\"},"
        "{\"ExecutionArn\":\"arn:aws:states:us-east-1:123456789012:execution:sm/L:c1\",\"Input\":\"{\\\"i\\\":1}\","
        "\"InputDetails\":{\"Included\":true},\"Name\":\"c1\",\"Output\":\"[2,3]\",\"OutputDetails\":{\"Included\":true},"
        "\"RedriveCount\":0,\"RedriveStatus\":\"NOT_REDRIVABLE\",\"RedriveStatusReason\":\"Execution is SUCCEEDED and "
        "cannot be redriven\",\"StartDate\":\"2023-11-14T22:13:20Z\",\"StateMachineArn\":\"arn:aws:states:us-east-1:"
        "123456789012:stateMachine:sm/L\",\"Status\":\"SUCCEEDED\",\"StopDate\":\"2023-11-14T22:13:21Z\"}]");
    assert_string_equal(failed,
        "[{\"Cause\":\"C\",\"Error\":\"E\",\"ExecutionArn\":\"arn:aws:states:us-east-1:123456789012:execution:sm/L:c2\","
        "\"Input\":\"{\\\"i\\\":2}\",\"InputDetails\":{\"Included\":true},\"Name\":\"c2\",\"RedriveCount\":0,"
        "\"RedriveStatus\":\"REDRIVABLE\",\"StartDate\":\"2023-11-14T22:13:20Z\",\"StateMachineArn\":"
        "\"arn:aws:states:us-east-1:123456789012:stateMachine:sm/L\",\"Status\":\"FAILED\","
        "\"StopDate\":\"2023-11-14T22:13:21Z\"}]");
    char expected[1024];
    snprintf(expected, sizeof expected,
             "{\"DestinationBucket\":\"out\",\"MapRunArn\":\"arn:aws:states:us-east-1:123456789012:mapRun:sm/L:u-1\","
             "\"ResultFiles\":{\"FAILED\":[{\"Key\":\"runs/u-1/FAILED_0.json\",\"Size\":%zu}],\"PENDING\":[],"
             "\"SUCCEEDED\":[{\"Key\":\"runs/u-1/SUCCEEDED_0.json\",\"Size\":%zu}]}}",
             strlen(failed), strlen(succeeded));
    assert_string_equal(manifest, expected);
    free(succeeded);
    free(failed);
    free(manifest);
    free_records(r);
    cJSON_Delete(literal);
}

static void write_should_give_json_lines_and_compact_outputs_when_asked(void **state)
{
    (void)state;
    aslrt_run run;
    memset(&run, 0, sizeof run);
    run.opt.s3_root = dir;
    aslrt_exec ex;
    memset(&ex, 0, sizeof ex);
    ex.run = &run;
    aslrt_tmpl params = {.kind = ASLRT_T_LITERAL};
    cJSON *literal = parse_tmpl("{\"Bucket\": \"out\", \"Prefix\": \"jl/\"}");
    params.value = literal;
    cJSON *config = cJSON_Parse("{\"Transformation\": \"COMPACT\", \"OutputType\": \"JSONL\"}");
    aslrt_result_writer w = {"arn:aws:states:::s3:putObject", &params, config};
    aslrt_map_record r[3];
    make_records(r);
    cJSON *out = aslrt_result_write(&ex, &w, NULL, &ID, r, 3);
    assert_non_null(out);
    cJSON_Delete(out);
    char *succeeded = slurp("out/jl/u-1/SUCCEEDED_0.json");
    assert_string_equal(succeeded, "1\n[2,3]\n");
    free(succeeded);
    free_records(r);
    cJSON_Delete(config);
    cJSON_Delete(literal);
}

static void write_without_s3_root_should_fail_the_writer(void **state)
{
    (void)state;
    aslrt_run run;
    memset(&run, 0, sizeof run);
    aslrt_exec ex;
    memset(&ex, 0, sizeof ex);
    ex.run = &run;
    aslrt_tmpl params = {.kind = ASLRT_T_LITERAL};
    cJSON *literal = parse_tmpl("{\"Bucket\": \"out\"}");
    params.value = literal;
    aslrt_result_writer w = {"arn:aws:states:::s3:putObject", &params, NULL};
    aslrt_map_record r[3];
    make_records(r);
    assert_null(aslrt_result_write(&ex, &w, NULL, &ID, r, 3));
    assert_string_equal(ex.error, "States.ResultWriterFailed");
    assert_non_null(strstr(ex.cause, "--s3-root"));
    free(ex.error);
    free(ex.cause);
    free_records(r);
    cJSON_Delete(literal);
}

static void transform_should_flatten_arrays_and_keep_errors(void **state)
{
    (void)state;
    cJSON *config = cJSON_Parse("{\"Transformation\": \"FLATTEN\"}");
    aslrt_result_writer w = {NULL, NULL, config};
    aslrt_map_record r[3];
    make_records(r);
    cJSON *out = aslrt_result_transform(&w, &ID, r, 3);
    char *text = cJSON_PrintUnformatted(out);
    assert_string_equal(text, "[1,2,3,{\"Error\":\"E\",\"Cause\":\"C\"}]");
    free(text);
    cJSON_Delete(out);
    free_records(r);
    cJSON_Delete(config);
}

static void transform_compact_should_keep_arrays_whole(void **state)
{
    (void)state;
    aslrt_result_writer w = {NULL, NULL, NULL};
    aslrt_map_record r[3];
    make_records(r);
    cJSON *out = aslrt_result_transform(&w, &ID, r, 2);
    char *text = cJSON_PrintUnformatted(out);
    assert_string_equal(text, "[1,[2,3]]");
    free(text);
    cJSON_Delete(out);
    free_records(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(write_should_make_aws_manifest_and_result_files),
        cmocka_unit_test(write_should_give_json_lines_and_compact_outputs_when_asked),
        cmocka_unit_test(write_without_s3_root_should_fail_the_writer),
        cmocka_unit_test(transform_should_flatten_arrays_and_keep_errors),
        cmocka_unit_test(transform_compact_should_keep_arrays_whole),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
