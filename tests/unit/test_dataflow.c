/* test_dataflow.c — InputPath, payload templates, ResultPath and OutputPath
   (runtime/dataflow.c), with AWS's causes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "dataflow.h"
#include "exec.h"
#include "helpers.h"
#include "intrinsics.h"
#include "path.h"

/* A stand-in for States.Array when the real intrinsics are not linked in:
   the arguments evaluated, in an array.  Weak, so that the real
   implementation wins when it is present (it must give the same result). */
__attribute__((weak)) cJSON *aslrt_intrinsic_call(aslrt_exec *ex, const aslrt_tmpl *t, const cJSON *input)
{
    if (t->fn != ASLRT_FN_ARRAY) {
        aslrt_error_set(ex, "States.IntrinsicFailure", "test stub: only States.Array");
        return NULL;
    }
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < t->n; i++) {
        cJSON *v = aslrt_tmpl_eval(ex, &t->items[i], input);
        if (!v) {
            cJSON_Delete(a);
            return NULL;
        }
        cJSON_AddItemToArray(a, v);
    }
    return a;
}

/* ------------------------------------------------------------ fixture */

static asl_arena *A;
static aslrt_state st;
static aslrt_run run;
static aslrt_exec ex;
static cJSON *keep[64]; /* template JSON the descriptors borrow literals from */
static int nkeep;

static int setup(void **ctx)
{
    (void)ctx;
    A = asl_arena_new();
    memset(&st, 0, sizeof st);
    st.name = "S";
    st.type = ASLRT_PASS;
    exec_fixture_init(&run, &ex, &st);
    nkeep = 0;
    return 0;
}

static int teardown(void **ctx)
{
    (void)ctx;
    exec_fixture_free(&run, &ex);
    for (int i = 0; i < nkeep; i++)
        cJSON_Delete(keep[i]);
    asl_arena_free(A);
    return 0;
}

/* ------------------------------------------------------------ helpers */

static const aslrt_path *P(const char *text)
{
    return parse_path_or_fail(A, text, 0);
}

/* The States.Runtime cause for this fixture's state 'S'. */
static void assert_runtime_error(const char *detail)
{
    char want[4096];
    snprintf(want, sizeof want,
             "An error occurred while executing the state '%s' (entered at the event id #2). %s",
             st.name, detail);
    assert_non_null(ex.error);
    assert_string_equal(ex.error, "States.Runtime");
    assert_string_equal(ex.cause, want);
    aslrt_error_clear(&ex);
}

/* A payload template's descriptors, as the front end builds them: keys
   ending in ".$" hold paths; everything else is literal. */
static void fill_tmpl(aslrt_tmpl *t, const cJSON *j)
{
    if (cJSON_IsObject(j) || cJSON_IsArray(j)) {
        t->kind = cJSON_IsObject(j) ? ASLRT_T_OBJECT : ASLRT_T_ARRAY;
        t->n = cJSON_GetArraySize(j);
        aslrt_tmpl *items = asl_arena_alloc(A, (size_t)(t->n ? t->n : 1) * sizeof *items);
        int i = 0;
        for (const cJSON *m = j->child; m; m = m->next, i++) {
            size_t len = m->string ? strlen(m->string) : 0;
            if (cJSON_IsObject(j) && len >= 2 && strcmp(m->string + len - 2, ".$") == 0 &&
                cJSON_IsString(m)) {
                items[i].kind = ASLRT_T_PATH;
                items[i].path = P(m->valuestring);
                items[i].key = asl_arena_strndup(A, m->string, len - 2);
                items[i].field = m->string;
            } else {
                fill_tmpl(&items[i], m);
                items[i].key = m->string;
            }
        }
        t->items = items;
    } else {
        t->kind = ASLRT_T_LITERAL;
        t->value = j;
    }
}

