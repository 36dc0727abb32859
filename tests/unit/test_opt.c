/* test_opt.c — compiler/opt.c: which members of a Pass state's Parameters
   may move out of its input, which paths are checked before anything
   moves, which states may start a Parallel branch on a borrowed input, and
   which template objects have distinct keys. The rules are in opt.c's
   header comment; the definitions here are built to sit on each side of
   them. Last, --no-opt (asl_front_opts.no_opt): no decision taken, and
   what a wrong decision looks like next to it (tests/run_cases.py's
   jit-noopt mode compares every golden case so). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "diag.h"
#include "front.h"
#include "helpers.h"

/* ------------------------------------------------------------ helpers */

/* The IR of a valid definition, built with opt.c's decisions unless no_opt. */
static asl_def *load_opt(const char *text, int no_opt)
{
    asl_diag d;
    asl_diag_init(&d, "t.asl.json", stderr);
    asl_front_opts o = {no_opt};
    asl_def *def = asl_front_load_opts("t.asl.json", text, strlen(text), &o, &d);
    assert_non_null(def);
    return def;
}

/* The IR of a valid definition (asl_front_load_text runs opt.c). */
static asl_def *load(const char *text)
{
    asl_diag d;
    asl_diag_init(&d, "t.asl.json", stderr);
    asl_def *def = asl_front_load_text("t.asl.json", text, strlen(text), &d);
    assert_non_null(def);
    return def;
}

/* State `name` of any machine of def. */
static const aslrt_state *find_state(const asl_def *def, const char *name)
{
    for (int m = 0; m < def->nmachines; m++)
        for (int i = 0; i < def->machines[m]->rt.nstates; i++)
            if (strcmp(def->machines[m]->states[i].name, name) == 0)
                return &def->machines[m]->states[i];
    fail_msg("no state %s", name);
    return NULL;
}

/* Member `key` of object template t. */
static const aslrt_tmpl *member(const aslrt_tmpl *t, const char *key)
{
    assert_int_equal(t->kind, ASLRT_T_OBJECT);
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->items[i].key, key) == 0)
            return &t->items[i];
    fail_msg("no member %s", key);
    return NULL;
}

/* The flags of member `key` of st's Parameters. */
static int flags_of(const aslrt_state *st, const char *key)
{
    return member(st->parameters, key)->flags;
}

/* A one-state machine: a Pass state "S" with the given fields. */
static asl_def *pass(const char *fields)
{
    char text[4096];
    snprintf(text, sizeof text, "{\"StartAt\": \"S\", \"States\": {\"S\": {\"Type\": \"Pass\", %s, \"End\": true}}}",
             fields);
    return load(text);
}

/* -------------------------------------------------------------- moves */

static void opt_should_move_members_no_other_path_reads(void **state)
{
    (void)state;
    asl_def *def = pass("\"Parameters\": {\"a.$\": \"$.x\", \"b.$\": \"$.y.z\", \"c\": {\"d.$\": \"$.w[0]\"}}");
    const aslrt_state *st = find_state(def, "S");
    assert_true(st->flags & ASLRT_MOVE_INPUT);
    assert_true(flags_of(st, "a") & ASLRT_TF_MOVE);
    assert_true(flags_of(st, "b") & ASLRT_TF_MOVE);
    assert_true(member(member(st->parameters, "c"), "d")->flags & ASLRT_TF_MOVE);
    asl_def_free(def);
}

/* A node read again later is copied; the last read of it may move it. */
static void opt_should_copy_a_node_read_again_later_and_move_it_last(void **state)
{
    (void)state;
    asl_def *def = pass("\"Parameters\": {\"a.$\": \"$.x\", \"b.$\": \"$.x\", \"c.$\": \"$.y\", \"d.$\": \"$.y.z\", "
                        "\"e.$\": \"$.other\"}");
    const aslrt_state *st = find_state(def, "S");
    assert_false(flags_of(st, "a") & ASLRT_TF_MOVE);
    assert_true(flags_of(st, "b") & ASLRT_TF_MOVE);
    assert_false(flags_of(st, "c") & ASLRT_TF_MOVE);
    assert_true(flags_of(st, "d") & ASLRT_TF_MOVE);
    assert_true(flags_of(st, "e") & ASLRT_TF_MOVE);
    asl_def_free(def);
}

