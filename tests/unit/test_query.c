/* test_query.c — JSONata fields and the language-dependent end of a state:
   templates with "{% %}" leaves, $states, AWS's QueryEvaluationError causes,
   typed fields, Assign/Output defaults, catchers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "exec.h"
#include "jsonata_parse.h"
#include "query.h"
#include "vars.h"

typedef struct fixture {
    asl_arena *a;
    char name[8], exec_id[16], sm_id[16];
    aslrt_program prog;
    aslrt_run run;
    aslrt_state st;
    aslrt_exec ex;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->a = asl_arena_new();
    f->prog.name = "sm";
    f->run.program = &f->prog;
    f->run.input = cJSON_Parse("{\"start\":1}");
    strcpy(f->name, "exec");
    strcpy(f->exec_id, "arn:exec");
    strcpy(f->sm_id, "arn:sm");
    f->run.name = f->name;
    f->run.execution_id = f->exec_id;
    f->run.state_machine_id = f->sm_id;
    f->st.name = "S";
    f->st.type = ASLRT_PASS;
    f->st.flags = ASLRT_JSONATA;
    f->ex.run = &f->run;
    f->ex.state = &f->st;
    f->ex.entered_event_id = 7;
    f->ex.retry_count = -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    cJSON_Delete(f->ex.context);
    aslrt_vars_free(&f->ex);
    aslrt_error_clear(&f->ex);
    cJSON_Delete(f->run.input);
    asl_arena_free(f->a);
    free(f);
    return 0;
}

/* A JSONATA leaf for `expr` (without the braces), placed in field `field`. */
static aslrt_tmpl *leaf(fixture *f, const char *expr, const char *field)
{
    aslrt_tmpl *t = asl_arena_alloc(f->a, sizeof *t);
    const char *err = NULL;
    t->kind = ASLRT_T_JSONATA;
    t->text = expr;
    t->field = field;
    t->fn = 1; /* may read $states.context */
    t->jx = jsonata_parse(f->a, expr, &err);
    assert_non_null(t->jx);
    return t;
}

static aslrt_tmpl *literal(fixture *f, const cJSON *v)
{
    aslrt_tmpl *t = asl_arena_alloc(f->a, sizeof *t);
    t->kind = ASLRT_T_LITERAL;
    t->value = v;
    return t;
}

/* {key0: items[0], key1: items[1]} */
static aslrt_tmpl *object2(fixture *f, const char *k0, aslrt_tmpl *v0, const char *k1, aslrt_tmpl *v1)
{
    aslrt_tmpl *items = asl_arena_alloc(f->a, 2 * sizeof *items);
    items[0] = *v0;
    items[0].key = k0;
    items[1] = *v1;
    items[1].key = k1;
    aslrt_tmpl *t = asl_arena_alloc(f->a, sizeof *t);
    t->kind = ASLRT_T_OBJECT;
    t->n = 2;
    t->items = items;
    return t;
}

static void assert_json(const cJSON *v, const char *want)
{
    assert_non_null(v);
    char *text = aslrt_json_text(v);
    assert_string_equal(text, want);
    free(text);
}

static void query_eval_should_evaluate_leaves_and_copy_literals(void **state)
{
    fixture *f = *state;
    cJSON *lit = cJSON_Parse("[1,{\"k\":\"{% not evaluated here %}\"}]");
    aslrt_tmpl *t = object2(f, "sum", leaf(f, "$states.input.a + 1", "Output/sum"), "lit", literal(f, lit));
    cJSON *in = cJSON_Parse("{\"a\":41}");
    cJSON *out = aslrt_query_eval(&f->ex, t, in, NULL, NULL);
    assert_json(out, "{\"sum\":42,\"lit\":[1,{\"k\":\"{% not evaluated here %}\"}]}");
    cJSON_Delete(out);
    cJSON_Delete(in);
    cJSON_Delete(lit);
}

static void query_eval_should_give_states_input_context_result_and_error_output(void **state)
{
    fixture *f = *state;
    cJSON *in = cJSON_Parse("{\"i\":1}"), *res = cJSON_Parse("[2]"), *err = cJSON_Parse("{\"Error\":\"E\"}");
    aslrt_tmpl *t = leaf(f, "[$states.input.i, $states.result[0], $states.errorOutput.Error, "
                            "$states.context.State.Name, $states.context.Execution.Input.start]",
                         "Output");
    cJSON *out = aslrt_query_eval(&f->ex, t, in, res, err);
    assert_json(out, "[1,2,\"E\",\"S\",1]");
    cJSON_Delete(out);
    cJSON_Delete(in);
    cJSON_Delete(res);
    cJSON_Delete(err);
}

