/* test_intrinsics.c — intrinsic functions: parsing (compiler/intrinsic.c) and
   evaluation (runtime/intrinsics.c). Expected values come from asl-reference
   §5 and the AWS recordings in ../shared/conformance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "arena.h"
#include "exec.h"
#include "intrinsic.h"
#include "intrinsics.h"

/* ------------------------------------------------------------ helpers */

static asl_arena *g_arena;

static int setup(void **state)
{
    (void)state;
    g_arena = asl_arena_new();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    asl_arena_free(g_arena);
    g_arena = NULL;
    return 0;
}

/* Parses text, failing the test with the parser's message if it is rejected. */
static const aslrt_tmpl *parse_ok(const char *text)
{
    const char *err = NULL;
    const aslrt_tmpl *t = asl_intrinsic_parse(g_arena, text, &err);
    if (!t)
        fail_msg("rejected %s: %s", text, err ? err : "(no message)");
    return t;
}

/* Asserts that text is rejected with a message containing `needle`. */
static void parse_rejects(const char *text, const char *needle)
{
    const char *err = NULL;
    const aslrt_tmpl *t = asl_intrinsic_parse(g_arena, text, &err);
    if (t)
        fail_msg("accepted %s", text);
    assert_non_null(err);
    if (!strstr(err, needle))
        fail_msg("rejected %s with \"%s\", expected a message containing \"%s\"", text, err, needle);
}

static const aslrt_state k_state = {.name = "S"};

/* Evaluates call over input (JSON text) with field "x.$"; returns the
   result as compact JSON (malloc'd), or NULL with *ex holding the error. */
static char *eval_in(aslrt_exec *ex, const char *call, const char *input)
{
    aslrt_tmpl t = *parse_ok(call);
    t.key = "x";
    t.field = "x.$";
    cJSON *in = cJSON_Parse(input);
    assert_non_null(in);
    memset(ex, 0, sizeof *ex);
    ex->state = &k_state;
    ex->entered_event_id = 2;
    cJSON *r = aslrt_intrinsic_call(ex, &t, in);
    cJSON_Delete(in);
    if (!r) {
        assert_non_null(ex->error);
        return NULL;
    }
    assert_null(ex->error);
    char *s = cJSON_PrintUnformatted(r);
    cJSON_Delete(r);
    return s;
}

/* call over input must give exactly `expected` (compact JSON). */
static void expect_json(const char *call, const char *input, const char *expected)
{
    aslrt_exec ex;
    char *got = eval_in(&ex, call, input);
    if (!got) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s failed: %s: %s", call, ex.error, ex.cause ? ex.cause : "");
        aslrt_error_clear(&ex);
        fail_msg("%s", msg);
    }
    if (strcmp(got, expected) != 0) {
        char msg[2048];
        snprintf(msg, sizeof msg, "%s gave %s, expected %s", call, got, expected);
        free(got);
        fail_msg("%s", msg);
    }
    free(got);
}

/* call over input must fail with `error` and a cause containing `needle`. */
static void expect_error(const char *call, const char *input, const char *error, const char *needle)
{
    aslrt_exec ex;
    char *got = eval_in(&ex, call, input);
    if (got) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s gave %s, expected %s", call, got, error);
        free(got);
        fail_msg("%s", msg);
    }
    int ok = strcmp(ex.error, error) == 0 && ex.cause && strstr(ex.cause, needle);
    if (!ok) {
        char msg[2048];
        snprintf(msg, sizeof msg, "%s failed with %s: %s; expected %s containing \"%s\"", call, ex.error,
                 ex.cause ? ex.cause : "(no cause)", error, needle);
        aslrt_error_clear(&ex);
        fail_msg("%s", msg);
    }
    aslrt_error_clear(&ex);
}

/* ------------------------------------------------------------ parser */

static void parse_should_build_call_with_literal_arguments(void **state)
{
    (void)state;
    const aslrt_tmpl *t = parse_ok("States.Array('a b', 1, -2.5e1, true, false, null)");
    assert_int_equal(t->kind, ASLRT_T_CALL);
    assert_int_equal(t->fn, ASLRT_FN_ARRAY);
    assert_string_equal(t->text, "States.Array('a b', 1, -2.5e1, true, false, null)");
    assert_int_equal(t->n, 6);
    for (int i = 0; i < 6; i++)
        assert_int_equal(t->items[i].kind, ASLRT_T_LITERAL);
    assert_true(cJSON_IsString(t->items[0].value));
    assert_string_equal(t->items[0].value->valuestring, "a b");
    assert_true(cJSON_IsNumber(t->items[1].value));
    assert_true(t->items[1].value->valuedouble == 1.0);
    assert_int_equal(t->items[1].value->valueint, 1);
    assert_true(t->items[2].value->valuedouble == -25.0);
    assert_true(cJSON_IsTrue(t->items[3].value));
    assert_true(cJSON_IsFalse(t->items[4].value));
    assert_true(cJSON_IsNull(t->items[5].value));
}

static void parse_should_decode_the_four_escapes(void **state)
{
    (void)state;
    /* As written in the call: 'a\'b\{\}\\c' */
    const aslrt_tmpl *t = parse_ok("States.StringSplit('a\\'b\\{\\}\\\\c', ',')");
    assert_string_equal(t->items[0].value->valuestring, "a'b{}\\c");
}

static void parse_should_keep_escapes_in_a_format_template(void **state)
{
    (void)state;
    const aslrt_tmpl *t = parse_ok("States.Format('\\{{}\\}', 1)");
    assert_string_equal(t->items[0].value->valuestring, "\\{{}\\}");
}

static void parse_should_accept_unescaped_braces_and_quotes_in_literals(void **state)
{
    (void)state;
    /* Accepted by AWS (conformance json_merge_escaped_argument). */
    const aslrt_tmpl *t = parse_ok("States.StringToJson('{\"constant_in_literal\": \"false\"}')");
    assert_string_equal(t->items[0].value->valuestring, "{\"constant_in_literal\": \"false\"}");
    /* A real newline (JSON "\n" in the definition) is fine. */
    t = parse_ok("States.StringSplit('Hello\nWorld', '\n')");
    assert_string_equal(t->items[0].value->valuestring, "Hello\nWorld");
}

static void parse_should_reject_other_backslash_sequences(void **state)
{
    (void)state;
    parse_rejects("States.Format('a \\\"quoted\\\" b')", "invalid escape '\\\"'");
    parse_rejects("States.Format('a\\nb')", "invalid escape '\\n'");
    parse_rejects("States.Format('trailing\\", "unterminated string");
    parse_rejects("States.Format('never closed)", "unterminated string");
}

static void parse_should_allow_whitespace_between_arguments(void **state)
{
    (void)state;
    const aslrt_tmpl *t = parse_ok("States.Format(  '{} {}' ,\t$.a ,\n 2  )");
    assert_int_equal(t->n, 3);
    assert_int_equal(t->items[1].kind, ASLRT_T_PATH);
    assert_string_equal(t->items[1].path->text, "$.a");
    t = parse_ok("States.UUID( )");
    assert_int_equal(t->n, 0);
}

