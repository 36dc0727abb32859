/* inspect.c — reporting TestState's inspection data to the host (inspect.h). */
#include <string.h>

#include <cjson/cJSON.h>

#include "inspect.h"

void aslrt_inspect_report(aslrt_exec *ex, const char *what, const cJSON *doc)
{
    const aslrt_host *h = ex->run->host;
    h->inspect(h->ctx, ex->state ? ex->state->name : NULL, what, doc);
}

void aslrt_inspect_number(aslrt_exec *ex, const char *what, double n)
{
    cJSON num;
    memset(&num, 0, sizeof num);
    num.type = cJSON_Number;
    num.valuedouble = n;
    num.valueint = n >= 2147483647.0 ? 2147483647 : n <= -2147483648.0 ? (-2147483647 - 1) : (int)n;
    aslrt_inspect_report(ex, what, &num);
}
