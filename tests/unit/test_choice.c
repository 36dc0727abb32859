/* test_choice.c — Choice rule evaluation and StringMatches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "choice.h"
#include "helpers.h"
#include "validate.h"

/* ------------------------------------------------------------ fixtures */

/* Paths as the compiler would lay them out. */
static const aslrt_step k_v_step[] = { { .kind = ASLRT_STEP_FIELD, .name = "v" } };
static const aslrt_step k_w_step[] = { { .kind = ASLRT_STEP_FIELD, .name = "w" } };
static const aslrt_step k_missing_step[] = { { .kind = ASLRT_STEP_FIELD, .name = "missing" } };
static const aslrt_step k_arr_all_steps[] = {
    { .kind = ASLRT_STEP_FIELD, .name = "arr" },
    { .kind = ASLRT_STEP_WILDCARD },
};
static const aslrt_step k_name_steps[] = {
    { .kind = ASLRT_STEP_FIELD, .name = "Execution" },
    { .kind = ASLRT_STEP_FIELD, .name = "Name" },
};

static const aslrt_path k_v = { .text = "$.v", .root = ASLRT_ROOT_INPUT, .definite = 1,
                                .nsteps = 1, .steps = k_v_step };
static const aslrt_path k_w = { .text = "$.w", .root = ASLRT_ROOT_INPUT, .definite = 1,
                                .nsteps = 1, .steps = k_w_step };
static const aslrt_path k_missing = { .text = "$.missing", .root = ASLRT_ROOT_INPUT,
                                      .definite = 1, .nsteps = 1, .steps = k_missing_step };
static const aslrt_path k_arr_all = { .text = "$.arr[*]", .root = ASLRT_ROOT_INPUT,
                                      .definite = 0, .nsteps = 2, .steps = k_arr_all_steps };
static const aslrt_path k_exec_name = { .text = "$$.Execution.Name", .root = ASLRT_ROOT_CONTEXT,
                                        .definite = 1, .nsteps = 2, .steps = k_name_steps };

static const aslrt_state k_state = { .name = "Choose", .type = ASLRT_CHOICE };

typedef struct fixture {
    aslrt_exec ex;
    cJSON *input;
    cJSON *operand;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->ex.state = &k_state;
    f->ex.entered_event_id = 3;
    f->ex.retry_count = -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    aslrt_error_clear(&f->ex);
    cJSON_Delete(f->ex.context);
    cJSON_Delete(f->input);
    cJSON_Delete(f->operand);
    free(f);
    return 0;
}

/* Evaluates `Variable: $.v, <op>: operand` on {"v": value}; value NULL
   leaves v out. */
static int eval_literal(fixture *f, int op, const char *operand, const char *value)
{
    cJSON_Delete(f->input);
    cJSON_Delete(f->operand);
    f->input = cJSON_CreateObject();
    if (value)
        cJSON_AddItemToObject(f->input, "v", J(value));
    f->operand = J(operand);
    aslrt_rule r = { .op = op, .variable = &k_v, .operand = f->operand };
    return aslrt_rule_eval(&f->ex, &r, f->input);
}

/* The ...Path form: `Variable: $.v, <op>Path: $.w` on {"v": value, "w": operand}. */
static int eval_path(fixture *f, int op, const char *operand, const char *value)
{
    cJSON_Delete(f->input);
    f->input = cJSON_CreateObject();
    if (value)
        cJSON_AddItemToObject(f->input, "v", J(value));
    if (operand)
        cJSON_AddItemToObject(f->input, "w", J(operand));
    aslrt_rule r = { .op = op, .variable = &k_v, .operand_path = &k_w };
    return aslrt_rule_eval(&f->ex, &r, f->input);
}

/* One value of every JSON type, and some strings that look like others. */
static const char *const k_values[] = {
    "null", "true", "false", "0", "1", "1.5", "-2", "\"\"", "\" \"", "\"1\"", "\"true\"",
    "\"null\"", "\"2012-10-09T19:00:55Z\"", "\"2012-10-09T19:00:55\"", "[]", "[1]", "{}",
    "{\"A\":0}",
};
#define NVALUES (sizeof k_values / sizeof k_values[0])

typedef struct op_case {
    int op;
    const char *name;
    const char *operand;
    const char *matching; /* the only value in k_values the test holds for; NULL: none */
} op_case;

/* For each operator an operand, and which single value of k_values makes it
   true; every other value, of whatever type, must make it false. */