static void parse_should_end_path_arguments_outside_brackets(void **state)
{
    (void)state;
    const aslrt_tmpl *t = parse_ok("States.Format('{} {} {}', $['a,b)'], $$.Execution.Name, $myVar.x)");
    assert_int_equal(t->n, 4);
    assert_string_equal(t->items[1].path->text, "$['a,b)']");
    assert_int_equal(t->items[1].path->root, ASLRT_ROOT_INPUT);
    assert_string_equal(t->items[2].path->text, "$$.Execution.Name");
    assert_int_equal(t->items[2].path->root, ASLRT_ROOT_CONTEXT);
    assert_string_equal(t->items[3].path->text, "$myVar.x");
    assert_int_equal(t->items[3].path->root, ASLRT_ROOT_VAR);
    t = parse_ok("States.ArrayLength($.items[?(@.n == 1)])");
    assert_string_equal(t->items[0].path->text, "$.items[?(@.n == 1)]");
}

static void parse_should_build_nested_calls(void **state)
{
    (void)state;
    const aslrt_tmpl *t = parse_ok("States.ArrayGetItem(States.StringSplit($.s, ','), 0)");
    assert_int_equal(t->fn, ASLRT_FN_ARRAY_GET_ITEM);
    assert_int_equal(t->items[0].kind, ASLRT_T_CALL);
    assert_int_equal(t->items[0].fn, ASLRT_FN_STRING_SPLIT);
    assert_string_equal(t->items[0].text, "States.StringSplit($.s, ',')");
    assert_int_equal(t->items[1].kind, ASLRT_T_LITERAL);
}

/* "States.MathAdd(" n times, then 1, then ", 1)" n times. */
static char *nested_math_add(int n)
{
    char *s = malloc((size_t)n * 19 + 2), *p = s;
    for (int i = 0; i < n; i++)
        p += sprintf(p, "States.MathAdd(");
    p += sprintf(p, "1");
    for (int i = 0; i < n; i++)
        p += sprintf(p, ", 1)");
    return s;
}

static void parse_should_allow_ten_nested_calls_and_reject_eleven(void **state)
{
    (void)state;
    char *ten = nested_math_add(10), *eleven = nested_math_add(11);
    parse_ok(ten);
    parse_rejects(eleven, "nested more than 10");
    expect_json(ten, "{}", "11");
    free(ten);
    free(eleven);
}

static void parse_should_reject_deep_nesting_without_overflowing_the_stack(void **state)
{
    (void)state;
    char *deep = nested_math_add(100000);
    parse_rejects(deep, "nested more than 10");
    free(deep);
}

static void parse_should_name_unknown_functions(void **state)
{
    (void)state;
    const aslrt_tmpl *t = parse_ok("States.Format('{}', States.Formt('x'))");
    assert_int_equal(t->items[1].fn, ASLRT_FN_UNKNOWN);
    assert_string_equal(asl_intrinsic_unknown(g_arena, t),
                        "unknown intrinsic function 'States.Formt' (did you mean 'States.Format'?)");
    assert_string_equal(asl_intrinsic_unknown(g_arena, parse_ok("States.Nope()")),
                        "unknown intrinsic function 'States.Nope'");
    assert_null(asl_intrinsic_unknown(g_arena, parse_ok("States.Format('x')")));
    parse_rejects("States.Nope", "unknown intrinsic function 'States.Nope'");
    parse_rejects("States.Nope(1", "missing ')' to close States.Nope");
    parse_rejects("Format('x')", "expected an intrinsic function call");
    parse_rejects("", "expected an intrinsic function call");
}

