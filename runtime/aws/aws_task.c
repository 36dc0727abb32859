/* aws_task.c — Step Functions' service integrations, against the services.
 *
 * The resource says which: arn:<partition>:states:::aws-sdk:<service>:<action>
 * is the generic integration: the action (camelCase) is the service's
 * operation, the parameters its request, the response its result, and an
 * error "<Client>.<Code>" (aws_services.def: "DynamoDb.ResourceNotFoundException").
 * The optimized integrations (arn:...:states:::dynamodb:putItem, sqs:sendMessage,
 * sns:publish, events:putEvents, lambda:invoke, states:startExecution) shape requests and results
 * as Step Functions does: a message or payload that is not a string is sent
 * as its JSON text; results carry SdkHttpMetadata and SdkResponseMetadata
 * (but events:putEvents's); errors are "<Service>.<Code>" with the Java SDK
 * v1's cause ("DynamoDB.ConditionalCheckFailedException").
 *
 * Protocols spoken: awsJson 1.0 and 1.1 for any service, the query protocol
 * for sns:publish, REST-JSON for Lambda's Invoke, REST-XML for S3's
 * GetObject, PutObject, DeleteObject, HeadObject and ListObjectsV2. Any
 * other call fails with States.TaskFailed naming the service and protocol.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "aws_call.h"
#include "aws_services.h"
#include "aws_task.h"
#include "aws_xml.h"
#include "buf.h"
#include "host_task.h"
#include "jsonnode.h"
#include "xalloc.h"

/* The resource after "arn:<partition>:", or NULL. */
static const char *after_partition(const char *r)
{
    if (strncmp(r, "arn:", 4) != 0)
        return NULL;
    const char *colon = strchr(r + 4, ':');
    return colon ? colon + 1 : NULL;
}

static int is_function_arn(const char *s)
{
    return strncmp(s, "lambda:", 7) == 0 && strstr(s, ":function:") != NULL;
}

int aslrt_aws_claims(const char *resource)
{
    const char *s = after_partition(resource);
    return s && (strncmp(s, "states:::", 9) == 0 || is_function_arn(s));
}

/* ------------------------------------------------------------- helpers */

/* v as text to send: a string as it is, anything else as JSON (malloc'd). */
static char *as_text(const cJSON *v)
{
    return cJSON_IsString(v) ? aslrt_xstrdup(v->valuestring) : aslrt_json_text(v);
}

/* params with member `name` (when present and not a string) replaced by
   its JSON text: a copy. */
static cJSON *stringify_member(const cJSON *params, const char *name)
{
    cJSON *p = aslrt_xjson(cJSON_Duplicate(params, 1));
    cJSON *m = cJSON_GetObjectItemCaseSensitive(p, name);
    if (m && !cJSON_IsString(m)) {
        char *text = aslrt_json_text(m);
        cJSON_ReplaceItemInObjectCaseSensitive(p, m->string, aslrt_xjson(cJSON_CreateString(text)));
        free(text);
    }
    return p;
}

/* Appends s URI-encoded (keep: characters also left as they are). */
static void uri_encode(asl_buf *b, const char *s, const char *keep)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || strchr("-._~", c) || (keep && strchr(keep, c)))
            asl_buf_putc(b, (char)c);
        else
            asl_buf_printf(b, "%%%02X", c);
    }
}

