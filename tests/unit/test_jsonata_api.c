/* test_jsonata_api.c — libjsonata's public API (jsonata/jsonata.h): compiling, plain JSONata
   semantics with an input document, bindings and the lookup hook, errors split into code,
   position and message, and the host's limits and hooks (depth, time, cancellation, memory,
   allocation). The evaluator itself is test_jsonata.c's; the jsonata-js suite runs in
   test_jsonata_suite.c. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "jsonata.h"

/* ------------------------------------------------------------ helpers */

/* Compiles and evaluates expr against the JSON text input (NULL: no input) with env, and
   describes the outcome: the result's compact JSON, "undefined", "function", or
   "CODE@POSITION: message" (malloc'd). */
static char *eval_with(const char *expr, const char *input, const jsonata_env *env)
{
    cJSON *in = input ? cJSON_Parse(input) : NULL;
    if (input)
        assert_non_null(in);
    jsonata_error err;
    memset(&err, 0x55, sizeof err); /* every field must be set on failure */
    cJSON *result = (cJSON *)&err;  /* and the result cleared */
    jsonata_expr *e = jsonata_compile(expr, &err);
    int rc = e ? jsonata_evaluate(e, in, env, &result, &err) : -1;
    char *r;
    if (rc == 0 && result) {
        r = cJSON_PrintUnformatted(result);
    } else if (rc == 0) {
        r = strdup("undefined");
    } else if (rc == JSONATA_FUNCTION) {
        assert_null(result);
        r = strdup("function");
    } else {
        assert_int_equal(rc, -1);
        if (e)
            assert_null(result);
        assert_true(strlen(err.code) < sizeof err.code);
        assert_true(strlen(err.message) < sizeof err.message);
        size_t n = strlen(err.message) + 32;
        r = malloc(n);
        snprintf(r, n, "%s@%d: %s", err.code, err.position, err.message);
    }
    if (rc == 0)
        cJSON_Delete(result);
    cJSON_Delete(in);
    jsonata_free(e);
    return r;
}

/* Fails unless evaluating expr gives want (exact, or a prefix when want ends with '*'). */
static void check(const char *expr, const char *input, const jsonata_env *env, const char *want)
{
    char *got = eval_with(expr, input, env);
    size_t wl = strlen(want);
    int ok = wl && want[wl - 1] == '*' ? !strncmp(got, want, wl - 1) : !strcmp(got, want);
    static char msg[2048]; /* fail_msg does not return: free first */
    snprintf(msg, sizeof msg, "%s\n  want: %s\n  got:  %s", expr, want, got);
    free(got);
    if (!ok)
        fail_msg("%s", msg);
}

static const char k_order[] = "{\"items\": [{\"price\": 10.5, \"qty\": 2}, {\"price\": 32, \"qty\": 1}]}";

/* ------------------------------------------------------------ semantics */

static void input_should_be_the_context_and_the_root(void **state)
{
    (void)state;
    check("$sum(items.price)", k_order, NULL, "42.5");
    check("$sum(items.(price * qty))", k_order, NULL, "53");
    check("items[0].price", k_order, NULL, "10.5");
    check("$", "7", NULL, "7");
    check("$$.items.qty", k_order, NULL, "[2,1]");
    check("items.($$.items[1].price)", k_order, NULL, "[32,32]");
    check("items.price.($ + 1)", k_order, NULL, "[11.5,33]");
    check("missing", k_order, NULL, "undefined");
    check("$", NULL, NULL, "undefined"); /* no input: jsonata-js's undefined */
    check("$", "null", NULL, "null");
    check("42", NULL, NULL, "42");
}

static void array_input_should_be_one_value(void **state)
{
    (void)state;
    /* jsonata-js wraps an array input in a sequence of one: the first step sees the array */
    check("$", "[1, 2, 3]", NULL, "[1,2,3]");
    check("$[1]", "[1, 2, 3]", NULL, "2");
    check("$$[-1]", "[1, 2, 3]", NULL, "3");
    check("a", "[{\"a\": 1}, {\"a\": 2}]", NULL, "[1,2]");
    check("$count($)", "[1, 2, 3]", NULL, "3");
    check("*", "[{\"a\": 1}]", NULL, "{\"a\":1}");
}

static void results_should_be_values_undefined_or_functions(void **state)
{
    (void)state;
    check("{'a': [1, 'x', true, null]}", NULL, NULL, "{\"a\":[1,\"x\",true,null]}");
    check("function($x){$x}", NULL, NULL, "function");
    check("$sum", NULL, NULL, "function");
    check("[1, 2][5]", NULL, NULL, "undefined");
}