static const aslrt_tmpl *tmpl(const char *json)
{
    cJSON *j = J(json);
    keep[nkeep++] = j;
    aslrt_tmpl *t = asl_arena_alloc(A, sizeof *t);
    fill_tmpl(t, j);
    return t;
}

/* Evaluates template `t` over JSON `input`; expected result or NULL. */
static cJSON *eval(const char *t, const char *input)
{
    cJSON *in = J(input);
    cJSON *r = aslrt_tmpl_eval(&ex, tmpl(t), in);
    cJSON_Delete(in);
    return r;
}

static void check_tmpl(const char *t, const char *input, const char *expected)
{
    cJSON *r = eval(t, input);
    if (!r)
        fail_msg("template failed: %s", ex.cause ? ex.cause : "(no cause)");
    assert_json(r, expected);
    cJSON_Delete(r);
}

/* ------------------------------------------------------------ InputPath */

static void input_path_should_give_empty_object_for_null(void **ctx)
{
    (void)ctx;
    st.flags = ASLRT_INPUT_PATH_NULL;
    st.input_path = P("$.a"); /* ignored */
    cJSON *raw = J("{\"a\":1}");
    cJSON *r = aslrt_input_path(&ex, &st, raw);
    assert_json(r, "{}");
    cJSON_Delete(r);
    cJSON_Delete(raw);
}

static void input_path_should_copy_raw_input_when_absent(void **ctx)
{
    (void)ctx;
    cJSON *raw = J("{\"a\":[1,2]}");
    cJSON *r = aslrt_input_path(&ex, &st, raw);
    assert_ptr_not_equal(r, raw);
    assert_json(r, "{\"a\":[1,2]}");
    cJSON_Delete(r);
    cJSON_Delete(raw);
}

static void input_path_should_select_a_copy_and_leave_raw_alone(void **ctx)
{
    (void)ctx;
    st.input_path = P("$.detail");
    cJSON *raw = J("{\"detail\":{\"k\":1},\"other\":2}");
    cJSON *r = aslrt_input_path(&ex, &st, raw);
    assert_json(r, "{\"k\":1}");
    assert_null(r->string);
    assert_json(raw, "{\"detail\":{\"k\":1},\"other\":2}");
    cJSON_Delete(r);
    cJSON_Delete(raw);
}

/* AWS recording (context_object input_path $$.Execution.Input). */
static void input_path_should_read_the_context_object(void **ctx)
{
    (void)ctx;
    st.input_path = P("$$.Execution.Input");
    cJSON *raw = J("{\"other\":1}");
    cJSON *r = aslrt_input_path(&ex, &st, raw);
    assert_json(r, "{\"input-value\":0}");
    cJSON_Delete(r);
    cJSON_Delete(raw);
}

static void input_path_should_fail_with_aws_cause_on_miss(void **ctx)
{
    (void)ctx;
    st.input_path = P("$.no.such.path");
    cJSON *raw = J("{\"int-literal\":0}");
    assert_null(aslrt_input_path(&ex, &st, raw));
    assert_runtime_error("Invalid path '$.no.such.path' : Missing property in path $['no']");
    st.input_path = P("$.x");
    assert_null(aslrt_input_path(&ex, &st, raw));
    assert_runtime_error("Invalid path '$.x' : No results for path: $['x']");
    cJSON_Delete(raw);
}

static void input_path_should_yield_array_for_indefinite_path(void **ctx)
{
    (void)ctx;
    st.input_path = P("$.items[*].v");
    cJSON *raw = J("{}");
    cJSON *r = aslrt_input_path(&ex, &st, raw);
    assert_json(r, "[]");
    cJSON_Delete(r);
    cJSON_Delete(raw);
    raw = J("{\"items\":[{\"v\":1},{\"v\":2}]}");
    r = aslrt_input_path(&ex, &st, raw);
    assert_json(r, "[1,2]");
    cJSON_Delete(r);
    cJSON_Delete(raw);
}

