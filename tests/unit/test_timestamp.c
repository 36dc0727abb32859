/* test_timestamp.c — RFC 3339 parsing, instant comparison and the context clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "timestamp.h"

/* Accepted timestamps and their instants. The seconds were worked out with
   Python's calendar.timegm, independently of the code under test. */
static const struct {
    const char *text;
    long long sec;
    long nsec;
} k_accept[] = {
    { "1970-01-01T00:00:00Z", 0, 0 },
    { "2012-10-09T19:00:55Z", 1349809255LL, 0 },
    { "2012-10-09T20:00:55+01:00", 1349809255LL, 0 },
    { "2012-10-09T13:30:55-05:30", 1349809255LL, 0 },
    { "2012-10-09T19:00:55-00:00", 1349809255LL, 0 },
    { "2016-03-05T21:29:29.243167252Z", 1457213369LL, 243167252 },
    { "2016-03-05T21:29:29.5Z", 1457213369LL, 500000000 },
    { "2016-03-05T21:29:29.000Z", 1457213369LL, 0 },
    { "2016-03-05T21:29:29.123456789999Z", 1457213369LL, 123456789 }, /* past ns: ignored */
    { "2000-02-29T00:00:00Z", 951782400LL, 0 },                       /* 400-year leap */
    { "2016-02-29T12:00:00Z", 1456747200LL, 0 },
    { "1969-12-31T23:59:59Z", -1, 0 },
    { "1600-03-01T00:00:00Z", -11670912000LL, 0 },
    { "0000-01-01T00:00:00Z", -62167219200LL, 0 },
    { "9999-12-31T23:59:59Z", 253402300799LL, 0 },
    { "2012-10-09T23:59:59+23:59", 1349740859LL, 0 },
};

static void timestamp_parse_should_accept_rfc3339_and_give_the_instant(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof k_accept / sizeof k_accept[0]; i++) {
        aslrt_time t = { -42, -42 };
        if (aslrt_timestamp_parse(k_accept[i].text, &t) != 0)
            fail_msg("rejected %s", k_accept[i].text);
        if (t.sec != k_accept[i].sec || t.nsec != k_accept[i].nsec)
            fail_msg("%s: got %lld.%09ld, want %lld.%09ld", k_accept[i].text, t.sec, t.nsec,
                     k_accept[i].sec, k_accept[i].nsec);
    }
}

static const char *const k_reject[] = {
    "2016-13-05T21:29:29Z",       /* month 13 (AWS rejects) */
    "2016-00-05T21:29:29Z",       /* month 0 */
    "2016-12-32T21:29:29Z",       /* day 32 */
    "2016-12-00T21:29:29Z",       /* day 0 */
    "2016-04-31T21:29:29Z",       /* April has 30 days */
    "2016-02-30T21:29:29Z",       /* Feb 30, leap year */
    "2015-02-29T21:29:29Z",       /* Feb 29, non-leap year */
    "1900-02-29T21:29:29Z",       /* century, not a leap year */
    "2016-12-05T25:29:29Z",       /* hour 25 (AWS rejects) */
    "2016-12-05T24:00:00Z",       /* hour 24 */
    "2016-12-05T21:60:29Z",       /* minute 60 */
    "2016-12-31T23:59:60Z",       /* leap second: not accepted */
    "2012-10-09T19:00:55",        /* no zone (AWS: IsTimestamp false) */
    "2016-12-05 21:29:29Z",       /* space for T (AWS rejects) */
    "2016-12-05t21:29:29Z",       /* lowercase t */
    "2016-12-05T21:29:29z",       /* lowercase z */
    "05-12-2016T21:29:29Z",       /* day first (AWS rejects) */
    "2016-12-05T21:29:29Zjunk",   /* trailing garbage */
    "2016-12-05T21:29:29Z ",
    " 2016-12-05T21:29:29Z",
    "2016-12-05T21:29:29+01:00Z",
    "2016-12-05T21:29:29.Z",      /* a dot needs digits */
    "2016-12-05T21:29:29,5Z",     /* comma fraction is ISO 8601, not RFC 3339 */
    "2016-12-05T21:29:29+0100",
    "2016-12-05T21:29:29+01",
    "2016-12-05T21:29:29+24:00",
    "2016-12-05T21:29:29+01:60",
    "2016-12-05T21:29Z",          /* seconds are required */
    "2016-1-05T21:29:29Z",
    "16-12-05T21:29:29Z",
    "20161205T212929Z",           /* ISO 8601 basic format */
    "+2016-12-05T21:29:29Z",
    "2016-12-05",
    "2016-12-05T",
    "",
};

