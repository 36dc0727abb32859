/* aws_http.h — one HTTP request to an AWS endpoint (or a credentials
   source), through libcurl with the thread's connections reused
   (curl_api.h), TLS verified, only http and https. Internal. */
#ifndef ASLRT_AWS_HTTP_H
#define ASLRT_AWS_HTTP_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "task.h"

typedef struct aslrt_aws_http {
    const char *method;        /* "GET", "PUT", "POST", ... */
    const char *url;
    const char *const *headers; /* "Name: value" lines, NULL-terminated; NULL: none */
    const char *body;           /* NULL: none */
    size_t body_len;
    double timeout;             /* seconds for the whole request; 0: none but the task's */
    aslrt_task *task;           /* its deadline and stop bound the request; NULL: none */
} aslrt_aws_http;

typedef struct aslrt_aws_reply {
    long status;
    asl_buf body;
    cJSON *headers; /* name as sent -> value (repeats joined by ", ") */
} aslrt_aws_reply;

enum { ASLRT_AWS_SENT, ASLRT_AWS_FAILED, ASLRT_AWS_TIMED_OUT, ASLRT_AWS_STOPPED };

/* Sends rq: ASLRT_AWS_SENT with *reply filled (whatever its status), else
   what went wrong, with *why a malloc'd sentence (no secrets: headers are
   never quoted). Free the reply with aslrt_aws_reply_free. */
int aslrt_aws_http_send(const aslrt_aws_http *rq, aslrt_aws_reply *reply, char **why);
void aslrt_aws_reply_free(aslrt_aws_reply *reply);
/* A response header (its name in any case), or NULL. */
const char *aslrt_aws_reply_header(const aslrt_aws_reply *reply, const char *name);

#endif