static void query_eval_should_read_workflow_variables(void **state)
{
    fixture *f = *state;
    assert_int_equal(aslrt_vars_stage(&f->ex, cJSON_Parse("{\"x\":{\"y\":[3,4]}}")), 0);
    aslrt_vars_commit(&f->ex, NULL);
    cJSON *in = cJSON_CreateObject();
    cJSON *out = aslrt_query_eval(&f->ex, leaf(f, "$sum($x.y)", "Output"), in, NULL, NULL);
    assert_json(out, "7");
    cJSON_Delete(out);
    cJSON_Delete(in);
}

static void query_eval_should_fail_on_undefined_with_aws_cause(void **state)
{
    fixture *f = *state;
    cJSON *in = cJSON_CreateObject();
    assert_null(aslrt_query_eval(&f->ex, leaf(f, "$doesNotExist", "Output/result"), in, NULL, NULL));
    assert_string_equal(f->ex.error, "States.QueryEvaluationError");
    assert_string_equal(f->ex.cause, "An error occurred while executing the state 'S' (entered at the event id #7). "
                                     "The JSONata expression '$doesNotExist' specified for the field "
                                     "'Output/result' returned nothing (undefined).");
    cJSON_Delete(in);
}

static void query_eval_should_fail_on_a_function_result(void **state)
{
    fixture *f = *state;
    cJSON *in = cJSON_CreateObject();
    assert_null(aslrt_query_eval(&f->ex, leaf(f, "$fn := function($x){$x}", "Items"), in, NULL, NULL));
    assert_string_equal(f->ex.cause, "An error occurred while executing the state 'S' (entered at the event id #7). "
                                     "The JSONata expression '$fn := function($x){$x}' specified for the field "
                                     "'Items' returned an unsupported result type.");
    cJSON_Delete(in);
}

static void query_eval_should_wrap_evaluation_errors(void **state)
{
    fixture *f = *state;
    cJSON *in = cJSON_Parse("{\"f\":1}");
    assert_null(aslrt_query_eval(&f->ex, leaf(f, "$states.input.f()", "Output/FunctionResult"), in, NULL, NULL));
    assert_string_equal(f->ex.error, "States.QueryEvaluationError");
    assert_string_equal(f->ex.cause, "An error occurred while executing the state 'S' (entered at the event id #7). "
                                     "The JSONata expression '$states.input.f()' specified for the field "
                                     "'Output/FunctionResult' threw an error during evaluation. T1006: Attempted "
                                     "to invoke a non-function");
    cJSON_Delete(in);
}

static void query_number_should_take_integers_in_range(void **state)
{
    fixture *f = *state;
    cJSON *in = cJSON_Parse("{\"s\":5,\"t\":\"5\",\"u\":1.5,\"v\":-1}");
    double d = 0;
    assert_int_equal(aslrt_query_number(&f->ex, leaf(f, "$states.input.s", "Seconds"), in, 1, 0, 10, &d), 0);
    assert_true(d == 5);
    assert_int_equal(aslrt_query_number(&f->ex, leaf(f, "$states.input.t", "Seconds"), in, 1, 0, 10, &d), -1);
    assert_string_equal(f->ex.cause, "An error occurred while executing the state 'S' (entered at the event id #7). "
                                     "The JSONata expression '$states.input.t' specified for the field 'Seconds' "
                                     "returned an unexpected result type. Expected 'integer', but was 'string' for "
                                     "value: \"5\"");
    assert_int_equal(aslrt_query_number(&f->ex, leaf(f, "$states.input.u", "Seconds"), in, 1, 0, 10, &d), -1);
    assert_int_equal(aslrt_query_number(&f->ex, leaf(f, "$states.input.u", "X"), in, 0, 0, 10, &d), 0);
    assert_true(d == 1.5);
    assert_int_equal(aslrt_query_number(&f->ex, leaf(f, "$states.input.v", "Seconds"), in, 1, 0, 10, &d), -1);
    assert_string_equal(f->ex.error, "States.QueryEvaluationError");
    cJSON_Delete(in);
}

static void query_condition_should_accept_only_booleans(void **state)
{
    fixture *f = *state;
    cJSON *in = cJSON_Parse("{\"n\":3}");
    assert_int_equal(aslrt_query_condition(&f->ex, leaf(f, "$states.input.n > 2", "Condition"), in), 1);
    assert_int_equal(aslrt_query_condition(&f->ex, leaf(f, "$states.input.n < 2", "Condition"), in), 0);
    cJSON *t = cJSON_CreateTrue();
    assert_int_equal(aslrt_query_condition(&f->ex, literal(f, t), in), 1);
    assert_int_equal(aslrt_query_condition(&f->ex, leaf(f, "$states.input.n", "Condition"), in), -1);
    assert_string_equal(f->ex.error, "States.QueryEvaluationError");
    cJSON_Delete(t);
    cJSON_Delete(in);
}

