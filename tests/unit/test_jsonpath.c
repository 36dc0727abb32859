/* test_jsonpath.c — JSONPath: parsing (compiler/path.c) and evaluation,
   miss causes and ResultPath placement (runtime/jsonpath.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "exec.h"
#include "helpers.h"
#include "jsonpath.h"
#include "path.h"

/* ------------------------------------------------------------ fixture */

static asl_arena *A;
static aslrt_state state = {.name = "S", .type = ASLRT_PASS};
static aslrt_run run;
static aslrt_exec ex;

static int setup(void **ctx)
{
    (void)ctx;
    A = asl_arena_new();
    exec_fixture_init(&run, &ex, &state);
    ex.entered_at = 1704067201.0; /* 2024-01-01T00:00:01Z */
    return 0;
}

static int teardown(void **ctx)
{
    (void)ctx;
    exec_fixture_free(&run, &ex);
    asl_arena_free(A);
    return 0;
}

/* ------------------------------------------------------------ helpers */

static const aslrt_path *P(const char *text)
{
    return parse_path_or_fail(A, text, 0);
}

/* The error message parsing `text` gives (NULL when it parses). */
static const char *parse_error(const char *text, int flags)
{
    const char *err = NULL;
    const aslrt_path *p = asl_path_parse(A, text, flags, &err);
    if (p)
        return NULL;
    assert_non_null(err);
    return err;
}

/* Evaluates `path` over the JSON `doc` and compares with `expected`
   ("NULL": no match). */
static void check_eval(const char *path, const char *doc, const char *expected)
{
    cJSON *d = J(doc);
    cJSON *r = aslrt_path_eval(&ex, P(path), d);
    if (strcmp(expected, "NULL") == 0) {
        if (r) {
            char *g = cJSON_PrintUnformatted(r);
            fail_msg("%s: expected no match, got %s", path, g);
        }
    } else {
        if (!r)
            fail_msg("%s: expected %s, got no match", path, expected);
        assert_json(r, expected);
    }
    assert_null(ex.error);
    cJSON_Delete(r);
    cJSON_Delete(d);
}

static void check_miss_cause(const char *path, const char *doc, const char *expected)
{
    cJSON *d = J(doc);
    const aslrt_path *p = P(path);
    assert_null(aslrt_path_get(&ex, p, d));
    char *cause = aslrt_path_miss_cause(&ex, p, d);
    assert_string_equal(cause, expected);
    free(cause);
    cJSON_Delete(d);
}

/* ------------------------------------------------------------ parsing */

static void parse_should_read_dot_and_bracket_fields(void **ctx)
{
    (void)ctx;
    const aslrt_path *p = P("$.a['b c'][\"d\"].my-key");
    assert_int_equal(p->root, ASLRT_ROOT_INPUT);
    assert_int_equal(p->nsteps, 4);
    const char *names[] = {"a", "b c", "d", "my-key"};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(p->steps[i].kind, ASLRT_STEP_FIELD);
        assert_string_equal(p->steps[i].name, names[i]);
    }
    assert_true(p->definite);
    assert_string_equal(p->text, "$.a['b c'][\"d\"].my-key");
    const aslrt_path *q = P("$.['x'].[0]"); /* Jayway's dot before a bracket */
    assert_int_equal(q->nsteps, 2);
    assert_string_equal(q->steps[0].name, "x");
    assert_int_equal(q->steps[1].kind, ASLRT_STEP_INDEX);
}

static void parse_should_read_indexes_and_slices(void **ctx)
{
    (void)ctx;
    const aslrt_path *p = P("$[3][-1][1:3][2:][:4][-1:][1:9:2][::-1]");
    assert_int_equal(p->nsteps, 8);
    assert_int_equal(p->steps[0].kind, ASLRT_STEP_INDEX);
    assert_int_equal(p->steps[0].index, 3);
    assert_int_equal(p->steps[1].kind, ASLRT_STEP_INDEX);
    assert_int_equal(p->steps[1].index, -1);
    const aslrt_step *s = &p->steps[2];
    assert_int_equal(s->kind, ASLRT_STEP_SLICE);
    assert_int_equal(s->start, 1);
    assert_int_equal(s->end, 3);
    assert_int_equal(s->step, 1);
    assert_int_equal(s->flags, 0);
    assert_int_equal(p->steps[3].flags, ASLRT_SLICE_NO_END);
    assert_int_equal(p->steps[4].flags, ASLRT_SLICE_NO_START);
    assert_int_equal(p->steps[4].end, 4);
    assert_int_equal(p->steps[5].start, -1);
    assert_int_equal(p->steps[5].flags, ASLRT_SLICE_NO_END);
    assert_int_equal(p->steps[6].step, 2);
    assert_int_equal(p->steps[7].step, -1);
    assert_int_equal(p->steps[7].flags, ASLRT_SLICE_NO_START | ASLRT_SLICE_NO_END);
    assert_false(p->definite);
}