static const op_case k_ops[] = {
    { ASLRT_OP_STRING_EQ, "StringEquals", "\"1\"", "\"1\"" },
    { ASLRT_OP_STRING_LT, "StringLessThan", "\"!\"", "\" \"" },   /* "" < "!" too: see below */
    { ASLRT_OP_STRING_GT, "StringGreaterThan", "\"s\"", "\"true\"" },
    { ASLRT_OP_STRING_LE, "StringLessThanEquals", "\"\"", "\"\"" },
    { ASLRT_OP_STRING_GE, "StringGreaterThanEquals", "\"t\"", "\"true\"" },
    { ASLRT_OP_STRING_MATCHES, "StringMatches", "\"n*l\"", "\"null\"" },
    { ASLRT_OP_NUMERIC_EQ, "NumericEquals", "1.0", "1" },
    { ASLRT_OP_NUMERIC_LT, "NumericLessThan", "-1", "-2" },
    { ASLRT_OP_NUMERIC_GT, "NumericGreaterThan", "1.2", "1.5" },
    { ASLRT_OP_NUMERIC_LE, "NumericLessThanEquals", "-2", "-2" },
    { ASLRT_OP_NUMERIC_GE, "NumericGreaterThanEquals", "1.5", "1.5" },
    { ASLRT_OP_BOOLEAN_EQ, "BooleanEquals", "false", "false" },
    { ASLRT_OP_TIMESTAMP_EQ, "TimestampEquals", "\"2012-10-09T20:00:55+01:00\"",
      "\"2012-10-09T19:00:55Z\"" },
    { ASLRT_OP_TIMESTAMP_LT, "TimestampLessThan", "\"2012-10-09T19:00:56Z\"",
      "\"2012-10-09T19:00:55Z\"" },
    { ASLRT_OP_TIMESTAMP_GT, "TimestampGreaterThan", "\"2012-10-09T19:00:54.999Z\"",
      "\"2012-10-09T19:00:55Z\"" },
    { ASLRT_OP_TIMESTAMP_LE, "TimestampLessThanEquals", "\"2012-10-09T19:00:55Z\"",
      "\"2012-10-09T19:00:55Z\"" },
    { ASLRT_OP_TIMESTAMP_GE, "TimestampGreaterThanEquals", "\"2012-10-09T19:00:55Z\"",
      "\"2012-10-09T19:00:55Z\"" },
    { ASLRT_OP_IS_NULL, "IsNull", "true", "null" },
};
#define NOPS (sizeof k_ops / sizeof k_ops[0])

/* Whether value k_values[i] should satisfy case c. StringLessThan "!" holds
   for "" as well as " " (both sort before "!"), the one operator whose
   table entry needs two. */
static int expected(const op_case *c, const char *value)
{
    if (c->op == ASLRT_OP_STRING_LT && strcmp(value, "\"\"") == 0)
        return 1;
    return c->matching && strcmp(value, c->matching) == 0;
}

/* ----------------------------------------------------------- data tests */

static void rule_eval_should_be_false_on_every_type_mismatch(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < NOPS; i++) {
        for (size_t j = 0; j < NVALUES; j++) {
            int got = eval_literal(f, k_ops[i].op, k_ops[i].operand, k_values[j]);
            int want = expected(&k_ops[i], k_values[j]);
            if (got != want)
                fail_msg("%s %s on %s: got %d, want %d", k_ops[i].name, k_ops[i].operand,
                         k_values[j], got, want);
            assert_null(f->ex.error);
        }
    }
}

static void rule_eval_should_compare_the_path_form_like_the_literal(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < NOPS; i++) {
        if (k_ops[i].op == ASLRT_OP_STRING_MATCHES || k_ops[i].op == ASLRT_OP_IS_NULL)
            continue; /* no ...Path form */
        for (size_t j = 0; j < NVALUES; j++) {
            int got = eval_path(f, k_ops[i].op, k_ops[i].operand, k_values[j]);
            int want = expected(&k_ops[i], k_values[j]);
            if (got != want)
                fail_msg("%sPath %s on %s: got %d, want %d", k_ops[i].name, k_ops[i].operand,
                         k_values[j], got, want);
        }
    }
}

