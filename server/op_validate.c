/* op_validate.c — ValidateStateMachineDefinition: aslc's diagnostics of a definition as AWS's
   `diagnostics` list (severity, code, message, location), result OK or FAIL, and truncated. */
#include <string.h>

#include "api.h"
#include "definition.h"

enum { DIAGNOSTICS_MAX = 100 };

int srv_op_validate_state_machine_definition(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    (void)s, (void)e;
    const char *type = srv_req_str(req, "type"), *severity = srv_req_str(req, "severity");
    long max = srv_req_int(req, "maxResults", 0);
    if (max <= 0)
        max = DIAGNOSTICS_MAX; /* 0 means the default, as the reference says */
    int with_warnings = severity && strcmp(severity, "WARNING") == 0;
    cJSON *all = NULL;
    int errors = srv_definition_check(srv_req_str(req, "definition"), type ? type : "STANDARD", &all);
    *resp = cJSON_CreateObject();
    cJSON_AddStringToObject(*resp, "result", errors ? "FAIL" : "OK");
    cJSON *list = cJSON_AddArrayToObject(*resp, "diagnostics");
    long n = 0, shown = 0;
    cJSON *d = all->child;
    while (d) {
        cJSON *next = d->next;
        const cJSON *sev = cJSON_GetObjectItemCaseSensitive(d, "severity");
        if (with_warnings || strcmp(sev->valuestring, "ERROR") == 0) {
            n++;
            if (shown < max) {
                cJSON_AddItemToArray(list, cJSON_DetachItemViaPointer(all, d));
                shown++;
            }
        }
        d = next;
    }
    cJSON_AddBoolToObject(*resp, "truncated", n > shown);
    cJSON_Delete(all);
    return 0;
}