static const cJSON *hook_lookup(void *user, const char *name)
{
    const cJSON *vars = user;
    return cJSON_GetObjectItemCaseSensitive(vars, name);
}

static void bindings_should_shadow_builtins_and_come_before_the_lookup_hook(void **state)
{
    (void)state;
    cJSON *bindings = cJSON_Parse("{\"rate\": 0.5, \"sum\": \"mine\", \"both\": \"binding\"}");
    cJSON *hooked = cJSON_Parse("{\"both\": \"hook\", \"extra\": [1, 2], \"states\": {\"input\": 3}}");
    jsonata_env env;
    memset(&env, 0, sizeof env);
    env.bindings = bindings;
    check("items.(price * $rate)", k_order, &env, "[5.25,16]");
    check("$sum", NULL, &env, "\"mine\"");
    check("$extra", NULL, &env, "undefined");
    env.lookup = hook_lookup;
    env.user = hooked;
    check("$both", NULL, &env, "\"binding\"");
    check("$extra[1]", NULL, &env, "2");
    check("$states.input", NULL, &env, "3"); /* not Step Functions' $states: a variable like any */
    check("($rate := 2; $rate)", NULL, &env, "2");
    check("$nothing", NULL, &env, "undefined");
    env.bindings = NULL;
    check("$sum([1, 2])", NULL, &env, "3");
    cJSON_Delete(bindings);
    cJSON_Delete(hooked);
    check("$states", NULL, NULL, "undefined");
}

static void aws_functions_should_need_the_flag(void **state)
{
    (void)state;
    check("$uuid()", NULL, NULL, "T1006@5: Attempted to invoke a non-function");
    check("$range(1, 3)", NULL, NULL, "T1006*");
    jsonata_env env;
    memset(&env, 0, sizeof env);
    env.flags = JSONATA_AWS_FUNCTIONS;
    check("$range(1, 3)", NULL, &env, "[1,2,3]");
    check("$length($uuid())", NULL, &env, "36");
    check("$partition([1, 2, 3], 2)", NULL, &env, "[[1,2],[3]]");
}

/* ------------------------------------------------------------ errors */

static void errors_should_have_code_position_and_message(void **state)
{
    (void)state;
    check("[1, 2)", NULL, NULL, "S0202@5: Expected \"]\", got \")\"");
    check("1 +", NULL, NULL, "S0207@3: Unexpected end of expression");
    check("1 + \"a\"", NULL, NULL, "T2002@2: The right side of the \"+\" operator must evaluate to a number");
    check("items.price + 'x'", k_order, NULL, "T2001@12: The left side of the \"+\" operator must evaluate to a number");
    check("$number('x')", NULL, NULL, "D3030@7: Unable to cast value to a number: \"x\"");
    check("$error('boom')", NULL, NULL, "D3137@6: boom");
    check("$sum('a')", NULL, NULL, "T0412*");
    check("(\n  $x := 1;\n  $x()\n)", NULL, NULL, "T1006@17: Attempted to invoke a non-function");
    jsonata_error err;
    assert_null(jsonata_compile(NULL, &err));
    assert_string_equal(err.code, "S0207");
    assert_null(jsonata_compile("(", NULL)); /* err may be NULL */
    jsonata_free(NULL);
}

/* ------------------------------------------------------------ limits and hooks */

static void depth_should_be_bounded(void **state)
{
    (void)state;
    const char *deep = "($f := function($n){$n = 0 ? 0 : 1 + $f($n - 1)}; $f(100))";
    check(deep, NULL, NULL, "100"); /* the default allows it */
    jsonata_env env;
    memset(&env, 0, sizeof env);
    env.max_depth = 50;
    check(deep, NULL, &env, "U1001@*");
    check("($f := function($n){$n = 0 ? 0 : 1 + $f($n - 1)}; $f(1e9))", NULL, NULL, "U1001*");
}

static void time_limit_should_stop_a_runaway_evaluation(void **state)
{
    (void)state;
    jsonata_env env;
    memset(&env, 0, sizeof env);
    env.time_limit_ms = 50;
    /* a tail call loops in constant depth: only the clock stops it */
    check("($f := function(){$f()}; $f())", NULL, &env, "U1001@20: Expression evaluation timeout: Check for infinite loop");
    check("$sum([1..1000])", NULL, &env, "500500");
}

static int cancel_after(void *user)
{
    int *polls = user;
    return ++*polls >= 3;
}

