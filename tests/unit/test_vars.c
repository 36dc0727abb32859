/* test_vars.c — workflow variables: staging and committing Assign, scopes
   (branches read the state that runs them, never across a child execution),
   AWS's size limits, the assignedVariables history details. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exec.h"
#include "vars.h"

/* An object from JSON text, for Assign values. */
static cJSON *obj(const char *text)
{
    cJSON *v = cJSON_Parse(text);
    assert_non_null(v);
    return v;
}

/* Variable `name` of ex as compact JSON text ("" when unset), malloc'd. */
static char *var_text(const aslrt_exec *ex, const char *name)
{
    const cJSON *v = aslrt_var_get(ex, name);
    return v ? aslrt_json_text(v) : strdup("");
}

static void assert_var(const aslrt_exec *ex, const char *name, const char *want)
{
    char *got = var_text(ex, name);
    assert_string_equal(got, want);
    free(got);
}

static void vars_get_should_find_nothing_in_a_new_execution(void **state)
{
    (void)state;
    aslrt_run run = {0};
    aslrt_exec ex = {.run = &run};
    assert_null(aslrt_var_get(&ex, "x"));
    assert_null(ex.vars); /* reading makes no scope */
}

static void vars_stage_should_not_be_visible_until_commit(void **state)
{
    (void)state;
    aslrt_run run = {0};
    aslrt_exec ex = {.run = &run};
    assert_int_equal(aslrt_vars_stage(&ex, obj("{\"x\": 1}")), 0);
    assert_null(aslrt_var_get(&ex, "x"));
    aslrt_vars_commit(&ex, NULL);
    assert_var(&ex, "x", "1");
    aslrt_vars_free(&ex);
}

static void vars_stage_should_keep_old_values_until_commit(void **state)
{
    (void)state;
    aslrt_run run = {0};
    aslrt_exec ex = {.run = &run};
    assert_int_equal(aslrt_vars_stage(&ex, obj("{\"x\": 1, \"y\": \"a\"}")), 0);
    aslrt_vars_commit(&ex, NULL);
    assert_int_equal(aslrt_vars_stage(&ex, obj("{\"x\": [2, 3]}")), 0);
    assert_var(&ex, "x", "1"); /* §3.1: the state still sees its entry values */
    aslrt_vars_commit(&ex, NULL);
    assert_var(&ex, "x", "[2,3]");
    assert_var(&ex, "y", "\"a\""); /* untouched variables stay */
    aslrt_vars_free(&ex);
    assert_null(ex.vars);
}

static void vars_discard_should_drop_what_a_failed_state_staged(void **state)
{
    (void)state;
    aslrt_run run = {0};
    aslrt_exec ex = {.run = &run};
    assert_int_equal(aslrt_vars_stage(&ex, obj("{\"x\": 1}")), 0);
    aslrt_vars_commit(&ex, NULL);
    assert_int_equal(aslrt_vars_stage(&ex, obj("{\"x\": 2}")), 0);
    aslrt_vars_discard(&ex);
    aslrt_vars_commit(&ex, NULL); /* nothing staged: nothing changes */
    assert_var(&ex, "x", "1");
    aslrt_vars_free(&ex);
}

static void vars_commit_should_record_assigned_variables_for_history(void **state)
{
    (void)state;
    aslrt_run run = {0};
    aslrt_exec ex = {.run = &run};
    assert_int_equal(aslrt_vars_stage(&ex, obj("{\"a\": {\"k\": [1, true]}, \"b\": \"s\"}")), 0);
    cJSON *details = cJSON_CreateObject();
    aslrt_vars_commit(&ex, details);
    char *text = aslrt_json_text(details);
    assert_string_equal(text, "{\"assignedVariables\":{\"a\":\"{\\\"k\\\":[1,true]}\",\"b\":\"\\\"s\\\"\"},"
                              "\"assignedVariablesDetails\":{\"truncated\":false}}");
    free(text);
    cJSON_Delete(details);
    aslrt_vars_free(&ex);
}

static void vars_commit_should_add_nothing_to_history_without_an_assign(void **state)
{
    (void)state;
    aslrt_run run = {0};
    aslrt_exec ex = {.run = &run};
    cJSON *details = cJSON_CreateObject();
    aslrt_vars_commit(&ex, details);
    assert_null(details->child);
    cJSON_Delete(details);
}

static void vars_get_should_read_the_scope_of_the_running_state(void **state)
{
    (void)state;
    aslrt_run run = {0};
    aslrt_exec outer = {.run = &run};
    assert_int_equal(aslrt_vars_stage(&outer, obj("{\"shared\": 1, \"both\": \"outer\"}")), 0);
    aslrt_vars_commit(&outer, NULL);
    aslrt_exec branch = {.run = &run, .parent = &outer};
    assert_var(&branch, "shared", "1");
    assert_int_equal(aslrt_vars_stage(&branch, obj("{\"mine\": 2}")), 0);
    aslrt_vars_commit(&branch, NULL);
    assert_var(&branch, "mine", "2");
    assert_null(aslrt_var_get(&outer, "mine")); /* inner scopes never write outer ones */
    aslrt_vars_free(&branch);
    assert_var(&branch, "shared", "1");
    aslrt_vars_free(&outer);
}

