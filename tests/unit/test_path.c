/* test_path.c — the JSONPath parser's leniencies that real definitions need
   (Jayway's blanks around a path, a name straight after ']', bare words in
   filters) and what the fuzzer found in it; test_jsonpath.c has the grammar. */
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
#include "helpers.h"
#include "jsonpath.h"
#include "path.h"

/* ------------------------------------------------------------ fixture */

static asl_arena *A;
static aslrt_state state = {.name = "S", .type = ASLRT_PASS};
static aslrt_run run;
static aslrt_exec ex;

static int setup(void **ctx)
{
    (void)ctx;
    A = asl_arena_new();
    exec_fixture_init(&run, &ex, &state);
    return 0;
}

static int teardown(void **ctx)
{
    (void)ctx;
    exec_fixture_free(&run, &ex);
    asl_arena_free(A);
    return 0;
}

/* The path, or a test failure naming the parser's message. */
static const aslrt_path *P(const char *text)
{
    return parse_path_or_fail(A, text, 0);
}

/* The parser's message for text, which must not parse. */
static const char *E(const char *text)
{
    const char *err = NULL;
    const aslrt_path *p = asl_path_parse(A, text, 0, &err);
    if (p)
        fail_msg("\"%s\" parsed but should not", text);
    assert_non_null(err);
    return err;
}

/* Evaluates path over the JSON doc and compares the compact result. */
static void check_eval(const char *path, const char *doc, const char *expected)
{
    cJSON *d = cJSON_Parse(doc);
    assert_non_null(d);
    cJSON *r = aslrt_path_eval(&ex, P(path), d);
    assert_non_null(r);
    char *got = cJSON_PrintUnformatted(r);
    assert_string_equal(got, expected);
    free(got);
    cJSON_Delete(r);
    cJSON_Delete(d);
}

/* ------------------------------------------------------ Jayway's trim */

static void parse_should_trim_blanks_around_the_path(void **ctx)
{
    (void)ctx;
    const aslrt_path *p = P("$$.Execution.Name "); /* as written in a corpus definition */
    assert_int_equal(p->root, ASLRT_ROOT_CONTEXT);
    assert_int_equal(p->nsteps, 2);
    assert_string_equal(p->steps[1].name, "Name");
    assert_string_equal(p->text, "$$.Execution.Name");
    p = P(" \t$.a\n");
    assert_int_equal(p->nsteps, 1);
    assert_string_equal(p->steps[0].name, "a");
    assert_string_equal(p->text, "$.a");
}

static void parse_should_count_error_offsets_in_the_text_as_written(void **ctx)
{
    (void)ctx;
    /* "  $.a b": the blank inside is at offset 5 of the text as written. */
    assert_string_equal(E("  $.a b"), "a field name with blanks needs brackets, as in $['my key'] at offset 5");
    assert_string_equal(E("   "), "a path must start with '$', found the end at offset 3");
}

/* ------------------------------------------- a name straight after ']' */

static void parse_should_read_a_name_after_a_bracket_as_a_field(void **ctx)
{
    (void)ctx;
    const aslrt_path *p = P("$.Reservations[0].Instances[0]InstanceId");
    assert_int_equal(p->nsteps, 5);
    assert_int_equal(p->steps[3].kind, ASLRT_STEP_INDEX);
    assert_int_equal(p->steps[4].kind, ASLRT_STEP_FIELD);
    assert_string_equal(p->steps[4].name, "InstanceId");
    assert_true(p->definite);
    check_eval("$.Instances[0]InstanceId", "{\"Instances\":[{\"InstanceId\":\"i-1\"}]}", "\"i-1\"");
    p = P("$['a']b[1]c");
    assert_int_equal(p->nsteps, 4);
    assert_string_equal(p->steps[1].name, "b");
    assert_string_equal(p->steps[3].name, "c");
}