static void rule_eval_should_be_false_when_the_path_operand_has_the_wrong_type(void **state)
{
    fixture *f = *state;
    assert_int_equal(eval_path(f, ASLRT_OP_NUMERIC_EQ, "\"1\"", "1"), 0);
    assert_int_equal(eval_path(f, ASLRT_OP_NUMERIC_EQ, "true", "1"), 0);
    assert_int_equal(eval_path(f, ASLRT_OP_NUMERIC_EQ, "false", "0"), 0);
    assert_int_equal(eval_path(f, ASLRT_OP_NUMERIC_EQ, "\"0\"", "0"), 0);
    assert_int_equal(eval_path(f, ASLRT_OP_NUMERIC_LE, "null", "0"), 0);
    assert_int_equal(eval_path(f, ASLRT_OP_NUMERIC_GE, "[0]", "0"), 0);
    assert_int_equal(eval_path(f, ASLRT_OP_STRING_EQ, "1", "\"1\""), 0);
    assert_int_equal(eval_path(f, ASLRT_OP_BOOLEAN_EQ, "1", "true"), 0);
    assert_int_equal(eval_path(f, ASLRT_OP_BOOLEAN_EQ, "null", "null"), 0);
    assert_int_equal(eval_path(f, ASLRT_OP_TIMESTAMP_EQ, "\"2012-10-09T19:00:55\"",
                               "\"2012-10-09T19:00:55\""), 0);
    assert_null(f->ex.error);
}

static void rule_eval_should_treat_integers_and_decimals_alike(void **state)
{
    fixture *f = *state;
    assert_int_equal(eval_literal(f, ASLRT_OP_NUMERIC_EQ, "1", "1.0"), 1);
    assert_int_equal(eval_literal(f, ASLRT_OP_NUMERIC_EQ, "0", "0.0"), 1);
    assert_int_equal(eval_literal(f, ASLRT_OP_NUMERIC_EQ, "0", "-0"), 1);
    assert_int_equal(eval_literal(f, ASLRT_OP_NUMERIC_EQ, "2.22", "2.22"), 1);
    assert_int_equal(eval_literal(f, ASLRT_OP_NUMERIC_EQ, "1e2", "100"), 1);
    assert_int_equal(eval_literal(f, ASLRT_OP_NUMERIC_EQ, "1.0", "1.1"), 0);
    assert_int_equal(eval_literal(f, ASLRT_OP_NUMERIC_LT, "1", "0.999"), 1);
    assert_int_equal(eval_path(f, ASLRT_OP_NUMERIC_EQ, "1.0", "1"), 1);
}

static void rule_eval_should_compare_strings_exactly_by_code_point(void **state)
{
    fixture *f = *state;
    assert_int_equal(eval_literal(f, ASLRT_OP_STRING_EQ, "\"     \"", "\" \""), 0);
    assert_int_equal(eval_literal(f, ASLRT_OP_STRING_EQ, "\"\\t\\r\\n\"", "\"\\t\\n\""), 0);
    assert_int_equal(eval_literal(f, ASLRT_OP_STRING_EQ, "\"Hello\"", "\"hello\""), 0);
    assert_int_equal(eval_literal(f, ASLRT_OP_STRING_GT, "\"A \"", "\"A\""), 0);
    assert_int_equal(eval_literal(f, ASLRT_OP_STRING_LT, "\"AB\"", "\"A\""), 1);
    assert_int_equal(eval_literal(f, ASLRT_OP_STRING_LT, "\"a\"", "\"Z\""), 1);
    /* U+00E9 sorts after U+007A */
    assert_int_equal(eval_literal(f, ASLRT_OP_STRING_GT, "\"z\"", "\"\\u00e9\""), 1);
    /* U+1F600 sorts after U+FFFD by code point (UTF-16 order would say before) */
    assert_int_equal(eval_literal(f, ASLRT_OP_STRING_GT, "\"\\ufffd\"", "\"\\ud83d\\ude00\""), 1);
    /* no normalisation: e + combining acute is not U+00E9 */
    assert_int_equal(eval_literal(f, ASLRT_OP_STRING_EQ, "\"\\u00e9\"", "\"e\\u0301\""), 0);
}

