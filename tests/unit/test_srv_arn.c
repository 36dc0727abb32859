/* test_srv_arn.c — the server's ARNs, AWS's name rules and pagination tokens (server/arn.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arn.h"

#define PREFIX "arn:aws:states:us-east-1:123456789012:"

static void parse_should_tell_each_kind_of_arn(void **state)
{
    (void)state;
    srv_arn a;
    assert_null(srv_arn_parse(PREFIX "stateMachine:orders", &a));
    assert_int_equal(a.kind, SRV_ARN_STATE_MACHINE);
    assert_string_equal(a.name, "orders");
    assert_string_equal(a.region, "us-east-1");
    assert_string_equal(a.account, "123456789012");
    assert_null(srv_arn_parse(PREFIX "stateMachine:orders:12", &a));
    assert_int_equal(a.kind, SRV_ARN_VERSION);
    assert_int_equal(a.version, 12);
    assert_null(srv_arn_parse(PREFIX "stateMachine:orders:prod", &a));
    assert_int_equal(a.kind, SRV_ARN_ALIAS);
    assert_string_equal(a.qualifier, "prod");
    assert_null(srv_arn_parse(PREFIX "activity:worker", &a));
    assert_int_equal(a.kind, SRV_ARN_ACTIVITY);
    assert_null(srv_arn_parse(PREFIX "execution:orders:run-1", &a));
    assert_int_equal(a.kind, SRV_ARN_EXECUTION);
    assert_string_equal(a.name, "orders");
    assert_string_equal(a.rest, "run-1");
    assert_null(srv_arn_parse(PREFIX "express:orders:run-1:abc", &a));
    assert_int_equal(a.kind, SRV_ARN_EXPRESS);
    assert_null(srv_arn_parse(PREFIX "mapRun:orders/Map:abc", &a));
    assert_int_equal(a.kind, SRV_ARN_MAP_RUN);
    assert_string_equal(a.name, "orders");
    assert_string_equal(a.rest, "Map:abc");
}

static void parse_should_say_why_an_arn_is_not_one(void **state)
{
    (void)state;
    srv_arn a;
    assert_string_equal(srv_arn_parse("nope", &a), "Invalid ARN prefix");
    assert_string_equal(srv_arn_parse("", &a), "Invalid ARN prefix");
    assert_string_equal(srv_arn_parse("arn:aws:lambda:us-east-1:123456789012:function:f", &a),
                        "Resource type not valid in this context");
    assert_string_equal(srv_arn_parse(PREFIX "table:t", &a), "Resource type not valid in this context");
    assert_string_equal(srv_arn_parse("arn:aws:states:us-east-1:12345:stateMachine:x", &a), "Account ID not valid");
    assert_string_equal(srv_arn_parse("arn:aws:states::123456789012:stateMachine:x", &a), "Region not valid");
    assert_string_equal(srv_arn_parse(PREFIX "stateMachine:", &a), "Resource name not valid");
    assert_string_equal(srv_arn_parse(PREFIX "stateMachine:x:007", &a), "Qualifier not valid");
    assert_string_equal(srv_arn_parse(PREFIX "stateMachine:x:a:b", &a), "Qualifier not valid");
    assert_string_equal(srv_arn_parse(PREFIX "execution:orders", &a), "Resource name not valid");
}

static void parse_should_refuse_parts_too_long_for_their_buffers(void **state)
{
    (void)state;
    char text[2048];
    snprintf(text, sizeof text, PREFIX "stateMachine:%01500d", 0);
    srv_arn a;
    assert_non_null(srv_arn_parse(text, &a));
}

static void unqualified_should_strip_a_version_or_an_alias(void **state)
{
    (void)state;
    char *m = srv_arn_unqualified(PREFIX "stateMachine:orders:3");
    assert_string_equal(m, PREFIX "stateMachine:orders");
    free(m);
    m = srv_arn_unqualified(PREFIX "stateMachine:orders:prod");
    assert_string_equal(m, PREFIX "stateMachine:orders");
    free(m);
    assert_null(srv_arn_unqualified(PREFIX "stateMachine:orders"));
    char *q = srv_arn_qualified(PREFIX "stateMachine:orders", "7");
    assert_string_equal(q, PREFIX "stateMachine:orders:7");
    free(q);
}

static void name_rule_should_accept_what_aws_accepts(void **state)
{
    (void)state;
    const char *ok[] = {"a", "orders-1_v2.final", "z\xc3\xbcrich-\xe6\x9d\xb1\xe4\xba\xac", "(paren)+=@!'"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        assert_null(srv_name_problem(ok[i]));
    char eighty[81];
    memset(eighty, 'a', 80);
    eighty[80] = 0;
    assert_null(srv_name_problem(eighty));
}

static void name_rule_should_refuse_what_aws_refuses(void **state)
{
    (void)state;
    const char *bad[] = {"",         "a b",      "tab\there", "a<b", "a>b", "a{b", "a}b", "a[b", "a]b", "a?b",
                         "a*b",      "a\"b",     "a#b",       "a%b", "a\\b", "a^b", "a|b", "a~b", "a`b", "a$b",
                         "a&b",      "a,b",      "a;b",       "a:b", "a/b", "a\x1f", "a\x7f", "a\xc2\x85",
                         "\xff\xfe", "a\xe2\x80\xa8"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_non_null(srv_name_problem(bad[i]));
    char long_name[82];
    memset(long_name, 'a', 81);
    long_name[81] = 0;
    assert_non_null(srv_name_problem(long_name));
    /* 80 characters of two bytes each are 80 characters, not 160 */
    char wide[161];
    for (int i = 0; i < 80; i++)
        memcpy(wide + 2 * i, "\xc3\xbc", 2);
    wide[160] = 0;
    assert_null(srv_name_problem(wide));
}

static void alias_name_should_not_look_like_a_version(void **state)
{
    (void)state;
    assert_true(srv_alias_name_ok("prod"));
    assert_true(srv_alias_name_ok("v1.2-beta_3"));
    assert_false(srv_alias_name_ok("123"));
    assert_false(srv_alias_name_ok(""));
    assert_false(srv_alias_name_ok("has space"));
    assert_false(srv_alias_name_ok("ALIAS@"));
}

static void token_should_round_trip_only_in_its_own_listing(void **state)
{
    (void)state;
    const char *key = PREFIX "stateMachine:orders";
    char *token = srv_token_make("ListStateMachines", key);
    assert_null(strstr(token, "orders")); /* opaque to the client */
    char *back = srv_token_read("ListStateMachines", token);
    assert_string_equal(back, key);
    free(back);
    assert_null(srv_token_read("ListActivities", token));
    free(token);
    assert_null(srv_token_read("ListStateMachines", "bogus"));
    assert_null(srv_token_read("ListStateMachines", "abc"));
    assert_null(srv_token_read("ListStateMachines", "00ff"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_should_tell_each_kind_of_arn),
        cmocka_unit_test(parse_should_say_why_an_arn_is_not_one),
        cmocka_unit_test(parse_should_refuse_parts_too_long_for_their_buffers),
        cmocka_unit_test(unqualified_should_strip_a_version_or_an_alias),
        cmocka_unit_test(name_rule_should_accept_what_aws_accepts),
        cmocka_unit_test(name_rule_should_refuse_what_aws_refuses),
        cmocka_unit_test(alias_name_should_not_look_like_a_version),
        cmocka_unit_test(token_should_round_trip_only_in_its_own_listing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