static void parse_should_read_wildcards_descent_and_unions(void **ctx)
{
    (void)ctx;
    const aslrt_path *p = P("$.*[*]..name..*..['x y']['a','b'][0, 2]");
    assert_int_equal(p->nsteps, 7);
    assert_int_equal(p->steps[0].kind, ASLRT_STEP_WILDCARD);
    assert_int_equal(p->steps[1].kind, ASLRT_STEP_WILDCARD);
    assert_int_equal(p->steps[2].kind, ASLRT_STEP_DESCEND);
    assert_string_equal(p->steps[2].name, "name");
    assert_int_equal(p->steps[3].kind, ASLRT_STEP_DESCEND);
    assert_null(p->steps[3].name);
    assert_string_equal(p->steps[4].name, "x y");
    assert_int_equal(p->steps[5].kind, ASLRT_STEP_UNION);
    assert_int_equal(p->steps[5].nitems, 2);
    assert_string_equal(p->steps[5].items[1].name, "b");
    assert_int_equal(p->steps[6].kind, ASLRT_STEP_UNION);
    assert_int_equal(p->steps[6].items[0].kind, ASLRT_STEP_INDEX);
    assert_int_equal(p->steps[6].items[1].index, 2);
}

static void parse_should_mark_only_name_and_index_paths_definite(void **ctx)
{
    (void)ctx;
    assert_true(P("$")->definite);
    assert_true(P("$.a[0]['b'][-1]")->definite);
    assert_true(P("$$.Execution.Input")->definite);
    const char *indefinite[] = {"$.a[*]", "$.*", "$..a", "$.a[1:]", "$['a','b']", "$[0,1]",
                                "$.a[?(@.x)]"};
    for (size_t i = 0; i < sizeof indefinite / sizeof *indefinite; i++)
        if (P(indefinite[i])->definite)
            fail_msg("%s should be indefinite", indefinite[i]);
}

static void parse_should_read_each_root(void **ctx)
{
    (void)ctx;
    assert_int_equal(P("$")->root, ASLRT_ROOT_INPUT);
    assert_int_equal(P("$")->nsteps, 0);
    assert_int_equal(P("$$")->root, ASLRT_ROOT_CONTEXT);
    const aslrt_path *c = P("$$.Map.Item.Value");
    assert_int_equal(c->root, ASLRT_ROOT_CONTEXT);
    assert_int_equal(c->nsteps, 3);
    const aslrt_path *v = P("$order.items[0]");
    assert_int_equal(v->root, ASLRT_ROOT_VAR);
    assert_string_equal(v->var, "order");
    assert_int_equal(v->nsteps, 2);
    assert_string_equal(P("$x")->var, "x");
    assert_int_equal(P("$x")->nsteps, 0);
}

/* AWS recording (escape_sequence_parsing ESCAPE_SEQUENCES_JSONPATH): the
   path $['Test\""Name"'] selects the key Test\""Name" — backslashes stay. */
static void parse_should_keep_bracket_names_as_written(void **ctx)
{
    (void)ctx;
    const aslrt_path *p = P("$['Test\\\"\"Name\"']");
    assert_int_equal(p->nsteps, 1);
    assert_string_equal(p->steps[0].name, "Test\\\"\"Name\"");
    assert_string_equal(P("$['it\\'s']")->steps[0].name, "it\\'s");
    assert_string_equal(P("$[\"a'b\"]")->steps[0].name, "a'b");
    assert_string_equal(P("$['']")->steps[0].name, "");
}