/* SdkHttpMetadata and SdkResponseMetadata of a reply, added to r. */
static void add_metadata(cJSON *r, const aslrt_aws_reply *reply)
{
    cJSON *meta = aslrt_xjson(cJSON_AddObjectToObject(r, "SdkHttpMetadata"));
    cJSON *all = aslrt_xjson(cJSON_AddObjectToObject(meta, "AllHttpHeaders"));
    cJSON *headers = aslrt_xjson(cJSON_AddObjectToObject(meta, "HttpHeaders"));
    for (const cJSON *h = reply->headers ? reply->headers->child : NULL; h; h = h->next) {
        cJSON *a = aslrt_xjson(cJSON_AddArrayToObject(all, h->string));
        cJSON_AddItemToArray(a, aslrt_xjson(cJSON_CreateString(h->valuestring)));
        aslrt_xjson(cJSON_AddStringToObject(headers, h->string, h->valuestring));
    }
    aslrt_xjson(cJSON_AddNumberToObject(meta, "HttpStatusCode", (double)reply->status));
    cJSON *sdk = aslrt_xjson(cJSON_AddObjectToObject(r, "SdkResponseMetadata"));
    const char *id = aslrt_aws_reply_header(reply, "x-amzn-RequestId");
    if (!id)
        id = aslrt_aws_reply_header(reply, "x-amz-request-id");
    aslrt_xjson(cJSON_AddStringToObject(sdk, "RequestId", id ? id : ""));
}

/* The reply's body as a JSON object ({} when empty); NULL with the error
   set when it is not JSON. */
static cJSON *json_body(aslrt_task *t, const aslrt_aws_errors *errors, const aslrt_aws_reply *reply)
{
    if (reply->body.len == 0)
        return aslrt_xjson(cJSON_CreateObject());
    cJSON *v = cJSON_ParseWithLength(reply->body.data, reply->body.len);
    if (!v) {
        char *excerpt = aslrt_task_excerpt(reply->body.data, reply->body.len);
        char *name = aslrt_strf("%s.SdkClientException", errors->prefix);
        aslrt_error_setf(t->ex, name, "The service answered with a body that is not JSON: %s", excerpt);
        free(name);
        free(excerpt);
    }
    return v;
}

/* ----------------------------------------------------------- awsJson */

/* A copy of v whose object members have their first letter lower-cased
   (upper: upper-cased), at every depth: Step Functions' PascalCase names
   to and from a camelCase service's (SFN's stateMachineArn). A map's keys
   change too; the model would be needed to tell them apart [?: no case of
   a camelCase service with map parameters was checked]. */
static cJSON *recase(const cJSON *v, int upper)
{
    cJSON *c = aslrt_xjson(cJSON_Duplicate(v, 1));
    for (cJSON *m = c ? c->child : NULL; m; m = m->next) {
        if (cJSON_IsObject(c) && m->string && m->string[0])
            m->string[0] = (char)(upper ? toupper((unsigned char)m->string[0]) : tolower((unsigned char)m->string[0]));
        if (m->child) {
            cJSON *r = recase(m, upper);
            cJSON_Delete(m->child);
            m->child = r->child;
            r->child = NULL;
            cJSON_Delete(r);
        }
    }
    return c;
}

/* The JSON protocols: POST / with X-Amz-Target <prefix>.<Operation> and
   the request as the body; the response body is the result. */
static int json_call(aslrt_task *t, const aslrt_aws_service *svc, const char *operation, const cJSON *request,
                     const aslrt_aws_errors *errors, int metadata, cJSON **result)
{
    cJSON *wire = svc->camel ? recase(request, 0) : NULL;
    char *body = aslrt_json_text(wire ? wire : request);
    cJSON_Delete(wire);
    char *target = aslrt_strf("X-Amz-Target: %s.%s", svc->target_prefix, operation);
    const char *type = svc->protocol == ASLRT_AWS_JSON10 ? "Content-Type: application/x-amz-json-1.0"
                                                         : "Content-Type: application/x-amz-json-1.1";
    const char *headers[] = {type, target, NULL};
    aslrt_aws_request rq = {svc, NULL, "POST", "/", NULL, headers, body, strlen(body)};
    aslrt_aws_reply reply;
    int rc = aslrt_aws_call(t, &rq, errors, &reply);
    if (rc == 0) {
        *result = json_body(t, errors, &reply);
        if (*result && svc->camel) {
            cJSON *pascal = recase(*result, 1);
            cJSON_Delete(*result);
            *result = pascal;
        }
        if (!*result)
            rc = -1;
        else if (metadata)
            add_metadata(*result, &reply);
        aslrt_aws_reply_free(&reply);
    }
    free(target);
    free(body);
    return rc;
}

