/* test_graph.c — `aslc graph`: Choice rule labels, escaping of untrusted
   names for dot and Mermaid, clusters, and marks read from a history. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "front.h"
#include "graph.h"

/* ------------------------------------------------------------ helpers */

/* Writes text to a temporary file whose name ends in .asl.json (so that the
   machine is named "t"); returns the malloc'd path. */
static char *temp_file(const char *text, const char *suffix)
{
    char dir[] = "/tmp/aslc-test-graph.XXXXXX";
    assert_non_null(mkdtemp(dir));
    size_t n = strlen(dir) + strlen(suffix) + 4;
    char *path = malloc(n);
    snprintf(path, n, "%s/t%s", dir, suffix);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void remove_temp(char *path)
{
    unlink(path);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    rmdir(path);
    free(path);
}

/* Loads a definition; fails the test when it is invalid. */
static asl_def *load_def(const char *text, char **path)
{
    *path = temp_file(text, ".asl.json");
    asl_diag d;
    asl_diag_init(&d, *path, stderr);
    asl_def *def = asl_front_load(*path, &d);
    assert_non_null(def);
    return def;
}

static char *render(const char *definition, asl_graph_format fmt)
{
    char *path;
    asl_def *def = load_def(definition, &path);
    char *out = asl_graph_render(def, fmt, NULL);
    asl_def_free(def);
    remove_temp(path);
    return out;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("expected to find\n  %s\nin\n%s", needle, hay);
}

static void assert_lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle))
        fail_msg("did not expect\n  %s\nin\n%s", needle, hay);
}

/* --------------------------------------------------------- rule labels */

static const aslrt_step k_total_step[] = {{.kind = ASLRT_STEP_FIELD, .name = "total"}};
static const aslrt_path k_total = {.text = "$.total", .root = ASLRT_ROOT_INPUT, .definite = 1, .nsteps = 1,
                                   .steps = k_total_step};
static const aslrt_path k_limit = {.text = "$.limit", .root = ASLRT_ROOT_INPUT, .definite = 1, .nsteps = 1,
                                   .steps = k_total_step};

static void rule_text_should_render_comparisons_infix(void **state)
{
    (void)state;
    cJSON *n = cJSON_CreateNumber(1000), *s = cJSON_CreateString("VIP-*");
    aslrt_rule gt = {.op = ASLRT_OP_NUMERIC_GT, .variable = &k_total, .operand = n};
    aslrt_rule m = {.op = ASLRT_OP_STRING_MATCHES, .variable = &k_total, .operand = s};
    aslrt_rule le = {.op = ASLRT_OP_NUMERIC_LE, .variable = &k_total, .operand_path = &k_limit};
    char *t;
    assert_string_equal(t = asl_graph_rule_text(&gt, 48), "$.total > 1000");
    free(t);
    assert_string_equal(t = asl_graph_rule_text(&m, 48), "$.total matches \"VIP-*\"");
    free(t);
    assert_string_equal(t = asl_graph_rule_text(&le, 48), "$.total <= $.limit");
    free(t);
    cJSON_Delete(n);
    cJSON_Delete(s);
}

static void rule_text_should_render_type_tests_with_their_operand(void **state)
{
    (void)state;
    cJSON *f = cJSON_CreateFalse(), *tr = cJSON_CreateTrue();
    aslrt_rule absent = {.op = ASLRT_OP_IS_PRESENT, .variable = &k_total, .operand = f};
    aslrt_rule isnull = {.op = ASLRT_OP_IS_NULL, .variable = &k_total, .operand = tr};
    char *t;
    assert_string_equal(t = asl_graph_rule_text(&absent, 48), "$.total is not present");
    free(t);
    assert_string_equal(t = asl_graph_rule_text(&isnull, 48), "$.total is null");
    free(t);
    cJSON_Delete(f);
    cJSON_Delete(tr);
}

static void rule_text_should_render_and_or_not(void **state)
{
    (void)state;
    cJSON *n = cJSON_CreateNumber(3), *tr = cJSON_CreateTrue();
    aslrt_rule leaves[2] = {{.op = ASLRT_OP_NUMERIC_EQ, .variable = &k_total, .operand = n},
                            {.op = ASLRT_OP_IS_NULL, .variable = &k_total, .operand = tr}};
    aslrt_rule not = {.op = ASLRT_OP_NOT, .n = 1, .sub = &leaves[1]};
    aslrt_rule both[2] = {leaves[0], not};
    aslrt_rule and = {.op = ASLRT_OP_AND, .n = 2, .sub = both};
    char *t = asl_graph_rule_text(&and, 100);
    assert_string_equal(t, "($.total == 3 && !($.total is null))");
    free(t);
    cJSON_Delete(n);
    cJSON_Delete(tr);
}