/* "Unable to apply Path transformation to null or empty input." [A]. */
static void paths_into_null_input_should_fail(void **ctx)
{
    (void)ctx;
    cJSON *raw = J("null");
    st.input_path = P("$.a");
    assert_null(aslrt_input_path(&ex, &st, raw));
    assert_runtime_error("Unable to apply Path transformation to null or empty input.");
    st.input_path = P("$[*]");
    assert_null(aslrt_input_path(&ex, &st, raw));
    assert_runtime_error("Unable to apply Path transformation to null or empty input.");
    st.input_path = P("$");
    cJSON *r = aslrt_input_path(&ex, &st, raw);
    assert_json(r, "null");
    cJSON_Delete(r);
    st.input_path = P("$$.State.Name");
    r = aslrt_input_path(&ex, &st, raw);
    assert_json(r, "\"S\"");
    cJSON_Delete(r);

    st.output_path = P("$.a");
    assert_int_equal(aslrt_output_path(&ex, &st, &raw), -1);
    assert_runtime_error("Unable to apply Path transformation to null or empty input.");
    assert_json(raw, "null");
    cJSON_Delete(raw);
}

/* ------------------------------------------------------------ templates */

static void tmpl_should_build_nested_objects_and_arrays(void **ctx)
{
    (void)ctx;
    check_tmpl("{\"Arg1\":\"argument1\",\"FromInput.$\":\"$\",\"n\":{\"x.$\":\"$.a\",\"lit\":[1,true,null],"
               "\"arr\":[{\"y.$\":\"$.b[1]\"},\"s\",{\"deep\":{\"z.$\":\"$.c.d\"}}]}}",
               "{\"a\":{\"k\":1},\"b\":[0,\"two\"],\"c\":{\"d\":false}}",
               "{\"Arg1\":\"argument1\",\"FromInput\":{\"a\":{\"k\":1},\"b\":[0,\"two\"],\"c\":{\"d\":false}},"
               "\"n\":{\"x\":{\"k\":1},\"lit\":[1,true,null],"
               "\"arr\":[{\"y\":\"two\"},\"s\",{\"deep\":{\"z\":false}}]}}");
    check_tmpl("[{\"a.$\":\"$.a\"},2]", "{\"a\":1}", "[{\"a\":1},2]"); /* any JSON, not only objects */
    check_tmpl("\"plain\"", "{}", "\"plain\"");
    check_tmpl("{}", "{\"a\":1}", "{}");
}

/* AWS recording (comments_in_parameters) and §3.3: without ".$" a path is text. */
static void tmpl_should_keep_plain_strings_literal(void **ctx)
{
    (void)ctx;
    check_tmpl("{\"Comment\":\"Comment text\",\"p\":\"$.x\",\"v\":\"$customerName\",\"c\":\"$$.State.Name\"}",
               "{\"x\":1}", "{\"Comment\":\"Comment text\",\"p\":\"$.x\",\"v\":\"$customerName\",\"c\":\"$$.State.Name\"}");
}

/* A front end may keep a whole sub-tree without ".$" keys as one literal. */
static void tmpl_should_copy_literals_from_the_definition(void **ctx)
{
    (void)ctx;
    cJSON *lit = J("{\"k\":[1]}");
    keep[nkeep++] = lit;
    aslrt_tmpl item = {.kind = ASLRT_T_LITERAL, .key = "o", .value = lit};
    aslrt_tmpl t = {.kind = ASLRT_T_OBJECT, .n = 1, .items = &item};
    cJSON *in = J("{}");
    cJSON *r = aslrt_tmpl_eval(&ex, &t, in);
    assert_json(r, "{\"o\":{\"k\":[1]}}");
    cJSON *o = cJSON_GetObjectItemCaseSensitive(r, "o");
    assert_ptr_not_equal(o, lit);
    cJSON_AddNumberToObject(o, "added", 1); /* the definition must not see this */
    assert_json(lit, "{\"k\":[1]}");
    cJSON_Delete(r);
    cJSON_Delete(in);
}

