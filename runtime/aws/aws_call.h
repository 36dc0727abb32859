/* aws_call.h — one signed request to an AWS service for a Task: the
   endpoint, region and credentials found (endpoints.h, credentials.h),
   the request signed (sigv4.h) and sent (aws_http.h), and a failure turned
   into the error Step Functions raises for it. Internal. */
#ifndef ASLRT_AWS_CALL_H
#define ASLRT_AWS_CALL_H

#include <stddef.h>

#include "aws_http.h"
#include "aws_services.h"
#include "task.h"

/* How errors are named. An aws-sdk integration: "<client>.<Code>[Exception]"
   with the cause "<message> (Service: <client>, Status Code: N, Request ID:
   ID)". An optimized one (v1_service set): "<prefix>.<Code>[Exception]" and
   "<message> (Service: <v1_service>; Status Code: N; Error Code: <Code>;
   Request ID: ID; Proxy: null)". */
typedef struct aslrt_aws_errors {
    const char *prefix;     /* "DynamoDB", "Lambda", or the client's name */
    const char *v1_service; /* "AmazonDynamoDBv2", ...; NULL: the aws-sdk form */
} aslrt_aws_errors;

typedef struct aslrt_aws_request {
    const aslrt_aws_service *svc;
    const char *region;         /* NULL: the configured one (credentials.h), else us-east-1 */
    const char *method;
    const char *path;           /* percent-encoded, from '/' */
    const char *query;          /* after '?', encoded; NULL: none */
    const char *const *headers; /* "Name: value" lines to send and sign, NULL-terminated; may be NULL */
    const char *body;
    size_t body_len;
} aslrt_aws_request;

/* Sends rq for task t: 0 with *reply (a status below 300), else -1 with
   t's error set as `errors` says (the reply freed). */
int aslrt_aws_call(aslrt_task *t, const aslrt_aws_request *rq, const aslrt_aws_errors *errors, aslrt_aws_reply *reply);

/* Sets t's error for a service's error code and message, as `errors` says. */
void aslrt_aws_fail(aslrt_task *t, const aslrt_aws_errors *errors, const char *code, const char *message, long status,
                    const char *request_id);

/* The region requests go to when the resource names none: the configured
   one, else us-east-1 (malloc'd). */
char *aslrt_aws_call_region(void);

#endif
