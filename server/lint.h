/* lint.h — the warnings AWS's ValidateStateMachineDefinition gives that aslc's validator does
   not (a definition with them is valid, and runs): NO_DOLLAR, NO_PATH, PASS_RESULT_IS_STATIC. */
#ifndef SRV_LINT_H
#define SRV_LINT_H

#include <cjson/cJSON.h>

/* Appends a {"severity": "WARNING", "code", "message", "location"} object to list for each
   one in the definition doc (JSONPath states only: JSONata states have no paths). */
void srv_lint(const cJSON *doc, cJSON *list);

#endif