static void tmpl_should_read_context_paths(void **ctx)
{
    (void)ctx;
    check_tmpl("{\"in.$\":\"$$.Execution.Input\",\"state.$\":\"$$.State.Name\",\"sm.$\":\"$$.StateMachine.Name\","
               "\"id.$\":\"$$.Execution.Id\"}",
               "{}",
               "{\"in\":{\"input-value\":0},\"state\":\"S\",\"sm\":\"Machine\","
               "\"id\":\"arn:aws:states:us-east-1:123456789012:execution:Machine:exec1\"}");
}

/* $$ is built a part at a time (runtime/exec.c), in whatever order paths
   read them; the whole object still lists them in AWS's order. */
static void context_parts_read_in_any_order_should_keep_aws_order(void **ctx)
{
    (void)ctx;
    cJSON *r = eval("{\"s.$\":\"$$.State.Name\",\"sm.$\":\"$$.StateMachine.Name\",\"all.$\":\"$$\"}", "{}");
    assert_non_null(r);
    const cJSON *all = cJSON_GetObjectItemCaseSensitive(r, "all");
    const char *const order[] = {"Execution", "StateMachine", "State"};
    int n = 0;
    for (const cJSON *part = all ? all->child : NULL; part; part = part->next, n++) {
        assert_true(n < 3);
        assert_string_equal(part->string, order[n]);
    }
    assert_int_equal(n, 3);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(r, "sm")->valuestring, "Machine");
    cJSON_Delete(r);
}

/* AWS recordings (json_path_array_access, ..._wildcard_or_slice_with_no_input). */
static void tmpl_should_give_elements_and_arrays_as_aws(void **ctx)
{
    (void)ctx;
    check_tmpl("{\"item.$\":\"$.items[10]\"}",
               "{\"items\":[{\"item_key\":0},{\"item_key\":1},{\"item_key\":2},{\"item_key\":3},"
               "{\"item_key\":4},{\"item_key\":5},{\"item_key\":6},{\"item_key\":7},{\"item_key\":8},"
               "{\"item_key\":9},{\"item_key\":10}]}",
               "{\"item\":{\"item_key\":10}}");
    check_tmpl("{\"item.$\":\"$.item.items[*]\"}", "{}", "{\"item\":[]}");
    check_tmpl("{\"item.$\":\"$.items[:1].itemValue\"}", "{}", "{\"item\":[]}");
    check_tmpl("{\"FromInput.$\":\"$.users[?(@.status == 0)]\"}",
               "{\"users\":[{\"year\":1997,\"status\":0},{\"year\":1998,\"status\":1}]}",
               "{\"FromInput\":[{\"year\":1997,\"status\":0}]}");
}

/* AWS's cause (§3.5; recorded case invalid_jsonpath_in_string_expr_jsonpath). */
static void tmpl_should_fail_naming_the_path_field_and_input(void **ctx)
{
    (void)ctx;
    assert_null(eval("{\"value.$\":\"$.no_such_jsonpath\"}", "{\"int-literal\":0}"));
    assert_runtime_error("The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be "
                         "found in the input '{\"int-literal\":0}'");
    assert_null(eval("{\"a\":{\"b\":[1,{\"address.$\":\"$.application.address\"}]}}", "{\"flagged\":false}"));
    assert_runtime_error("The JSONPath '$.application.address' specified for the field 'address.$' could not "
                         "be found in the input '{\"flagged\":false}'");
}

