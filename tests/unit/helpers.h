/* helpers.h — what the unit tests share: JSON from text, comparing JSON,
   paths that must parse, and the execution the runtime tests run in.
   Header-only, so that the Makefile's one-source rule for test binaries
   needs nothing more; `static inline`, so that a test that uses part of it
   gets no unused-function warnings. */
#ifndef ASL_TEST_HELPERS_H
#define ASL_TEST_HELPERS_H

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
#include "path.h"

/* The JSON value `text` (owned); a test failure when it does not parse,
   which is a mistake in the test. */
static inline cJSON *J(const char *text)
{
    cJSON *j = cJSON_Parse(text);
    if (!j)
        fail_msg("bad JSON in test: %s", text);
    return j;
}

/* Asserts that got is the JSON value `expected`, both printed compactly
   by cJSON, so that spacing in `expected` does not matter. */
static inline void assert_json(const cJSON *got, const char *expected)
{
    assert_non_null(got);
    cJSON *want = J(expected);
    char *g = cJSON_PrintUnformatted(got);
    char *w = cJSON_PrintUnformatted(want);
    if (strcmp(g, w) != 0)
        fail_msg("got %s, expected %s", g, w);
    free(g);
    free(w);
    cJSON_Delete(want);
}

/* The path `text` parsed with `flags` into arena a; a test failure naming
   the parser's message when it does not parse. */
static inline const aslrt_path *parse_path_or_fail(asl_arena *a, const char *text, int flags)
{
    const char *err = NULL;
    const aslrt_path *p = asl_path_parse(a, text, flags, &err);
    if (!p)
        fail_msg("parsing \"%s\" failed: %s", text, err ? err : "(no message)");
    return p;
}

/* The execution the runtime tests run in: "exec1" of state machine
   "Machine" (AWS's example account and region), started
   2024-01-01T00:00:00Z with input {"input-value":0}, now in state st,
   entered at event #2, not retrying. Undo with exec_fixture_free. */
static inline void exec_fixture_init(aslrt_run *run, aslrt_exec *ex, const aslrt_state *st)
{
    static const aslrt_program prog = {.abi_version = ASLRT_ABI_VERSION, .name = "Machine"};
    static char name[] = "exec1";
    static char exec_id[] = "arn:aws:states:us-east-1:123456789012:execution:Machine:exec1";
    static char sm_id[] = "arn:aws:states:us-east-1:123456789012:stateMachine:Machine";
    memset(run, 0, sizeof *run);
    memset(ex, 0, sizeof *ex);
    run->program = &prog;
    run->input = J("{\"input-value\":0}");
    run->name = name;
    run->execution_id = exec_id;
    run->state_machine_id = sm_id;
    strcpy(run->start_time, "2024-01-01T00:00:00Z");
    ex->run = run;
    ex->state = st;
    ex->entered_event_id = 2;
    ex->retry_count = -1;
}

/* Frees what the execution holds: its error, its $$ object, its input. */
static inline void exec_fixture_free(aslrt_run *run, aslrt_exec *ex)
{
    aslrt_error_clear(ex);
    cJSON_Delete(ex->context);
    cJSON_Delete(run->input);
}

#endif