static void parse_should_still_reject_other_text_after_a_bracket(void **ctx)
{
    (void)ctx;
    /* "$name" is a variable; after ']' only a name (or '.', '[') goes on. */
    assert_int_equal(P("$abc")->root, ASLRT_ROOT_VAR);
    assert_string_equal(E("$[0])"), "unexpected ')' at offset 4");
    assert_string_equal(E("$[0] x"), "unexpected ' ' at offset 4");
}

/* ---------------------------------------------- bare words in filters */

static void filter_should_take_a_bare_word_as_a_string(void **ctx)
{
    (void)ctx;
    const aslrt_path *p = P("$.Labels[?(@.Name==Receipt)]");
    const aslrt_filter *f = p->steps[1].filter;
    assert_int_equal(f->op, ASLRT_FILTER_EQ);
    assert_non_null(f->rhs);
    assert_int_equal(f->rhs->type, ASLRT_J_STRING);
    assert_string_equal(f->rhs->valuestring, "Receipt");
    check_eval("$.Labels[?(@.Name==Receipt)].Score",
               "{\"Labels\":[{\"Name\":\"Car\",\"Score\":1},{\"Name\":\"Receipt\",\"Score\":2}]}", "[2]");
}

static void filter_should_read_bare_words_with_underscores_dashes_and_dots(void **ctx)
{
    (void)ctx;
    check_eval("$.f[?(@.Type.Text==AMOUNT_PAID)].v",
               "{\"f\":[{\"Type\":{\"Text\":\"AMOUNT_PAID\"},\"v\":7},{\"Type\":{\"Text\":\"TAX\"},\"v\":1}]}", "[7]");
    check_eval("$.r[?(@.region != us-east-1.b)]", "{\"r\":[{\"region\":\"us-east-1.b\"},{\"region\":\"eu\"}]}",
               "[{\"region\":\"eu\"}]");
    /* On the left, the comparison is mirrored so that the path leads. */
    check_eval("$.x[?(Failure == @.s)]", "{\"x\":[{\"s\":\"Failure\"},{\"s\":\"Success\"}]}", "[{\"s\":\"Failure\"}]");
}

static void filter_should_keep_true_false_and_null_as_literals(void **ctx)
{
    (void)ctx;
    const aslrt_path *p = P("$.a[?(@.x == true)]");
    assert_int_equal(p->steps[1].filter->rhs->type, ASLRT_J_TRUE);
    p = P("$.a[?(@.x == nullable)]"); /* a longer word is a bare word */
    assert_int_equal(p->steps[1].filter->rhs->type, ASLRT_J_STRING);
    assert_string_equal(p->steps[1].filter->rhs->valuestring, "nullable");
}

/* ---------------------------------------------------- fuzzer findings */

static void filter_string_should_not_read_past_a_trailing_backslash(void **ctx)
{
    (void)ctx;
    /* fuzz_path: a string literal ending in a lone backslash stepped over the
       NUL and read past the text (ASan: heap-buffer-overflow). */
    assert_string_equal(E("$[?('abc\\"), "unterminated string at offset 8");
    assert_string_equal(E("$[?(@.a == \"\\"), "unterminated string at offset 12");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(parse_should_trim_blanks_around_the_path, setup, teardown),
        cmocka_unit_test_setup_teardown(parse_should_count_error_offsets_in_the_text_as_written, setup, teardown),
        cmocka_unit_test_setup_teardown(parse_should_read_a_name_after_a_bracket_as_a_field, setup, teardown),
        cmocka_unit_test_setup_teardown(parse_should_still_reject_other_text_after_a_bracket, setup, teardown),
        cmocka_unit_test_setup_teardown(filter_should_take_a_bare_word_as_a_string, setup, teardown),
        cmocka_unit_test_setup_teardown(filter_should_read_bare_words_with_underscores_dashes_and_dots, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(filter_should_keep_true_false_and_null_as_literals, setup, teardown),
        cmocka_unit_test_setup_teardown(filter_string_should_not_read_past_a_trailing_backslash, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