static void state_finish_should_default_to_the_result_in_task_states(void **state)
{
    fixture *f = *state;
    f->st.type = ASLRT_TASK;
    cJSON *v = cJSON_Parse("{\"in\":1}");
    assert_int_equal(aslrt_state_finish(&f->ex, &f->st, &v, cJSON_Parse("{\"out\":2}"), NULL, NULL), 0);
    assert_json(v, "{\"out\":2}");
    cJSON_Delete(v);
}

static void state_finish_should_default_to_the_input_in_pass_states(void **state)
{
    fixture *f = *state;
    cJSON *v = cJSON_Parse("{\"in\":1}");
    assert_int_equal(aslrt_state_finish(&f->ex, &f->st, &v, NULL, NULL, NULL), 0);
    assert_json(v, "{\"in\":1}");
    cJSON_Delete(v);
}

static void state_finish_should_evaluate_assign_and_output_side_by_side(void **state)
{
    fixture *f = *state;
    f->st.type = ASLRT_TASK;
    assert_int_equal(aslrt_vars_stage(&f->ex, cJSON_Parse("{\"x\":1}")), 0);
    aslrt_vars_commit(&f->ex, NULL);
    aslrt_tmpl *assign = object2(f, "x", leaf(f, "$x + $states.result", "Assign/x"), "r",
                                 leaf(f, "$states.input", "Assign/r"));
    aslrt_tmpl *output = leaf(f, "[$x, $states.result]", "Output");
    cJSON *v = cJSON_Parse("\"in\"");
    assert_int_equal(aslrt_state_finish(&f->ex, &f->st, &v, cJSON_CreateNumber(10), assign, output), 0);
    assert_json(v, "[1,10]"); /* Output saw x as it was */
    aslrt_vars_commit(&f->ex, NULL);
    assert_json(aslrt_var_get(&f->ex, "x"), "11");
    assert_json(aslrt_var_get(&f->ex, "r"), "\"in\"");
    cJSON_Delete(v);
}

static void state_finish_should_stage_nothing_when_output_fails(void **state)
{
    fixture *f = *state;
    aslrt_tmpl *assign = object2(f, "a", leaf(f, "1", "Assign/a"), "b", leaf(f, "2", "Assign/b"));
    cJSON *v = cJSON_Parse("{}");
    assert_int_equal(aslrt_state_finish(&f->ex, &f->st, &v, NULL, assign, leaf(f, "$nope", "Output")), -1);
    assert_json(v, "{}"); /* still the raw input, for Catch */
    aslrt_vars_commit(&f->ex, NULL);
    assert_null(aslrt_var_get(&f->ex, "a"));
    cJSON_Delete(v);
}

static void catch_finish_should_replace_the_state_assign_and_pass_the_error_output(void **state)
{
    fixture *f = *state;
    f->st.type = ASLRT_TASK;
    assert_int_equal(aslrt_vars_stage(&f->ex, cJSON_Parse("{\"fromState\":1}")), 0);
    aslrt_catcher c = {0};
    c.assign = object2(f, "e", leaf(f, "$states.errorOutput.Error", "Assign/e"), "i",
                       leaf(f, "$states.input.k", "Assign/i"));
    cJSON *v = cJSON_Parse("{\"k\":5}");
    assert_int_equal(aslrt_catch_finish(&f->ex, &f->st, &c, &v, cJSON_Parse("{\"Error\":\"E\",\"Cause\":\"\"}")), 0);
    assert_json(v, "{\"Error\":\"E\",\"Cause\":\"\"}");
    aslrt_vars_commit(&f->ex, NULL);
    assert_null(aslrt_var_get(&f->ex, "fromState"));
    assert_json(aslrt_var_get(&f->ex, "e"), "\"E\"");
    assert_json(aslrt_var_get(&f->ex, "i"), "5");
    cJSON_Delete(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(query_eval_should_evaluate_leaves_and_copy_literals, setup, teardown),
        cmocka_unit_test_setup_teardown(query_eval_should_give_states_input_context_result_and_error_output, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(query_eval_should_read_workflow_variables, setup, teardown),
        cmocka_unit_test_setup_teardown(query_eval_should_fail_on_undefined_with_aws_cause, setup, teardown),
        cmocka_unit_test_setup_teardown(query_eval_should_fail_on_a_function_result, setup, teardown),
        cmocka_unit_test_setup_teardown(query_eval_should_wrap_evaluation_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(query_number_should_take_integers_in_range, setup, teardown),
        cmocka_unit_test_setup_teardown(query_condition_should_accept_only_booleans, setup, teardown),
        cmocka_unit_test_setup_teardown(state_finish_should_default_to_the_result_in_task_states, setup, teardown),
        cmocka_unit_test_setup_teardown(state_finish_should_default_to_the_input_in_pass_states, setup, teardown),
        cmocka_unit_test_setup_teardown(state_finish_should_evaluate_assign_and_output_side_by_side, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(state_finish_should_stage_nothing_when_output_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(catch_finish_should_replace_the_state_assign_and_pass_the_error_output,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