/* Once a node has moved, nothing after may read into it or around it. */
static void opt_should_copy_what_an_earlier_move_took_part_of(void **state)
{
    (void)state;
    asl_def *def = pass("\"Parameters\": {\"a.$\": \"$.y.z\", \"b.$\": \"$.q\", \"c.$\": \"$.y\"}");
    const aslrt_state *st = find_state(def, "S");
    assert_false(flags_of(st, "a") & ASLRT_TF_MOVE); /* $.y is read later */
    assert_true(flags_of(st, "b") & ASLRT_TF_MOVE);
    assert_true(flags_of(st, "c") & ASLRT_TF_MOVE); /* $.y.z was copied, not moved */
    asl_def_free(def);
}

static void opt_should_copy_elements_of_an_array_another_index_reads(void **state)
{
    (void)state;
    asl_def *def = pass("\"Parameters\": {\"a.$\": \"$.arr[0]\", \"b.$\": \"$.arr[2]\", \"c.$\": \"$.m[1]\"}");
    const aslrt_state *st = find_state(def, "S");
    assert_false(flags_of(st, "a") & ASLRT_TF_MOVE); /* [2] may be the element [0] is (or shift it) */
    assert_true(flags_of(st, "b") & ASLRT_TF_MOVE);  /* [0] was copied before */
    assert_true(flags_of(st, "c") & ASLRT_TF_MOVE);
    asl_def_free(def);
}

static void opt_should_copy_what_intrinsics_wildcards_and_filters_read(void **state)
{
    (void)state;
    asl_def *def = pass("\"Parameters\": {\"a.$\": \"$.s\", \"f.$\": \"States.Format('{}', $.s)\", "
                        "\"b.$\": \"$.list\", \"w.$\": \"$.list[*].v\", "
                        "\"c.$\": \"$.limit\", \"q.$\": \"$.items[?(@.n > $.limit)]\"}");
    const aslrt_state *st = find_state(def, "S");
    assert_false(flags_of(st, "a") & ASLRT_TF_MOVE);
    assert_false(flags_of(st, "b") & ASLRT_TF_MOVE);
    assert_false(flags_of(st, "c") & ASLRT_TF_MOVE); /* the filter reads $.limit from the root */
    assert_false(flags_of(st, "w") & ASLRT_TF_MOVE); /* not definite: built, never moved */
    asl_def_free(def);
}

static void opt_should_move_the_whole_input_only_when_nothing_else_reads_it(void **state)
{
    (void)state;
    asl_def *alone = pass("\"Parameters\": {\"body.$\": \"$\", \"n.$\": \"States.MathAdd(1, 2)\", "
                          "\"ctx.$\": \"$$.State.Name\"}");
    assert_true(flags_of(find_state(alone, "S"), "body") & ASLRT_TF_MOVE);
    asl_def_free(alone);
    asl_def *shared = pass("\"Parameters\": {\"body.$\": \"$\", \"a.$\": \"$.a\"}");
    assert_false(flags_of(find_state(shared, "S"), "body") & ASLRT_TF_MOVE); /* $.a is read after it */
    assert_true(flags_of(find_state(shared, "S"), "a") & ASLRT_TF_MOVE);
    asl_def_free(shared);
    asl_def *last = pass("\"Parameters\": {\"count.$\": \"States.ArrayLength($)\", \"results.$\": \"$\"}");
    assert_true(flags_of(find_state(last, "S"), "results") & ASLRT_TF_MOVE); /* read before, by an intrinsic */
    asl_def_free(last);
}

static void opt_should_not_move_when_the_input_outlives_the_state(void **state)
{
    (void)state;
    static const char *const kept[] = {
        "\"Parameters\": {\"a.$\": \"$.x\"}, \"ResultPath\": \"$.r\"",
        "\"Parameters\": {\"a.$\": \"$.x\"}, \"ResultPath\": null",
        "\"Parameters\": {\"a.$\": \"$.x\"}, \"Result\": {\"r\": 1}",
        "\"InputPath\": \"$$.Execution.Input\", \"Parameters\": {\"a.$\": \"$.x\"}",
    };
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
        asl_def *def = pass(kept[i]);
        const aslrt_state *st = find_state(def, "S");
        assert_false(st->flags & ASLRT_MOVE_INPUT);
        assert_false(flags_of(st, "a") & ASLRT_TF_MOVE);
        asl_def_free(def);
    }
    asl_def *task = load("{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", \"Resource\": "
                         "\"arn:aws:lambda:us-east-1:123456789012:function:f\", \"Parameters\": {\"a.$\": \"$.x\"}, "
                         "\"End\": true}}}");
    assert_false(flags_of(find_state(task, "T"), "a") & ASLRT_TF_MOVE); /* Retry and Catch reread the input */
    asl_def_free(task);
}