/* ------------------------------------------------------------- Lambda */

/* Lambda's Invoke: POST /2015-03-31/functions/<name>/invocations with the
   payload. legacy: a function ARN as the resource, whose result is the
   payload itself; else lambda:invoke's wrapper. */
static int lambda_invoke(aslrt_task *t, const char *function, const cJSON *params, int legacy, int metadata,
                         cJSON **result)
{
    static const aslrt_aws_errors errors = {"Lambda", "AWSLambda"};
    const aslrt_aws_service *svc = aslrt_aws_service_find("lambda", 6);
    const cJSON *payload = legacy ? params : cJSON_GetObjectItemCaseSensitive(params, "Payload");
    if (!function) {
        const cJSON *fn = cJSON_GetObjectItemCaseSensitive(params, "FunctionName");
        if (!cJSON_IsString(fn)) {
            aslrt_error_set(t->ex, "States.Runtime", "lambda:invoke needs a FunctionName string in its parameters.");
            return -1;
        }
        function = fn->valuestring;
    }
    /* a function ARN names its region: arn:aws:lambda:<region>:<account>:function:<name> */
    char region[64] = "";
    if (strncmp(function, "arn:", 4) == 0) {
        const char *s = strchr(function + 4, ':');
        s = s ? strchr(s + 1, ':') : NULL; /* after "lambda" */
        if (s) {
            size_t n = strcspn(s + 1, ":");
            if (n && n < sizeof region) {
                memcpy(region, s + 1, n);
                region[n] = '\0';
            }
        }
    }
    asl_buf path = {0};
    asl_buf_init(&path);
    asl_buf_puts(&path, "/2015-03-31/functions/");
    uri_encode(&path, function, NULL);
    asl_buf_puts(&path, "/invocations");
    asl_buf query = {0};
    asl_buf_init(&query);
    const cJSON *qualifier = legacy ? NULL : cJSON_GetObjectItemCaseSensitive(params, "Qualifier");
    if (cJSON_IsString(qualifier)) {
        asl_buf_puts(&query, "Qualifier=");
        uri_encode(&query, qualifier->valuestring, NULL);
    }
    const char *headers[5];
    char *owned[4] = {NULL, NULL, NULL, NULL};
    size_t nh = 0;
    headers[nh++] = "Content-Type: application/json";
    static const char *const fields[][2] = {{"InvocationType", "X-Amz-Invocation-Type"},
                                            {"LogType", "X-Amz-Log-Type"},
                                            {"ClientContext", "X-Amz-Client-Context"}};
    for (size_t i = 0; i < 3 && !legacy; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, fields[i][0]);
        if (cJSON_IsString(v))
            headers[nh++] = owned[i] = aslrt_strf("%s: %s", fields[i][1], v->valuestring);
    }
    headers[nh] = NULL;
    char *body = payload ? as_text(payload) : aslrt_xstrdup("{}");
    aslrt_aws_request rq = {svc, region[0] ? region : NULL, "POST", path.data, query.len ? query.data : NULL,
                            headers, body, strlen(body)};
    aslrt_aws_reply reply;
    int rc = aslrt_aws_call(t, &rq, &errors, &reply);
    if (rc == 0) {
        const char *text = reply.body.data ? reply.body.data : "";
        if (aslrt_aws_reply_header(&reply, "X-Amz-Function-Error")) {
            if (!aslrt_task_lambda_error(t->ex, text, reply.body.len))
                aslrt_error_set(t->ex, "Lambda.Unknown", text);
            rc = -1;
        } else if (legacy) {
            *result = aslrt_task_parse_result(t->ex, "The Lambda function", text, reply.body.len);
            rc = *result ? 0 : -1;
        } else {
            cJSON *r = aslrt_xjson(cJSON_CreateObject());
            const char *version = aslrt_aws_reply_header(&reply, "X-Amz-Executed-Version");
            if (version)
                aslrt_xjson(cJSON_AddStringToObject(r, "ExecutedVersion", version));
            cJSON *p = reply.body.len ? cJSON_ParseWithLength(text, reply.body.len) : NULL;
            cJSON_AddItemToObject(r, "Payload", p ? p : aslrt_xjson(cJSON_CreateString(text)));
            if (metadata)
                add_metadata(r, &reply);
            aslrt_xjson(cJSON_AddNumberToObject(r, "StatusCode", (double)reply.status));
            *result = r;
        }
        aslrt_aws_reply_free(&reply);
    }
    for (size_t i = 0; i < 4; i++)
        free(owned[i]);
    free(body);
    asl_buf_free(&path);
    asl_buf_free(&query);
    return rc;
}

