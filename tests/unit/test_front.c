/* test_front.c — the front end: JSON errors with line/column/caret
   (json/jsonfile.c), diagnostics and "did you mean" (compiler/diag.c),
   validation (compiler/validate.c) and the IR it builds (compiler/front.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "diag.h"
#include "front.h"
#include "jsonfile.h"
#include "validate.h"

/* ------------------------------------------------------------ helpers */

/* Parses text and returns the error message (malloc'd), or NULL when it
   parsed. */
static char *parse_error(const char *text, size_t len)
{
    char *err = NULL;
    cJSON *doc = aslrt_json_parse("t.json", text, len, &err);
    cJSON_Delete(doc);
    if (doc)
        assert_null(err);
    else
        assert_non_null(err);
    return err;
}

static void assert_parse_error(const char *text, const char *expected)
{
    char *err = parse_error(text, strlen(text));
    assert_non_null(err);
    assert_string_equal(err, expected);
    free(err);
}

/* What the front end printed, and what it returned, for a definition. */
typedef struct loaded {
    asl_def *def;
    char *out;          /* everything printed */
    int nerrors, nwarnings;
} loaded;

static char tmpdir[64];

static const char *write_file(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Loads `text` saved as NAME; diagnostics name the file "NAME" (we chdir
   into the temporary directory). */
static loaded load(const char *name, const char *text)
{
    write_file(name, text);
    loaded l;
    size_t size = 0;
    FILE *out = open_memstream(&l.out, &size);
    assert_non_null(out);
    asl_diag d;
    asl_diag_init(&d, name, out);
    l.def = asl_front_load(name, &d);
    fclose(out);
    l.nerrors = d.nerrors;
    l.nwarnings = d.nwarnings;
    return l;
}

static void unload(loaded *l)
{
    asl_def_free(l->def);
    free(l->out);
}

/* The index of the state called name in machine m, or -1. */
static int state_index(const aslrt_machine *m, const char *name)
{
    for (int i = 0; i < m->nstates; i++)
        if (strcmp(m->states[i].name, name) == 0)
            return i;
    return -1;
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/aslc-test-front-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    assert_int_equal(chdir(tmpdir), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ------------------------------------------------------- JSON reading */

static void json_parse_should_point_at_a_missing_comma(void **state)
{
    (void)state;
    assert_parse_error("{\n  \"a\": 1\n  \"b\": 2\n}",
                       "t.json:3:3: expected ',' or '}' after object member but found '\"'\n"
                       "    \"b\": 2\n"
                       "    ^");
}

static void json_parse_should_report_unexpected_end_of_input_after_last_token(void **state)
{
    (void)state;
    assert_parse_error("{\"a\": [1, 2\n\n", "t.json:1:12: unexpected end of input\n"
                                           "  {\"a\": [1, 2\n"
                                           "             ^");
}

static void json_parse_should_report_trailing_characters(void **state)
{
    (void)state;
    assert_parse_error("{} {}", "t.json:1:4: trailing characters after the JSON document\n"
                                "  {} {}\n"
                                "     ^");
}

static void json_parse_should_report_trailing_comma(void **state)
{
    (void)state;
    assert_parse_error("[1,\n 2,\n]", "t.json:3:1: trailing comma before ']'\n"
                                      "  ]\n"
                                      "  ^");
}

static void json_parse_should_report_an_empty_file(void **state)
{
    (void)state;
    char *err = parse_error("", 0);
    assert_string_equal(err, "t.json:1:1: empty file\n  \n  ^");
    free(err);
}

static void json_parse_should_report_deep_nesting_without_recursing(void **state)
{
    (void)state;
    size_t depth = 100000;
    char *text = malloc(2 * depth);
    memset(text, '[', depth);
    memset(text + depth, ']', depth);
    char *err = parse_error(text, 2 * depth);
    assert_non_null(err);
    assert_non_null(strstr(err, "t.json:1:1001: nesting deeper than 1000 levels\n"));
    free(err);
    free(text);
}

static void json_parse_should_accept_exactly_1000_levels(void **state)
{
    (void)state;
    char text[2000];
    memset(text, '[', 1000);
    memset(text + 1000, ']', 1000);
    char *err = NULL;
    cJSON *doc = aslrt_json_parse("t.json", text, sizeof text, &err);
    assert_non_null(doc);
    assert_null(err);
    cJSON_Delete(doc);
}

static void json_parse_should_report_a_nul_byte(void **state)
{
    (void)state;
    char *err = parse_error("{\"a\": \"x\0y\"}", 12);
    assert_string_equal(err, "t.json:1:9: NUL byte in string\n  {\"a\": \"x?y\"}\n          ^");
    free(err);
}

static void json_parse_should_refuse_invalid_utf8_naming_the_offset(void **state)
{
    (void)state;
    char *err = parse_error("{\"a\": \"\xff\xfe\"}", 11);
    assert_string_equal(err, "t.json:1:8: invalid UTF-8 at byte offset 7 (byte 0xFF)\n  {\"a\": \"??\"}\n         ^");
    free(err);
}

static void json_parse_should_not_read_past_len(void **state)
{
    (void)state;
    /* Only "[1]" is the document; the rest of the buffer must not count. */
    char *err = NULL;
    cJSON *doc = aslrt_json_parse("t.json", "[1]garbage", 3, &err);
    assert_non_null(doc);
    assert_int_equal(cJSON_GetArraySize(doc), 1);
    cJSON_Delete(doc);
}

static void json_parse_should_show_only_a_window_of_a_long_line(void **state)
{
    (void)state;
    char *text = malloc(10016);
    size_t n = 1;
    text[0] = '[';
    while (n < 10000) {
        memcpy(text + n, "1,", 2);
        n += 2;
    }
    memcpy(text + n, "x]", 3);  /* the 'x' is at byte n, column n + 1 = 10002 */
    char *err = parse_error(text, strlen(text));
    /* The message, then a window of the line, then the caret. */
    char *line = strchr(err, '\n') + 1, *caret = strchr(line, '\n') + 1;
    assert_true(strncmp(err, "t.json:1:10002: unexpected character 'x'\n", 41) == 0);
    assert_true(caret - line - 1 <= 130);
    assert_int_equal(strchr(caret, '^') - caret, strchr(line, 'x') - line);
    free(err);
    free(text);
}

static void json_parse_should_line_the_caret_up_under_tabs_and_utf8(void **state)
{
    (void)state;
    assert_parse_error("{\t\"\xc3\xa9\xc3\xa9\" 1}", "t.json:1:10: expected ':' after object key but found '1'\n"
                                                  "  {\t\"\xc3\xa9\xc3\xa9\" 1}\n"
                                                  "   \t     ^");
}

static void json_parse_should_name_common_mistakes(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        { "{'a': 1}", "unexpected \"'\": JSON strings use double quotes" },
        { "[01]", "numbers must not have leading zeros" },
        { "[\"a\\qb\"]", "invalid escape '\\q' in string" },
        { "[tru]", "invalid literal (expected true)" },
        { "[1] // c", "trailing characters after the JSON document" },
        { "[\"\\ud800\"]", "unpaired UTF-16 surrogate in \\u escape" },
        { "{\"a\" 1}", "expected ':' after object key but found '1'" },
        { "[\"abc", "unterminated string" },
        { "{a: 1}", "expected a string in double quotes as object key but found 'a'" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *err = parse_error(cases[i][0], strlen(cases[i][0]));
        char *msg = strchr(strchr(err, ':') + 1, ':');      /* after "t.json:L" */
        msg = strchr(msg + 1, ':') + 2;                     /* after ":C: " */
        size_t len = strcspn(msg, "\n");
        assert_int_equal(len, strlen(cases[i][1]));
        assert_memory_equal(msg, cases[i][1], len);
        free(err);
    }
}

static void json_load_should_name_the_file_that_cannot_be_read(void **state)
{
    (void)state;
    char *err = NULL;
    assert_null(aslrt_json_load("/nonexistent/x.json", &err));
    assert_string_equal(err, "/nonexistent/x.json: No such file or directory");
    free(err);
}

/* ------------------------------------------------------- diagnostics */

static void did_you_mean_should_suggest_a_close_name(void **state)
{
    (void)state;
    const char *names[] = { "Ship", "OutOfStock", "Check Inventory" };
    assert_string_equal(asl_did_you_mean("OutOfStok", names, 3), "OutOfStock");
}

static void did_you_mean_should_count_a_swap_as_one_edit(void **state)
{
    (void)state;
    const char *types[] = { "Pass", "Task", "Choice", "Wait" };
    assert_string_equal(asl_did_you_mean("Tsak", types, 4), "Task");
    assert_string_equal(asl_did_you_mean("Wiat", types, 4), "Wait");
}

static void did_you_mean_should_prefer_a_match_ignoring_case(void **state)
{
    (void)state;
    /* "nexts" is one edit from "Nexts" and from "next"; case wins. */
    const char *names[] = { "next", "Nexts" };
    assert_string_equal(asl_did_you_mean("NEXTS", names, 2), "Nexts");
}

static void did_you_mean_should_stay_silent_when_nothing_is_close(void **state)
{
    (void)state;
    const char *names[] = { "A", "Retry", "Catch" };
    assert_null(asl_did_you_mean("Zed", names, 3));
    assert_null(asl_did_you_mean("Nothing", names, 0));
    assert_null(asl_did_you_mean("x", NULL, 0));
    /* len/3 edits: "Resourc" (7 letters, 2 allowed) -> "Resource". */
    const char *fields[] = { "Resource", "Result" };
    assert_string_equal(asl_did_you_mean("Resourc", fields, 2), "Resource");
    assert_null(asl_did_you_mean("Rsrc", fields, 2));
}

static void ptr_join_should_escape_tilde_and_slash(void **state)
{
    (void)state;
    asl_arena *a = asl_arena_new();
    assert_string_equal(asl_ptr_join(a, "/States", "a/b~c"), "/States/a~1b~0c");
    assert_string_equal(asl_ptr_join(a, "", "States"), "/States");
    assert_string_equal(asl_ptr_index(a, "/States/P/Branches", 2), "/States/P/Branches/2");
    asl_arena_free(a);
}

static void diag_should_print_file_pointer_message_and_count(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    asl_diag d;
    asl_diag_init(&d, "wf.asl.json", out);
    asl_diag_error(&d, "/States/A/Next", "no state named \"%s\"", "B");
    asl_diag_warning(&d, "/States/C", "not reachable");
    asl_diag_error(&d, "", "whole document");
    asl_diag_plain(&d, "cannot read");
    asl_diag_error(&d, "/States/a\nb", "bad \x1b[31m name");
    fclose(out);
    assert_string_equal(buf, "wf.asl.json: /States/A/Next: no state named \"B\"\n"
                             "wf.asl.json: /States/C: warning: not reachable\n"
                             "wf.asl.json: whole document\n"
                             "wf.asl.json: cannot read\n"
                             "wf.asl.json: /States/a\\nb: bad \\x1B[31m name\n");
    assert_int_equal(d.nerrors, 4);
    assert_int_equal(d.nwarnings, 1);
    free(buf);
}

/* --------------------------------------------------------- validation */

static void front_should_report_every_problem_in_one_run(void **state)
{
    (void)state;
    loaded l = load("bad.asl.json",
                    "{\"StartAt\": \"A\", \"States\": {"
                    "\"A\": {\"Type\": \"Pass\", \"Next\": \"Bb\"},"
                    "\"B\": {\"Type\": \"Wait\", \"Seconds\": 1, \"SecondsPath\": \"$.s\", \"End\": true},"
                    "\"C\": {\"Type\": \"Tsk\", \"End\": true}}}");
    assert_null(l.def);
    assert_string_equal(l.out,
                        "bad.asl.json: /States/A/Next: no state named \"Bb\" (did you mean \"B\"?)\n"
                        "bad.asl.json: /States/B/SecondsPath: \"SecondsPath\" cannot be used together with "
                        "\"Seconds\" (a Wait state has exactly one of Seconds, Timestamp, SecondsPath, TimestampPath)\n"
                        "bad.asl.json: /States/C/Type: unknown state type \"Tsk\" (did you mean \"Task\"?)\n"
                        "bad.asl.json: /States/B: warning: state \"B\" is not reachable from StartAt\n"
                        "bad.asl.json: /States/C: warning: state \"C\" is not reachable from StartAt\n");
    assert_int_equal(l.nerrors, 3);
    assert_int_equal(l.nwarnings, 2);
    unload(&l);
}

static void front_should_print_json_syntax_errors_as_one_error(void **state)
{
    (void)state;
    loaded l = load("syntax.asl.json", "{\"StartAt\": \"A\",\n \"States\": }\n");
    assert_null(l.def);
    assert_string_equal(l.out, "syntax.asl.json:2:12: expected a value but found '}'\n"
                               "   \"States\": }\n"
                               "             ^\n");
    assert_int_equal(l.nerrors, 1);
    unload(&l);
}

static void front_should_return_the_ir_despite_warnings(void **state)
{
    (void)state;
    loaded l = load("warn.asl.json", "{\"StartAt\": \"A\", \"States\": {"
                                     "\"A\": {\"Type\": \"Succeed\"}, \"B\": {\"Type\": \"Succeed\"}}}");
    assert_non_null(l.def);
    assert_int_equal(l.nerrors, 0);
    assert_int_equal(l.nwarnings, 1);
    unload(&l);
}

static void validate_should_reject_intrinsics_that_do_not_return_strings_in_error_path(void **state)
{
    (void)state;
    loaded l = load("f.asl.json", "{\"StartAt\": \"F\", \"States\": {\"F\": {\"Type\": \"Fail\","
                                  "\"ErrorPath\": \"States.Format('E{}', $.code)\","
                                  "\"CausePath\": \"States.Array($.x)\"}}}");
    assert_null(l.def);
    assert_int_equal(l.nerrors, 1);
    assert_non_null(strstr(l.out, "f.asl.json: /States/F/CausePath: States.Array does not return a string"));
    unload(&l);
}

static void validate_should_accept_jsonata_fields_in_jsonata_states(void **state)
{
    (void)state;
    loaded l = load("j.asl.json",
                    "{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"T\", \"States\": {"
                    "\"T\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\","
                    "  \"Arguments\": {\"Payload\": \"{% $states.input %}\"}, \"TimeoutSeconds\": \"{% 5 %}\","
                    "  \"Output\": \"{% $states.result.Payload %}\", \"Assign\": {\"x\": 1}, \"Next\": \"C\"},"
                    "\"C\": {\"Type\": \"Choice\", \"Choices\": [{\"Condition\": \"{% $x = 1 %}\", \"Next\": \"W\"}],"
                    "  \"Default\": \"W\"},"
                    "\"W\": {\"Type\": \"Wait\", \"Seconds\": \"{% 1 %}\", \"End\": true}}}");
    assert_string_equal(l.out, "");
    assert_non_null(l.def);
    unload(&l);
}

/* ------------------------------------------------------------------ IR */

static const char *const full_definition =
    "{\"StartAt\": \"Prepare\", \"TimeoutSeconds\": 300, \"States\": {"
    "\"Prepare\": {\"Type\": \"Pass\", \"InputPath\": null, \"ResultPath\": \"$.r\","
    "  \"Parameters\": {\"static\": {\"a\": [1, 2]}, \"id.$\": \"$.id\", \"list\": [{\"n.$\": \"States.UUID()\"}, 3]},"
    "  \"Next\": \"Fan Out\"},"
    "\"Fan Out\": {\"Type\": \"Parallel\", \"Branches\": ["
    "   {\"StartAt\": \"L1\", \"States\": {\"L1\": {\"Type\": \"Map\", \"ItemsPath\": \"$.items\","
    "      \"MaxConcurrency\": 2, \"ItemSelector\": {\"v.$\": \"$$.Map.Item.Value\"},"
    "      \"ItemProcessor\": {\"StartAt\": \"M1\", \"States\": {\"M1\": {\"Type\": \"Succeed\"}}}, \"End\": true}}},"
    "   {\"StartAt\": \"R1\", \"States\": {\"R1\": {\"Type\": \"Pass\", \"End\": true}}}],"
    "  \"Retry\": [{\"ErrorEquals\": [\"States.ALL\"]}],"
    "  \"Catch\": [{\"ErrorEquals\": [\"States.ALL\"], \"ResultPath\": null, \"Next\": \"Failed\"}],"
    "  \"Next\": \"Route\"},"
    "\"Route\": {\"Type\": \"Choice\", \"OutputPath\": null, \"Choices\": ["
    "   {\"Not\": {\"Variable\": \"$.a\", \"NumericLessThanPath\": \"$.b\"}, \"Next\": \"Later\"},"
    "   {\"And\": [{\"Variable\": \"$.s\", \"StringMatches\": \"*.log\"}, {\"Variable\": \"$.p\", \"IsPresent\": true}],"
    "    \"Next\": \"Call\"}],"
    "  \"Default\": \"Failed\"},"
    "\"Later\": {\"Type\": \"Wait\", \"Seconds\": 5, \"Next\": \"Call\"},"
    "\"Call\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:lambda:us-east-1:1:function:f\","
    "  \"TimeoutSeconds\": 30, \"HeartbeatSecondsPath\": \"$.hb\", \"End\": true},"
    "\"Failed\": {\"Type\": \"Fail\", \"Error\": \"Oops\", \"CausePath\": \"$.why\"}}}";

static void front_should_number_nested_machines_depth_first(void **state)
{
    (void)state;
    loaded l = load("flows.asl.json", full_definition);
    assert_string_equal(l.out, "");
    asl_def *def = l.def;
    assert_non_null(def);
    /* top = 0; Parallel branch 0 = 1, its Map's processor = 2; branch 1 = 3. */
    assert_int_equal(def->nmachines, 4);
    static const char *const pointers[] = { "", "/States/Fan Out/Branches/0",
                                            "/States/Fan Out/Branches/0/States/L1/ItemProcessor",
                                            "/States/Fan Out/Branches/1" };
    static const char *const parents[] = { NULL, "Fan Out", "L1", "Fan Out" };
    for (int i = 0; i < 4; i++) {
        assert_int_equal(def->machines[i]->id, i);
        assert_string_equal(def->machines[i]->pointer, pointers[i]);
        if (parents[i])
            assert_string_equal(def->machines[i]->parent_state, parents[i]);
        else
            assert_null(def->machines[i]->parent_state);
        assert_ptr_equal(asl_def_machine(def, &def->machines[i]->rt), def->machines[i]);
        assert_ptr_equal(def->machines[i]->rt.states, def->machines[i]->states);
        assert_null(def->machines[i]->rt.run);
    }
    const aslrt_state *par = &def->machines[0]->states[1];
    assert_int_equal(par->nbranches, 2);
    assert_ptr_equal(par->branches[0], &def->machines[1]->rt);
    assert_ptr_equal(par->branches[1], &def->machines[3]->rt);
    const aslrt_state *map = &def->machines[1]->states[0];
    assert_int_equal(map->type, ASLRT_MAP);
    assert_int_equal(map->nbranches, 1);
    assert_ptr_equal(map->branches[0], &def->machines[2]->rt);
    assert_string_equal(def->machines[2]->pointers[0], "/States/Fan Out/Branches/0/States/L1/ItemProcessor/States/M1");
    unload(&l);
}

static void front_should_fill_the_program_and_state_fields(void **state)
{
    (void)state;
    loaded l = load("orders.asl.json", full_definition);
    asl_def *def = l.def;
    assert_non_null(def);
    assert_int_equal(def->program.abi_version, ASLRT_ABI_VERSION);
    assert_string_equal(def->program.name, "orders");
    assert_string_equal(def->program.file, "orders.asl.json");
    assert_ptr_equal(def->program.main, &def->machines[0]->rt);
    assert_true(def->program.timeout_seconds == 300);

    const aslrt_machine *top = &def->machines[0]->rt;
    assert_int_equal(top->nstates, 6);
    assert_int_equal(top->start, 0);
    assert_string_equal(def->machines[0]->pointers[1], "/States/Fan Out");

    const aslrt_state *prep = &top->states[state_index(top, "Prepare")];
    assert_int_equal(prep->type, ASLRT_PASS);
    assert_int_equal(prep->next, state_index(top, "Fan Out"));
    assert_int_equal(prep->flags, ASLRT_INPUT_PATH_NULL);
    assert_null(prep->input_path);
    assert_non_null(prep->result_path);
    assert_string_equal(prep->result_path->text, "$.r");

    const aslrt_state *par = &top->states[state_index(top, "Fan Out")];
    assert_int_equal(par->nretry, 1);
    assert_true(par->retry[0].interval_seconds == 1 && par->retry[0].max_attempts == 3 &&
                par->retry[0].backoff_rate == 2.0 && par->retry[0].max_delay_seconds == 0 &&
                !par->retry[0].jitter_full);
    assert_string_equal(par->retry[0].errors[0], "States.ALL");
    assert_int_equal(par->ncatch, 1);
    assert_int_equal(par->catchers[0].next, state_index(top, "Failed"));
    assert_int_equal(par->catchers[0].result_path_null, 1);

    const aslrt_state *route = &top->states[state_index(top, "Route")];
    assert_int_equal(route->flags, ASLRT_OUTPUT_PATH_NULL);
    assert_int_equal(route->next, -1);
    assert_int_equal(route->default_next, state_index(top, "Failed"));
    assert_int_equal(route->nrules, 2);
    const aslrt_rule *not_rule = &route->rules[0];
    assert_int_equal(not_rule->op, ASLRT_OP_NOT);
    assert_int_equal(not_rule->next, state_index(top, "Later"));
    assert_int_equal(not_rule->n, 1);
    assert_int_equal(not_rule->sub[0].op, ASLRT_OP_NUMERIC_LT);
    assert_string_equal(not_rule->sub[0].variable->text, "$.a");
    assert_string_equal(not_rule->sub[0].operand_path->text, "$.b");
    assert_null(not_rule->sub[0].operand);
    const aslrt_rule *and_rule = &route->rules[1];
    assert_int_equal(and_rule->op, ASLRT_OP_AND);
    assert_int_equal(and_rule->n, 2);
    assert_int_equal(and_rule->sub[0].op, ASLRT_OP_STRING_MATCHES);
    assert_string_equal(and_rule->sub[0].operand->valuestring, "*.log");
    assert_int_equal(and_rule->sub[1].op, ASLRT_OP_IS_PRESENT);
    assert_true(cJSON_IsTrue(and_rule->sub[1].operand));

    const aslrt_state *later = &top->states[state_index(top, "Later")];
    assert_int_equal(later->flags, ASLRT_HAS_SECONDS);
    assert_true(later->seconds == 5);

    const aslrt_state *call = &top->states[state_index(top, "Call")];
    assert_string_equal(call->resource, "arn:aws:lambda:us-east-1:1:function:f");
    assert_true(call->timeout_seconds == 30);
    assert_string_equal(call->heartbeat_seconds_path->text, "$.hb");
    assert_int_equal(call->next, -1);

    const aslrt_state *failed = &top->states[state_index(top, "Failed")];
    assert_string_equal(failed->error, "Oops");
    assert_int_equal(failed->cause_path->kind, ASLRT_T_PATH);
    assert_string_equal(failed->cause_path->path->text, "$.why");

    const aslrt_state *map = &def->machines[1]->states[0];
    assert_string_equal(map->items_path->text, "$.items");
    assert_int_equal(map->max_concurrency, 2);
    assert_int_equal(map->item_selector->kind, ASLRT_T_OBJECT);
    assert_int_equal(map->item_selector->items[0].path->root, ASLRT_ROOT_CONTEXT);
    unload(&l);
}

static void front_should_fold_static_template_subtrees_into_one_literal(void **state)
{
    (void)state;
    loaded l = load("t.asl.json", full_definition);
    const aslrt_state *prep = &l.def->machines[0]->states[0];
    const aslrt_tmpl *p = prep->parameters;
    assert_int_equal(p->kind, ASLRT_T_OBJECT);
    assert_int_equal(p->n, 3);
    /* "static": {"a": [1, 2]} has no ".$" inside: one literal node. */
    assert_int_equal(p->items[0].kind, ASLRT_T_LITERAL);
    assert_string_equal(p->items[0].key, "static");
    assert_true(cJSON_IsObject(p->items[0].value));
    assert_string_equal(p->items[0].value->string, "static");
    /* "id.$": "$.id" is a path, output key "id". */
    assert_int_equal(p->items[1].kind, ASLRT_T_PATH);
    assert_string_equal(p->items[1].key, "id");
    assert_string_equal(p->items[1].field, "id.$");
    assert_string_equal(p->items[1].path->text, "$.id");
    /* "list": [{"n.$": "States.UUID()"}, 3]: an array holding an object with a call, then a literal. */
    const aslrt_tmpl *list = &p->items[2];
    assert_int_equal(list->kind, ASLRT_T_ARRAY);
    assert_int_equal(list->n, 2);
    assert_int_equal(list->items[0].kind, ASLRT_T_OBJECT);
    assert_int_equal(list->items[0].items[0].kind, ASLRT_T_CALL);
    assert_int_equal(list->items[0].items[0].fn, ASLRT_FN_UUID);
    assert_string_equal(list->items[0].items[0].key, "n");
    assert_int_equal(list->items[1].kind, ASLRT_T_LITERAL);
    assert_true(list->items[1].value->valuedouble == 3);
    unload(&l);
}

static void front_should_make_a_template_without_dollar_keys_one_literal(void **state)
{
    (void)state;
    loaded l = load("lit.asl.json", "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\","
                                    "\"Parameters\": {\"x\": {\"y\": \"$.not_a_path\"}}, \"Result\": {\"k.$\": \"$.v\"},"
                                    "\"End\": true}}}");
    const aslrt_state *a = &l.def->machines[0]->states[0];
    assert_int_equal(a->parameters->kind, ASLRT_T_LITERAL);
    assert_true(cJSON_IsObject(a->parameters->value));
    /* Pass Result is taken literally, ".$" keys and all. */
    assert_non_null(cJSON_GetObjectItemCaseSensitive(a->result, "k.$"));
    assert_string_equal(l.def->program.name, "lit");
    unload(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_parse_should_point_at_a_missing_comma),
        cmocka_unit_test(json_parse_should_report_unexpected_end_of_input_after_last_token),
        cmocka_unit_test(json_parse_should_report_trailing_characters),
        cmocka_unit_test(json_parse_should_report_trailing_comma),
        cmocka_unit_test(json_parse_should_report_an_empty_file),
        cmocka_unit_test(json_parse_should_report_deep_nesting_without_recursing),
        cmocka_unit_test(json_parse_should_accept_exactly_1000_levels),
        cmocka_unit_test(json_parse_should_report_a_nul_byte),
        cmocka_unit_test(json_parse_should_refuse_invalid_utf8_naming_the_offset),
        cmocka_unit_test(json_parse_should_not_read_past_len),
        cmocka_unit_test(json_parse_should_show_only_a_window_of_a_long_line),
        cmocka_unit_test(json_parse_should_line_the_caret_up_under_tabs_and_utf8),
        cmocka_unit_test(json_parse_should_name_common_mistakes),
        cmocka_unit_test(json_load_should_name_the_file_that_cannot_be_read),
        cmocka_unit_test(did_you_mean_should_suggest_a_close_name),
        cmocka_unit_test(did_you_mean_should_count_a_swap_as_one_edit),
        cmocka_unit_test(did_you_mean_should_prefer_a_match_ignoring_case),
        cmocka_unit_test(did_you_mean_should_stay_silent_when_nothing_is_close),
        cmocka_unit_test(ptr_join_should_escape_tilde_and_slash),
        cmocka_unit_test(diag_should_print_file_pointer_message_and_count),
        cmocka_unit_test(front_should_report_every_problem_in_one_run),
        cmocka_unit_test(front_should_print_json_syntax_errors_as_one_error),
        cmocka_unit_test(front_should_return_the_ir_despite_warnings),
        cmocka_unit_test(validate_should_reject_intrinsics_that_do_not_return_strings_in_error_path),
        cmocka_unit_test(validate_should_accept_jsonata_fields_in_jsonata_states),
        cmocka_unit_test(front_should_number_nested_machines_depth_first),
        cmocka_unit_test(front_should_fill_the_program_and_state_fields),
        cmocka_unit_test(front_should_fold_static_template_subtrees_into_one_literal),
        cmocka_unit_test(front_should_make_a_template_without_dollar_keys_one_literal),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