static void cancel_hook_should_stop_the_evaluation(void **state)
{
    (void)state;
    int polls = 0;
    jsonata_env env;
    memset(&env, 0, sizeof env);
    env.cancelled = cancel_after;
    env.user = &polls;
    check("($f := function(){$f()}; $f())", NULL, &env, "U1003@20: The evaluation was cancelled");
    assert_int_equal(polls, 3);
    polls = -1000000;
    check("1 + 1", NULL, &env, "2");
}

static void memory_limit_should_be_an_error(void **state)
{
    (void)state;
    jsonata_env env;
    memset(&env, 0, sizeof env);
    env.max_memory = 1 << 20;
    check("$count([1..1000000])", NULL, &env, "U1002@9: The expression used more memory than allowed (1 MiB)");
    env.max_memory = 300000;
    check("$count([1..1000000])", NULL, &env, "U1002@9: The expression used more memory than allowed (300000 bytes)");
    check("$count([1..1000])", NULL, &env, "1000");
}

typedef struct counter {
    long live, total, fail_after; /* fail_after: allocations that succeed before NULL, or -1 */
} counter;

static void *count_alloc(void *user, size_t n)
{
    counter *c = user;
    if (c->fail_after >= 0 && c->total >= c->fail_after)
        return NULL;
    c->total++;
    c->live++;
    return malloc(n);
}

static void count_dealloc(void *user, void *p)
{
    counter *c = user;
    c->live--;
    free(p);
}

static void allocation_hook_should_get_all_working_memory(void **state)
{
    (void)state;
    counter cnt = {0, 0, -1};
    jsonata_env env;
    memset(&env, 0, sizeof env);
    env.alloc = count_alloc;
    env.dealloc = count_dealloc;
    env.user = &cnt;
    check("$count([1..100000])", NULL, &env, "100000");
    assert_true(cnt.total >= 2); /* the evaluation, then arena blocks */
    assert_int_equal(cnt.live, 0);
    cnt.total = 0;
    cnt.fail_after = 1;
    check("$count([1..100000])", NULL, &env, "U1002@9: Out of memory");
    assert_int_equal(cnt.live, 0);
    cnt.total = 0;
    cnt.fail_after = 0;
    check("1", NULL, &env, "U1002@-1: Out of memory");
    assert_int_equal(cnt.live, 0);
}

/* One compiled expression, evaluated by many threads at once. */
typedef struct shared {
    const jsonata_expr *e;
    const cJSON *input;
    int ok;
} shared;

static void *thread_main(void *arg)
{
    shared *s = arg;
    s->ok = 1;
    for (int i = 0; i < 200; i++) {
        cJSON *r = NULL;
        jsonata_error err;
        if (jsonata_evaluate(s->e, s->input, NULL, &r, &err) != 0 || !cJSON_IsNumber(r) || r->valuedouble != 42.5)
            s->ok = 0;
        cJSON_Delete(r);
    }
    return NULL;
}

static void one_expression_should_serve_many_threads(void **state)
{
    (void)state;
    jsonata_error err;
    jsonata_expr *e = jsonata_compile("$sum(items.price) ~> $string() ~> $match(/[0-9.]+/) ~> $lookup('match') ~> $number()",
                                      &err);
    assert_non_null(e);
    cJSON *input = cJSON_Parse(k_order);
    pthread_t t[4];
    shared s[4];
    for (int i = 0; i < 4; i++) {
        s[i].e = e;
        s[i].input = input;
        assert_int_equal(pthread_create(&t[i], NULL, thread_main, &s[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_true(s[i].ok);
    }
    cJSON_Delete(input);
    jsonata_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(input_should_be_the_context_and_the_root),
        cmocka_unit_test(array_input_should_be_one_value),
        cmocka_unit_test(results_should_be_values_undefined_or_functions),
        cmocka_unit_test(bindings_should_shadow_builtins_and_come_before_the_lookup_hook),
        cmocka_unit_test(aws_functions_should_need_the_flag),
        cmocka_unit_test(errors_should_have_code_position_and_message),
        cmocka_unit_test(depth_should_be_bounded),
        cmocka_unit_test(time_limit_should_stop_a_runaway_evaluation),
        cmocka_unit_test(cancel_hook_should_stop_the_evaluation),
        cmocka_unit_test(memory_limit_should_be_an_error),
        cmocka_unit_test(allocation_hook_should_get_all_working_memory),
        cmocka_unit_test(one_expression_should_serve_many_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