/* For $$ paths AWS prints the $$ path and the context object as the input. */
static void tmpl_context_miss_should_print_the_context_object(void **ctx)
{
    (void)ctx;
    assert_null(eval("{\"value.$\":\"$$.Execution.Input.no_such_jsonpath\"}", "{\"int-literal\":0}"));
    char *context = aslrt_json_text(aslrt_context(&ex));
    assert_non_null(strstr(context, "\"Execution\":{\"Id\":\"arn:aws:states:"));
    char detail[4096];
    snprintf(detail, sizeof detail,
             "The JSONPath '$$.Execution.Input.no_such_jsonpath' specified for the field 'value.$' could "
             "not be found in the input '%s'",
             context);
    free(context);
    assert_runtime_error(detail);
}

static void tmpl_path_into_null_input_should_fail(void **ctx)
{
    (void)ctx;
    assert_null(eval("{\"Input.$\":\"$\",\"Method\":\"GET\"}", "null"));
    assert_runtime_error("Unable to apply Path transformation to null or empty input.");
    check_tmpl("{\"s.$\":\"$$.State.Name\",\"k\":1}", "null", "{\"s\":\"S\",\"k\":1}");
    check_tmpl("{\"k\":1}", "null", "{\"k\":1}");
}

/* A bare path (ErrorPath, CausePath, ...) has no field to name. */
static void tmpl_bare_path_should_fail_with_the_path_cause(void **ctx)
{
    (void)ctx;
    aslrt_tmpl t = {.kind = ASLRT_T_PATH, .path = P("$.ErrorX")};
    cJSON *in = J("{\"Error\":\"error-value\"}");
    assert_null(aslrt_tmpl_eval(&ex, &t, in));
    assert_runtime_error("Invalid path '$.ErrorX' : No results for path: $['ErrorX']");
    t.field = "ErrorPath";
    assert_null(aslrt_tmpl_eval(&ex, &t, in));
    assert_runtime_error("The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found "
                         "in the input '{\"Error\":\"error-value\"}'");
    cJSON_Delete(in);
}

static void tmpl_should_call_intrinsics_with_the_template_input(void **ctx)
{
    (void)ctx;
    aslrt_tmpl args[2] = {{.kind = ASLRT_T_PATH, .path = P("$.x")},
                          {.kind = ASLRT_T_LITERAL, .value = J("\"lit\"")}};
    keep[nkeep++] = (cJSON *)args[1].value;
    aslrt_tmpl call = {.kind = ASLRT_T_CALL, .key = "r", .field = "r.$", .fn = ASLRT_FN_ARRAY,
                       .text = "States.Array($.x, 'lit')", .n = 2, .items = args};
    aslrt_tmpl obj = {.kind = ASLRT_T_OBJECT, .n = 1, .items = &call};
    cJSON *in = J("{\"x\":{\"y\":1}}");
    cJSON *r = aslrt_tmpl_eval(&ex, &obj, in);
    assert_json(r, "{\"r\":[{\"y\":1},\"lit\"]}");
    cJSON_Delete(r);
    cJSON_Delete(in);
}

/* cJSON_AddItemToObject would keep both members "a". */
static void tmpl_should_not_repeat_a_key(void **ctx)
{
    (void)ctx;
    check_tmpl("{\"a\":1,\"a.$\":\"$.v\"}", "{\"v\":2}", "{\"a\":2}");
}

/* A failure deep inside frees everything built so far (ASan checks). */
static void tmpl_should_fail_from_deep_inside_without_leaking(void **ctx)
{
    (void)ctx;
    assert_null(eval("{\"a\":[1,{\"b\":\"x\",\"c\":[{\"d.$\":\"$.missing\"}]}],\"e\":2}", "{\"z\":[1,2,3]}"));
    assert_runtime_error("The JSONPath '$.missing' specified for the field 'd.$' could not be found in the "
                         "input '{\"z\":[1,2,3]}'");
}

/* ------------------------------------------------------------ ResultPath */

static void result_path_null_should_keep_the_raw_input(void **ctx)
{
    (void)ctx;
    st.flags = ASLRT_RESULT_PATH_NULL;
    cJSON *v = J("{\"in\":1}");
    cJSON *before = v;
    assert_int_equal(aslrt_result_path(&ex, &st, &v, J("{\"result\":2}")), 0);
    assert_ptr_equal(v, before);
    assert_json(v, "{\"in\":1}");
    cJSON_Delete(v);
}

