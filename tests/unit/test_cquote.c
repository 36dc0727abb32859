/* test_cquote.c — the escaping that keeps definition text inside C string
   literals (style.md §5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cquote.h"

static void expect_quoted(const char *in, size_t n, const char *want)
{
    asl_buf b;
    asl_buf_init(&b);
    asl_cquote(&b, in, n);
    assert_string_equal(b.data, want);
    asl_buf_free(&b);
}

static void cquote_should_pass_plain_text_through(void **state)
{
    (void)state;
    expect_quoted("Check Inventory", 15, "\"Check Inventory\"");
}

static void cquote_should_escape_quotes_backslashes_and_question_marks(void **state)
{
    (void)state;
    expect_quoted("a\"b\\c?", 6, "\"a\\\"b\\\\c\\?\"");
    /* ??/ would be a trigraph for a backslash under -std=c99 */
    expect_quoted("?\?/", 3, "\"\\?\\?/\"");
}

static void cquote_should_never_open_or_close_a_comment(void **state)
{
    (void)state;
    expect_quoted("*/ system(\"x\"); /*", 18, "\"*\\057 system(\\\"x\\\"); /\\052\"");
}

static void cquote_should_write_control_and_high_bytes_in_octal(void **state)
{
    (void)state;
    expect_quoted("a\nb\tc\001\303\251", 8, "\"a\\nb\\tc\\001\\303\\251\"");
}

static void cquote_should_keep_nul_bytes_with_explicit_length(void **state)
{
    (void)state;
    expect_quoted("a\0b", 3, "\"a\\000b\"");
}

static void cquote_should_not_use_hex_escapes_that_swallow_digits(void **state)
{
    (void)state;
    /* \x41BC would read as one hex escape; octal is always three digits */
    expect_quoted("\x01" "BC", 3, "\"\\001BC\"");
}

static void cquote_str_should_write_null_as_zero(void **state)
{
    (void)state;
    asl_buf b;
    asl_buf_init(&b);
    asl_cquote_str(&b, NULL);
    assert_string_equal(b.data, "0");
    asl_buf_free(&b);
}

static void cquote_comment_should_cut_long_text(void **state)
{
    (void)state;
    asl_buf b;
    asl_buf_init(&b);
    asl_cquote_comment(&b, "abcdefgh", 3);
    assert_string_equal(b.data, "\"abc\"...");
    asl_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cquote_should_pass_plain_text_through),
        cmocka_unit_test(cquote_should_escape_quotes_backslashes_and_question_marks),
        cmocka_unit_test(cquote_should_never_open_or_close_a_comment),
        cmocka_unit_test(cquote_should_write_control_and_high_bytes_in_octal),
        cmocka_unit_test(cquote_should_keep_nul_bytes_with_explicit_length),
        cmocka_unit_test(cquote_should_not_use_hex_escapes_that_swallow_digits),
        cmocka_unit_test(cquote_str_should_write_null_as_zero),
        cmocka_unit_test(cquote_comment_should_cut_long_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
