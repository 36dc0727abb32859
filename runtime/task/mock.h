/* mock.h — AWS Step Functions Local mock configurations (MockConfigFile.json). */
#ifndef ASLRT_MOCK_H
#define ASLRT_MOCK_H

#include "exec.h"

typedef struct aslrt_mock aslrt_mock;

/* Parses a mock configuration (len bytes of text, called `name` in
   messages), checks all of it, and selects `test_case` of the state machine
   named `machine` (or of the only state machine the file has). NULL with
   *err (malloc'd, "NAME: /JSON/pointer: what is wrong") when the text, its
   structure or the test case is unusable. */
aslrt_mock *aslrt_mock_parse(const char *name, const char *text, size_t len, const char *machine,
                             const char *test_case, char **err);
/* The same for the file at `file` ("-": standard input). */
aslrt_mock *aslrt_mock_load(const char *file, const char *machine, const char *test_case, char **err);
void aslrt_mock_free(aslrt_mock *m);

/* A mock is read only once parsed, so concurrent executions may share it;
   each counts its own invocations here (made per execution). */
typedef struct aslrt_mock_counts aslrt_mock_counts;
aslrt_mock_counts *aslrt_mock_counts_new(void);
void aslrt_mock_counts_free(aslrt_mock_counts *c);

/* Does the test case mock Task state `state`? (m may be NULL: no.) */
int aslrt_mock_claims(const aslrt_mock *m, const char *state);

/* The mocked outcome of the next invocation of Task state `state`, counted
   in c: 0 with *result set (taken) for a Return, -1 with the error set in ex
   for a Throw, 1 when the test case does not mock this state. */
int aslrt_mock_invoke(const aslrt_mock *m, aslrt_mock_counts *c, aslrt_exec *ex, const char *state,
                      cJSON **result);

#endif