static void result_path_absent_should_make_the_result_the_output(void **ctx)
{
    (void)ctx;
    cJSON *v = J("{\"in\":1}");
    cJSON *result = J("{\"result\":2}");
    assert_int_equal(aslrt_result_path(&ex, &st, &v, result), 0);
    assert_ptr_equal(v, result); /* moved, not copied */
    cJSON_Delete(v);
}

static void result_path_should_merge_into_the_raw_input(void **ctx)
{
    (void)ctx;
    st.result_path = P("$.detail.shipped_output");
    cJSON *v = J("{\"detail\":{\"id\":7},\"x\":1}");
    cJSON *result = J("[\"r\"]");
    assert_int_equal(aslrt_result_path(&ex, &st, &v, result), 0);
    assert_json(v, "{\"detail\":{\"id\":7,\"shipped_output\":[\"r\"]},\"x\":1}");
    assert_ptr_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(v, "detail"), "shipped_output"), result);
    cJSON_Delete(v);

    st.result_path = P("$.enigma.mystery");
    v = J("{}");
    assert_int_equal(aslrt_result_path(&ex, &st, &v, J("1")), 0);
    assert_json(v, "{\"enigma\":{\"mystery\":1}}");
    cJSON_Delete(v);

    st.result_path = P("$");
    v = J("{\"a\":1}");
    assert_int_equal(aslrt_result_path(&ex, &st, &v, J("2")), 0);
    assert_json(v, "2");
    cJSON_Delete(v);
}

static void result_path_conflict_should_keep_the_raw_input(void **ctx)
{
    (void)ctx;
    st.result_path = P("$.partitioned");
    cJSON *v = J("\"{\\\"min_size\\\":10000}\"");
    cJSON *before = v;
    assert_int_equal(aslrt_result_path(&ex, &st, &v, J("{\"r\":1}")), -1);
    assert_string_equal(ex.error, "States.ReferencePathConflict");
    assert_string_equal(ex.cause, "Unable to apply ReferencePath $.partitioned to input \"{\\\"min_size\\\":10000}\"");
    assert_ptr_equal(v, before);
    assert_json(v, "\"{\\\"min_size\\\":10000}\"");
    cJSON_Delete(v);
}

/* ------------------------------------------------------------ OutputPath */

static void output_path_null_should_give_empty_object(void **ctx)
{
    (void)ctx;
    st.flags = ASLRT_OUTPUT_PATH_NULL;
    cJSON *v = J("{\"a\":1}");
    assert_int_equal(aslrt_output_path(&ex, &st, &v), 0);
    assert_json(v, "{}");
    cJSON_Delete(v);
}

static void output_path_absent_or_dollar_should_keep_the_document(void **ctx)
{
    (void)ctx;
    cJSON *v = J("{\"a\":1}");
    cJSON *before = v;
    assert_int_equal(aslrt_output_path(&ex, &st, &v), 0);
    st.output_path = P("$");
    assert_int_equal(aslrt_output_path(&ex, &st, &v), 0);
    assert_ptr_equal(v, before);
    cJSON_Delete(v);
}

static void output_path_should_detach_the_selected_node(void **ctx)
{
    (void)ctx;
    st.output_path = P("$.Payload");
    cJSON *v = J("{\"Payload\":{\"k\":[1]},\"StatusCode\":200}");
    cJSON *payload = cJSON_GetObjectItem(v, "Payload");
    assert_int_equal(aslrt_output_path(&ex, &st, &v), 0);
    assert_ptr_equal(v, payload); /* moved, not copied */
    assert_null(v->string);
    assert_json(v, "{\"k\":[1]}");
    cJSON_Delete(v);

    st.output_path = P("$.r.list[-1]");
    v = J("{\"r\":{\"list\":[1,{\"last\":true}]}}");
    assert_int_equal(aslrt_output_path(&ex, &st, &v), 0);
    assert_json(v, "{\"last\":true}");
    cJSON_Delete(v);

    /* a null Payload is a value like any other */
    st.output_path = P("$.Payload");
    v = J("{\"Payload\":null}");
    assert_int_equal(aslrt_output_path(&ex, &st, &v), 0);
    assert_json(v, "null");
    cJSON_Delete(v);
}