/* ---------------------------------------------------------------- SNS */

/* name=value for the query protocol, '&' first unless b is empty. */
static void form_add(asl_buf *b, const char *name, const char *value)
{
    if (b->len)
        asl_buf_putc(b, '&');
    uri_encode(b, name, NULL);
    asl_buf_putc(b, '=');
    uri_encode(b, value, NULL);
}

/* sns:publish through the query protocol: Action=Publish and the
   parameters as form fields (MessageAttributes as entry.N.Name/Value.*). */
static int sns_publish(aslrt_task *t, const cJSON *params, cJSON **result)
{
    static const aslrt_aws_errors errors = {"SNS", "AmazonSNS"};
    const aslrt_aws_service *svc = aslrt_aws_service_find("sns", 3);
    asl_buf form = {0};
    asl_buf_init(&form);
    form_add(&form, "Action", "Publish");
    form_add(&form, "Version", svc->api_version);
    for (const cJSON *m = params->child; m; m = m->next) {
        if (strcmp(m->string, "MessageAttributes") == 0 && cJSON_IsObject(m)) {
            int i = 0;
            for (const cJSON *a = m->child; a; a = a->next) {
                char key[96];
                i++;
                snprintf(key, sizeof key, "MessageAttributes.entry.%d.Name", i);
                form_add(&form, key, a->string);
                for (const cJSON *f = a->child; f; f = f->next) {
                    char *v = as_text(f);
                    snprintf(key, sizeof key, "MessageAttributes.entry.%d.Value.%s", i, f->string);
                    form_add(&form, key, v);
                    free(v);
                }
            }
        } else {
            char *v = as_text(m);
            form_add(&form, m->string, v);
            free(v);
        }
    }
    const char *headers[] = {"Content-Type: application/x-www-form-urlencoded; charset=utf-8", NULL};
    aslrt_aws_request rq = {svc, NULL, "POST", "/", NULL, headers, form.data, form.len};
    aslrt_aws_reply reply;
    int rc = aslrt_aws_call(t, &rq, &errors, &reply);
    if (rc == 0) {
        cJSON *x = aslrt_aws_xml_parse(reply.body.data, reply.body.len, NULL);
        const cJSON *res = cJSON_GetObjectItemCaseSensitive(x, "PublishResult");
        cJSON *r = aslrt_xjson(cJSON_CreateObject());
        for (const cJSON *f = res ? res->child : NULL; f; f = f->next)
            cJSON_AddItemToObject(r, f->string, aslrt_xjson(cJSON_Duplicate(f, 1)));
        add_metadata(r, &reply);
        cJSON_Delete(x);
        *result = r;
        aslrt_aws_reply_free(&reply);
    }
    asl_buf_free(&form);
    return rc;
}

/* ----------------------------------------------------------------- S3 */