static void timestamp_parse_should_reject_malformed_and_impossible_times(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof k_reject / sizeof k_reject[0]; i++) {
        aslrt_time t;
        if (aslrt_timestamp_parse(k_reject[i], &t) != -1)
            fail_msg("accepted \"%s\"", k_reject[i]);
    }
    assert_int_equal(aslrt_timestamp_parse(NULL, NULL), -1);
}

static void timestamp_parse_should_validate_without_an_output(void **state)
{
    (void)state;
    assert_int_equal(aslrt_timestamp_parse("2012-10-09T19:00:55Z", NULL), 0);
    assert_int_equal(aslrt_timestamp_parse("2012-10-09T19:00:55", NULL), -1);
}

static int cmp_text(const char *a, const char *b)
{
    aslrt_time ta, tb;
    assert_int_equal(aslrt_timestamp_parse(a, &ta), 0);
    assert_int_equal(aslrt_timestamp_parse(b, &tb), 0);
    return aslrt_time_cmp(ta, tb);
}

static void time_cmp_should_compare_instants_across_offsets(void **state)
{
    (void)state;
    assert_int_equal(cmp_text("2012-10-09T19:00:55+01:00", "2012-10-09T18:00:55Z"), 0);
    assert_true(cmp_text("2012-10-09T19:00:55+01:00", "2012-10-09T19:00:55Z") < 0);
    assert_true(cmp_text("2012-10-09T19:00:55-01:00", "2012-10-09T19:00:55Z") > 0);
    /* 00:30 at +01:00 is still the previous day in UTC */
    assert_true(cmp_text("2012-10-10T00:30:00+01:00", "2012-10-10T00:00:00Z") < 0);
    assert_int_equal(cmp_text("2012-12-31T23:30:00-01:00", "2013-01-01T00:30:00Z"), 0);
}

static void time_cmp_should_order_fractional_seconds(void **state)
{
    (void)state;
    assert_int_equal(cmp_text("2012-10-09T19:00:55.5Z", "2012-10-09T19:00:55.500000Z"), 0);
    assert_true(cmp_text("2012-10-09T19:00:55Z", "2012-10-09T19:00:55.000000001Z") < 0);
    assert_true(cmp_text("2012-10-09T19:00:55.999999999Z", "2012-10-09T19:00:56Z") < 0);
    assert_true(cmp_text("2012-10-09T19:00:55.1Z", "2012-10-09T19:00:55.09Z") > 0);
    assert_true(cmp_text("1969-12-31T23:59:59.5Z", "1970-01-01T00:00:00Z") < 0);
}

/* Checks one context timestamp: "YYYY-MM-DDTHH:MM:SS[.f{1,3}]Z", no
   trailing zero in the fraction, and it parses. */
static void check_context_format(const char *buf)
{
    size_t n = strlen(buf);
    assert_true(n == 20 || (n >= 22 && n <= 24));
    assert_int_equal(buf[n - 1], 'Z');
    assert_int_equal(buf[10], 'T');
    if (n > 20) {
        assert_int_equal(buf[19], '.');
        assert_true(buf[n - 2] != '0');
    }
    assert_int_equal(aslrt_timestamp_parse(buf, NULL), 0);
}

static void timestamp_now_should_give_utc_milliseconds_with_zeros_trimmed(void **state)
{
    (void)state;
    char buf[40];
    for (int i = 0; i < 2000; i++) {
        memset(buf, 'x', sizeof buf);
        aslrt_timestamp_now(buf);
        check_context_format(buf);
    }
}

static void timestamp_now_should_agree_with_now(void **state)
{
    (void)state;
    char buf[40];
    aslrt_time t;
    double before = aslrt_now();
    aslrt_timestamp_now(buf);
    double after = aslrt_now();
    assert_int_equal(aslrt_timestamp_parse(buf, &t), 0);
    double at = (double)t.sec + (double)t.nsec / 1e9;
    /* the string is truncated to milliseconds */
    assert_true(at >= before - 0.001 && at <= after + 0.001);
    assert_true(before > 1.6e9); /* after 2020: a wall clock, not a monotonic one */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(timestamp_parse_should_accept_rfc3339_and_give_the_instant),
        cmocka_unit_test(timestamp_parse_should_reject_malformed_and_impossible_times),
        cmocka_unit_test(timestamp_parse_should_validate_without_an_output),
        cmocka_unit_test(time_cmp_should_compare_instants_across_offsets),
        cmocka_unit_test(time_cmp_should_order_fractional_seconds),
        cmocka_unit_test(timestamp_now_should_give_utc_milliseconds_with_zeros_trimmed),
        cmocka_unit_test(timestamp_now_should_agree_with_now),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