static void rule_eval_should_compare_timestamps_as_instants(void **state)
{
    fixture *f = *state;
    assert_int_equal(eval_literal(f, ASLRT_OP_TIMESTAMP_EQ, "\"2012-10-09T19:00:55+01:00\"",
                                  "\"2012-10-09T18:00:55Z\""), 1);
    assert_int_equal(eval_literal(f, ASLRT_OP_TIMESTAMP_EQ, "\"2012-10-09T19:00:55+01:00\"",
                                  "\"2012-10-09T19:00:55Z\""), 0);
    /* 18:30Z is after 19:00:55+01:00 (18:00:55Z), though its text sorts before */
    assert_int_equal(eval_literal(f, ASLRT_OP_TIMESTAMP_GT, "\"2012-10-09T19:00:55+01:00\"",
                                  "\"2012-10-09T18:30:00Z\""), 1);
    assert_int_equal(eval_literal(f, ASLRT_OP_TIMESTAMP_EQ, "\"2012-10-09T19:00:55.5Z\"",
                                  "\"2012-10-09T19:00:55.500Z\""), 1);
    assert_int_equal(eval_literal(f, ASLRT_OP_TIMESTAMP_GT, "\"2012-10-09T19:00:55Z\"",
                                  "\"2012-10-09T19:00:55.000000001Z\""), 1);
    /* not a timestamp: false both ways, however the text compares */
    assert_int_equal(eval_literal(f, ASLRT_OP_TIMESTAMP_LE, "\"2012-10-09T19:00:55Z\"",
                                  "\"2012-10-09T19:00:55\""), 0);
    assert_int_equal(eval_literal(f, ASLRT_OP_TIMESTAMP_GE, "\"2012-10-09T19:00:55Z\"",
                                  "\"2012-13-09T19:00:55Z\""), 0);
    assert_int_equal(eval_path(f, ASLRT_OP_TIMESTAMP_GT, "\"2012-10-09T19:00:56Z\"",
                               "\"2012-10-09T19:00:55Z\""), 0);
}

/* Recorded from AWS (is_operators__*): each Is* operator on each type. */
static void rule_eval_should_give_is_operators_the_type_test_equal_to_their_operand(void **state)
{
    fixture *f = *state;
    static const struct {
        int op;
        const char *value;
        int is;
    } k_is[] = {
        { ASLRT_OP_IS_NULL, "null", 1 },          { ASLRT_OP_IS_NULL, "\"\"", 0 },
        { ASLRT_OP_IS_NULL, "false", 0 },         { ASLRT_OP_IS_NULL, "{}", 0 },
        { ASLRT_OP_IS_NUMERIC, "0", 1 },          { ASLRT_OP_IS_NUMERIC, "1.1", 1 },
        { ASLRT_OP_IS_NUMERIC, "true", 0 },       { ASLRT_OP_IS_NUMERIC, "\"1\"", 0 },
        { ASLRT_OP_IS_NUMERIC, "null", 0 },       { ASLRT_OP_IS_NUMERIC, "[1]", 0 },
        { ASLRT_OP_IS_STRING, "\"\"", 1 },        { ASLRT_OP_IS_STRING, "\"x\"", 1 },
        { ASLRT_OP_IS_STRING, "[\"\"]", 0 },      { ASLRT_OP_IS_STRING, "null", 0 },
        { ASLRT_OP_IS_BOOLEAN, "true", 1 },       { ASLRT_OP_IS_BOOLEAN, "false", 1 },
        { ASLRT_OP_IS_BOOLEAN, "0", 0 },          { ASLRT_OP_IS_BOOLEAN, "\"true\"", 0 },
        { ASLRT_OP_IS_TIMESTAMP, "\"2012-10-09T19:00:55Z\"", 1 },
        { ASLRT_OP_IS_TIMESTAMP, "\"2012-10-09T19:00:55+01:00\"", 1 },
        { ASLRT_OP_IS_TIMESTAMP, "\"2012-10-09T19:00:55\"", 0 },
        { ASLRT_OP_IS_TIMESTAMP, "\"2023-02-24\"", 0 },
        { ASLRT_OP_IS_TIMESTAMP, "1349809255", 0 },
        { ASLRT_OP_IS_PRESENT, "null", 1 },       { ASLRT_OP_IS_PRESENT, "false", 1 },
        { ASLRT_OP_IS_PRESENT, "[]", 1 },
    };
    for (size_t i = 0; i < sizeof k_is / sizeof k_is[0]; i++) {
        int t = eval_literal(f, k_is[i].op, "true", k_is[i].value);
        int n = eval_literal(f, k_is[i].op, "false", k_is[i].value);
        if (t != k_is[i].is || n != !k_is[i].is)
            fail_msg("op %d on %s: true -> %d, false -> %d", k_is[i].op, k_is[i].value, t, n);
    }
}

/* ---------------------------------------------------------- missing paths */