static void opt_should_check_the_paths_evaluated_after_the_first_move(void **state)
{
    (void)state;
    asl_def *def = pass("\"Parameters\": {\"i.$\": \"States.MathAdd($.i, 1)\", \"n.$\": \"$.n\", "
                        "\"x.$\": \"States.StringToJson($.s)\", \"d.$\": \"$.d\"}");
    const aslrt_state *st = find_state(def, "S");
    assert_false(member(st->parameters, "i")->items[0].flags & ASLRT_TF_CHECK); /* before any move */
    assert_false(flags_of(st, "n") & ASLRT_TF_CHECK);                          /* the first move itself */
    assert_true(member(st->parameters, "x")->items[0].flags & ASLRT_TF_CHECK);
    assert_true(flags_of(st, "d") & ASLRT_TF_CHECK);
    assert_true(st->parameters->flags & ASLRT_TF_CHECKS);
    asl_def_free(def);
    asl_def *last = pass("\"Parameters\": {\"i.$\": \"States.MathAdd($.i, 1)\", \"n.$\": \"$.n\"}");
    assert_false(find_state(last, "S")->parameters->flags & ASLRT_TF_CHECKS);
    asl_def_free(last);
}

/* ---------------------------------------------------------- borrowing */

static void opt_should_let_a_parallel_branch_borrow_instead_of_moving(void **state)
{
    (void)state;
    asl_def *def = load("{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Parallel\", \"End\": true, "
                        "\"Branches\": [{\"StartAt\": \"B\", \"States\": {\"B\": {\"Type\": \"Pass\", "
                        "\"Parameters\": {\"a.$\": \"$.a\"}, \"End\": true}}}, "
                        "{\"StartAt\": \"C\", \"States\": {\"C\": {\"Type\": \"Pass\", \"InputPath\": \"$.a\", "
                        "\"ResultPath\": \"$.r\", \"End\": true}}}]}}}");
    const aslrt_state *b = find_state(def, "B");
    assert_true(b->flags & ASLRT_BORROWS_INPUT);
    assert_false(b->flags & ASLRT_MOVE_INPUT);
    assert_false(flags_of(b, "a") & ASLRT_TF_MOVE);
    assert_false(find_state(def, "C")->flags & ASLRT_BORROWS_INPUT); /* ResultPath merges into its input */
    asl_def_free(def);
}

/* ------------------------------------------------------------ folding */

static void opt_should_fold_calls_whose_arguments_are_literals(void **state)
{
    (void)state;
    asl_def *def = pass("\"Parameters\": {\"a.$\": \"States.MathAdd(1, 2)\", "
                        "\"r.$\": \"States.ArrayRange(1, 9, 2)\", \"s.$\": \"States.MathRandom(1, 10, 7)\", "
                        "\"n.$\": \"States.ArrayLength(States.Array(1, 'b', 3))\"}");
    const aslrt_state *st = find_state(def, "S");
    const aslrt_tmpl *a = member(st->parameters, "a"), *r = member(st->parameters, "r"),
                     *n = member(st->parameters, "n");
    assert_int_equal(a->kind, ASLRT_T_LITERAL);
    assert_true(cJSON_IsNumber(a->value) && a->value->valuedouble == 3);
    assert_int_equal(r->kind, ASLRT_T_LITERAL);
    char *text = cJSON_PrintUnformatted(r->value);
    assert_string_equal(text, "[1,3,5,7,9]");
    free(text);
    assert_int_equal(member(st->parameters, "s")->kind, ASLRT_T_LITERAL); /* seeded: always the same */
    assert_int_equal(n->kind, ASLRT_T_LITERAL);
    assert_true(cJSON_IsNumber(n->value) && n->value->valuedouble == 3);
    asl_def_free(def);
}

