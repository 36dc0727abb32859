/* test_diag.c — diagnostics (compiler/diag.c): the line format, RFC 6901
   pointers, "did you mean", and what a message may not do to a terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"

/* A sink that collects what the diagnostics print. */
typedef struct sink {
    char *text;
    size_t len;
    FILE *f;
    asl_diag d;
} sink;

static void sink_open(sink *s, const char *file)
{
    memset(s, 0, sizeof *s);
    s->f = open_memstream(&s->text, &s->len);
    assert_non_null(s->f);
    asl_diag_init(&s->d, file, s->f);
}

/* Everything printed so far (valid until sink_close). */
static const char *sink_text(sink *s)
{
    fflush(s->f);
    return s->text;
}

static void sink_close(sink *s)
{
    fclose(s->f);
    free(s->text);
}

/* ------------------------------------------------------------ format */

static void error_should_print_file_pointer_and_message_and_count(void **ctx)
{
    (void)ctx;
    sink s;
    sink_open(&s, "order.asl.json");
    asl_diag_error(&s.d, "/States/A/Next", "no state named \"%s\"", "B");
    asl_diag_warning(&s.d, "/States/C", "state \"%s\" is not reachable from StartAt", "C");
    asl_diag_error(&s.d, "", "expected the state machine");
    asl_diag_plain(&s.d, "cannot read the file");
    assert_string_equal(sink_text(&s), "order.asl.json: /States/A/Next: no state named \"B\"\n"
                                       "order.asl.json: /States/C: warning: state \"C\" is not reachable from StartAt\n"
                                       "order.asl.json: expected the state machine\n"
                                       "order.asl.json: cannot read the file\n");
    assert_int_equal(s.d.nerrors, 3);
    assert_int_equal(s.d.nwarnings, 1);
    sink_close(&s);
}

static void error_should_keep_control_characters_off_the_terminal(void **ctx)
{
    (void)ctx;
    sink s;
    sink_open(&s, "a\nb.json");
    asl_diag_error(&s.d, "/States/x\ty", "name \"%s\"", "\x1b[31mred\r");
    assert_string_equal(sink_text(&s), "a\\nb.json: /States/x\\ty: name \"\\x1B[31mred\\r\"\n");
    sink_close(&s);
}

/* A long name is cut to 80 bytes with "..." in messages and in each pointer
   token, at a character boundary and not inside a "~0"/"~1" escape. */
static void long_names_should_be_cut_short_with_an_ellipsis(void **ctx)
{
    (void)ctx;
    asl_arena *a = asl_arena_new();
    char name[2001];
    memset(name, 'S', 2000);
    name[2000] = 0;
    const char *shown = asl_diag_excerpt(a, name);
    assert_int_equal(strlen(shown), 80);
    assert_string_equal(shown + 77, "...");
    char exact[81];
    memset(exact, 'x', 80);
    exact[80] = 0;
    assert_ptr_equal(asl_diag_excerpt(a, exact), exact); /* 80 bytes: whole */
    /* "é" is 2 bytes: a cut at 77 would split the 39th, so 38 are kept */
    char accents[200] = "";
    for (int i = 0; i < 60; i++)
        strcat(accents, "\xC3\xA9");
    shown = asl_diag_excerpt(a, accents);
    assert_int_equal(strlen(shown), 76 + 3);
    assert_string_equal(shown + 76, "...");

    sink s;
    sink_open(&s, "wf.json");
    char *ptr = asl_arena_printf(a, "/States/%s/Next", name);
    asl_diag_error(&s.d, ptr, "no state named \"%s\"", "B");
    char want[300];
    snprintf(want, sizeof want, "wf.json: /States/%.77s.../Next: no state named \"B\"\n", name);
    assert_string_equal(sink_text(&s), want);
    sink_close(&s);

    char tilde[100];
    memset(tilde, 'y', 76);
    strcpy(tilde + 76, "~1zzzzzzzzzzzzzz"); /* the cut at 77 would fall after the '~' */
    sink_open(&s, "wf.json");
    asl_diag_error(&s.d, asl_arena_printf(a, "/%s", tilde), "m");
    snprintf(want, sizeof want, "wf.json: /%.76s...: m\n", tilde);
    assert_string_equal(sink_text(&s), want);
    sink_close(&s);
    asl_arena_free(a);
}

