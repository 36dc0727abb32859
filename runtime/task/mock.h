/* mock.h — AWS Step Functions Local mock configurations (MockConfigFile.json). */
#ifndef ASLRT_MOCK_H
#define ASLRT_MOCK_H

#include "exec.h"

typedef struct aslrt_mock aslrt_mock;

/* Loads `file` and selects `test_case` of the state machine named
   `machine` (or of the only state machine the file has). NULL with *err
   (malloc'd) set when the file or the test case is unusable. */
aslrt_mock *aslrt_mock_load(const char *file, const char *machine, const char *test_case, char **err);
void aslrt_mock_free(aslrt_mock *m);

/* The mocked outcome of the next invocation of Task state `state`:
   0 with *result set (taken) for a Return, -1 with the error set in ex for a
   Throw, 1 when the test case does not mock this state. */
int aslrt_mock_invoke(aslrt_mock *m, aslrt_exec *ex, const char *state, cJSON **result);

#endif
