/* test_jsonprint.c — the runtime's JSON writer (json/jsonprint.c): the
   text, the same text written to a stream, and its length counted without
   writing it, or bounded sooner (the payload limit and the variable limits
   rest on them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "exec.h"

/* Documents whose texts exercise every kind of value: escapes, control
   characters, non-ASCII, exact integers, short and long doubles, nesting. */
static const char *const k_docs[] = {
    "null",
    "true",
    "[false,true,null]",
    "0",
    "-0.5",
    "-0",
    "-120",
    "99999999999999999",
    "9007199254740991",
    "1e300",
    "0.1",
    "123456.789e-20",
    "\"plain\"",
    "\"quote \\\" backslash \\\\ slash / tab \\t nl \\n cr \\r ff \\f bs \\b\"",
    "\"ctl \\u0001 \\u001f del \\u007f\"",
    "\"caf\\u00e9 \\u6f22 \\ud83d\\ude00\"",
    "{}",
    "[]",
    "{\"a\":1,\"b\":[1,2,{\"c\":\"d\"}],\"e\\u0002\":{\"f\":[[[]]]}}",
    "[[1,2],[3,[4,[5,[6]]]],{\"k\":-1.25e-7}]",
};

/* aslrt_json_size(v) is the length of aslrt_json_text(v), for every kind of
   value. */
static void size_should_equal_the_text_length(void **ctx)
{
    (void)ctx;
    for (size_t i = 0; i < sizeof k_docs / sizeof k_docs[0]; i++) {
        cJSON *v = cJSON_Parse(k_docs[i]);
        assert_non_null(v);
        char *text = aslrt_json_text(v);
        size_t n = aslrt_json_size(v, 0);
        if (n != strlen(text))
            fail_msg("%s: size %zu, text %zu (%s)", k_docs[i], n, strlen(text), text);
        assert_int_equal(aslrt_json_size(v, strlen(text)), strlen(text)); /* at the limit: exact */
        assert_true(aslrt_json_size_bound(v, 0) >= n); /* a bound never below the length */
        free(text);
        cJSON_Delete(v);
    }
    assert_int_equal(aslrt_json_size(NULL, 0), 4); /* "null" */
}

/* Past its limit the count stops early, but always above the limit: the
   payload check only asks which side of it a document is on. */
static void size_should_stop_soon_after_the_limit(void **ctx)
{
    (void)ctx;
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < 100000; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString("0123456789"));
    size_t full = aslrt_json_size(arr, 0);
    assert_int_equal(full, 2 + 100000 * 13 - 1); /* quoted strings and the commas between */
    size_t cut = aslrt_json_size(arr, 1000);
    assert_true(cut > 1000);
    assert_true(cut < 2000);
    cJSON_Delete(arr);
}

/* What aslrt_json_write puts on a stream is aslrt_json_text's text, also
   when it is many times the writer's buffer. */
static void write_should_give_the_text(void **ctx)
{
    (void)ctx;
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < 20000; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber(i * 1.5));
    cJSON_AddItemToArray(arr, cJSON_Parse(k_docs[10]));
    char *text = aslrt_json_text(arr);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    aslrt_json_write(arr, f);
    fclose(f);
    assert_int_equal(len, strlen(text));
    assert_memory_equal(buf, text, len);
    free(buf);
    free(text);
    cJSON_Delete(arr);
}

/* aslrt_json_text_buf gives aslrt_json_text's text and length, in the
   caller's buffer when it fits (NUL included), else malloc'd. */
static void text_buf_should_give_the_text_in_or_out_of_the_buffer(void **ctx)
{
    (void)ctx;
    for (size_t i = 0; i < sizeof k_docs / sizeof k_docs[0]; i++) {
        cJSON *v = cJSON_Parse(k_docs[i]);
        assert_non_null(v);
        char *want = aslrt_json_text(v);
        size_t sizes[] = {1, 8, strlen(want), strlen(want) + 1, 4096};
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            char buf[4096];
            size_t len = 0;
            char *got = aslrt_json_text_buf(v, buf, sizes[k], &len);
            assert_string_equal(got, want);
            assert_int_equal(len, strlen(want));
            if (sizes[k] > strlen(want))
                assert_ptr_equal(got, buf);
            else
                assert_ptr_not_equal(got, buf);
            if (got != buf)
                free(got);
        }
        free(want);
        cJSON_Delete(v);
    }
    char buf[16];
    size_t len;
    assert_string_equal(aslrt_json_text_buf(NULL, buf, sizeof buf, &len), "null");
    assert_int_equal(len, 4);
}

/* Integers print in full, whatever their digits (the writer counts them
   before writing); -0 as 0; from 10^17 on, the shortest round-trip form. */
static void number_format_should_print_integers_in_full(void **ctx)
{
    (void)ctx;
    static const struct {
        double d;
        const char *text;
    } cases[] = {
        {0, "0"}, {-0.0, "0"}, {7, "7"}, {-7, "-7"}, {9, "9"}, {10, "10"}, {99, "99"}, {100, "100"},
        {-123456789, "-123456789"}, {1e16, "10000000000000000"}, {4503599627370496.0, "4503599627370496"},
        {1e17, "1e+17"}, {0.5, "0.5"}, {1e15 + 0.5, "1000000000000000.5"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        aslrt_number_format(cases[i].d, buf);
        assert_string_equal(buf, cases[i].text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(size_should_equal_the_text_length),
        cmocka_unit_test(size_should_stop_soon_after_the_limit),
        cmocka_unit_test(write_should_give_the_text),
        cmocka_unit_test(text_buf_should_give_the_text_in_or_out_of_the_buffer),
        cmocka_unit_test(number_format_should_print_integers_in_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
