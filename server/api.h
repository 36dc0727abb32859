/* api.h — the awsJson1_0 protocol of the Step Functions API: `POST /` with
   `X-Amz-Target: AWSStepFunctions.<Op>` and a JSON body, answered with JSON, or with
   HTTP 400 and {"__type": "<Exception>", "message": "..."}; and what handlers share. */
#ifndef SRV_API_H
#define SRV_API_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "arn.h"
#include "srv.h"

/* A handler: req is the request's JSON object, its top-level members already checked against
   the service model (members.def: types, required, lengths, ranges, patterns, enums). On
   success it sets *resp (a new object; NULL answers {}) and returns 0; on failure it fills e
   (srv_fail) and returns -1. */
typedef int srv_op_fn(srv *s, const cJSON *req, cJSON **resp, srv_err *e);

#define SRV_OP(name, fn) srv_op_fn fn;
#include "operations.def"
#undef SRV_OP

/* The answer to one request. */
typedef struct srv_reply {
    int status;  /* HTTP status */
    char *body;  /* malloc'd JSON text */
    size_t len;
} srv_reply;

/* Answers one request: target is the X-Amz-Target header (NULL when missing), body its len
   bytes. */
void srv_api_handle(srv *s, const char *target, const char *body, size_t len, srv_reply *out);

/* An error reply of its own (HTTP-level limits in http.c). */
void srv_api_error_reply(srv_reply *out, int status, const char *type, const char *message);

/* ---- for handlers ---- */

/* A member of the request: the string (NULL when absent or null), the boolean (dflt when absent),
   the integer (dflt when absent), the object or list (NULL when absent). */
const char *srv_req_str(const cJSON *req, const char *name);
int srv_req_bool(const cJSON *req, const char *name, int dflt);
long srv_req_int(const cJSON *req, const char *name, long dflt);
const cJSON *srv_req_item(const cJSON *req, const char *name);

/* Paging: the page size (maxResults; 0 or absent: 100, AWS's default) and where to resume
   (*after, malloc'd, NULL from the start) from nextToken, which must be one this listing
   (scope) gave out, else InvalidToken. Returns 0 or -1 with e filled. */
int srv_page_start(const cJSON *req, const char *scope, int *limit, char **after, srv_err *e);
/* Adds nextToken to resp when there is more after `key` (key: the last item's, malloc'd; taken). */
void srv_page_end(cJSON *resp, const char *scope, int more, char *key);

/* Adds a JSON text kept in the store (a configuration) to obj as a member, parsed; nothing when
   text is NULL. */
void srv_add_json_text(cJSON *obj, const char *name, const char *text);
/* Adds a string member when s is not NULL. */
void srv_add_str(cJSON *obj, const char *name, const char *s);

/* Checks an ARN member as AWS does before looking anything up: InvalidArn when it does not parse
   or names a resource of another kind than kind (or kind2; -1 for none). *a receives its parts. */
int srv_check_arn(const char *text, int kind, int kind2, srv_arn *a, srv_err *e);

#endif