static void parse_should_read_filters(void **ctx)
{
    (void)ctx;
    const aslrt_path *p = P("$.a[?(@.q == 1 && @.s != 'x\\'y' || !(@.n < -2.5e1))]");
    assert_int_equal(p->steps[1].kind, ASLRT_STEP_FILTER);
    const aslrt_filter *f = p->steps[1].filter;
    assert_int_equal(f->op, ASLRT_FILTER_OR);
    assert_int_equal(f->a->op, ASLRT_FILTER_AND);
    assert_int_equal(f->a->a->op, ASLRT_FILTER_EQ);
    assert_int_equal(f->a->a->lhs->root, ASLRT_ROOT_CURRENT);
    assert_string_equal(f->a->a->lhs->steps[0].name, "q");
    assert_true(cJSON_IsNumber(f->a->a->rhs));
    assert_true(f->a->a->rhs->valuedouble == 1.0);
    assert_int_equal(f->a->b->op, ASLRT_FILTER_NE);
    assert_string_equal(f->a->b->rhs->valuestring, "x'y");
    assert_int_equal(f->b->op, ASLRT_FILTER_NOT);
    assert_int_equal(f->b->a->op, ASLRT_FILTER_LT);
    assert_true(f->b->a->rhs->valuedouble == -25.0);

    const aslrt_filter *e = P("$[?(@.isbn)]")->steps[0].filter;
    assert_int_equal(e->op, ASLRT_FILTER_EXISTS);
    assert_string_equal(e->lhs->steps[0].name, "isbn");

    const aslrt_filter *m = P("$[?(5 < @.x)]")->steps[0].filter; /* mirrored */
    assert_int_equal(m->op, ASLRT_FILTER_GT);
    assert_string_equal(m->lhs->steps[0].name, "x");
    assert_true(m->rhs->valuedouble == 5.0);

    const aslrt_filter *q = P("$[?(@.a==$.b)]")->steps[0].filter;
    assert_int_equal(q->op, ASLRT_FILTER_EQ);
    assert_non_null(q->rhs_path);
    assert_int_equal(q->rhs_path->root, ASLRT_ROOT_INPUT);
    assert_string_equal(q->rhs_path->text, "$.b");

    const aslrt_filter *k = P("$[?(@.t == true || @.f == false || @.n == null)]")->steps[0].filter;
    assert_true(cJSON_IsTrue(k->a->a->rhs));
    assert_true(cJSON_IsFalse(k->a->b->rhs));
    assert_true(cJSON_IsNull(k->b->rhs));
}

static void parse_should_report_what_and_where(void **ctx)
{
    (void)ctx;
    assert_string_equal(parse_error("$.", 0), "expected a field name after '.' at offset 2");
    assert_string_equal(parse_error("x", 0), "a path must start with '$', found 'x' at offset 0");
    assert_string_equal(parse_error("$.a b", 0),
                        "a field name with blanks needs brackets, as in $['my key'] at offset 3");
    assert_string_equal(parse_error("$['a'", 0), "expected ']', found the end at offset 5");
    assert_string_equal(parse_error("$['a", 0), "unterminated quoted name at offset 2");
    assert_string_equal(parse_error("$.a.length()", 0),
                        "path functions such as length() are not supported at offset 10");
    assert_string_equal(parse_error("$[1:2:0]", 0), "a slice step must not be 0 at offset 6");
    assert_string_equal(parse_error("@.a", 0), "'@' is only allowed inside a filter [?(...)] at offset 0");
    assert_string_equal(parse_error("$..", 0), "expected a field name or '*' after '..' at offset 3");
    assert_string_equal(parse_error("$[99999999999]", 0), "array index out of range at offset 2");
    assert_string_equal(parse_error("$[?(@.a =~ 'x')]", 0), "unsupported filter operator at offset 8");
    assert_string_equal(parse_error("$[?(1 == 2)]", 0), "a comparison needs a path on one side at offset 4");
    assert_non_null(parse_error("$[?(@.a == )]", 0));
    assert_non_null(parse_error("$[?(@.a == 'x)]", 0));
    assert_non_null(parse_error("$[?(@.a]", 0));
    assert_non_null(parse_error("$[?($$.a)]", 0));
    assert_non_null(parse_error("$[?($v.a)]", 0));
    assert_non_null(parse_error("$[foo]", 0));
    assert_non_null(parse_error("$$$", 0));
    assert_non_null(parse_error("$1", 0));
    assert_non_null(parse_error("", 0));
}

static void parse_should_restrict_reference_paths(void **ctx)
{
    (void)ctx;
    int ref = ASL_PATH_REFERENCE | ASL_PATH_NO_CONTEXT | ASL_PATH_NO_VARS;
    assert_null(parse_error("$.a['b c'][0].d", ref));
    assert_null(parse_error("$", ref));
    assert_string_equal(parse_error("$.a[*]", ref),
                        "a reference path may only use .name, ['name'] and [n] at offset 3");
    assert_non_null(parse_error("$..a", ref));
    assert_non_null(parse_error("$.a[1:2]", ref));
    assert_non_null(parse_error("$['a','b']", ref));
    assert_non_null(parse_error("$.a[?(@.b)]", ref));
    assert_string_equal(parse_error("$$.Execution", ref),
                        "the context object ($$) is not allowed here at offset 0");
    assert_string_equal(parse_error("$var.x", ref), "variables are not allowed here at offset 0");
    assert_null(parse_error("$$.Execution", ASL_PATH_REFERENCE));
}