/* "/<bucket>/<key>" (path style, which endpoint overrides need). */
static char *s3_path(const char *bucket, const char *key)
{
    asl_buf b = {0};
    asl_buf_init(&b);
    asl_buf_putc(&b, '/');
    uri_encode(&b, bucket, NULL);
    if (key) {
        asl_buf_putc(&b, '/');
        uri_encode(&b, key, "/");
    }
    return asl_buf_take(&b);
}

/* An RFC 1123 date (Last-Modified) as ISO 8601, malloc'd. */
static char *iso_date(const char *http)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(http, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end)
        return aslrt_xstrdup(http);
    char buf[32];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return aslrt_xstrdup(buf);
}

/* The object's headers as GetObject's and HeadObject's fields. */
static void s3_object_fields(cJSON *r, const aslrt_aws_reply *reply)
{
    static const char *const fields[][2] = {
        {"accept-ranges", "AcceptRanges"}, {"cache-control", "CacheControl"},
        {"content-disposition", "ContentDisposition"}, {"content-encoding", "ContentEncoding"},
        {"content-language", "ContentLanguage"}, {"content-length", "ContentLength"},
        {"content-type", "ContentType"}, {"etag", "ETag"}, {"last-modified", "LastModified"},
        {"x-amz-version-id", "VersionId"}, {"x-amz-server-side-encryption", "ServerSideEncryption"},
        {"x-amz-storage-class", "StorageClass"}, {"x-amz-checksum-crc32", "ChecksumCRC32"},
        {"x-amz-checksum-type", "ChecksumType"}};
    cJSON *meta = aslrt_xjson(cJSON_CreateObject());
    for (const cJSON *h = reply->headers->child; h; h = h->next)
        if (strncasecmp(h->string, "x-amz-meta-", 11) == 0)
            aslrt_xjson(cJSON_AddStringToObject(meta, h->string + 11, h->valuestring));
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *v = aslrt_aws_reply_header(reply, fields[i][0]);
        if (strcmp(fields[i][1], "LastModified") == 0 && v) {
            char *d = iso_date(v);
            aslrt_xjson(cJSON_AddStringToObject(r, "LastModified", d));
            free(d);
            cJSON_AddItemToObject(r, "Metadata", meta);
            meta = NULL;
        } else if (strcmp(fields[i][1], "ContentLength") == 0 && v) {
            aslrt_xjson(cJSON_AddNumberToObject(r, "ContentLength", strtod(v, NULL)));
        } else if (v) {
            aslrt_xjson(cJSON_AddStringToObject(r, fields[i][1], v));
        }
    }
    if (meta)
        cJSON_AddItemToObject(r, "Metadata", meta);
}

/* ListObjectsV2's XML as the SDK's result: Contents and CommonPrefixes
   lists, numbers and booleans typed. */
static cJSON *s3_list_result(const aslrt_aws_reply *reply)
{
    static const char *const lists[] = {"Contents", "CommonPrefixes", NULL};
    cJSON *x = aslrt_aws_xml_parse(reply->body.data, reply->body.len, lists);
    if (!x)
        return NULL;
    static const char *const numbers[] = {"KeyCount", "MaxKeys", "Size"};
    cJSON *items[2] = {x, cJSON_GetObjectItemCaseSensitive(x, "Contents")};
    for (int pass = 0; pass < 2; pass++) {
        cJSON *each = pass == 0 ? x : items[1] ? items[1]->child : NULL;
        for (; each; each = pass == 0 ? NULL : each->next) {
            for (size_t i = 0; i < 3; i++) {
                cJSON *n = cJSON_GetObjectItemCaseSensitive(each, numbers[i]);
                if (cJSON_IsString(n))
                    cJSON_ReplaceItemInObjectCaseSensitive(each, n->string, aslrt_xjson(cJSON_CreateNumber(strtod(n->valuestring, NULL))));
            }
            cJSON *tr = cJSON_GetObjectItemCaseSensitive(each, "IsTruncated");
            if (cJSON_IsString(tr))
                cJSON_ReplaceItemInObjectCaseSensitive(each, tr->string, aslrt_xjson(cJSON_CreateBool(strcmp(tr->valuestring, "true") == 0)));
        }
    }
    return x;
}

