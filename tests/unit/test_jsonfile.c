/* test_jsonfile.c — reading definitions and inputs (json/jsonfile.c):
   hostile text gets one clear error with its position, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "jsonfile.h"

/* The error parsing text gives (which must fail); freed by the caller. */
static char *parse_error(const char *text, size_t len)
{
    char *err = NULL;
    cJSON *doc = aslrt_json_parse("in.json", text, len, &err);
    if (doc) {
        cJSON_Delete(doc);
        fail_msg("\"%.40s\" parsed but should not", text);
    }
    assert_non_null(err);
    return err;
}

/* The first line of err (the part before the excerpt of the text). */
static void assert_first_line(const char *err, const char *expected)
{
    const char *nl = strchr(err, '\n');
    size_t n = nl ? (size_t)(nl - err) : strlen(err);
    if (strlen(expected) != n || memcmp(err, expected, n) != 0)
        fail_msg("got \"%.*s\", expected \"%s\"", (int)n, err, expected);
}

static void parse_should_refuse_100000_nested_arrays_with_a_position(void **ctx)
{
    (void)ctx;
    size_t n = 100000;
    char *text = malloc(2 * n);
    assert_non_null(text);
    memset(text, '[', n);
    memset(text + n, ']', n);
    char *err = parse_error(text, 2 * n);
    assert_first_line(err, "in.json:1:1001: nesting deeper than 1000 levels");
    free(err);
    /* Objects count as well, and so does a mix. */
    for (size_t i = 0; i < n; i++)
        memcpy(text + 5 * (i % (n / 5)), "{\"a\":", 5);
    err = parse_error(text, n);
    assert_first_line(err, "in.json:1:5001: nesting deeper than 1000 levels");
    free(err);
    free(text);
}

static void parse_should_accept_nesting_up_to_the_limit(void **ctx)
{
    (void)ctx;
    char text[2000];
    memset(text, '[', 1000);
    memset(text + 1000, ']', 1000);
    char *err = NULL;
    cJSON *doc = aslrt_json_parse("in.json", text, sizeof text, &err);
    assert_non_null(doc);
    assert_null(err);
    cJSON_Delete(doc);
}

static void parse_should_refuse_numbers_beyond_a_double(void **ctx)
{
    (void)ctx;
    /* 1e999 would become infinity: no JSON to print, no C to generate. */
    char *err = parse_error("[1, 1e999]", 10);
    assert_first_line(err, "in.json:1:5: number 1e999 is out of range (the largest is about 1.8e308)");
    free(err);
    err = parse_error("-2E+400", 7);
    assert_first_line(err, "in.json:1:1: number -2E+400 is out of range (the largest is about 1.8e308)");
    free(err);
    /* The largest doubles and tiny numbers are fine. */
    cJSON *doc = aslrt_json_parse("in.json", "[1.7976931348623157e308, 1e-999]", 32, &err);
    assert_non_null(doc);
    assert_true(cJSON_GetArrayItem(doc, 0)->valuedouble > 1.79e308);
    cJSON_Delete(doc);
}

static void parse_should_name_the_problem_and_point_at_it(void **ctx)
{
    (void)ctx;
    static const struct {
        const char *text, *first_line;
    } cases[] = {
        { "", "in.json:1:1: empty file" },
        { "{\"a\": 1,}", "in.json:1:9: trailing comma before '}'" },
        { "{\"a\": \"x\\qy\"}", "in.json:1:9: invalid escape '\\q' in string" },
        { "{} []", "in.json:1:4: trailing characters after the JSON document" },
        { "[01]", "in.json:1:2: numbers must not have leading zeros" },
        { "[\"\\ud800\"]", "in.json:1:3: unpaired UTF-16 surrogate in \\u escape" },
        { "{\n  \"a\": tru\n}", "in.json:2:8: invalid literal (expected true)" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *err = parse_error(cases[i].text, strlen(cases[i].text));
        assert_first_line(err, cases[i].first_line);
        free(err);
    }
    /* A NUL byte is reported where it is, not taken as the end. */
    char *err = parse_error("[\"a\0b\"]", 7);
    assert_first_line(err, "in.json:1:4: NUL byte in string");
    free(err);
}

/* JSON text is UTF-8 (RFC 8259 §8.1): ill-formed bytes are refused with
   their line, column and byte offset, and the excerpt shows them as '?'
   rather than sending them to the terminal. */
static void parse_should_refuse_ill_formed_utf8_with_its_offset(void **ctx)
{
    (void)ctx;
    static const struct {
        const char *text, *first_line;
    } cases[] = {
        { "[\"\xC3(\"]", "in.json:1:3: invalid UTF-8 at byte offset 2 (byte 0xC3)" },
        { "[\"ok\xE2\x82\"]", "in.json:1:5: invalid UTF-8 at byte offset 4 (byte 0xE2)" },
        { "{\"\xED\xA0\x80\": 1}", "in.json:1:3: invalid UTF-8 at byte offset 2 (byte 0xED)" },
        { "[\n\"ok\",\n\"\xF4\x90\x80\x80\"]", "in.json:3:2: invalid UTF-8 at byte offset 9 (byte 0xF4)" },
        { "[\"\xC0\x80\"]", "in.json:1:3: invalid UTF-8 at byte offset 2 (byte 0xC0)" },
        { "\xFF", "in.json:1:1: invalid UTF-8 at byte offset 0 (byte 0xFF)" },
        { "[1, \x80]", "in.json:1:5: invalid UTF-8 at byte offset 4 (byte 0x80)" },
        /* well-formed, but not JSON there: the old message */
        { "[\xC3\xA9]", "in.json:1:2: unexpected character 0xC3" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *err = parse_error(cases[i].text, strlen(cases[i].text));
        assert_first_line(err, cases[i].first_line);
        free(err);
    }
    char *err = parse_error("{\"a\": \"\xC3\xA9\xFF\"}", 12);
    assert_string_equal(err, "in.json:1:10: invalid UTF-8 at byte offset 9 (byte 0xFF)\n"
                             "  {\"a\": \"\xC3\xA9?\"}\n"
                             "          ^");
    free(err);
    /* well-formed text in every length parses, and keeps its bytes */
    const char *good = "[\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF\"]";
    char *e = NULL;
    cJSON *doc = aslrt_json_parse("in.json", good, strlen(good), &e);
    assert_non_null(doc);
    assert_null(e);
    assert_memory_equal(cJSON_GetArrayItem(doc, 0)->valuestring, good + 2, strlen(good) - 4);
    cJSON_Delete(doc);
}

static void load_should_report_a_missing_file(void **ctx)
{
    (void)ctx;
    char *err = NULL;
    assert_null(aslrt_json_load("/nonexistent/in.json", &err));
    assert_string_equal(err, "/nonexistent/in.json: No such file or directory");
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_should_refuse_100000_nested_arrays_with_a_position),
        cmocka_unit_test(parse_should_accept_nesting_up_to_the_limit),
        cmocka_unit_test(parse_should_refuse_numbers_beyond_a_double),
        cmocka_unit_test(parse_should_name_the_problem_and_point_at_it),
        cmocka_unit_test(parse_should_refuse_ill_formed_utf8_with_its_offset),
        cmocka_unit_test(load_should_report_a_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