/* ------------------------------------------------------------ pointers */

static void pointer_should_escape_tilde_and_slash_as_rfc_6901_says(void **ctx)
{
    (void)ctx;
    asl_arena *a = asl_arena_new();
    assert_string_equal(asl_ptr_join(a, "/States", "a/b~c"), "/States/a~1b~0c");
    assert_string_equal(asl_ptr_join(a, "", "States"), "/States");
    assert_string_equal(asl_ptr_join(a, "/States", ""), "/States/");
    assert_string_equal(asl_ptr_index(a, "/Branches", 12), "/Branches/12");
    asl_arena_free(a);
}

/* ------------------------------------------------------- did you mean */

static void did_you_mean_should_find_typos_case_and_prefixes(void **ctx)
{
    (void)ctx;
    static const char *const fields[] = { "Next", "End", "TimeoutSeconds", "TimeoutSecondsPath",
                                          "ToleratedFailureCount", "ToleratedFailurePercentage", "Task" };
    const int n = 7;
    assert_string_equal(asl_did_you_mean("Nxt", fields, n), "Next");
    assert_string_equal(asl_did_you_mean("next", fields, n), "Next");
    assert_string_equal(asl_did_you_mean("Tsak", fields, n), "Task");
    assert_string_equal(asl_did_you_mean("TimeoutSecond", fields, n), "TimeoutSeconds");
    /* Too far for an edit, but the start of a field (the shorter of two that
       begin the same way)... */
    assert_string_equal(asl_did_you_mean("Timeout", fields, n), "TimeoutSeconds");
    /* ...while the start of two different fields is no suggestion at all. */
    assert_null(asl_did_you_mean("Tolerated", fields, n));
    assert_null(asl_did_you_mean("Zebra", fields, n));
    assert_null(asl_did_you_mean("Ti", fields, n));
}

/* What a sink was handed, one diagnostic a line: "E|W POINTER|- message". */
typedef struct collected {
    char text[512];
} collected;

static void collect(void *ctx, int warning, const char *pointer, const char *message)
{
    collected *c = ctx;
    size_t n = strlen(c->text);
    snprintf(c->text + n, sizeof c->text - n, "%c %s %s\n", warning ? 'W' : 'E', pointer ? pointer : "-", message);
}

static void sink_should_get_each_diagnostic_whole_and_still_count_it(void **state)
{
    (void)state;
    collected c = {{0}};
    asl_diag d;
    asl_diag_init_sink(&d, "wf.json", collect, &c);
    asl_diag_error(&d, "/States/A/Next", "no state named \"%s\"", "B");
    asl_diag_warning(&d, "/States/C", "state \"C\" is not reachable");
    asl_diag_plain(&d, "cannot read %s", "wf.json");
    assert_string_equal(c.text, "E /States/A/Next no state named \"B\"\n"
                                "W /States/C state \"C\" is not reachable\n"
                                "E - cannot read wf.json\n");
    assert_int_equal(d.nerrors, 2);
    assert_int_equal(d.nwarnings, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(error_should_print_file_pointer_and_message_and_count),
        cmocka_unit_test(sink_should_get_each_diagnostic_whole_and_still_count_it),
        cmocka_unit_test(error_should_keep_control_characters_off_the_terminal),
        cmocka_unit_test(long_names_should_be_cut_short_with_an_ellipsis),
        cmocka_unit_test(pointer_should_escape_tilde_and_slash_as_rfc_6901_says),
        cmocka_unit_test(did_you_mean_should_find_typos_case_and_prefixes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