static int s3_call(aslrt_task *t, const aslrt_aws_service *svc, const char *action, const cJSON *params,
                   cJSON **result)
{
    static const aslrt_aws_errors errors = {"S3", NULL};
    const cJSON *bucket = cJSON_GetObjectItemCaseSensitive(params, "Bucket");
    const cJSON *key = cJSON_GetObjectItemCaseSensitive(params, "Key");
    int list = strcmp(action, "listObjectsV2") == 0;
    int get = strcmp(action, "getObject") == 0, put = strcmp(action, "putObject") == 0;
    int del = strcmp(action, "deleteObject") == 0, head = strcmp(action, "headObject") == 0;
    if (!list && !get && !put && !del && !head) {
        aslrt_error_setf(t->ex, "States.TaskFailed",
                         "aslc --aws cannot call S3's %s yet: of S3 (REST-XML) it speaks getObject, putObject, "
                         "deleteObject, headObject and listObjectsV2.", action);
        return -1;
    }
    if (!cJSON_IsString(bucket) || (!list && !cJSON_IsString(key))) {
        aslrt_error_setf(t->ex, "States.Runtime", "S3's %s needs Bucket%s as strings in its parameters.", action,
                         list ? "" : " and Key");
        return -1;
    }
    char *path = s3_path(bucket->valuestring, list ? NULL : key->valuestring);
    asl_buf query = {0};
    asl_buf_init(&query);
    if (list) {
        static const char *const q[][2] = {{"ContinuationToken", "continuation-token"}, {"Delimiter", "delimiter"},
                                           {"EncodingType", "encoding-type"}, {"FetchOwner", "fetch-owner"},
                                           {"MaxKeys", "max-keys"}, {"Prefix", "prefix"},
                                           {"StartAfter", "start-after"}};
        form_add(&query, "list-type", "2");
        for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, q[i][0]);
            if (v) {
                char *text = cJSON_IsBool(v) ? aslrt_xstrdup(cJSON_IsTrue(v) ? "true" : "false") : as_text(v);
                form_add(&query, q[i][1], text);
                free(text);
            }
        }
    }
    const cJSON *b = put ? cJSON_GetObjectItemCaseSensitive(params, "Body") : NULL;
    char *body = b ? as_text(b) : put ? aslrt_xstrdup("") : NULL;
    const cJSON *ct = cJSON_GetObjectItemCaseSensitive(params, "ContentType");
    char *type = put && cJSON_IsString(ct) ? aslrt_strf("Content-Type: %s", ct->valuestring) : NULL;
    const char *headers[] = {type, NULL};
    const char *method = list || get ? "GET" : put ? "PUT" : del ? "DELETE" : "HEAD";
    aslrt_aws_request rq = {svc, NULL, method, path, query.len ? query.data : NULL, headers, body,
                            body ? strlen(body) : 0};
    aslrt_aws_reply reply;
    int rc = aslrt_aws_call(t, &rq, &errors, &reply);
    if (rc == 0) {
        cJSON *r = NULL;
        if (list) {
            r = s3_list_result(&reply);
            if (!r) {
                aslrt_error_set(t->ex, "S3.SdkClientException", "S3 answered ListObjectsV2 with XML that is not well formed.");
                rc = -1;
            }
        } else {
            r = aslrt_xjson(cJSON_CreateObject());
            if (get || head)
                s3_object_fields(r, &reply);
            else if (put) {
                static const char *const fields[][2] = {{"etag", "ETag"}, {"x-amz-server-side-encryption", "ServerSideEncryption"},
                                                        {"x-amz-version-id", "VersionId"},
                                                        {"x-amz-checksum-crc32", "ChecksumCRC32"},
                                                        {"x-amz-checksum-type", "ChecksumType"}};
                for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
                    const char *v = aslrt_aws_reply_header(&reply, fields[i][0]);
                    if (v)
                        aslrt_xjson(cJSON_AddStringToObject(r, fields[i][1], v));
                }
            } else {
                const char *v = aslrt_aws_reply_header(&reply, "x-amz-delete-marker");
                if (v)
                    aslrt_xjson(cJSON_AddBoolToObject(r, "DeleteMarker", strcmp(v, "true") == 0));
                if ((v = aslrt_aws_reply_header(&reply, "x-amz-version-id")) != NULL)
                    aslrt_xjson(cJSON_AddStringToObject(r, "VersionId", v));
            }
            if (get)
                aslrt_xjson(cJSON_AddStringToObject(r, "Body", reply.body.data ? reply.body.data : ""));
        }
        *result = r;
        aslrt_aws_reply_free(&reply);
    }
    free(type);
    free(body);
    free(path);
    asl_buf_free(&query);
    return rc;
}

