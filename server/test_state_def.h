/* test_state_def.h — TestState's one-state machine: the state under test made the StartAt of
   a machine of its own, with each state it can go to (Next, Choices, Default, Catch) replaced
   by a pass-through stub that ends the run, so that which stub was entered tells nextState and
   the stub's input is the state's output. Retry is left out (TestState runs the state once
   and reports RETRIABLE itself), and a mock becomes a Step Functions Local mock configuration
   of the state. */
#ifndef SRV_TEST_STATE_DEF_H
#define SRV_TEST_STATE_DEF_H

#include <cjson/cJSON.h>

#include "srv.h"

typedef struct srv_test_def {
    char *state_name;   /* the state under test (malloc'd) */
    cJSON *state;       /* its definition as given (Retry, Catch and Next still in it) */
    cJSON *machine;     /* the machine that runs it */
    cJSON *stubs;       /* stub name -> the state it stands for (an object) */
    char *mock_config;  /* MockConfigFile text for the mock, or NULL */
    int jsonata;        /* the state's query language (its own, or its machine's) is JSONata */
} srv_test_def;

/* The machine for TestState's definition (text), stateName (NULL: the definition is one
   state) and mock (NULL: none); -1 with e filled (InvalidDefinition, ValidationException). */
int srv_test_def_build(srv_test_def *t, const char *definition, const char *state_name, const cJSON *mock,
                       srv_err *e);
void srv_test_def_free(srv_test_def *t);

/* How long a TestState run may take (AWS: five minutes). */
#define SRV_TEST_TIMEOUT_SECONDS 300

/* The name the machine and its mock test case go by. */
#define SRV_TEST_MACHINE "TestState"

#endif