static void rule_eval_should_make_is_present_false_on_a_missing_variable(void **state)
{
    fixture *f = *state;
    assert_int_equal(eval_literal(f, ASLRT_OP_IS_PRESENT, "true", NULL), 0);
    assert_int_equal(eval_literal(f, ASLRT_OP_IS_PRESENT, "false", NULL), 1);
    assert_null(f->ex.error);
}

static void rule_eval_should_fail_with_states_runtime_on_a_missing_variable(void **state)
{
    fixture *f = *state;
    static const int ops[] = {
        ASLRT_OP_STRING_EQ, ASLRT_OP_STRING_MATCHES, ASLRT_OP_NUMERIC_GE, ASLRT_OP_BOOLEAN_EQ,
        ASLRT_OP_TIMESTAMP_LT, ASLRT_OP_IS_NULL, ASLRT_OP_IS_NUMERIC, ASLRT_OP_IS_STRING,
        ASLRT_OP_IS_BOOLEAN, ASLRT_OP_IS_TIMESTAMP,
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        aslrt_error_clear(&f->ex);
        assert_int_equal(eval_literal(f, ops[i], "true", NULL), -1);
        assert_string_equal(f->ex.error, "States.Runtime");
        assert_string_equal(f->ex.cause,
                            "An error occurred while executing the state 'Choose' (entered at the "
                            "event id #3). Invalid path '$.v': The choice state's condition path "
                            "references an invalid value.");
    }
}

static void rule_eval_should_fail_with_states_runtime_on_a_missing_path_operand(void **state)
{
    fixture *f = *state;
    assert_int_equal(eval_path(f, ASLRT_OP_NUMERIC_EQ, NULL, "1"), -1);
    assert_string_equal(f->ex.error, "States.Runtime");
    assert_string_equal(f->ex.cause,
                        "An error occurred while executing the state 'Choose' (entered at the "
                        "event id #3). Invalid path '$.w': The choice state's condition path "
                        "references an invalid value.");
}

static void rule_eval_should_name_the_variable_when_both_paths_are_missing(void **state)
{
    fixture *f = *state;
    assert_int_equal(eval_path(f, ASLRT_OP_STRING_EQ, NULL, NULL), -1);
    assert_non_null(strstr(f->ex.cause, "Invalid path '$.v'"));
}

static void rule_eval_should_test_a_null_value_as_present(void **state)
{
    fixture *f = *state;
    /* {"v": null}: the path selects null, which is a value, not a miss */
    assert_int_equal(eval_literal(f, ASLRT_OP_NUMERIC_EQ, "0", "null"), 0);
    assert_null(f->ex.error);
}

/* ------------------------------------------------------- other roots */

static void rule_eval_should_compare_an_indefinite_variable_as_an_array(void **state)
{
    fixture *f = *state;
    f->input = J("{\"arr\": [1, 2]}");
    cJSON *one = cJSON_CreateNumber(1), *yes = cJSON_CreateTrue(), *no = cJSON_CreateFalse();
    aslrt_rule eq = { .op = ASLRT_OP_NUMERIC_EQ, .variable = &k_arr_all, .operand = one };
    aslrt_rule is_num = { .op = ASLRT_OP_IS_NUMERIC, .variable = &k_arr_all, .operand = yes };
    aslrt_rule absent = { .op = ASLRT_OP_IS_PRESENT, .variable = &k_arr_all, .operand = no };
    assert_int_equal(aslrt_rule_eval(&f->ex, &eq, f->input), 0);
    assert_int_equal(aslrt_rule_eval(&f->ex, &is_num, f->input), 0);
    assert_int_equal(aslrt_rule_eval(&f->ex, &absent, f->input), 0);
    assert_null(f->ex.error);
    cJSON_Delete(one);
    cJSON_Delete(yes);
    cJSON_Delete(no);
}

static void rule_eval_should_read_the_context_object(void **state)
{
    fixture *f = *state;
    f->ex.context = J("{\"Execution\": {\"Name\": \"run-1\"}}");
    f->input = J("{}");
    cJSON *name = cJSON_CreateString("run-1");
    aslrt_rule r = { .op = ASLRT_OP_STRING_EQ, .variable = &k_exec_name, .operand = name };
    assert_int_equal(aslrt_rule_eval(&f->ex, &r, f->input), 1);
    cJSON_Delete(name);
}

/* ------------------------------------------------------ And, Or, Not */