/* ------------------------------------------------------------ dispatch */

/* "putItem" as the operation "PutItem" (malloc'd). */
static char *operation_of(const char *action)
{
    char *op = aslrt_xstrdup(action);
    op[0] = (char)toupper((unsigned char)op[0]);
    return op;
}

static int unsupported(aslrt_task *t, const char *what)
{
    aslrt_error_setf(t->ex, "States.TaskFailed",
                     "aslc --aws cannot carry out the resource '%s' of state '%s' yet: %s", t->st->resource,
                     t->st->name, what);
    return -1;
}

/* The aws-sdk integration: service and action (n bytes of it). */
static int sdk_call(aslrt_task *t, const char *service, size_t n, const char *action, const cJSON *params,
                    cJSON **result)
{
    const aslrt_aws_service *svc = aslrt_aws_service_find(service, n);
    if (!svc) {
        char *why = aslrt_strf("no AWS service is named '%.*s'.", (int)n, service);
        unsupported(t, why);
        free(why);
        return -1;
    }
    aslrt_aws_errors errors = {svc->client, NULL};
    if (svc->protocol == ASLRT_AWS_JSON10 || svc->protocol == ASLRT_AWS_JSON11) {
        char *op = operation_of(action);
        int rc = json_call(t, svc, op, params, &errors, 0, result);
        free(op);
        return rc;
    }
    if (strcmp(svc->name, "s3") == 0)
        return s3_call(t, svc, action, params, result);
    if (strcmp(svc->name, "lambda") == 0 && strcmp(action, "invoke") == 0)
        return lambda_invoke(t, NULL, params, 0, 0, result);
    char *why = aslrt_strf("the service '%s' speaks the %s protocol, and aslc speaks awsJson 1.0 and 1.1 (and "
                           "S3's object calls and Lambda's invoke).",
                           svc->name, aslrt_aws_protocol_name(svc->protocol));
    unsupported(t, why);
    free(why);
    return -1;
}