static void parse_should_check_argument_counts(void **state)
{
    (void)state;
    static const struct { const char *text; const char *needle; } bad[] = {
        {"States.Format()", "States.Format takes at least 1 argument, not 0"},
        {"States.Hash('x')", "States.Hash takes 2 arguments, not 1"},
        {"States.UUID(1)", "States.UUID takes no arguments, not 1"},
        {"States.MathRandom(1)", "States.MathRandom takes 2 or 3 arguments, not 1"},
        {"States.MathRandom(1, 2, 3, 4)", "2 or 3 arguments, not 4"},
        {"States.JsonMerge($.a, $.b)", "States.JsonMerge takes 3 arguments, not 2"},
        {"States.ArrayPartition($.a)", "takes 2 arguments"},
        {"States.ArrayRange(1, 2)", "takes 3 arguments"},
        {"States.StringToJson()", "takes 1 argument, not 0"},
        {"States.ArrayLength($.a, $.b)", "takes 1 argument, not 2"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        parse_rejects(bad[i].text, bad[i].needle);
    parse_ok("States.Array()");
    parse_ok("States.MathRandom(1, 2)");
    parse_ok("States.MathRandom(1, 2, 3)");
    parse_ok("States.Format('x')");
}

/* aslrt.h's ASLRT_INTRINSICS is the one list of intrinsics: each listed
   function parses by its name into its constant, and running it reaches an
   implementation whose result has the type the list declares (so a line whose
   impl or result column is wrong fails here). A new intrinsic needs a sample
   call below. */
static void every_listed_intrinsic_should_parse_and_run_as_its_line_says(void **state)
{
    (void)state;
    static const struct { const char *call; } samples[] = {
        {"States.Format('{} and {}', 1, 'b')"}, {"States.StringToJson('[1]')"}, {"States.JsonToString($.a)"},
        {"States.Array(1, 'two')"}, {"States.ArrayPartition($.a, 1)"}, {"States.ArrayContains($.a, 1)"},
        {"States.ArrayRange(1, 5, 2)"}, {"States.ArrayGetItem($.a, 0)"}, {"States.ArrayLength($.a)"},
        {"States.ArrayUnique($.a)"}, {"States.Base64Encode('hi')"}, {"States.Base64Decode('aGk=')"},
        {"States.Hash('x', 'SHA-256')"}, {"States.JsonMerge($.o, $.o, false)"}, {"States.MathRandom(1, 9)"},
        {"States.MathAdd(1, 2)"}, {"States.StringSplit('a,b', ',')"}, {"States.UUID()"},
    };
#define STR cJSON_String
#define NUM cJSON_Number
#define BOOL (cJSON_True | cJSON_False)
#define ARR cJSON_Array
#define OBJ cJSON_Object
#define ANY 0xff
    static const struct { int fn; const char *name; int ret; } listed[] = {
#define X(id, name, impl, min, max, ret, ...) {ASLRT_FN_##id, name, ret},
        ASLRT_INTRINSICS(X)
#undef X
    };
#undef STR
#undef NUM
#undef BOOL
#undef ARR
#undef OBJ
#undef ANY
    assert_int_equal(sizeof listed / sizeof listed[0], ASLRT_FN_COUNT);
    for (size_t i = 0; i < sizeof listed / sizeof listed[0]; i++) {
        const char *call = NULL;
        size_t len = strlen(listed[i].name);
        for (size_t k = 0; k < sizeof samples / sizeof samples[0] && !call; k++)
            if (strncmp(samples[k].call, listed[i].name, len) == 0 && samples[k].call[len] == '(')
                call = samples[k].call;
        if (!call)
            fail_msg("no sample call of %s in this test", listed[i].name);
        const aslrt_tmpl *t = parse_ok(call);
        assert_int_equal(t->fn, listed[i].fn);
        aslrt_exec ex;
        char *got = eval_in(&ex, call, "{\"a\": [1, 1, 2], \"o\": {\"k\": 1}}");
        if (!got)
            fail_msg("%s failed: %s", call, ex.cause ? ex.cause : ex.error);
        cJSON *r = cJSON_Parse(got);
        free(got);
        assert_non_null(r);
        if (!(r->type & listed[i].ret))
            fail_msg("%s gave a value of type %d, not of the listed result type", call, r->type);
        cJSON_Delete(r);
    }
}

static void parse_should_check_literal_argument_types_and_values(void **state)
{
    (void)state;
    static const struct { const char *text; const char *needle; } bad[] = {
        {"States.Hash('x', 'SHA256')", "unknown hash algorithm 'SHA256' (did you mean 'SHA-256'?)"},
        {"States.Hash('x', 'sha-1')", "unknown hash algorithm 'sha-1'"},
        {"States.Hash('x', 1)", "argument 2 of States.Hash must be a string, not a number"},
        {"States.JsonMerge($.a, $.b, true)", "third argument must be false"},
        {"States.JsonMerge($.a, $.b, 'false')", "argument 3 of States.JsonMerge must be a boolean"},
        {"States.ArrayLength('abc')", "argument 1 of States.ArrayLength must be an array, not a string"},
        {"States.ArrayLength(States.Format('x'))", "must be an array, not a string"},
        {"States.MathAdd('1', 2)", "argument 1 of States.MathAdd must be a number"},
        {"States.MathAdd(2147483648, 0)", "between -2147483648 and 2147483647"},
        {"States.Format(1)", "argument 1 of States.Format must be a string"},
        {"States.Format('{} {}', 1)", "2 placeholders {} but 1 value follows"},
        {"States.Format('\\{}', 1)", "0 placeholders {} but 1 value follows"},
        {"States.ArrayRange(0, 2000, 1)", "2001 items; at most 1000"},
        {"States.ArrayRange(0, 10, 0)", "step of States.ArrayRange must not be 0"},
        {"States.ArrayPartition($.a, 0)", "argument 2 of States.ArrayPartition must be between 1"},
        {"States.ArrayGetItem($.a, -1)", "argument 2 of States.ArrayGetItem must be between 0"},
        {"States.MathRandom(5, 5)", "greater than its start"},
        {"States.StringSplit($.a, null)", "must be a string, not null"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        parse_rejects(bad[i].text, bad[i].needle);
    parse_ok("States.ArrayRange(0, 999, 1)");
    parse_ok("States.ArrayRange(0, 10, -1)");
    parse_ok("States.Format('{} \\{\\}', 1)");
    parse_ok("States.JsonMerge($.a, $.b, false)");
}

static void parse_should_limit_literal_input_to_10000_characters(void **state)
{
    (void)state;
    char *s = malloc(10040);
    memcpy(s, "States.Base64Encode('", 21);
    memset(s + 21, 'a', 10000);
    strcpy(s + 21 + 10000, "')");
    parse_ok(s);
    memset(s + 21, 'a', 10001);
    strcpy(s + 21 + 10001, "')");
    parse_rejects(s, "limited to 10000 characters");
    free(s);
}

static void parse_should_reject_malformed_calls(void **state)
{
    (void)state;
    static const struct { const char *text; const char *needle; } bad[] = {
        {"States.Format('x') extra", "unexpected text after the call"},
        {"States.Format", "expected '(' after States.Format"},
        {"States.Format ('x')", "expected '(' after States.Format"},
        {"States.Format('x'", "missing ')'"},
        {"States.Format('a' 'b')", "expected ',' or ')'"},
        {"States.Format('{}', )", "unexpected ''"},
        {"States.Array(1.)", "invalid number '1.'"},
        {"States.Array(01)", "invalid number '01'"},
        {"States.Array(--1)", "invalid number '--1'"},
        {"States.Array(1e)", "invalid number '1e'"},
        {"States.Array(1e999)", "out of range"},
        {"States.Array(truex)", "unexpected 'truex'"},
        {"States.Array(\"x\")", "unexpected '\"x\"'"},
        {"States.Array($.a b)", "invalid path '$.a b'"},
        {"States.Array($..)", "invalid path"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        parse_rejects(bad[i].text, bad[i].needle);
}

/* ------------------------------------------------------------ functions */

static void format_should_render_values_as_aws_does(void **state)
{
    (void)state;
    /* Conformance generic__format_1/2. */
    expect_json("States.Format('Formatting argument {}.', $.v)", "{\"v\":\"HelloWorld\"}",
                "\"Formatting argument HelloWorld.\"");
    expect_json("States.Format('Formatting argument {}.', $.v)", "{\"v\":1.1}", "\"Formatting argument 1.1.\"");
    expect_json("States.Format('Formatting argument {}.', $.v)", "{\"v\":1}", "\"Formatting argument 1.\"");
    expect_json("States.Format('fst={} and snd={}.', $.a, $.b)",
                "{\"a\":{\"Arg1\":1,\"Arg2\":[]},\"b\":\"{\\\"Arg1\\\": 1}\"}",
                "\"fst={Arg1=1, Arg2=[]} and snd={\\\"Arg1\\\": 1}.\"");
    expect_json("States.Format('{}|{}|{}|{}', $.a, $.b, $.c, $.d)",
                "{\"a\":[1,\"x\",[true,null]],\"b\":null,\"c\":false,\"d\":{\"k\":{\"n\":\"s\"}}}",
                "\"[1, x, [true, null]]|null|false|{k={n=s}}\"");
    expect_json("States.Format('Format:{}', 101)", "{}", "\"Format:101\"");
}

static void format_should_treat_escaped_braces_as_text(void **state)
{
    (void)state;
    expect_json("States.Format('\\{\\} {} \\\\ \\'q\\'', 7)", "{}", "\"{} 7 \\\\ 'q'\"");
    /* A template from a path has no escapes: `{}` is a placeholder. */
    expect_json("States.Format($.t, 'Pikachu')", "{\"t\":\"It's {}!\"}", "\"It's Pikachu!\"");
}

static void format_should_fail_when_values_and_placeholders_differ(void **state)
{
    (void)state;
    expect_error("States.Format($.t, 1)", "{\"t\":\"{} {}\"}", "States.IntrinsicFailure",
                 "States.Format($.t, 1): the template has 2 placeholders {} but 1 value was given");
    expect_error("States.Format($.t)", "{\"t\":5}", "States.IntrinsicFailure", "argument 1 must be a string, not a number");
}

static void string_to_json_should_parse_and_give_null_for_blank(void **state)
{
    (void)state;
    expect_json("States.StringToJson($.s)", "{\"s\":\"\"}", "null");
    expect_json("States.StringToJson($.s)", "{\"s\":\" \"}", "null");
    expect_json("States.StringToJson($.s)", "{\"s\":\"null\"}", "null");
    expect_json("States.StringToJson($.s)", "{\"s\":\"1\"}", "1");
    expect_json("States.StringToJson($.s)", "{\"s\":\"-0\"}", "0");
    expect_json("States.StringToJson($.s)", "{\"s\":\"true\"}", "true");
    expect_json("States.StringToJson($.s)", "{\"s\":\"{\\\"Arg1\\\": 1, \\\"Arg2\\\": []}\"}",
                "{\"Arg1\":1,\"Arg2\":[]}");
    expect_error("States.Default($.s, 1)", "{\"s\":2}", "States.IntrinsicFailure",
                 "Unknown intrinsic function 'States.Default'");
    expect_error("States.StringToJson($.s)", "{\"s\":\"{oops\"}", "States.IntrinsicFailure", "not valid JSON");
    expect_error("States.StringToJson($.s)", "{\"s\":\"1 2\"}", "States.IntrinsicFailure", "not valid JSON");
    expect_error("States.StringToJson($.s)", "{\"s\":[]}", "States.IntrinsicFailure", "must be a string");
}

/* Whether two trees are the same node for node: types and flags, keys,
   numbers (bit for bit, valueint too), strings, and cJSON's links (a first
   child's prev is the last one). */
static int same_tree(const cJSON *a, const cJSON *b)
{
    if (a->type != b->type || a->valueint != b->valueint ||
        memcmp(&a->valuedouble, &b->valuedouble, sizeof a->valuedouble) != 0)
        return 0;
    if (!a->string != !b->string || (a->string && strcmp(a->string, b->string) != 0))
        return 0;
    if (!a->valuestring != !b->valuestring || (a->valuestring && strcmp(a->valuestring, b->valuestring) != 0))
        return 0;
    const cJSON *x = a->child, *y = b->child;
    for (; x && y; x = x->next, y = y->next)
        if (!same_tree(x, y) || (x->next && x->next->prev != x))
            return 0;
    if (x || y)
        return 0;
    if (a->child) {
        const cJSON *last = a->child;
        while (last->next)
            last = last->next;
        if (a->child->prev != last)
            return 0;
    }
    return 1;
}

/* StringToJson reads common text itself and leaves the rest to cJSON: either
   way the tree is the one cJSON_Parse builds (top-level -0 aside), and text
   cJSON rejects is an error. */
static void string_to_json_should_build_the_tree_cjson_builds(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "{\"a\":1,\"b\":[true,null,\"x\"],\"c\":{\"d\":2.5}}", "[]", "{}", " [ 1 , 2 ] ", "\t{\r\n}\n",
        "true", "false", "null", "0", "-0.0", "[-0]", "0.1", "1e22", "1e23", "-1e-22", "1E+5", "123456789012345",
        "9007199254740993", "12345678901234567890", "0.000000000000000000001", "1.7976931348623157e308", "1e309",
        "5e-324", "[0.1,0.2,0.30000000000000004]", "2147483647", "2147483648", "-2147483649", "1.5e3",
        "\"plain\"", "\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t\"", "\"\\u00e9\\ud83d\\ude00\"",
        "\"raw \x01 ctl\"", "\"caf\xc3\xa9\"", "{\"a\":1,\"a\":2}", "{\"\":0}", "{\"k\\n\":[{}]}",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "\xef\xbb\xbf[1]",
        "\x0b1", "01", "1.", ".5", "+1", "-", "1e", "1.5.3", "0x10", "NaN", "nul", "truex", "[1,]", "[1 2]",
        "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "\"\\x\"", "\"\\u12\"", "\"open", "[", "1 2", "123abc",
        "1111111111111111111111111111111111111111111111111111111111111111111111",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        cJSON *in = cJSON_CreateObject();
        cJSON_AddStringToObject(in, "s", texts[i]);
        aslrt_tmpl t = *parse_ok("States.StringToJson($.s)");
        aslrt_exec ex;
        memset(&ex, 0, sizeof ex);
        ex.state = &k_state;
        cJSON *got = aslrt_intrinsic_call(&ex, &t, in);
        const char *end = NULL;
        cJSON *want = cJSON_ParseWithOpts(texts[i], &end, 1);
        if (want && cJSON_IsNumber(want) && want->valuedouble == 0)
            want->valuedouble = 0;
        if (!want) {
            if (got)
                fail_msg("%s: parsed, but cJSON rejects it", texts[i]);
            assert_string_equal(ex.error, "States.IntrinsicFailure");
            char offset[64];
            snprintf(offset, sizeof offset, "(at offset %ld)", end ? (long)(end - texts[i]) : 0L);
            assert_non_null(strstr(ex.cause, offset));
        } else if (!got || !same_tree(got, want)) {
            fail_msg("%s: not the tree cJSON builds", texts[i]);
        }
        aslrt_error_clear(&ex);
        cJSON_Delete(got);
        cJSON_Delete(want);
        cJSON_Delete(in);
    }
}

/* Numbers come out as the nearest double, exactly; -0 stays -0 inside. */
static void string_to_json_should_read_numbers_exactly(void **state)
{
    (void)state;
    aslrt_exec ex;
    memset(&ex, 0, sizeof ex);
    ex.state = &k_state;
    aslrt_tmpl t = *parse_ok("States.StringToJson('[0.1, 2.5e-3, -0, 1e22, 4.35, 9007199254740993, -12.5E2]')");
    cJSON *r = aslrt_intrinsic_call(&ex, &t, NULL);
    assert_non_null(r);
    const double want[] = {0.1, 2.5e-3, -0.0, 1e22, 4.35, 9007199254740992.0, -1250};
    const cJSON *x = r->child;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++, x = x->next) {
        assert_non_null(x);
        assert_true(cJSON_IsNumber(x));
        assert_memory_equal(&x->valuedouble, &want[i], sizeof want[i]);
    }
    assert_null(x);
    cJSON_Delete(r);
}

/* Numbers of every shape (up to 19 digits, exponents either side of +-22,
   signs) read as strtod() reads them: the nearest double. */
static void string_to_json_should_read_numbers_as_strtod_does(void **state)
{
    (void)state;
    uint64_t seed = 12345;
    for (int i = 0; i < 5000; i++) {
        seed = seed * 6364136223846793005u + 1442695040888963407u; /* an LCG: reproducible */
        uint64_t r = seed >> 11;
        char text[64];
        unsigned long long mant = (r % 10000000000000000000u) >> (r % 40); /* 1 to 19 digits */
        int frac = (int)((r >> 8) % 20), exp = (int)((r >> 16) % 60) - 30;
        char digits[32];
        snprintf(digits, sizeof digits, "%llu", mant);
        size_t nd = strlen(digits);
        int point = frac < (int)nd ? (int)nd - frac : 0; /* digits before the point */
        snprintf(text, sizeof text, "%s%.*s%s%s%s", r & 1 ? "-" : "", point ? point : 1, point ? digits : "0",
                 point < (int)nd ? "." : "", digits + point, "");
        if (r & 2)
            snprintf(text + strlen(text), sizeof text - strlen(text), "e%d", exp);
        cJSON *in = cJSON_CreateObject();
        cJSON_AddStringToObject(in, "s", text);
        aslrt_tmpl t = *parse_ok("States.StringToJson($.s)");
        aslrt_exec ex;
        memset(&ex, 0, sizeof ex);
        cJSON *got = aslrt_intrinsic_call(&ex, &t, in);
        if (!got || !cJSON_IsNumber(got))
            fail_msg("%s: not a number", text);
        double want = strtod(text, NULL);
        if (want == 0)
            want = 0; /* -0 => 0 */
        if (memcmp(&got->valuedouble, &want, sizeof want) != 0)
            fail_msg("%s: read as %.17g, not %.17g", text, got->valuedouble, want);
        cJSON_Delete(got);
        cJSON_Delete(in);
    }
}

static void json_to_string_should_give_compact_json(void **state)
{
    (void)state;
    expect_json("States.JsonToString($.v)", "{\"v\":0}", "\"0\"");
    expect_json("States.JsonToString($.v)", "{\"v\":true}", "\"true\"");
    expect_json("States.JsonToString($.v)", "{\"v\":\"HelloWorld\"}", "\"\\\"HelloWorld\\\"\"");
    expect_json("States.JsonToString($.v)", "{\"v\":[1, 2, \"HelloWorld\"]}", "\"[1,2,\\\"HelloWorld\\\"]\"");
    expect_json("States.JsonToString($.v)", "{\"v\":{\"Arg1\": 1, \"Arg2\": []}}", "\"{\\\"Arg1\\\":1,\\\"Arg2\\\":[]}\"");
    expect_json("States.JsonToString($.v)", "{\"v\":null}", "\"null\"");
}

static void array_should_collect_arguments_in_order(void **state)
{
    (void)state;
    expect_json("States.Array('a', 'b', 'c')", "{}", "[\"a\",\"b\",\"c\"]");
    expect_json("States.Array($.a, $.b, 1.5, null, States.Array())", "{\"a\":{\"Arg1\":1,\"Arg2\":[]},\"b\":\"\"}",
                "[{\"Arg1\":1,\"Arg2\":[]},\"\",1.5,null,[]]");
    expect_json("States.Array()", "{}", "[]");
}

static void array_partition_should_chunk(void **state)
{
    (void)state;
    expect_json("States.ArrayPartition($.a, $.n)", "{\"a\":[0,1,2,3],\"n\":3}", "[[0,1,2],[3]]");
    expect_json("States.ArrayPartition($.a, $.n)", "{\"a\":[0,1],\"n\":1}", "[[0],[1]]");
    expect_json("States.ArrayPartition($.a, $.n)", "{\"a\":[0,1,2],\"n\":5}", "[[0,1,2]]");
    expect_json("States.ArrayPartition($.a, $.n)", "{\"a\":[],\"n\":5}", "[]");
    expect_json("States.ArrayPartition(States.Array(1, 2, 3), 2)", "{}", "[[1,2],[3]]");
    expect_error("States.ArrayPartition($.a, $.n)", "{\"a\":[1],\"n\":0}", "States.IntrinsicFailure",
                 "argument 2 must be an integer between 1 and 2147483647, not 0");
    expect_error("States.ArrayPartition($.a, 2)", "{\"a\":{}}", "States.IntrinsicFailure",
                 "argument 1 must be an array, not an object");
}

static void array_contains_should_compare_deeply(void **state)
{
    (void)state;
    expect_json("States.ArrayContains($.a, $.v)", "{\"a\":[],\"v\":1}", "false");
    expect_json("States.ArrayContains($.a, $.v)", "{\"a\":[{\"1\":2,\"2\":[]}],\"v\":{\"2\":[],\"1\":2}}", "true");
    expect_json("States.ArrayContains($.a, $.v)", "{\"a\":[true,false],\"v\":false}", "true");
    expect_json("States.ArrayContains($.a, 5)", "{\"a\":[1,2,3,4,5,6]}", "true");
    expect_json("States.ArrayContains($.a, 1)", "{\"a\":[1.0]}", "true");
    expect_json("States.ArrayContains($.a, '1')", "{\"a\":[1]}", "false");
    expect_json("States.ArrayContains($.a, $.v)", "{\"a\":[[1,2]],\"v\":[2,1]}", "false");
}

static void array_range_should_include_end_when_hit(void **state)
{
    (void)state;
    expect_json("States.ArrayRange($.a, $.b, $.c)", "{\"a\":0,\"b\":10,\"c\":3}", "[0,3,6,9]");
    expect_json("States.ArrayRange($.a, $.b, $.c)", "{\"a\":1,\"b\":9,\"c\":9}", "[1]");
    expect_json("States.ArrayRange(1, 9, 2)", "{}", "[1,3,5,7,9]");
    expect_json("States.ArrayRange(0, 3, 1)", "{}", "[0,1,2,3]");
    expect_json("States.ArrayRange(10, 0, -4)", "{}", "[10,6,2]");
    expect_json("States.ArrayRange(5, 0, 1)", "{}", "[]");
    expect_error("States.ArrayRange(0, $.b, 1)", "{\"b\":1000}", "States.IntrinsicFailure",
                 "the range has 1001 items; at most 1000 are allowed");
    expect_error("States.ArrayRange(0, 1, $.c)", "{\"c\":0}", "States.IntrinsicFailure", "the step must not be 0");
}

static void array_range_should_allow_exactly_1000_items(void **state)
{
    (void)state;
    aslrt_exec ex;
    char *s = eval_in(&ex, "States.ArrayRange(1, $.b, 1)", "{\"b\":1000}");
    assert_non_null(s);
    cJSON *r = cJSON_Parse(s);
    assert_int_equal(cJSON_GetArraySize(r), 1000);
    cJSON_Delete(r);
    free(s);
}

static void array_get_item_should_index_from_zero(void **state)
{
    (void)state;
    expect_json("States.ArrayGetItem($.a, $.i)", "{\"a\":[1,2,3,4,5,6,7,8,9],\"i\":5}", "6");
    expect_json("States.ArrayGetItem($.a, 0)", "{\"a\":[{\"k\":[1]}]}", "{\"k\":[1]}");
    expect_json("States.ArrayGetItem(States.StringSplit('a,b', ','), 1)", "{}", "\"b\"");
    expect_error("States.ArrayGetItem($.a, 3)", "{\"a\":[1,2,3]}", "States.IntrinsicFailure",
                 "States.ArrayGetItem($.a, 3): index 3 is out of range for an array of 3 items");
    expect_error("States.ArrayGetItem($.a, $.i)", "{\"a\":[1],\"i\":-1}", "States.IntrinsicFailure",
                 "argument 2 must be an integer between 0");
}

static void array_length_and_unique_should_work(void **state)
{
    (void)state;
    expect_json("States.ArrayLength($.a)", "{\"a\":[1,2,3,4,5,6,7,8,9]}", "9");
    expect_json("States.ArrayLength($.a)", "{\"a\":[]}", "0");
    expect_json("States.ArrayUnique($.a)", "{\"a\":[1,2,2,3,3,4]}", "[1,2,3,4]");
    expect_json("States.ArrayUnique($.a)",
                "{\"a\":[null,null,true,true,false,false,1,1,1.1,0,0,\"HelloWorld\",\"HelloWorld\",[],[],"
                "[null],[null],{\"a\":1,\"b\":2},{\"b\":2,\"a\":1},{\"a\":1,\"b\":1},1.0,-0,\"1\"]}",
                "[null,true,false,1,1.1,0,\"HelloWorld\",[],[null],{\"a\":1,\"b\":2},{\"a\":1,\"b\":1},\"1\"]");
    expect_error("States.ArrayLength($.a)", "{\"a\":\"abc\"}", "States.IntrinsicFailure",
                 "States.ArrayLength($.a): argument 1 must be an array, not a string");
}

static void array_unique_should_scale_to_large_arrays(void **state)
{
    (void)state;
    cJSON *in = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(in, "a");
    for (int i = 0; i < 60000; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(i % 30000));
    char *text = cJSON_PrintUnformatted(in);
    cJSON_Delete(in);
    aslrt_exec ex;
    char *s = eval_in(&ex, "States.ArrayLength(States.ArrayUnique($.a))", text);
    assert_non_null(s);
    assert_string_equal(s, "30000");
    free(s);
    free(text);
}

static void base64_should_round_trip_the_reference_vector(void **state)
{
    (void)state;
    expect_json("States.Base64Encode($.s)", "{\"s\":\"Data to encode\"}", "\"RGF0YSB0byBlbmNvZGU=\"");
    expect_json("States.Base64Decode($.s)", "{\"s\":\"RGF0YSB0byBlbmNvZGU=\"}", "\"Data to encode\"");
    expect_json("States.Base64Encode($.s)", "{\"s\":\"\"}", "\"\"");
    expect_json("States.Base64Decode($.s)", "{\"s\":\"\"}", "\"\"");
    expect_json("States.Base64Encode('Hello World')", "{}", "\"SGVsbG8gV29ybGQ=\"");
    expect_json("States.Base64Encode('ab')", "{}", "\"YWI=\"");
    expect_json("States.Base64Decode('YWI')", "{}", "\"ab\"");
    expect_json("States.Base64Decode('w6k=')", "{}", "\"\xc3\xa9\"");
    expect_error("States.Base64Decode('YW*=')", "{}", "States.IntrinsicFailure", "not valid base64");
    expect_error("States.Base64Decode('Y')", "{}", "States.IntrinsicFailure", "not valid base64");
    expect_error("States.Base64Decode('YWI==')", "{}", "States.IntrinsicFailure", "not valid base64");
    expect_error("States.Base64Decode('AA==')", "{}", "States.IntrinsicFailure", "not UTF-8 text");
    expect_error("States.Base64Decode('/w==')", "{}", "States.IntrinsicFailure", "not UTF-8 text");
}

static void base64_and_hash_should_limit_input_to_10000_characters(void **state)
{
    (void)state;
    char *in = malloc(10020);
    strcpy(in, "{\"s\":\"");
    memset(in + 6, 'a', 10001);
    strcpy(in + 6 + 10001, "\"}");
    expect_error("States.Base64Encode($.s)", in, "States.IntrinsicFailure",
                 "argument 1 has 10001 characters; at most 10000 are allowed");
    expect_error("States.Hash($.s, 'MD5')", in, "States.IntrinsicFailure", "at most 10000");
    strcpy(in + 6 + 10000, "\"}");
    aslrt_exec ex;
    char *s = eval_in(&ex, "States.Base64Encode($.s)", in);
    assert_non_null(s);
    free(s);
    free(in);
}

static void hash_should_match_the_reference_vectors(void **state)
{
    (void)state;
    const char *in = "{\"s\":\"input data\"}";
    expect_json("States.Hash($.s, 'MD5')", in, "\"812f45842bc6d66ee14572ce20db8e86\"");
    expect_json("States.Hash($.s, 'SHA-1')", in, "\"aaff4a450a104cd177d28d18d74485e8cae074b7\"");
    expect_json("States.Hash($.s, 'SHA-384')", in,
                "\"d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562\"");
    expect_json("States.Hash($.s, 'SHA-512')", in,
                "\"6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4\"");
    /* FIPS 180-2's "abc" vector. */
    expect_json("States.Hash('abc', 'SHA-256')", "{}",
                "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"");
    expect_error("States.Hash($.s, $.alg)", "{\"s\":\"x\",\"alg\":\"SHA256\"}", "States.IntrinsicFailure",
                 "unknown hash algorithm 'SHA256'");
}

static void json_merge_should_be_shallow_with_second_winning(void **state)
{
    (void)state;
    expect_json("States.JsonMerge($.a, $.b, false)",
                "{\"a\":{\"a\":{\"a1\":1,\"a2\":2},\"b\":2,\"d\":3},\"b\":{\"a\":{\"a3\":1,\"a4\":2},\"c\":3,\"d\":4}}",
                "{\"a\":{\"a3\":1,\"a4\":2},\"b\":2,\"d\":4,\"c\":3}");
    expect_json("States.JsonMerge(States.StringToJson('{\"x\": \"false\"}'), $.b, false)", "{\"b\":{\"y\":1}}",
                "{\"x\":\"false\",\"y\":1}");
    expect_error("States.JsonMerge($.a, $.b, $.deep)", "{\"a\":{},\"b\":{},\"deep\":true}", "States.IntrinsicFailure",
                 "deep merging is not supported");
    expect_error("States.JsonMerge($.a, $.b, false)", "{\"a\":{},\"b\":[]}", "States.IntrinsicFailure",
                 "argument 2 must be an object, not an array");
}

/* Members of the first object that the second has are replaced in place
   (the first of a repeated key), the rest of the second's appended; the
   last of a key repeated in the second wins. */
static void json_merge_should_replace_the_first_of_repeated_keys(void **state)
{
    (void)state;
    expect_json("States.JsonMerge($.a, $.b, false)", "{\"a\":{\"a\":1,\"a\":2,\"b\":3},\"b\":{\"a\":9}}",
                "{\"a\":9,\"a\":2,\"b\":3}");
    expect_json("States.JsonMerge($.a, $.b, false)", "{\"a\":{\"a\":1,\"b\":3},\"b\":{\"a\":9,\"a\":8}}",
                "{\"a\":8,\"b\":3}");
    expect_json("States.JsonMerge($.a, $.b, false)",
                "{\"a\":{\"a\":1,\"a\":2},\"b\":{\"a\":9,\"c\":1,\"a\":8,\"c\":2}}",
                "{\"a\":8,\"a\":2,\"c\":2}");
    expect_json("States.JsonMerge(States.StringToJson($.t), $.b, false)",
                "{\"t\":\"{\\\"a\\\":1,\\\"a\\\":2}\",\"b\":{\"a\":9,\"c\":1,\"a\":8,\"c\":2}}",
                "{\"a\":8,\"a\":2,\"c\":2}");
    expect_json("States.JsonMerge($.a, $.a, false)", "{\"a\":{\"k\":[1,{\"x\":2}],\"j\":{}}}",
                "{\"k\":[1,{\"x\":2}],\"j\":{}}");
}

/* Results longer than the buffers on the stack (256 bytes) come out whole. */
static void results_should_not_depend_on_their_length(void **state)
{
    (void)state;
    char s[301], in[400], want[700];
    memset(s, 'x', 300);
    s[300] = '\0';
    snprintf(in, sizeof in, "{\"s\":\"%s\",\"n\":12}", s);
    snprintf(want, sizeof want, "\"%s=12=%s\"", s, s);
    expect_json("States.Format('{}={}={}', $.s, $.n, $.s)", in, want);
    snprintf(want, sizeof want, "\"\\\"%s\\\"\"", s);
    expect_json("States.JsonToString($.s)", in, want);
    snprintf(want, sizeof want, "\"%s\"", s);
    expect_json("States.Base64Decode(States.Base64Encode($.s))", in, want);
    memset(s, 'e', 300); /* 300 'e': 0x65 repeated; base64 "ZWVl" per three */
    snprintf(in, sizeof in, "{\"s\":\"%s\"}", s);
    char *out = want;
    *out++ = '"';
    for (int i = 0; i < 100; i++, out += 4)
        memcpy(out, "ZWVl", 4);
    strcpy(out, "\"");
    expect_json("States.Base64Encode($.s)", in, want);
}

/* Copies of values nested deeper than the copier recurses are whole too. */
static void copies_should_keep_deeply_nested_values(void **state)
{
    (void)state;
    char deep[256], in[600], want[600];
    memset(deep, '[', 100);
    deep[100] = '1';
    memset(deep + 101, ']', 100);
    deep[201] = '\0';
    snprintf(in, sizeof in, "{\"a\":[%s,2]}", deep);
    snprintf(want, sizeof want, "[[%s],[2]]", deep);
    expect_json("States.ArrayPartition($.a, 1)", in, want);
    snprintf(want, sizeof want, "[%s,2]", deep);
    expect_json("States.ArrayUnique($.a)", in, want);
    expect_json("States.ArrayGetItem($.a, 0)", in, deep);
}

static void math_add_should_round_as_java_does(void **state)
{
    (void)state;
    /* Conformance math_operations__math_add__input*. */
    static const struct { const char *call, *sum; } v[] = {
        {"States.MathAdd(-9, 3)", "-6"},       {"States.MathAdd(-1.5, 0)", "-1"},
        {"States.MathAdd(-1.51, 0)", "-2"},    {"States.MathAdd(0.5, 0)", "1"},
        {"States.MathAdd(1.5, 0)", "2"},       {"States.MathAdd(-0.5, 0.5)", "1"},
        {"States.MathAdd(-0.5, 0)", "0"},      {"States.MathAdd(-2.5, 0)", "-2"},
        {"States.MathAdd(1.5, 1.51)", "4"},    {"States.MathAdd(-3.5, 0)", "-3"},
        {"States.MathAdd(1.49, 0)", "1"},      {"States.MathAdd(1.51, 0)", "2"},
        {"States.MathAdd(-1.49, 0)", "-1"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        expect_json(v[i].call, "{}", v[i].sum);
    expect_json("States.MathAdd($.i, -1)", "{\"i\":1}", "0");
    expect_json("States.MathAdd(2147483646, 1)", "{}", "2147483647");
    expect_error("States.MathAdd(2147483647, 1)", "{}", "States.IntrinsicFailure", "outside the 32-bit integer range");
    expect_error("States.MathAdd($.a, 1)", "{\"a\":3e9}", "States.IntrinsicFailure", "between -2147483648 and 2147483647");
    expect_error("States.MathAdd($.a, 1)", "{\"a\":\"1\"}", "States.IntrinsicFailure", "argument 1 must be a number, not a string");
}

static void math_random_should_stay_in_range_and_repeat_with_a_seed(void **state)
{
    (void)state;
    aslrt_exec ex;
    char *a = eval_in(&ex, "States.MathRandom(1, 1000, 42)", "{}");
    char *b = eval_in(&ex, "States.MathRandom(1, 1000, 42)", "{}");
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a, b);
    int v = atoi(a);
    assert_true(v >= 1 && v < 1000);
    free(a);
    free(b);
    int seen[3] = {0, 0, 0};
    for (int i = 0; i < 300; i++) {
        char *s = eval_in(&ex, "States.MathRandom(-1, 2)", "{}");
        assert_non_null(s);
        int x = atoi(s);
        assert_true(x >= -1 && x < 2);
        seen[x + 1] = 1;
        free(s);
    }
    assert_true(seen[0] && seen[1] && seen[2]);
    expect_json("States.MathRandom(7, 8)", "{}", "7");
    expect_error("States.MathRandom($.a, 1)", "{\"a\":1}", "States.IntrinsicFailure",
                 "the end (1) must be greater than the start (1)");
}

static void string_split_should_drop_empty_pieces(void **state)
{
    (void)state;
    expect_json("States.StringSplit($.a, $.d)", "{\"a\":\" , \",\"d\":\",\"}", "[\" \",\" \"]");
    expect_json("States.StringSplit($.a, $.d)", "{\"a\":\", , ,\",\"d\":\",\"}", "[\" \",\" \"]");
    expect_json("States.StringSplit($.a, $.d)", "{\"a\":\",,,,\",\"d\":\",\"}", "[]");
    expect_json("States.StringSplit($.a, $.d)", "{\"a\":\"This.is+a,test=string\",\"d\":\".+,=\"}",
                "[\"This\",\"is\",\"a\",\"test\",\"string\"]");
    expect_json("States.StringSplit('Hello\nWorld', '\n')", "{}", "[\"Hello\",\"World\"]");
    expect_json("States.StringSplit('a\xc3\xa9" "b\xe2\x82\xac" "c', '\xe2\x82\xac\xc3\xa9')", "{}",
                "[\"a\",\"b\",\"c\"]");
    expect_json("States.StringSplit('abc', '')", "{}", "[\"abc\"]");
    expect_json("States.StringSplit('', ',')", "{}", "[]");
}

static void uuid_should_be_random_version_4(void **state)
{
    (void)state;
    aslrt_exec ex;
    char *a = eval_in(&ex, "States.UUID()", "{}");
    char *b = eval_in(&ex, "States.UUID()", "{}");
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(strlen(a), 38); /* with the JSON quotes */
    assert_string_not_equal(a, b);
    const char *u = a + 1;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            assert_int_equal(u[i], '-');
        else
            assert_non_null(strchr("0123456789abcdef", u[i]));
    }
    assert_int_equal(u[14], '4');
    assert_non_null(strchr("89ab", u[19]));
    free(a);
    free(b);
}

/* ------------------------------------------------------------ evaluation */

static void path_miss_should_be_states_runtime_with_the_template_cause(void **state)
{
    (void)state;
    expect_error("States.Format('{}', $.nope)", "{\"a\":1}", "States.Runtime",
                 "An error occurred while executing the state 'S' (entered at the event id #2). "
                 "The JSONPath '$.nope' specified for the field 'x.$' could not be found in the input '{\"a\":1}'");
    /* Also from inside a nested call. */
    expect_error("States.Array(States.ArrayLength($.a.b))", "{\"a\":{}}", "States.Runtime",
                 "The JSONPath '$.a.b' specified for the field 'x.$'");
}

static void path_arguments_should_fail_on_a_null_input(void **state)
{
    (void)state;
    expect_error("States.Format('{}', $.a)", "null", "States.Runtime",
                 "(entered at the event id #2). Unable to apply Path transformation to null or empty input.");
    expect_json("States.Format('{}', 1)", "null", "\"1\"");
}

static void path_miss_without_a_field_should_name_the_path_alone(void **state)
{
    (void)state;
    /* ErrorPath/CausePath calls have no field: the bare-path cause (§3.5). */
    const aslrt_tmpl *t = parse_ok("States.Format('{}', $.x)");
    cJSON *in = cJSON_Parse("{\"a\":1}");
    aslrt_exec ex;
    memset(&ex, 0, sizeof ex);
    ex.state = &k_state;
    ex.entered_event_id = 5;
    assert_null(aslrt_intrinsic_call(&ex, t, in));
    assert_string_equal(ex.error, "States.Runtime");
    assert_string_equal(ex.cause, "An error occurred while executing the state 'S' (entered at the event id #5). "
                                  "Invalid path '$.x' : No results for path: $['x']");
    aslrt_error_clear(&ex);
    cJSON_Delete(in);
}

static void indefinite_paths_should_give_arrays(void **state)
{
    (void)state;
    expect_json("States.ArrayLength($.items[*].n)", "{\"items\":[{\"n\":1},{\"n\":2},{}]}", "2");
    expect_json("States.Array($.none[*])", "{}", "[[]]");
}

static void nested_calls_should_feed_results_to_outer_calls(void **state)
{
    (void)state;
    expect_json("States.MathAdd(States.MathAdd(States.MathAdd($.y, $.x), $.z), $.b)",
                "{\"x\":1,\"y\":2,\"z\":3,\"b\":4}", "10");
    expect_json("States.Format('{} items', States.ArrayLength(States.ArrayUnique($.a)))",
                "{\"a\":[1,1,2]}", "\"2 items\"");
    expect_json("States.JsonToString(States.StringToJson($.s))", "{\"s\":\" {\\\"a\\\" : [1, 2] } \"}",
                "\"{\\\"a\\\":[1,2]}\"");
}

static void call_should_leave_the_input_untouched(void **state)
{
    (void)state;
    const char *input = "{\"a\":[3,1,3],\"o\":{\"k\":1},\"p\":{\"m\":2}}";
    aslrt_tmpl t = *parse_ok("States.Array(States.ArrayPartition($.a, 1), States.JsonMerge($.o, $.p, false), "
                             "States.ArrayGetItem($.a, 0), States.ArrayUnique($.a))");
    cJSON *in = cJSON_Parse(input);
    aslrt_exec ex;
    memset(&ex, 0, sizeof ex);
    cJSON *r = aslrt_intrinsic_call(&ex, &t, in);
    assert_non_null(r);
    char *after = cJSON_PrintUnformatted(in), *out = cJSON_PrintUnformatted(r);
    assert_string_equal(after, input);
    assert_string_equal(out, "[[[3],[1],[3]],{\"k\":1,\"m\":2},3,[3,1]]");
    free(after);
    free(out);
    cJSON_Delete(r);
    cJSON_Delete(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_should_build_call_with_literal_arguments),
        cmocka_unit_test(parse_should_decode_the_four_escapes),
        cmocka_unit_test(parse_should_keep_escapes_in_a_format_template),
        cmocka_unit_test(parse_should_accept_unescaped_braces_and_quotes_in_literals),
        cmocka_unit_test(parse_should_reject_other_backslash_sequences),
        cmocka_unit_test(parse_should_allow_whitespace_between_arguments),
        cmocka_unit_test(parse_should_end_path_arguments_outside_brackets),
        cmocka_unit_test(parse_should_build_nested_calls),
        cmocka_unit_test(parse_should_allow_ten_nested_calls_and_reject_eleven),
        cmocka_unit_test(parse_should_reject_deep_nesting_without_overflowing_the_stack),
        cmocka_unit_test(parse_should_name_unknown_functions),
        cmocka_unit_test(parse_should_check_argument_counts),
        cmocka_unit_test(every_listed_intrinsic_should_parse_and_run_as_its_line_says),
        cmocka_unit_test(parse_should_check_literal_argument_types_and_values),
        cmocka_unit_test(parse_should_limit_literal_input_to_10000_characters),
        cmocka_unit_test(parse_should_reject_malformed_calls),
        cmocka_unit_test(format_should_render_values_as_aws_does),
        cmocka_unit_test(format_should_treat_escaped_braces_as_text),
        cmocka_unit_test(format_should_fail_when_values_and_placeholders_differ),
        cmocka_unit_test(string_to_json_should_parse_and_give_null_for_blank),
        cmocka_unit_test(string_to_json_should_build_the_tree_cjson_builds),
        cmocka_unit_test(string_to_json_should_read_numbers_exactly),
        cmocka_unit_test(string_to_json_should_read_numbers_as_strtod_does),
        cmocka_unit_test(json_to_string_should_give_compact_json),
        cmocka_unit_test(array_should_collect_arguments_in_order),
        cmocka_unit_test(array_partition_should_chunk),
        cmocka_unit_test(array_contains_should_compare_deeply),
        cmocka_unit_test(array_range_should_include_end_when_hit),
        cmocka_unit_test(array_range_should_allow_exactly_1000_items),
        cmocka_unit_test(array_get_item_should_index_from_zero),
        cmocka_unit_test(array_length_and_unique_should_work),
        cmocka_unit_test(array_unique_should_scale_to_large_arrays),
        cmocka_unit_test(base64_should_round_trip_the_reference_vector),
        cmocka_unit_test(base64_and_hash_should_limit_input_to_10000_characters),
        cmocka_unit_test(hash_should_match_the_reference_vectors),
        cmocka_unit_test(json_merge_should_be_shallow_with_second_winning),
        cmocka_unit_test(json_merge_should_replace_the_first_of_repeated_keys),
        cmocka_unit_test(results_should_not_depend_on_their_length),
        cmocka_unit_test(copies_should_keep_deeply_nested_values),
        cmocka_unit_test(math_add_should_round_as_java_does),
        cmocka_unit_test(math_random_should_stay_in_range_and_repeat_with_a_seed),
        cmocka_unit_test(string_split_should_drop_empty_pieces),
        cmocka_unit_test(uuid_should_be_random_version_4),
        cmocka_unit_test(path_miss_should_be_states_runtime_with_the_template_cause),
        cmocka_unit_test(path_arguments_should_fail_on_a_null_input),
        cmocka_unit_test(path_miss_without_a_field_should_name_the_path_alone),
        cmocka_unit_test(indefinite_paths_should_give_arrays),
        cmocka_unit_test(nested_calls_should_feed_results_to_outer_calls),
        cmocka_unit_test(call_should_leave_the_input_untouched),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
