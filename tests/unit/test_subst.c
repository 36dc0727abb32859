/* test_subst.c — filling ${Name} placeholders (compiler/subst.c): where a
   value is escaped, which value wins, what is left alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "subst.h"

/* A substitutions object from --substitution options, one "NAME=VALUE" each. */
static asl_subst *given(int n, const char *const *pairs)
{
    asl_subst *s = asl_subst_new();
    for (int k = 0; k < n; k++) {
        char *argv[2] = {(char *)"--substitution", (char *)pairs[k]};
        int i = 0;
        assert_int_equal(asl_subst_option(s, 2, argv, &i), 1);
        assert_int_equal(i, 1);
    }
    return s;
}

static void expect_filled(asl_subst *s, const char *text, const char *want)
{
    size_t n = 0;
    char *err = NULL;
    char *got = asl_subst_apply(s, text, strlen(text), &n, &err);
    assert_non_null(got);
    assert_null(err);
    assert_string_equal(got, want);
    assert_int_equal(n, strlen(want));
    free(got);
}

static void subst_should_escape_inside_strings_and_paste_between_values(void **state)
{
    (void)state;
    const char *pairs[] = {"Q=a\"b\\c\nd\x01", "N=42"};
    asl_subst *s = given(2, pairs);
    expect_filled(s, "{\"k\": \"<${Q}>\", \"n\": ${N}, \"m\": \"${N}\"}",
                  "{\"k\": \"<a\\\"b\\\\c\\nd\\u0001>\", \"n\": 42, \"m\": \"42\"}");
    /* a key is a string too; outside any string the text is pasted as it is */
    expect_filled(s, "{\"${Q}\": ${Q}}", "{\"a\\\"b\\\\c\\nd\\u0001\": a\"b\\c\nd\x01}");
    asl_subst_free(s);
}

static void subst_should_follow_escaped_quotes(void **state)
{
    (void)state;
    const char *pairs[] = {"X=\""};
    asl_subst *s = given(1, pairs);
    /* the \" does not end the string, so the second placeholder is still inside it */
    expect_filled(s, "[\"\\\"${X}\", ${X}]", "[\"\\\"\\\"\", \"]");
    asl_subst_free(s);
}

static void subst_should_leave_other_dollar_braces_alone(void **state)
{
    (void)state;
    const char *pairs[] = {"A=1"};
    asl_subst *s = given(1, pairs);
    expect_filled(s, "\"${!A} ${} ${a b} ${B} $A ${A\" ${A}", "\"${!A} ${} ${a b} ${B} $A ${A\" 1");
    asl_subst_free(s);
}

static void subst_should_fill_values_in_turn_and_refuse_a_cycle(void **state)
{
    (void)state;
    const char *pairs[] = {"A=<${B}>", "B=\"${C}\"", "C=c"};
    asl_subst *s = given(3, pairs);
    expect_filled(s, "\"${A}\"", "\"<\\\"c\\\">\"");
    asl_subst_free(s);

    const char *loop[] = {"A=${B}", "B=x${A}"};
    s = given(2, loop);
    size_t n;
    char *err = NULL;
    assert_null(asl_subst_apply(s, "\"${A}\"", 6, &n, &err));
    assert_non_null(err);
    assert_non_null(strstr(err, "${A} -> ${B} -> ${A}"));
    free(err);
    /* unused, the cycle does no harm, as on CloudFormation */
    expect_filled(s, "\"${C}\"", "\"${C}\"");
    asl_subst_free(s);
}

static void subst_should_let_the_last_option_win(void **state)
{
    (void)state;
    const char *pairs[] = {"A=1", "A=2"};
    asl_subst *s = given(2, pairs);
    expect_filled(s, "${A}", "2");
    int n;
    char *const *argv = asl_subst_argv(s, &n);
    assert_int_equal(n, 4);
    assert_string_equal(argv[3], "A=2");
    asl_subst_free(s);
}

static void subst_should_check_names(void **state)
{
    (void)state;
    assert_true(asl_subst_name_ok("Fn_Arn-1", 8));
    assert_true(asl_subst_name_ok("AWS::Region", 11));
    assert_true(asl_subst_name_ok("x[0].id", 7));
    assert_false(asl_subst_name_ok("", 0));
    assert_false(asl_subst_name_ok("a b", 3));
    assert_false(asl_subst_name_ok("!Literal", 8));
    assert_false(asl_subst_name_ok("a}", 2));
    char longname[ASL_SUBST_NAME_MAX + 2];
    memset(longname, 'a', sizeof longname);
    assert_true(asl_subst_name_ok(longname, ASL_SUBST_NAME_MAX));
    assert_false(asl_subst_name_ok(longname, ASL_SUBST_NAME_MAX + 1));
}

static void subst_should_find_a_placeholder_between_values(void **state)
{
    (void)state;
    const char *text = "{\"a\": \"${InString}\", \"b\": ${Bare}}";
    char *bare = asl_subst_bare(text, strlen(text));
    assert_non_null(bare);
    assert_string_equal(bare, "${Bare}");
    free(bare);
    assert_null(asl_subst_bare("{\"a\": \"${X}\"}", 13));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(subst_should_escape_inside_strings_and_paste_between_values),
        cmocka_unit_test(subst_should_follow_escaped_quotes),
        cmocka_unit_test(subst_should_leave_other_dollar_braces_alone),
        cmocka_unit_test(subst_should_fill_values_in_turn_and_refuse_a_cycle),
        cmocka_unit_test(subst_should_let_the_last_option_win),
        cmocka_unit_test(subst_should_check_names),
        cmocka_unit_test(subst_should_find_a_placeholder_between_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