/* An optimized integration: "<service>:<action>". */
static int optimized_call(aslrt_task *t, const char *what, const cJSON *params, cJSON **result)
{
    static const struct {
        const char *resource, *service, *operation, *prefix, *v1, *stringify;
        int metadata;
    } table[] = {
        {"dynamodb:getItem", "dynamodb", "GetItem", "DynamoDB", "AmazonDynamoDBv2", NULL, 1},
        {"dynamodb:putItem", "dynamodb", "PutItem", "DynamoDB", "AmazonDynamoDBv2", NULL, 1},
        {"dynamodb:updateItem", "dynamodb", "UpdateItem", "DynamoDB", "AmazonDynamoDBv2", NULL, 1},
        {"dynamodb:deleteItem", "dynamodb", "DeleteItem", "DynamoDB", "AmazonDynamoDBv2", NULL, 1},
        {"sqs:sendMessage", "sqs", "SendMessage", "SQS", "AmazonSQS", "MessageBody", 1},
        {"events:putEvents", "eventbridge", "PutEvents", "EventBridge", "AmazonEventBridge", NULL, 0},
        {"states:startExecution", "sfn", "StartExecution", "StepFunctions", "AWSStepFunctions", "Input", 1},
    };
    if (strcmp(what, "lambda:invoke") == 0)
        return lambda_invoke(t, NULL, params, 0, 1, result);
    if (strcmp(what, "sns:publish") == 0) {
        cJSON *p = stringify_member(params, "Message");
        int rc = sns_publish(t, p, result);
        cJSON_Delete(p);
        return rc;
    }
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(what, table[i].resource) != 0)
            continue;
        const aslrt_aws_service *svc = aslrt_aws_service_find(table[i].service, strlen(table[i].service));
        aslrt_aws_errors errors = {table[i].prefix, table[i].v1};
        cJSON *p = table[i].stringify ? stringify_member(params, table[i].stringify)
                                      : aslrt_xjson(cJSON_Duplicate(params, 1));
        /* events:putEvents: each entry's Detail as text */
        cJSON *entries = strcmp(table[i].service, "eventbridge") == 0 ? cJSON_GetObjectItemCaseSensitive(p, "Entries") : NULL;
        for (cJSON *e = cJSON_IsArray(entries) ? entries->child : NULL; e; e = e->next) {
            cJSON *d = cJSON_GetObjectItemCaseSensitive(e, "Detail");
            if (d && !cJSON_IsString(d)) {
                char *text = aslrt_json_text(d);
                cJSON_ReplaceItemInObjectCaseSensitive(e, d->string, aslrt_xjson(cJSON_CreateString(text)));
                free(text);
            }
        }
        int rc = json_call(t, svc, table[i].operation, p, &errors, table[i].metadata, result);
        cJSON_Delete(p);
        return rc;
    }
    return unsupported(t, "aslc --aws speaks lambda:invoke, dynamodb getItem, putItem, updateItem and deleteItem, "
                          "sqs:sendMessage, sns:publish, events:putEvents, states:startExecution and "
                          "aws-sdk:<service>:<action>.");
}

int aslrt_aws_task(aslrt_task *t, const cJSON *params, cJSON **result)
{
    const char *s = after_partition(t->st->resource);
    if (!s)
        return unsupported(t, "it is not an ARN.");
    if (is_function_arn(s))
        return lambda_invoke(t, t->st->resource, params, 1, 0, result);
    char *what = aslrt_xstrdup(s + strlen("states:::"));
    int wait_token = 0;
    char *dot = strrchr(what, '.');
    if (dot && strcmp(dot, ".waitForTaskToken") == 0) {
        wait_token = 1;
        *dot = '\0';
    } else if (strstr(what, ".sync")) {
        free(what);
        return unsupported(t, "the .sync pattern is not implemented for --aws.");
    }
    if (wait_token && !aslrt_host_takes_token(t)) {
        free(what);
        return unsupported(t, "a .waitForTaskToken task needs a host to take its callback (aslc serve).");
    }
    int rc;
    if (strncmp(what, "aws-sdk:", 8) == 0) {
        const char *service = what + 8, *colon = strchr(service, ':');
        rc = colon ? sdk_call(t, service, (size_t)(colon - service), colon + 1, params, result)
                   : unsupported(t, "aws-sdk resources are aws-sdk:<service>:<action>.");
    } else {
        rc = optimized_call(t, what, params, result);
    }
    free(what);
    if (rc == 0 && wait_token) { /* the message is out: now its callback decides */
        cJSON_Delete(*result);
        *result = NULL;
        rc = aslrt_host_task(t, 0, params, result);
    }
    return rc;
}