/* AWS recording (invalid_jsonpath ST.INVALID_JSONPATH_IN_OUTPUTPATH). */
static void output_path_miss_should_fail_with_aws_cause(void **ctx)
{
    (void)ctx;
    st.name = "pass";
    st.output_path = P("$.NoSuchOutputPath");
    cJSON *v = J("{\"int-literal\":0}");
    assert_int_equal(aslrt_output_path(&ex, &st, &v), -1);
    assert_string_equal(ex.error, "States.Runtime");
    assert_string_equal(ex.cause, "An error occurred while executing the state 'pass' (entered at the event id #2). "
                                  "Invalid path '$.NoSuchOutputPath' : No results for path: $['NoSuchOutputPath']");
    assert_json(v, "{\"int-literal\":0}");
    aslrt_error_clear(&ex);
    st.output_path = P("$.a.b.c");
    assert_int_equal(aslrt_output_path(&ex, &st, &v), -1);
    assert_runtime_error("Invalid path '$.a.b.c' : Missing property in path $['a']");
    cJSON_Delete(v);
}

/* AWS recording (context_object output_path $$.Execution.Input). */
static void output_path_should_read_context_and_indefinite_paths(void **ctx)
{
    (void)ctx;
    st.output_path = P("$$.Execution.Input");
    cJSON *v = J("{\"x\":1}");
    assert_int_equal(aslrt_output_path(&ex, &st, &v), 0);
    assert_json(v, "{\"input-value\":0}");
    st.output_path = P("$.*");
    assert_int_equal(aslrt_output_path(&ex, &st, &v), 0);
    assert_json(v, "[0]");
    cJSON_Delete(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(input_path_should_give_empty_object_for_null),
        T(input_path_should_copy_raw_input_when_absent),
        T(input_path_should_select_a_copy_and_leave_raw_alone),
        T(input_path_should_read_the_context_object),
        T(input_path_should_fail_with_aws_cause_on_miss),
        T(input_path_should_yield_array_for_indefinite_path),
        T(paths_into_null_input_should_fail),
        T(tmpl_should_build_nested_objects_and_arrays),
        T(tmpl_should_keep_plain_strings_literal),
        T(tmpl_should_copy_literals_from_the_definition),
        T(tmpl_should_read_context_paths),
        T(context_parts_read_in_any_order_should_keep_aws_order),
        T(tmpl_should_give_elements_and_arrays_as_aws),
        T(tmpl_should_fail_naming_the_path_field_and_input),
        T(tmpl_context_miss_should_print_the_context_object),
        T(tmpl_path_into_null_input_should_fail),
        T(tmpl_bare_path_should_fail_with_the_path_cause),
        T(tmpl_should_call_intrinsics_with_the_template_input),
        T(tmpl_should_not_repeat_a_key),
        T(tmpl_should_fail_from_deep_inside_without_leaking),
        T(result_path_null_should_keep_the_raw_input),
        T(result_path_absent_should_make_the_result_the_output),
        T(result_path_should_merge_into_the_raw_input),
        T(result_path_conflict_should_keep_the_raw_input),
        T(output_path_null_should_give_empty_object),
        T(output_path_absent_or_dollar_should_keep_the_document),
        T(output_path_should_detach_the_selected_node),
        T(output_path_miss_should_fail_with_aws_cause),
        T(output_path_should_read_context_and_indefinite_paths),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