static void rule_eval_should_combine_with_and_or_not(void **state)
{
    fixture *f = *state;
    f->input = J("{\"v\": 5, \"w\": \"x\"}");
    cJSON *five = cJSON_CreateNumber(5), *x = cJSON_CreateString("x");
    const aslrt_rule t[2] = {
        { .op = ASLRT_OP_NUMERIC_EQ, .variable = &k_v, .operand = five },
        { .op = ASLRT_OP_STRING_EQ, .variable = &k_w, .operand = x },
    };
    const aslrt_rule tf[2] = {
        { .op = ASLRT_OP_NUMERIC_EQ, .variable = &k_v, .operand = five },
        { .op = ASLRT_OP_STRING_EQ, .variable = &k_v, .operand = x },
    };
    aslrt_rule and_t = { .op = ASLRT_OP_AND, .n = 2, .sub = t };
    aslrt_rule and_f = { .op = ASLRT_OP_AND, .n = 2, .sub = tf };
    aslrt_rule or_f = { .op = ASLRT_OP_OR, .n = 1, .sub = &tf[1] };
    aslrt_rule or_t = { .op = ASLRT_OP_OR, .n = 2, .sub = tf };
    aslrt_rule not_t = { .op = ASLRT_OP_NOT, .n = 1, .sub = &and_t };
    aslrt_rule not_f = { .op = ASLRT_OP_NOT, .n = 1, .sub = &and_f };
    assert_int_equal(aslrt_rule_eval(&f->ex, &and_t, f->input), 1);
    assert_int_equal(aslrt_rule_eval(&f->ex, &and_f, f->input), 0);
    assert_int_equal(aslrt_rule_eval(&f->ex, &or_f, f->input), 0);
    assert_int_equal(aslrt_rule_eval(&f->ex, &or_t, f->input), 1);
    assert_int_equal(aslrt_rule_eval(&f->ex, &not_t, f->input), 0);
    assert_int_equal(aslrt_rule_eval(&f->ex, &not_f, f->input), 1);
    cJSON_Delete(five);
    cJSON_Delete(x);
}

/* A rule on a missing path after the deciding one would fail if reached. */
static void rule_eval_should_short_circuit_and_or(void **state)
{
    fixture *f = *state;
    f->input = J("{\"v\": 5}");
    cJSON *five = cJSON_CreateNumber(5), *six = cJSON_CreateNumber(6);
    const aslrt_rule false_then_missing[2] = {
        { .op = ASLRT_OP_NUMERIC_EQ, .variable = &k_v, .operand = six },
        { .op = ASLRT_OP_NUMERIC_EQ, .variable = &k_missing, .operand = five },
    };
    const aslrt_rule true_then_missing[2] = {
        { .op = ASLRT_OP_NUMERIC_EQ, .variable = &k_v, .operand = five },
        { .op = ASLRT_OP_NUMERIC_EQ, .variable = &k_missing, .operand = five },
    };
    aslrt_rule and_r = { .op = ASLRT_OP_AND, .n = 2, .sub = false_then_missing };
    aslrt_rule or_r = { .op = ASLRT_OP_OR, .n = 2, .sub = true_then_missing };
    assert_int_equal(aslrt_rule_eval(&f->ex, &and_r, f->input), 0);
    assert_int_equal(aslrt_rule_eval(&f->ex, &or_r, f->input), 1);
    assert_null(f->ex.error);

    /* not decided by the first: the second is evaluated and its error propagates */
    aslrt_rule and_e = { .op = ASLRT_OP_AND, .n = 2, .sub = true_then_missing };
    aslrt_rule or_e = { .op = ASLRT_OP_OR, .n = 2, .sub = false_then_missing };
    aslrt_rule not_e = { .op = ASLRT_OP_NOT, .n = 1, .sub = &and_e };
    assert_int_equal(aslrt_rule_eval(&f->ex, &and_e, f->input), -1);
    assert_int_equal(aslrt_rule_eval(&f->ex, &or_e, f->input), -1);
    assert_int_equal(aslrt_rule_eval(&f->ex, &not_e, f->input), -1);
    assert_non_null(strstr(f->ex.cause, "Invalid path '$.missing'"));
    cJSON_Delete(five);
    cJSON_Delete(six);
}

/* Nesting deeper than any sane definition fails cleanly instead of
   exhausting the stack. */