static void parse_should_bound_filter_nesting(void **ctx)
{
    (void)ctx;
    enum { N = 5000 };
    char *s = malloc(4 * N + 64);

    /* parentheses */
    size_t n = 0;
    n += (size_t)sprintf(s + n, "$[?(");
    for (int i = 0; i < N; i++)
        s[n++] = '(';
    n += (size_t)sprintf(s + n, "@.a");
    for (int i = 0; i < N; i++)
        s[n++] = ')';
    sprintf(s + n, ")]");
    const char *err = parse_error(s, 0);
    assert_non_null(err);
    assert_non_null(strstr(err, "nested more than 64 deep"));

    /* negations */
    n = (size_t)sprintf(s, "$[?(");
    for (int i = 0; i < N; i++)
        s[n++] = '!';
    sprintf(s + n, "@.a)]");
    assert_non_null(strstr(parse_error(s, 0), "nested more than 64 deep"));

    /* filters inside filter paths */
    n = (size_t)sprintf(s, "$");
    for (int i = 0; i < N; i++)
        n += (size_t)sprintf(s + n, "[?(@");
    assert_non_null(strstr(parse_error(s, 0), "nested more than 64 deep"));
    free(s);

    /* moderate nesting is fine */
    assert_non_null(P("$[?(((((!(@.a)))))&&@.b[?(@.c[?(@.d)])])]"));
}

/* ------------------------------------------------------------ evaluation */

static void get_should_return_the_node_itself(void **ctx)
{
    (void)ctx;
    cJSON *d = J("{\"a\":{\"b\":[10,20,30]}}");
    const cJSON *n = aslrt_path_get(&ex, P("$.a.b[1]"), d);
    assert_ptr_equal(n, cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(d, "a"), "b"), 1));
    assert_ptr_equal(aslrt_path_get(&ex, P("$"), d), d);
    assert_true(aslrt_path_get(&ex, P("$.a.b[-1]"), d)->valuedouble == 30);
    assert_true(aslrt_path_get(&ex, P("$['a'][\"b\"][-3]"), d)->valuedouble == 10);
    assert_null(aslrt_path_get(&ex, P("$.a.b[3]"), d));
    assert_null(aslrt_path_get(&ex, P("$.a.b[-4]"), d));
    assert_null(aslrt_path_get(&ex, P("$.a[*]"), d)); /* indefinite: use _eval */
    cJSON_Delete(d);
}

/* cJSON_GetObjectItem ignores case; ASL does not. */
static void get_should_match_field_names_case_sensitively(void **ctx)
{
    (void)ctx;
    cJSON *d = J("{\"Name\":1,\"name\":2}");
    assert_true(aslrt_path_get(&ex, P("$.name"), d)->valuedouble == 2);
    assert_true(aslrt_path_get(&ex, P("$.Name"), d)->valuedouble == 1);
    assert_null(aslrt_path_get(&ex, P("$.NAME"), d));
    cJSON_Delete(d);
}

static void get_should_find_nothing_through_wrong_types(void **ctx)
{
    (void)ctx;
    check_eval("$.a.b", "{\"a\":5}", "NULL");
    check_eval("$.a[0]", "{\"a\":{\"0\":1}}", "NULL");
    check_eval("$.a", "[1]", "NULL");
    check_eval("$[0]", "\"str\"", "NULL");
    check_eval("$.a.b", "{\"a\":null}", "NULL");
    check_eval("$.a", "{\"a\":null}", "null");
}

static void eval_should_copy_a_definite_match(void **ctx)
{
    (void)ctx;
    cJSON *d = J("{\"items\":[{\"k\":0},{\"k\":1}]}");
    cJSON *r = aslrt_path_eval(&ex, P("$.items[1]"), d);
    assert_json(r, "{\"k\":1}"); /* the element itself, not [element] */
    assert_ptr_not_equal(r, cJSON_GetArrayItem(cJSON_GetObjectItem(d, "items"), 1));
    assert_null(r->string);
    cJSON_Delete(r);
    cJSON_Delete(d);
}