static void rule_text_should_cut_long_rules_on_a_character_boundary(void **state)
{
    (void)state;
    cJSON *s = cJSON_CreateString("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
    aslrt_rule eq = {.op = ASLRT_OP_STRING_EQ, .variable = &k_total, .operand = s};
    /* "$.total == \"" is 12 bytes; 15 would split the second é. */
    char *t = asl_graph_rule_text(&eq, 15);
    assert_string_equal(t, "$.total == \"\xc3\xa9...");
    free(t);
    cJSON_Delete(s);
}

static void rule_text_should_stop_at_deep_nesting(void **state)
{
    (void)state;
    cJSON *n = cJSON_CreateNumber(1);
    aslrt_rule leaf = {.op = ASLRT_OP_NUMERIC_EQ, .variable = &k_total, .operand = n};
    aslrt_rule nots[10];
    const aslrt_rule *inner = &leaf;
    for (int i = 0; i < 10; i++) {
        nots[i] = (aslrt_rule){.op = ASLRT_OP_NOT, .n = 1, .sub = inner};
        inner = &nots[i];
    }
    char *t = asl_graph_rule_text(&nots[9], 200);
    assert_string_equal(t, "!(!(!(!(...))))"); /* four levels, then ... */
    free(t);
    cJSON_Delete(n);
}

/* ------------------------------------------------------------ drawing */

static const char k_choice_wf[] =
    "{\"StartAt\": \"Pick\", \"States\": {"
    " \"Pick\": {\"Type\": \"Choice\", \"Choices\": [{\"Variable\": \"$.n\", \"NumericGreaterThan\": 1,"
    "   \"Next\": \"Work\"}], \"Default\": \"Stop\"},"
    " \"Work\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\","
    "   \"Catch\": [{\"ErrorEquals\": [\"States.ALL\"], \"Next\": \"Stop\"}], \"End\": true},"
    " \"Stop\": {\"Type\": \"Fail\", \"Error\": \"E\"}}}";

static void dot_should_label_choice_edges_and_dash_catch_edges(void **state)
{
    (void)state;
    char *out = render(k_choice_wf, ASL_GRAPH_DOT);
    assert_contains(out, "digraph \"t\" {\n");
    assert_contains(out, "m0_start -> m0_s0;\n");
    assert_contains(out, "m0_s0 -> m0_s1 [label=\"$.n > 1\"];\n");
    assert_contains(out, "m0_s0 -> m0_s2 [label=\"Default\"");
    assert_contains(out, "m0_s1 -> m0_s2 [label=\"Catch: States.ALL\", style=dashed");
    assert_contains(out, "m0_s1 -> m0_end;\n");
    assert_lacks(out, "m0_s2 ->"); /* a Fail state leads nowhere */
    free(out);
}

static void mermaid_should_label_choice_edges_and_dash_catch_edges(void **state)
{
    (void)state;
    char *out = render(k_choice_wf, ASL_GRAPH_MERMAID);
    assert_contains(out, "flowchart TD\n");
    assert_contains(out, "  m0_s0{\"Pick<br/>(Choice)\"}\n");
    assert_contains(out, "  m0_s0 -->|\"$.n #62; 1\"| m0_s1\n");
    assert_contains(out, "  m0_s1 -.->|\"Catch: States.ALL\"| m0_s2\n");
    free(out);
}

/* State names with everything dot and Mermaid treat specially. */
static const char k_hostile_wf[] =
    "{\"StartAt\": \"a\\\"b\\\\c\\n<d>{e}|f&g;#h\", \"States\": {"
    " \"a\\\"b\\\\c\\n<d>{e}|f&g;#h\": {\"Type\": \"Pass\", \"Next\": \"\\u00dcber \\u2603 \\ud83d\\ude00\"},"
    " \"\\u00dcber \\u2603 \\ud83d\\ude00\": {\"Type\": \"Succeed\"}}}";

static void dot_should_escape_untrusted_names(void **state)
{
    (void)state;
    char *out = render(k_hostile_wf, ASL_GRAPH_DOT);
    assert_contains(out, "m0_s0 [label=\"a\\\"b\\\\c\\n<d>{e}|f&amp;g;#h\\n(Pass)\"];\n");
    assert_contains(out, "m0_s1 [label=\"\xc3\x9c" "ber \xe2\x98\x83 \xf0\x9f\x98\x80\\n(Succeed)\"");
    free(out);
}

static void mermaid_should_escape_untrusted_names(void **state)
{
    (void)state;
    char *out = render(k_hostile_wf, ASL_GRAPH_MERMAID);
    assert_contains(out, "m0_s0(\"a#34;b#92;c<br/>#60;d#62;#123;e#125;#124;f#38;g#59;#35;h<br/>(Pass)\")\n");
    assert_contains(out, "m0_s1([\"#220;ber #9731; #128512;<br/>(Succeed)\"])\n");
    free(out);
}

static void nested_machines_should_be_clusters(void **state)
{
    (void)state;
    static const char wf[] =
        "{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Parallel\", \"End\": true, \"Branches\": ["
        " {\"StartAt\": \"B1\", \"States\": {\"B1\": {\"Type\": \"Pass\", \"End\": true}}},"
        " {\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"End\": true, \"ItemProcessor\":"
        "   {\"StartAt\": \"I\", \"States\": {\"I\": {\"Type\": \"Pass\", \"End\": true}}}}}}]}}}";
    char *out = render(wf, ASL_GRAPH_DOT);
    assert_contains(out, "  subgraph cluster_m1 {\n    label=\"P branch 1\";");
    assert_contains(out, "    m1_s0 [label=\"B1\\n(Pass)\"];\n");
    assert_contains(out, "  subgraph cluster_m2 {\n    label=\"P branch 2\";");
    assert_contains(out, "    subgraph cluster_m3 {\n      label=\"M item processor\";");
    assert_contains(out, "m0_s0 -> m1_start [style=dotted");
    assert_contains(out, "m2_s0 -> m3_start [style=dotted");
    free(out);
    out = render(wf, ASL_GRAPH_MERMAID);
    assert_contains(out, "  subgraph c_m1 [\"P branch 1\"]\n");
    assert_contains(out, "    subgraph c_m3 [\"M item processor\"]\n");
    free(out);
}

static void deep_nesting_should_be_cut_off(void **state)
{
    (void)state;
    /* 40 Parallel states, each inside the previous one's only branch. */
    size_t cap = 1 << 16;
    char *wf = malloc(cap);
    size_t n = 0;
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(wf + n, cap - n,
                              "{\"StartAt\": \"S%d\", \"States\": {\"S%d\": {\"Type\": \"Parallel\", \"End\": true, "
                              "\"Branches\": [",
                              i, i);
    n += (size_t)snprintf(wf + n, cap - n, "{\"StartAt\": \"X\", \"States\": {\"X\": {\"Type\": \"Pass\", \"End\": true}}}");
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(wf + n, cap - n, "]}}}");
    char *out = render(wf, ASL_GRAPH_DOT);
    assert_contains(out, "(nested too deep to draw)");
    assert_lacks(out, "\"X\\n(Pass)\"");
    free(out);
    free(wf);
}

/* -------------------------------------------------------------- marks */

static void history_should_mark_path_and_failed_state(void **state)
{
    (void)state;
    char *path;
    asl_def *def = load_def(k_choice_wf, &path);
    /* Pick -> Work (caught) -> Stop (Fail), as --history writes it. */
    char *hist = temp_file(
        "{\"type\":\"ExecutionStarted\",\"id\":1,\"previousEventId\":0}\n"
        "{\"type\":\"ChoiceStateEntered\",\"id\":2,\"previousEventId\":0,\"stateEnteredEventDetails\":{\"name\":\"Pick\"}}\n"
        "{\"type\":\"ChoiceStateExited\",\"id\":3,\"previousEventId\":2,\"stateExitedEventDetails\":{\"name\":\"Pick\"}}\n"
        "\n"
        "{\"type\":\"TaskStateEntered\",\"id\":4,\"previousEventId\":3,\"stateEnteredEventDetails\":{\"name\":\"Work\"}}\n"
        "{\"type\":\"TaskFailed\",\"id\":5,\"previousEventId\":4}\n"
        "{\"type\":\"TaskStateExited\",\"id\":6,\"previousEventId\":5,\"stateExitedEventDetails\":{\"name\":\"Work\"}}\n"
        "{\"type\":\"FailStateEntered\",\"id\":7,\"previousEventId\":6,\"stateEnteredEventDetails\":{\"name\":\"Stop\"}}\n"
        "{\"type\":\"ExecutionFailed\",\"id\":8,\"previousEventId\":7}\n",
        ".jsonl");
    asl_diag d;
    asl_diag_init(&d, path, stderr);
    asl_graph_marks marks;
    assert_int_equal(asl_graph_marks_load(def, hist, &marks, &d), 0);
    assert_int_equal(marks.state[0][0], ASL_GRAPH_ENTERED);
    assert_int_equal(marks.state[0][1], ASL_GRAPH_ENTERED);
    assert_int_equal(marks.state[0][2], ASL_GRAPH_ENTERED | ASL_GRAPH_FAILED);
    assert_int_equal(marks.nedges, 2); /* Pick -> Work, Work -> Stop */

    char *out = asl_graph_render(def, ASL_GRAPH_DOT, &marks);
    assert_contains(out, "m0_s0 -> m0_s1 [label=\"$.n > 1\", penwidth=2.5");
    assert_contains(out, "m0_s1 -> m0_s2 [label=\"Catch: States.ALL\", style=dashed, color=\"#c62828\", "
                         "fontcolor=\"#c62828\", penwidth=2.5");
    assert_contains(out, "m0_s2 [label=\"Stop\\n(Fail)\", shape=octagon, style=filled, fillcolor=\"#ffcdd2\"");
    assert_lacks(out, "m0_s0 -> m0_s2 [label=\"Default\", fontcolor=\"#607d8b\", penwidth");
    free(out);
    out = asl_graph_render(def, ASL_GRAPH_MERMAID, &marks);
    assert_contains(out, "m0_s2{{\"Stop<br/>(Fail)\"}}:::failed\n");
    assert_contains(out, "m0_s1(\"Work<br/>(Task)\"):::entered\n");
    assert_contains(out, "  linkStyle 0 stroke:#2e7d32,stroke-width:3px\n"); /* start -> Pick */
    free(out);

    asl_graph_marks_free(def, &marks);
    asl_def_free(def);
    remove_temp(hist);
    remove_temp(path);
}

static void history_should_accept_aws_get_execution_history_output(void **state)
{
    (void)state;
    char *path;
    asl_def *def = load_def(k_choice_wf, &path);
    char *hist = temp_file("{\"events\": [{\"type\": \"ChoiceStateEntered\", \"id\": 2, \"previousEventId\": 0,"
                           " \"stateEnteredEventDetails\": {\"name\": \"Pick\"}},"
                           " {\"type\": \"ExecutionSucceeded\", \"id\": 3, \"previousEventId\": 2}]}",
                           ".json");
    asl_diag d;
    asl_diag_init(&d, path, stderr);
    asl_graph_marks marks;
    assert_int_equal(asl_graph_marks_load(def, hist, &marks, &d), 0);
    assert_int_equal(marks.state[0][0], ASL_GRAPH_ENTERED);
    assert_int_equal(marks.state[0][1], 0);
    asl_graph_marks_free(def, &marks);
    asl_def_free(def);
    remove_temp(hist);
    remove_temp(path);
}

static void history_should_reject_a_line_that_is_not_an_event(void **state)
{
    (void)state;
    char *path;
    asl_def *def = load_def(k_choice_wf, &path);
    char *hist = temp_file("{\"type\": \"ExecutionStarted\", \"id\": 1}\nnot json\n", ".jsonl");
    char *msg = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&msg, &len);
    asl_diag d;
    asl_diag_init(&d, path, mem);
    asl_graph_marks marks;
    assert_int_equal(asl_graph_marks_load(def, hist, &marks, &d), -1);
    fclose(mem);
    assert_contains(msg, ":2: not a history event");
    free(msg);
    asl_def_free(def);
    remove_temp(hist);
    remove_temp(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rule_text_should_render_comparisons_infix),
        cmocka_unit_test(rule_text_should_render_type_tests_with_their_operand),
        cmocka_unit_test(rule_text_should_render_and_or_not),
        cmocka_unit_test(rule_text_should_cut_long_rules_on_a_character_boundary),
        cmocka_unit_test(rule_text_should_stop_at_deep_nesting),
        cmocka_unit_test(dot_should_label_choice_edges_and_dash_catch_edges),
        cmocka_unit_test(mermaid_should_label_choice_edges_and_dash_catch_edges),
        cmocka_unit_test(dot_should_escape_untrusted_names),
        cmocka_unit_test(mermaid_should_escape_untrusted_names),
        cmocka_unit_test(nested_machines_should_be_clusters),
        cmocka_unit_test(deep_nesting_should_be_cut_off),
        cmocka_unit_test(history_should_mark_path_and_failed_state),
        cmocka_unit_test(history_should_accept_aws_get_execution_history_output),
        cmocka_unit_test(history_should_reject_a_line_that_is_not_an_event),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