static void rule_eval_should_bound_nesting(void **state)
{
    fixture *f = *state;
    enum { DEEP = 100000 };
    f->input = J("{\"v\": true}");
    cJSON *yes = cJSON_CreateTrue();
    aslrt_rule *chain = calloc(DEEP + 1, sizeof *chain);
    chain[DEEP] = (aslrt_rule){ .op = ASLRT_OP_BOOLEAN_EQ, .variable = &k_v, .operand = yes };
    for (int i = 0; i < DEEP; i++)
        chain[i] = (aslrt_rule){ .op = ASLRT_OP_NOT, .n = 1, .sub = &chain[i + 1] };
    assert_int_equal(aslrt_rule_eval(&f->ex, &chain[0], f->input), -1);
    assert_string_equal(f->ex.error, "States.Runtime");
    /* 100 levels is fine: an even number of Nots */
    aslrt_error_clear(&f->ex);
    assert_int_equal(aslrt_rule_eval(&f->ex, &chain[DEEP - 100], f->input), 1);
    free(chain);
    cJSON_Delete(yes);
}

/* --------------------------------------------------------- StringMatches */

static void string_matches_should_treat_star_as_any_run(void **state)
{
    (void)state;
    assert_true(aslrt_string_matches("", ""));
    assert_true(aslrt_string_matches("", "*"));
    assert_true(aslrt_string_matches("", "***"));
    assert_false(aslrt_string_matches("a", ""));
    assert_false(aslrt_string_matches("", "a"));
    assert_true(aslrt_string_matches("abc", "abc"));
    assert_false(aslrt_string_matches("abc", "ab"));
    assert_false(aslrt_string_matches("ab", "abc"));
    assert_true(aslrt_string_matches("abc", "a*c"));
    assert_true(aslrt_string_matches("ac", "a*c"));
    assert_false(aslrt_string_matches("abcd", "a*c"));
    assert_true(aslrt_string_matches("log-2024.txt", "log-*.txt"));
    assert_true(aslrt_string_matches("x.log", "*.log"));
    assert_false(aslrt_string_matches("x.log.gz", "*.log"));
    assert_true(aslrt_string_matches("abcbc", "*bc"));
    assert_true(aslrt_string_matches("aXbXc", "a*b*c"));
    assert_true(aslrt_string_matches("abab", "*ab*ab*"));
    assert_false(aslrt_string_matches("aba", "*ab*ab*"));
    assert_true(aslrt_string_matches("Hello", "H*"));
    assert_false(aslrt_string_matches("hello", "H*")); /* case-sensitive */
    assert_false(aslrt_string_matches("hello", "h?llo")); /* ? is not a wildcard */
    assert_true(aslrt_string_matches("h?llo", "h?llo"));
}

static void string_matches_should_honour_escapes(void **state)
{
    (void)state;
    assert_true(aslrt_string_matches("a*b", "a\\*b"));
    assert_false(aslrt_string_matches("axb", "a\\*b"));
    assert_false(aslrt_string_matches("a", "a\\*"));
    assert_true(aslrt_string_matches("a*", "a\\*"));
    assert_true(aslrt_string_matches("\\", "\\\\"));
    assert_false(aslrt_string_matches("\\\\", "\\\\"));
    assert_true(aslrt_string_matches("a\\xyz", "a\\\\*"));   /* a\\* : a, backslash, any */
    assert_false(aslrt_string_matches("axyz", "a\\\\*"));
    assert_true(aslrt_string_matches("x*y*", "*\\*"));
    assert_false(aslrt_string_matches("x*y", "*\\*"));
    assert_true(aslrt_string_matches("**", "\\*\\*"));
}

static void string_matches_should_match_utf8_by_character(void **state)
{
    (void)state;
    assert_true(aslrt_string_matches("h\xc3\xa9llo", "h*o"));
    assert_true(aslrt_string_matches("h\xc3\xa9llo", "h\xc3\xa9*"));
    assert_false(aslrt_string_matches("h\xc3\xa9llo", "he*"));
    assert_true(aslrt_string_matches("\xf0\x9f\x98\x80!", "*!"));
}

static void string_matches_should_take_polynomial_time_on_many_stars(void **state)
{
    (void)state;
    enum { N = 20000 };
    char *s = malloc(N + 1);
    memset(s, 'a', N);
    s[N] = '\0';
    clock_t start = clock();
    assert_false(aslrt_string_matches(s, "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b"));
    assert_true(aslrt_string_matches(s, "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*"));
    s[N - 1] = 'b';
    assert_true(aslrt_string_matches(s, "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b"));
    /* naive backtracking would take astronomically long; allow a generous second */
    assert_true((double)(clock() - start) / CLOCKS_PER_SEC < 1.0);
    free(s);
}

