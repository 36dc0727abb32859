/* test_utf8.c — validating UTF-8 (runtime/utf8.c): what RFC 3629 §4 allows,
   at its edges, and the same answers from the whole-text check, the check
   at one offset and the byte-at-a-time state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "utf8.h"

/* Feeds s[0..n) byte by byte: the offset of the character the first bad
   byte belongs to (or that is cut short at the end), or n. */
static size_t check_by_steps(const char *s, size_t n)
{
    aslrt_utf8_state st = {0, 0, 0};
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (aslrt_utf8_between(&st))
            start = i;
        if (!aslrt_utf8_step(&st, (unsigned char)s[i]))
            return start;
    }
    return aslrt_utf8_between(&st) ? n : start;
}

/* s (a C string) is one well-formed character of `len` bytes, and all
   three checks agree. */
static void assert_valid(const char *s, size_t len)
{
    size_t n = strlen(s);
    assert_int_equal(n, len);
    assert_int_equal(aslrt_utf8_valid_at(s, n, 0), len);
    assert_int_equal(aslrt_utf8_check(s, n), n);
    assert_int_equal(check_by_steps(s, n), n);
}

/* "ab" + s + "cd": the check fails at offset 2, wherever in s the bad byte is. */
static void assert_invalid(const char *s)
{
    char text[32];
    snprintf(text, sizeof text, "ab%scd", s);
    size_t n = strlen(text);
    assert_int_equal(aslrt_utf8_valid_at(text, n, 2), 0);
    assert_int_equal(aslrt_utf8_check(text, n), 2);
    assert_int_equal(check_by_steps(text, n), 2);
    /* and at the very end of the text, where nothing follows */
    size_t m = strlen(s);
    assert_int_equal(aslrt_utf8_valid_at(s, m, 0), 0);
    assert_int_equal(aslrt_utf8_check(s, m), 0);
    assert_int_equal(check_by_steps(s, m), 0);
}

static void well_formed_characters_at_the_edges_of_each_range_are_accepted(void **ctx)
{
    (void)ctx;
    assert_valid("\x01", 1);
    assert_valid("\x7F", 1);
    assert_valid("\xC2\x80", 2);         /* U+0080, the first 2-byte character */
    assert_valid("\xDF\xBF", 2);         /* U+07FF */
    assert_valid("\xE0\xA0\x80", 3);     /* U+0800, the first 3-byte character */
    assert_valid("\xED\x9F\xBF", 3);     /* U+D7FF, just below the surrogates */
    assert_valid("\xEE\x80\x80", 3);     /* U+E000, just above them */
    assert_valid("\xEF\xBF\xBF", 3);     /* U+FFFF */
    assert_valid("\xF0\x90\x80\x80", 4); /* U+10000, the first 4-byte character */
    assert_valid("\xF4\x8F\xBF\xBF", 4); /* U+10FFFF, the last */
    const char *mixed = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80";
    assert_int_equal(aslrt_utf8_check(mixed, strlen(mixed)), strlen(mixed));
    assert_int_equal(aslrt_utf8_check("", 0), 0);
}

static void overlong_forms_are_refused(void **ctx)
{
    (void)ctx;
    assert_invalid("\xC0\x80");         /* U+0000 in two bytes */
    assert_invalid("\xC1\xBF");         /* U+007F in two bytes */
    assert_invalid("\xE0\x80\x80");     /* U+0000 in three */
    assert_invalid("\xE0\x9F\xBF");     /* U+07FF in three */
    assert_invalid("\xF0\x80\x80\x80"); /* U+0000 in four */
    assert_invalid("\xF0\x8F\xBF\xBF"); /* U+FFFF in four */
}

static void surrogates_are_refused(void **ctx)
{
    (void)ctx;
    assert_invalid("\xED\xA0\x80"); /* U+D800 */
    assert_invalid("\xED\xAF\xBF"); /* U+DBFF */
    assert_invalid("\xED\xB0\x80"); /* U+DC00 */
    assert_invalid("\xED\xBF\xBF"); /* U+DFFF */
    assert_invalid("\xED\xA0\x80\xED\xB0\x80"); /* a pair, CESU-8 style */
}

static void code_points_past_u10ffff_and_bytes_never_used_are_refused(void **ctx)
{
    (void)ctx;
    assert_invalid("\xF4\x90\x80\x80"); /* U+110000 */
    assert_invalid("\xF5\x80\x80\x80");
    assert_invalid("\xF7\xBF\xBF\xBF");
    assert_invalid("\xF8\x88\x80\x80\x80"); /* the old 5-byte form */
    assert_invalid("\xFC\x84\x80\x80\x80\x80");
    assert_invalid("\xFE");
    assert_invalid("\xFF");
}

static void truncated_sequences_and_lone_continuation_bytes_are_refused(void **ctx)
{
    (void)ctx;
    assert_invalid("\xC3");
    assert_invalid("\xE2\x82");
    assert_invalid("\xF0\x9F\x98");
    assert_invalid("\xC3(");     /* the next byte is ASCII */
    assert_invalid("\xE2\x28\xA1");
    assert_invalid("\xF0\x9F\x98\xC3\xA9"); /* a new lead byte too early */
    assert_invalid("\x80");
    assert_invalid("\xBF");
    assert_invalid("\x80\x80");
}

static void check_names_the_first_bad_character_after_good_ones(void **ctx)
{
    (void)ctx;
    const char *s = "\xC3\xA9\xE2\x82\xAC x \xE2\x82\xAC\xED\xA0\x80 \xFF";
    /* é (0-1), € (2-4), " x " (5-7), € (8-10), then a surrogate at 11 */
    assert_int_equal(aslrt_utf8_check(s, strlen(s)), 11);
    assert_int_equal(check_by_steps(s, strlen(s)), 11);
    /* a NUL byte is well-formed UTF-8 (JSON's rules are the caller's) */
    assert_int_equal(aslrt_utf8_check("a\0b", 3), 3);
}

static void cut_does_not_split_a_character(void **ctx)
{
    (void)ctx;
    const char *s = "ab\xE2\x82\xAC" "cd";
    assert_int_equal(aslrt_utf8_cut(s, 7, 10), 7);
    assert_int_equal(aslrt_utf8_cut(s, 7, 5), 5);
    assert_int_equal(aslrt_utf8_cut(s, 7, 4), 2);
    assert_int_equal(aslrt_utf8_cut(s, 7, 3), 2);
    assert_int_equal(aslrt_utf8_cut(s, 7, 2), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(well_formed_characters_at_the_edges_of_each_range_are_accepted),
        cmocka_unit_test(overlong_forms_are_refused),
        cmocka_unit_test(surrogates_are_refused),
        cmocka_unit_test(code_points_past_u10ffff_and_bytes_never_used_are_refused),
        cmocka_unit_test(truncated_sequences_and_lone_continuation_bytes_are_refused),
        cmocka_unit_test(check_names_the_first_bad_character_after_good_ones),
        cmocka_unit_test(cut_does_not_split_a_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
