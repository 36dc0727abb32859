/* http_handler.h — Tasks carried out over HTTP: a binding's URL, and the
   built-in arn:aws:states:::http:invoke (internal). */
#ifndef ASLRT_HTTP_HANDLER_H
#define ASLRT_HTTP_HANDLER_H

#include <cjson/cJSON.h>

#include "task.h"

/* POSTs input to url; the response body is the result (http_handler.c). */
int aslrt_http_invoke(aslrt_task *t, const char *url, const cJSON *input, cJSON **result);
/* The built-in arn:aws:states:::http:invoke with its Parameters. */
int aslrt_http_task(aslrt_task *t, const cJSON *parameters, cJSON **result);
/* Releases libcurl's global state, if it was set up; call when no
   execution is running. */
void aslrt_http_cleanup(void);

#endif