static void rule_eval_should_apply_string_matches_to_the_variable(void **state)
{
    fixture *f = *state;
    assert_int_equal(eval_literal(f, ASLRT_OP_STRING_MATCHES, "\"*.log\"", "\"app.log\""), 1);
    assert_int_equal(eval_literal(f, ASLRT_OP_STRING_MATCHES, "\"*.log\"", "\"app.txt\""), 0);
    assert_int_equal(eval_literal(f, ASLRT_OP_STRING_MATCHES, "\"*\"", "1"), 0);
    assert_int_equal(eval_literal(f, ASLRT_OP_STRING_MATCHES, "\"*\"", "[\"x\"]"), 0);
}

/* aslrt.h's ASLRT_COMPARISONS is the one list of operators: the validator
   knows each by its name, with the operand the list gives, and its ...Path
   form exactly when the list says it has one. */
static void every_listed_comparison_should_be_known_by_name_and_path_form(void **state)
{
    (void)state;
    static const struct { const char *name; int op, operand, path; } listed[] = {
#define X(id, name, family, rel, operand, path, text) {name, ASLRT_OP_##id, ASL_OPERAND_##operand, path},
        ASLRT_COMPARISONS(X)
#undef X
    };
    int nlisted = (int)(sizeof listed / sizeof listed[0]), npaths = 0;
    assert_int_equal(ASLRT_OP_COUNT, ASLRT_OP_NOT + 1 + nlisted);
    for (int i = 0; i < nlisted; i++) {
        const asl_choice_op *o = asl_choice_op_find(listed[i].name);
        assert_non_null(o);
        assert_int_equal(o->op, listed[i].op);
        assert_int_equal(o->operand, listed[i].operand);
        char path_name[64];
        snprintf(path_name, sizeof path_name, "%sPath", listed[i].name);
        const asl_choice_op *p = asl_choice_op_find(path_name);
        if (!listed[i].path) {
            assert_null(p);
            continue;
        }
        npaths++;
        assert_non_null(p);
        assert_int_equal(p->op, listed[i].op);
        assert_int_equal(p->operand, ASL_OPERAND_PATH);
    }
    int n;
    asl_choice_ops(&n);
    assert_int_equal(n, nlisted + npaths);
    assert_int_equal(asl_choice_op_find("TimestampGreaterThanEqualsPath")->op, ASLRT_OP_TIMESTAMP_GE);
    assert_null(asl_choice_op_find("StringMatchesPath"));
    assert_null(asl_choice_op_find("IsNullPath"));
    assert_null(asl_choice_op_find("And"));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(rule_eval_should_be_false_on_every_type_mismatch),
        T(rule_eval_should_compare_the_path_form_like_the_literal),
        T(rule_eval_should_be_false_when_the_path_operand_has_the_wrong_type),
        T(rule_eval_should_treat_integers_and_decimals_alike),
        T(rule_eval_should_compare_strings_exactly_by_code_point),
        T(rule_eval_should_compare_timestamps_as_instants),
        T(rule_eval_should_give_is_operators_the_type_test_equal_to_their_operand),
        T(rule_eval_should_make_is_present_false_on_a_missing_variable),
        T(rule_eval_should_fail_with_states_runtime_on_a_missing_variable),
        T(rule_eval_should_fail_with_states_runtime_on_a_missing_path_operand),
        T(rule_eval_should_name_the_variable_when_both_paths_are_missing),
        T(rule_eval_should_test_a_null_value_as_present),
        T(rule_eval_should_compare_an_indefinite_variable_as_an_array),
        T(rule_eval_should_read_the_context_object),
        T(rule_eval_should_combine_with_and_or_not),
        T(rule_eval_should_short_circuit_and_or),
        T(rule_eval_should_bound_nesting),
        T(rule_eval_should_apply_string_matches_to_the_variable),
        cmocka_unit_test(string_matches_should_treat_star_as_any_run),
        cmocka_unit_test(string_matches_should_honour_escapes),
        cmocka_unit_test(string_matches_should_match_utf8_by_character),
        cmocka_unit_test(string_matches_should_take_polynomial_time_on_many_stars),
        cmocka_unit_test(every_listed_comparison_should_be_known_by_name_and_path_form),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