static void vars_get_should_not_cross_into_a_child_execution(void **state)
{
    (void)state;
    aslrt_run run = {0}, child_run = {0};
    aslrt_exec outer = {.run = &run};
    assert_int_equal(aslrt_vars_stage(&outer, obj("{\"x\": 1}")), 0);
    aslrt_vars_commit(&outer, NULL);
    aslrt_exec child = {.run = &child_run, .parent = &outer}; /* a distributed Map's iteration */
    assert_null(aslrt_var_get(&child, "x"));
    aslrt_vars_free(&outer);
}

/* {"v": "<n bytes of 'a'>"} as an object whose member is n + 2 bytes of JSON. */
static cJSON *big(const char *name, size_t n)
{
    char *s = malloc(n + 1);
    memset(s, 'a', n);
    s[n] = '\0';
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, name, s);
    free(s);
    return o;
}

static void vars_stage_should_accept_a_variable_of_exactly_256_kib(void **state)
{
    (void)state;
    aslrt_run run = {0};
    aslrt_exec ex = {.run = &run};
    assert_int_equal(aslrt_vars_stage(&ex, big("v", ASLRT_VAR_MAX_BYTES - 2)), 0);
    aslrt_vars_free(&ex);
}

static void vars_stage_should_refuse_a_variable_over_256_kib(void **state)
{
    (void)state;
    aslrt_run run = {0};
    aslrt_exec ex = {.run = &run};
    assert_int_equal(aslrt_vars_stage(&ex, big("v", ASLRT_VAR_MAX_BYTES - 1)), -1);
    assert_string_equal(ex.error, ASLRT_VARS_LIMIT_ERROR);
    aslrt_error_clear(&ex);
    aslrt_vars_commit(&ex, NULL);
    assert_null(aslrt_var_get(&ex, "v"));
    aslrt_vars_free(&ex);
}

static void vars_stage_should_refuse_an_assign_over_256_kib_in_total(void **state)
{
    (void)state;
    aslrt_run run = {0};
    aslrt_exec ex = {.run = &run};
    cJSON *o = big("a", ASLRT_ASSIGN_MAX_BYTES / 2);
    cJSON *b = big("b", ASLRT_ASSIGN_MAX_BYTES / 2);
    cJSON_AddItemToObject(o, "b", cJSON_DetachItemFromObject(b, "b"));
    cJSON_Delete(b);
    assert_int_equal(aslrt_vars_stage(&ex, o), -1);
    assert_string_equal(ex.error, ASLRT_VARS_LIMIT_ERROR);
    aslrt_error_clear(&ex);
    aslrt_vars_free(&ex);
}

static void vars_stage_should_refuse_more_than_10_mib_of_variables(void **state)
{
    (void)state;
    aslrt_run run = {0};
    aslrt_exec ex = {.run = &run};
    char name[16];
    int i, rc = 0;
    for (i = 0; i < 64 && rc == 0; i++) { /* 40 variables of 256 KiB fill 10 MiB */
        snprintf(name, sizeof name, "v%d", i);
        rc = aslrt_vars_stage(&ex, big(name, ASLRT_VAR_MAX_BYTES - 2));
        aslrt_vars_commit(&ex, NULL);
    }
    assert_int_equal(rc, -1);
    assert_int_equal(i, ASLRT_VARS_MAX_BYTES / ASLRT_VAR_MAX_BYTES + 1);
    aslrt_error_clear(&ex);
    /* replacing a variable by one of the same size still fits */
    assert_int_equal(aslrt_vars_stage(&ex, big("v0", ASLRT_VAR_MAX_BYTES - 2)), 0);
    aslrt_vars_free(&ex);
}

static void vars_stage_should_measure_strings_with_their_escapes(void **state)
{
    (void)state;
    aslrt_run run = {0};
    aslrt_exec ex = {.run = &run};
    /* 131072 quotes print as 262144 bytes plus the 2 around them: one too many */
    size_t n = ASLRT_VAR_MAX_BYTES / 2;
    char *s = malloc(n + 1);
    memset(s, '"', n);
    s[n] = '\0';
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "q", s);
    free(s);
    assert_int_equal(aslrt_vars_stage(&ex, o), -1);
    aslrt_error_clear(&ex);
    aslrt_vars_free(&ex);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vars_get_should_find_nothing_in_a_new_execution),
        cmocka_unit_test(vars_stage_should_not_be_visible_until_commit),
        cmocka_unit_test(vars_stage_should_keep_old_values_until_commit),
        cmocka_unit_test(vars_discard_should_drop_what_a_failed_state_staged),
        cmocka_unit_test(vars_commit_should_record_assigned_variables_for_history),
        cmocka_unit_test(vars_commit_should_add_nothing_to_history_without_an_assign),
        cmocka_unit_test(vars_get_should_read_the_scope_of_the_running_state),
        cmocka_unit_test(vars_get_should_not_cross_into_a_child_execution),
        cmocka_unit_test(vars_stage_should_accept_a_variable_of_exactly_256_kib),
        cmocka_unit_test(vars_stage_should_refuse_a_variable_over_256_kib),
        cmocka_unit_test(vars_stage_should_refuse_an_assign_over_256_kib_in_total),
        cmocka_unit_test(vars_stage_should_refuse_more_than_10_mib_of_variables),
        cmocka_unit_test(vars_stage_should_measure_strings_with_their_escapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