static void opt_should_not_fold_random_paths_or_failing_calls(void **state)
{
    (void)state;
    asl_def *def = pass("\"Parameters\": {\"u.$\": \"States.UUID()\", \"m.$\": \"States.MathRandom(1, 10)\", "
                        "\"p.$\": \"States.MathAdd($.x, 1)\", "
                        "\"f.$\": \"States.ArrayGetItem(States.Array(1, 2), 5)\"}");
    const aslrt_state *st = find_state(def, "S");
    assert_int_equal(member(st->parameters, "u")->kind, ASLRT_T_CALL);
    assert_int_equal(member(st->parameters, "m")->kind, ASLRT_T_CALL);
    assert_int_equal(member(st->parameters, "p")->kind, ASLRT_T_CALL);
    const aslrt_tmpl *f = member(st->parameters, "f"); /* out of range: fails at run time */
    assert_int_equal(f->kind, ASLRT_T_CALL);
    assert_int_equal(f->items[0].kind, ASLRT_T_LITERAL); /* its States.Array(1, 2) is folded */
    asl_def_free(def);
}

/* ------------------------------------------------------ distinct keys */

static void opt_should_mark_objects_whose_keys_are_distinct(void **state)
{
    (void)state;
    asl_def *def = pass("\"Parameters\": {\"b\": 1, \"a.$\": \"$.a\", \"c\": {\"x.$\": \"$.x\", \"y\": 2}}");
    const aslrt_state *st = find_state(def, "S");
    assert_true(st->parameters->flags & ASLRT_TF_UNIQUE_KEYS);
    assert_true(member(st->parameters, "c")->flags & ASLRT_TF_UNIQUE_KEYS);
    asl_def_free(def);
}

/* ------------------------------------------------------------ --no-opt */

/* Every flag opt.c may set on template t or below it. */
static int tmpl_flags(const aslrt_tmpl *t)
{
    int f = t ? t->flags : 0;
    for (int i = 0; t && i < t->n; i++)
        f |= tmpl_flags(&t->items[i]);
    return f;
}

static void opt_should_decide_nothing_without_optimizations(void **state)
{
    (void)state;
    static const char text[] =
        "{\"StartAt\": \"S\", \"States\": {"
        "\"S\": {\"Type\": \"Pass\", \"Parameters\": {\"a.$\": \"$.a\", \"n.$\": \"States.MathAdd(1, 2)\"}, "
        "\"Next\": \"P\"}, "
        "\"P\": {\"Type\": \"Parallel\", \"Next\": \"M\", \"Branches\": [{\"StartAt\": \"B\", \"States\": "
        "{\"B\": {\"Type\": \"Pass\", \"Parameters\": {\"b.$\": \"$.a\"}, \"End\": true}}}]}, "
        "\"M\": {\"Type\": \"Map\", \"ItemsPath\": \"$[0].b\", \"Next\": \"J\", \"ItemProcessor\": {\"StartAt\": \"I\", "
        "\"States\": {\"I\": {\"Type\": \"Succeed\"}}}}, "
        "\"J\": {\"Type\": \"Pass\", \"QueryLanguage\": \"JSONata\", \"Output\": \"{% $states.input %}\", "
        "\"End\": true}}}";
    asl_def *opt = load_opt(text, 0), *plain = load_opt(text, 1);
    /* the decisions the definition gives opt.c and front.c ... */
    assert_true(find_state(opt, "S")->flags & ASLRT_MOVE_INPUT);
    assert_true(tmpl_flags(find_state(opt, "S")->parameters) & (ASLRT_TF_MOVE | ASLRT_TF_UNIQUE_KEYS));
    assert_int_equal(member(find_state(opt, "S")->parameters, "n")->kind, ASLRT_T_LITERAL);
    assert_true(find_state(opt, "B")->flags & ASLRT_BORROWS_INPUT);
    assert_true(find_state(opt, "M")->flags & ASLRT_TAKES_ITEMS);
    assert_int_equal(find_state(opt, "J")->output->fn, 0);
    /* ... none of them taken */
    assert_int_equal(find_state(plain, "S")->flags, 0);
    assert_int_equal(tmpl_flags(find_state(plain, "S")->parameters), 0);
    assert_int_equal(member(find_state(plain, "S")->parameters, "n")->kind, ASLRT_T_CALL);
    assert_int_equal(find_state(plain, "B")->flags, 0);
    assert_int_equal(find_state(plain, "M")->flags, 0);
    assert_int_equal(find_state(plain, "J")->output->fn, 1); /* $states.context always given */
    assert_true(plain->no_opt);
    asl_def_free(opt);
    asl_def_free(plain);
}