/* AWS recordings (json_path_array_wildcard_or_slice_with_no_input). */
static void eval_should_yield_empty_array_when_indefinite_path_finds_nothing(void **ctx)
{
    (void)ctx;
    const char *paths[] = {"$[*]", "$.item.items[*]", "$.item.items[1:]", "$.item.items[:1]",
                           "$.item.items[1:5]", "$.items[*]", "$.items[*].itemValue",
                           "$.items[1:]", "$.items[:1].itemValue", "$..nothing",
                           "$.a[?(@.b)]"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
        check_eval(paths[i], "{}", "[]");
}

static void eval_should_apply_wildcards(void **ctx)
{
    (void)ctx;
    check_eval("$.*", "{\"a\":1,\"b\":[2],\"c\":{\"d\":3}}", "[1,[2],{\"d\":3}]");
    check_eval("$[*]", "[3,{\"x\":1}]", "[3,{\"x\":1}]");
    check_eval("$.a[*].v", "{\"a\":[{\"v\":1},{\"w\":2},{\"v\":3},4]}", "[1,3]");
    check_eval("$.*", "5", "[]");
}

static void eval_should_slice_as_python_does(void **ctx)
{
    (void)ctx;
    const char *a = "[0,1,2,3,4,5]";
    check_eval("$[1:3]", a, "[1,2]");
    check_eval("$[-2:]", a, "[4,5]");
    check_eval("$[:2]", a, "[0,1]");
    check_eval("$[2:]", a, "[2,3,4,5]");
    check_eval("$[:-4]", a, "[0,1]");
    check_eval("$[::2]", a, "[0,2,4]");
    check_eval("$[1:6:2]", a, "[1,3,5]");
    check_eval("$[::-1]", a, "[5,4,3,2,1,0]");
    check_eval("$[4:1:-2]", a, "[4,2]");
    check_eval("$[-1:-3:-1]", a, "[5,4]");
    check_eval("$[10:]", a, "[]");
    check_eval("$[-10:2]", a, "[0,1]");
    check_eval("$[3:1]", a, "[]");
    check_eval("$[1:5]", "{\"a\":1}", "[]");
}

static void eval_should_take_unions_in_written_order(void **ctx)
{
    (void)ctx;
    check_eval("$['c','a','zz']", "{\"a\":1,\"b\":2,\"c\":3}", "[3,1]");
    check_eval("$.arr[2,0,-1,9]", "{\"arr\":[\"x\",\"y\",\"z\"]}", "[\"z\",\"x\",\"z\"]");
}

/* Jayway's pre-order: a node's own match first, then those below it. */
static void eval_should_descend_in_document_order(void **ctx)
{
    (void)ctx;
    check_eval("$..a", "{\"a\":{\"a\":1},\"b\":[{\"a\":2},{\"c\":{\"a\":3}}]}", "[{\"a\":1},1,2,3]");
    check_eval("$..*", "{\"a\":{\"b\":1},\"c\":[2]}", "[{\"b\":1},[2],1,2]");
    check_eval("$..price", "{\"store\":{\"book\":[{\"price\":8},{\"price\":12}],\"bicycle\":{\"price\":20}}}",
               "[8,12,20]");
    check_eval("$..book[0].price", "{\"store\":{\"book\":[{\"price\":8},{\"price\":12}]}}", "[8]");
    check_eval("$..['a b']", "[{\"a b\":1},{\"x\":{\"a b\":2}}]", "[1,2]");
    check_eval("$..x", "7", "[]");
}

/* '..' must not recurse on the C stack: documents can be deeper than any
   parser would allow once states nest results into results. */
static void eval_should_descend_very_deep_documents(void **ctx)
{
    (void)ctx;
    enum { DEPTH = 200000 };
    cJSON **chain = malloc(DEPTH * sizeof *chain);
    chain[0] = cJSON_CreateObject();
    for (int i = 1; i < DEPTH; i++)
        chain[i] = cJSON_AddObjectToObject(chain[i - 1], "n");
    cJSON_AddNumberToObject(chain[DEPTH - 1], "x", 42);
    cJSON *r = aslrt_path_eval(&ex, P("$..x"), chain[0]);
    assert_json(r, "[42]");
    cJSON_Delete(r);
    for (int i = DEPTH - 1; i > 0; i--) /* cJSON_Delete recurses: free bottom-up */
        cJSON_Delete(cJSON_DetachItemViaPointer(chain[i - 1], chain[i]));
    cJSON_Delete(chain[0]);
    free(chain);
}

/* AWS recording (state_pass_regex_json_path_base). */
static void eval_should_filter_array_elements(void **ctx)
{
    (void)ctx;
    check_eval("$.users[?(@.status == 0)]",
               "{\"users\":[{\"year\":1997,\"status\":0},{\"year\":1998,\"status\":1}]}",
               "[{\"year\":1997,\"status\":0}]");
    const char *books = "{\"b\":[{\"t\":\"A\",\"p\":8,\"isbn\":\"1\"},{\"t\":\"B\",\"p\":12},"
                        "{\"t\":\"C\",\"p\":23,\"isbn\":null},{\"t\":\"D\",\"p\":\"9\"}]}";
    check_eval("$.b[?(@.p < 10)].t", books, "[\"A\"]");
    check_eval("$.b[?(@.p <= 12)].t", books, "[\"A\",\"B\"]");
    check_eval("$.b[?(@.p > 12)].t", books, "[\"C\"]");
    check_eval("$.b[?(@.p >= 12)].t", books, "[\"B\",\"C\"]");
    check_eval("$.b[?(@.p == 12.0)].t", books, "[\"B\"]");
    check_eval("$.b[?(@.p != 12)].t", books, "[\"A\",\"C\",\"D\"]");
    check_eval("$.b[?(@.t == 'B')].p", books, "[12]");
    check_eval("$.b[?(@.t == \"B\")].p", books, "[12]");
    check_eval("$.b[?(@.t > 'B')].t", books, "[\"C\",\"D\"]");
    /* type mismatch is false: "9" is not a number */
    check_eval("$.b[?(@.p < 100)].t", books, "[\"A\",\"B\",\"C\"]");
    check_eval("$.b[?(@.p == '9')].t", books, "[\"D\"]");
    /* existence: present even when null */
    check_eval("$.b[?(@.isbn)].t", books, "[\"A\",\"C\"]");
    check_eval("$.b[?(!@.isbn)].t", books, "[\"B\",\"D\"]");
    check_eval("$.b[?(@.isbn == null)].t", books, "[\"C\"]");
    /* missing side: == false, != true */
    check_eval("$.b[?(@.isbn != '1')].t", books, "[\"B\",\"C\",\"D\"]");
    check_eval("$.b[?(@.p > 10 && @.isbn)].t", books, "[\"C\"]");
    check_eval("$.b[?(@.p < 10 || @.t == 'D')].t", books, "[\"A\",\"D\"]");
    check_eval("$.b[?(!(@.p < 10 || @.t == 'D'))].t", books, "[\"B\",\"C\"]");
    check_eval("$.b[?(20 < @.p)].t", books, "[\"C\"]");
}

static void eval_should_compare_filter_operands_deeply(void **ctx)
{
    (void)ctx;
    const char *d = "{\"want\":{\"k\":[1,2]},\"items\":[{\"v\":{\"k\":[1,2]}},{\"v\":{\"k\":[2,1]}},"
                    "{\"v\":true}]}";
    check_eval("$.items[?(@.v == $.want)]", d, "[{\"v\":{\"k\":[1,2]}}]");
    check_eval("$.items[?(@.v == true)]", d, "[{\"v\":true}]");
    check_eval("$.items[?(@ == $.items[2])]", d, "[{\"v\":true}]");
    check_eval("$.items[?(@.v.k[*] == $.want.k)]", d, "[{\"v\":{\"k\":[1,2]}}]");
}

/* Jayway tests an object as one candidate. */
static void eval_should_filter_an_object_as_itself(void **ctx)
{
    (void)ctx;
    check_eval("$.o[?(@.a == 1)]", "{\"o\":{\"a\":1}}", "[{\"a\":1}]");
    check_eval("$.o[?(@.a == 2)]", "{\"o\":{\"a\":1}}", "[]");
    check_eval("$.o[?(@.a)]", "{\"o\":5}", "[]");
}

static void eval_should_apply_nested_filters(void **ctx)
{
    (void)ctx;
    check_eval("$.a[?(@.b[?(@.c == 1)])].n",
               "{\"a\":[{\"n\":1,\"b\":[{\"c\":1}]},{\"n\":2,\"b\":[{\"c\":2}]},{\"n\":3}]}", "[1]");
}

static void eval_should_read_the_context_object(void **ctx)
{
    (void)ctx;
    cJSON *d = J("{}");
    cJSON *r = aslrt_path_eval(&ex, P("$$.Execution.Name"), d);
    assert_json(r, "\"exec1\"");
    cJSON_Delete(r);
    r = aslrt_path_eval(&ex, P("$$.Execution.Input"), d);
    assert_json(r, "{\"input-value\":0}");
    cJSON_Delete(r);
    r = aslrt_path_eval(&ex, P("$$.State.Name"), d);
    assert_json(r, "\"S\"");
    cJSON_Delete(r);
    assert_ptr_equal(aslrt_path_root(&ex, P("$$"), d), aslrt_context(&ex));
    r = aslrt_path_eval(&ex, P("$$.Execution[?(@.Name == 'exec1')].Name"), d);
    assert_json(r, "[\"exec1\"]");
    cJSON_Delete(r);
    cJSON_Delete(d);
}

/* Variables are not wired in yet: $name selects nothing. */
static void eval_should_find_no_unset_variable(void **ctx)
{
    (void)ctx;
    cJSON *d = J("{\"x\":1}");
    assert_null(aslrt_path_root(&ex, P("$x"), d));
    assert_null(aslrt_path_get(&ex, P("$x"), d));
    assert_null(aslrt_path_eval(&ex, P("$x.y"), d));
    cJSON *r = aslrt_path_eval(&ex, P("$x[*]"), d);
    assert_json(r, "[]");
    cJSON_Delete(r);
    char *cause = aslrt_path_miss_cause(&ex, P("$x.y"), d);
    assert_string_equal(cause, "Invalid path '$x.y' : The variable 'x' is not defined");
    free(cause);
    cJSON_Delete(d);
}

/* ------------------------------------------------------------ miss causes */

static void miss_cause_should_use_aws_words(void **ctx)
{
    (void)ctx;
    /* AWS recordings (§3.5) */
    check_miss_cause("$.NoSuchOutputPath", "{\"int-literal\":0}",
                     "Invalid path '$.NoSuchOutputPath' : No results for path: $['NoSuchOutputPath']");
    check_miss_cause("$.no.such.path", "{}", "Invalid path '$.no.such.path' : Missing property in path $['no']");
    /* derived from Jayway's rules */
    check_miss_cause("$.a.b.c", "{\"a\":{}}", "Invalid path '$.a.b.c' : Missing property in path $['a']['b']");
    check_miss_cause("$.a.b", "{\"a\":{}}", "Invalid path '$.a.b' : No results for path: $['a']['b']");
    check_miss_cause("$.a[5].b", "{\"a\":[1]}", "Invalid path '$.a[5].b' : No results for path: $['a'][5]['b']");
    check_miss_cause("$['x y'][-1]", "{\"x y\":[]}", "Invalid path '$['x y'][-1]' : No results for path: $['x y'][-1]");
    check_miss_cause("$.a.b", "{\"a\":5}", "Invalid path '$.a.b' : No results for path: $['a']['b']");
    check_miss_cause("$$.Execution.Nope", "{}",
                     "Invalid path '$$.Execution.Nope' : No results for path: $['Execution']['Nope']");
}

/* ------------------------------------------------------------ ResultPath */

/* Applies reference path `path` with value `value` to `doc`; checks the
   outcome (`expected` document, or the conflict cause with doc unchanged). */
static void check_set(const char *path, const char *doc, const char *value, const char *expected,
                      const char *cause)
{
    cJSON *d = J(doc);
    cJSON *before = d;
    int rc = aslrt_path_set(&ex, parse_path_or_fail(A, path, ASL_PATH_REFERENCE | ASL_PATH_NO_CONTEXT | ASL_PATH_NO_VARS),
                            &d, J(value));
    if (cause) {
        assert_int_equal(rc, -1);
        assert_string_equal(ex.error, "States.ReferencePathConflict");
        assert_string_equal(ex.cause, cause);
        assert_ptr_equal(d, before);
        assert_json(d, doc); /* untouched */
        aslrt_error_clear(&ex);
    } else {
        assert_int_equal(rc, 0);
        assert_null(ex.error);
        assert_json(d, expected);
    }
    cJSON_Delete(d);
}

static void set_should_create_missing_parents(void **ctx)
{
    (void)ctx;
    check_set("$.a.b.c", "{\"x\":1}", "7", "{\"x\":1,\"a\":{\"b\":{\"c\":7}}}", NULL);
    check_set("$.x.y", "{\"x\":{\"z\":0}}", "[1]", "{\"x\":{\"z\":0,\"y\":[1]}}", NULL);
    check_set("$['my key']", "{}", "\"v\"", "{\"my key\":\"v\"}", NULL);
}

/* cJSON_AddItemToObject would append a second "x". */
static void set_should_replace_an_existing_member_in_place(void **ctx)
{
    (void)ctx;
    check_set("$.x", "{\"a\":1,\"x\":{\"old\":true},\"b\":2}", "{\"new\":1}",
              "{\"a\":1,\"x\":{\"new\":1},\"b\":2}", NULL);
    check_set("$.X", "{\"x\":1}", "2", "{\"x\":1,\"X\":2}", NULL);
}

static void set_should_overwrite_array_elements(void **ctx)
{
    (void)ctx;
    check_set("$.arr[1]", "{\"arr\":[1,2,3]}", "{\"v\":9}", "{\"arr\":[1,{\"v\":9},3]}", NULL);
    check_set("$.arr[-1]", "{\"arr\":[1,2,3]}", "0", "{\"arr\":[1,2,0]}", NULL);
    check_set("$.arr[0].k", "{\"arr\":[{\"k\":1}]}", "2", "{\"arr\":[{\"k\":2}]}", NULL);
    check_set("$[0]", "[5]", "6", "[6]", NULL);
}

static void set_should_replace_the_whole_document_for_dollar(void **ctx)
{
    (void)ctx;
    check_set("$", "{\"a\":1}", "[1,2]", "[1,2]", NULL);
    check_set("$", "null", "3", "3", NULL);
}

static void set_should_fail_on_conflicts_and_leave_input_alone(void **ctx)
{
    (void)ctx;
    check_set("$.x", "\"foo\"", "1", NULL, "Unable to apply ReferencePath $.x to input \"foo\"");
    check_set("$.a.b", "{\"a\":5}", "1", NULL, "Unable to apply ReferencePath $.a.b to input {\"a\":5}");
    check_set("$.a.b", "{\"a\":null}", "1", NULL, "Unable to apply ReferencePath $.a.b to input {\"a\":null}");
    check_set("$.x", "null", "1", NULL, "Unable to apply ReferencePath $.x to input null");
    check_set("$.arr[3]", "{\"arr\":[1]}", "1", NULL, "Unable to apply ReferencePath $.arr[3] to input {\"arr\":[1]}");
    check_set("$.arr[0]", "{\"arr\":{}}", "1", NULL, "Unable to apply ReferencePath $.arr[0] to input {\"arr\":{}}");
    /* the object $.new would be created, then [0] fails: nothing is created */
    check_set("$.new[0]", "{}", "1", NULL, "Unable to apply ReferencePath $.new[0] to input {}");
    check_set("$.a.new.b[0]", "{\"a\":{}}", "1", NULL,
              "Unable to apply ReferencePath $.a.new.b[0] to input {\"a\":{}}");
}

/* The value is moved into the document, and loses any key it had. */
static void set_should_move_the_value_without_copying(void **ctx)
{
    (void)ctx;
    cJSON *d = J("{\"arr\":[0],\"o\":{}}");
    cJSON *holder = J("{\"k\":{\"deep\":1}}");
    cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(holder, "k");
    assert_string_equal(v->string, "k");
    assert_int_equal(aslrt_path_set(&ex, P("$.arr[0]"), &d, v), 0);
    assert_ptr_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "arr"), 0), v);
    assert_null(v->string);
    cJSON *w = J("[1]");
    assert_int_equal(aslrt_path_set(&ex, P("$.o.p"), &d, w), 0);
    assert_ptr_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(d, "o"), "p"), w);
    assert_json(d, "{\"arr\":[{\"deep\":1}],\"o\":{\"p\":[1]}}");
    cJSON_Delete(holder);
    cJSON_Delete(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(parse_should_read_dot_and_bracket_fields),
        T(parse_should_read_indexes_and_slices),
        T(parse_should_read_wildcards_descent_and_unions),
        T(parse_should_mark_only_name_and_index_paths_definite),
        T(parse_should_read_each_root),
        T(parse_should_keep_bracket_names_as_written),
        T(parse_should_read_filters),
        T(parse_should_report_what_and_where),
        T(parse_should_restrict_reference_paths),
        T(parse_should_bound_filter_nesting),
        T(get_should_return_the_node_itself),
        T(get_should_match_field_names_case_sensitively),
        T(get_should_find_nothing_through_wrong_types),
        T(eval_should_copy_a_definite_match),
        T(eval_should_yield_empty_array_when_indefinite_path_finds_nothing),
        T(eval_should_apply_wildcards),
        T(eval_should_slice_as_python_does),
        T(eval_should_take_unions_in_written_order),
        T(eval_should_descend_in_document_order),
        T(eval_should_descend_very_deep_documents),
        T(eval_should_filter_array_elements),
        T(eval_should_compare_filter_operands_deeply),
        T(eval_should_filter_an_object_as_itself),
        T(eval_should_apply_nested_filters),
        T(eval_should_read_the_context_object),
        T(eval_should_find_no_unset_variable),
        T(miss_cause_should_use_aws_words),
        T(set_should_create_missing_parents),
        T(set_should_replace_an_existing_member_in_place),
        T(set_should_overwrite_array_elements),
        T(set_should_replace_the_whole_document_for_dollar),
        T(set_should_fail_on_conflicts_and_leave_input_alone),
        T(set_should_move_the_value_without_copying),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
