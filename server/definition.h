/* definition.h — a state machine definition checked as Step Functions checks it, by aslc's own
   front end: its diagnostics as AWS's ValidateStateMachineDefinitionDiagnostic objects, and the
   InvalidDefinition message CreateStateMachine and UpdateStateMachine answer with. */
#ifndef SRV_DEFINITION_H
#define SRV_DEFINITION_H

#include <cjson/cJSON.h>

/* Checks the definition text for a machine of `type` ("STANDARD" or "EXPRESS"): *diagnostics
   is a new list of {"severity","code","message","location"} objects, errors and warnings in the
   order aslc found them. Returns the number of errors. */
int srv_definition_check(const char *text, const char *type, cJSON **diagnostics);

/* The message of InvalidDefinition for the errors among diagnostics (malloc'd):
   "Invalid State Machine Definition: 'CODE: message at /location, ...'". */
char *srv_definition_problem(const cJSON *diagnostics);

#endif
