/* test_jsnum.c — doubles turned into C integers (runtime/jsnum.c): only whole numbers in
   range convert, and the bounds of long itself, which a double cannot hold exactly, are
   handled without a conversion C leaves undefined (built with clang's float-cast-overflow
   check, a mistake here is a sanitizer report). */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "jsnum.h"

static void num_to_long_should_convert_whole_numbers_in_range(void **state)
{
    (void)state;
    long n = 99;
    assert_true(aslrt_num_to_long(0, 0, 10, &n));
    assert_int_equal(n, 0);
    assert_true(aslrt_num_to_long(10, 0, 10, &n));
    assert_int_equal(n, 10);
    assert_true(aslrt_num_to_long(-2147483648.0, INT_MIN, INT_MAX, &n));
    assert_int_equal(n, INT_MIN);
    assert_true(aslrt_num_to_long(2147483647.0, INT_MIN, INT_MAX, &n));
    assert_int_equal(n, INT_MAX);
    assert_true(aslrt_num_to_long(-9223372036854775808.0, LONG_MIN, LONG_MAX, &n));
    assert_true(n == LONG_MIN);
    assert_true(aslrt_num_to_long(9223372036854774784.0, LONG_MIN, LONG_MAX, &n)); /* 2^63 - 1024 */
    assert_true(n == 9223372036854774784L);
}

static void num_to_long_should_refuse_fractions_nan_infinities_and_out_of_range(void **state)
{
    (void)state;
    static const double bad[] = { 2.5, -0.5, 11, -1, 1e10, -1e10, 1e300, -1e300 };
    long n = 7;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(aslrt_num_to_long(bad[i], 0, 10, &n));
    assert_false(aslrt_num_to_long(NAN, 0, 10, &n));
    assert_false(aslrt_num_to_long(INFINITY, 0, 10, &n));
    assert_false(aslrt_num_to_long(-INFINITY, 0, 10, &n));
    assert_false(aslrt_num_to_long(2147483648.0, INT_MIN, INT_MAX, &n));
    assert_false(aslrt_num_to_long(9223372036854775808.0, LONG_MIN, LONG_MAX, &n)); /* 2^63 */
    assert_false(aslrt_num_to_long(-9223372036854777856.0, LONG_MIN, LONG_MAX, &n)); /* below -2^63 */
    assert_int_equal(n, 7); /* untouched on refusal */
}

static void num_clamp_should_truncate_then_hold_to_the_bounds(void **state)
{
    (void)state;
    assert_int_equal(aslrt_num_clamp(2.9, -1000, 1000), 2);
    assert_int_equal(aslrt_num_clamp(-2.9, -1000, 1000), -2);
    assert_int_equal(aslrt_num_clamp(1e10, -1000, 1000), 1000);
    assert_int_equal(aslrt_num_clamp(-1e300, -1000, 1000), -1000);
    assert_int_equal(aslrt_num_clamp(INFINITY, -1000, 1000), 1000);
    assert_int_equal(aslrt_num_clamp(NAN, -1000, 1000), -1000);
    assert_true(aslrt_num_clamp(1e300, 0, LONG_MAX) == LONG_MAX);
    assert_true(aslrt_num_clamp(9223372036854775808.0, 0, LONG_MAX) == LONG_MAX);
    assert_true(aslrt_num_clamp(-1e300, LONG_MIN, LONG_MAX) == LONG_MIN);
    assert_true(aslrt_num_clamp(9007199254740993.0, 0, LONG_MAX) == 9007199254740992L);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(num_to_long_should_convert_whole_numbers_in_range),
        cmocka_unit_test(num_to_long_should_refuse_fractions_nan_infinities_and_out_of_range),
        cmocka_unit_test(num_clamp_should_truncate_then_hold_to_the_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