/* Pass state S of def run on `input`: its output, or its error as
   {"Error": ..., "Cause": ...}, printed. */
static char *run_pass(const asl_def *def, const char *input)
{
    const aslrt_state *st = find_state(def, "S");
    aslrt_run run;
    aslrt_exec ex;
    exec_fixture_init(&run, &ex, st);
    cJSON *v = J(input), *out;
    if (aslrt_pass_state(&ex, st, &v) == 0) {
        out = v; /* the state's output replaces its input */
    } else {
        out = cJSON_CreateObject();
        cJSON_AddStringToObject(out, "Error", ex.error);
        cJSON_AddStringToObject(out, "Cause", ex.cause);
        cJSON_Delete(v);
    }
    char *text = cJSON_PrintUnformatted(out);
    cJSON_Delete(out);
    exec_fixture_free(&run, &ex);
    return text;
}

/* What the golden cases' jit-noopt mode is for: a move where a copy was
   needed gives another output than the definition built without
   optimizations, while the right decision gives the same. */
static void opt_should_differ_from_no_opt_only_when_a_move_is_wrong(void **state)
{
    (void)state;
    static const char text[] = "{\"StartAt\": \"S\", \"States\": {\"S\": {\"Type\": \"Pass\", "
                               "\"Parameters\": {\"a.$\": \"$.x\", \"b.$\": \"$.x.y\", \"c.$\": \"$.z\"}, "
                               "\"End\": true}}}";
    static const char input[] = "{\"x\": {\"y\": 1}, \"z\": [2]}";
    asl_def *opt = load_opt(text, 0), *plain = load_opt(text, 1);
    const aslrt_state *st = find_state(opt, "S");
    assert_false(flags_of(st, "a") & ASLRT_TF_MOVE); /* b reads inside it: copied */
    assert_true(flags_of(st, "c") & ASLRT_TF_MOVE);
    char *want = run_pass(plain, input), *got = run_pass(opt, input);
    assert_string_equal(want, "{\"a\":{\"y\":1},\"b\":1,\"c\":[2]}");
    assert_string_equal(got, want);
    free(got);
    /* the wrong decision, made by hand: a moves, and b finds nothing */
    ((aslrt_tmpl *)member(st->parameters, "a"))->flags |= ASLRT_TF_MOVE;
    got = run_pass(opt, input);
    assert_string_not_equal(got, want);
    assert_non_null(strstr(got, "States.Runtime"));
    free(got);
    free(want);
    asl_def_free(opt);
    asl_def_free(plain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(opt_should_move_members_no_other_path_reads),
        cmocka_unit_test(opt_should_copy_a_node_read_again_later_and_move_it_last),
        cmocka_unit_test(opt_should_copy_what_an_earlier_move_took_part_of),
        cmocka_unit_test(opt_should_copy_elements_of_an_array_another_index_reads),
        cmocka_unit_test(opt_should_copy_what_intrinsics_wildcards_and_filters_read),
        cmocka_unit_test(opt_should_move_the_whole_input_only_when_nothing_else_reads_it),
        cmocka_unit_test(opt_should_not_move_when_the_input_outlives_the_state),
        cmocka_unit_test(opt_should_check_the_paths_evaluated_after_the_first_move),
        cmocka_unit_test(opt_should_let_a_parallel_branch_borrow_instead_of_moving),
        cmocka_unit_test(opt_should_fold_calls_whose_arguments_are_literals),
        cmocka_unit_test(opt_should_not_fold_random_paths_or_failing_calls),
        cmocka_unit_test(opt_should_mark_objects_whose_keys_are_distinct),
        cmocka_unit_test(opt_should_decide_nothing_without_optimizations),
        cmocka_unit_test(opt_should_differ_from_no_opt_only_when_a_move_is_wrong),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
