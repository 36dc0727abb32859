/* http_handler.c — Tasks done over HTTP, through libcurl.
 *
 * http bindings ({"http": "URL"}) POST the task input as JSON and take the
 * response body as the result: the Lambda Runtime Interface Emulator's
 * invoke URL (http://127.0.0.1:9000/2015-03-31/functions/function/invocations)
 * works as is, and a Lambda function error it reports (an X-Amz-Function-Error
 * header, or a body that is a Lambda error object) fails the task as AWS
 * does: Error = errorType, Cause = the body. Any other status from 300 up,
 * a connection that fails, or a body that is not JSON fail it with
 * States.TaskFailed and a cause that says which.
 *
 * The built-in arn:aws:states:::http:invoke (asl-reference §12: at most 60
 * seconds, else States.Http.Socket) sends the request httpreq.c builds and
 * checks from its Parameters (Method to ApiEndpoint with Headers,
 * QueryParameters and RequestBody), and returns {Headers, ResponseBody,
 * StatusCode, StatusText}; a status from 400 up fails with
 * States.Http.StatusCode.<code> [?: the cause AWS gives is not recorded; we
 * give the response as JSON].
 *
 * Every request is limited to the protocols it may use, redirects
 * included (none is followed): http:invoke to the one scheme its checked
 * ApiEndpoint has, an http binding (configuration, not input) to http and
 * https. libcurl speaks file:, ftp:, smb:, ... as readily, and a URL from
 * the execution input must not reach any of them.
 *
 * Requests run on the calling thread (curl_api.c: libcurl loaded by the
 * first one, a poll on the socket, the task's deadline and the stop
 * descriptor at once).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <cjson/cJSON.h>

#include "buf.h"
#include "curl_api.h"
#include "http_handler.h"
#include "inspect.h"
#include "httpreq.h"
#include "pool.h"
#include "signals.h"
#include "task.h"
#include "timestamp.h"

#define MAX_BODY (64u << 20)          /* a larger response is refused */
#define HTTP_TASK_SECONDS 60.0        /* the HTTP task's own limit (§12) */

/* What came back. */
typedef struct response {
    asl_buf body;             /* data stays NULL while nothing has come */
    int too_big;
    int function_error;       /* X-Amz-Function-Error was present */
    cJSON *headers;           /* http:invoke: name -> [values], or NULL */
} response;

static size_t on_body(char *data, size_t size, size_t nmemb, void *opaque)
{
    response *r = opaque;
    size_t n = size * nmemb;
    if (r->body.len + n > MAX_BODY) {
        r->too_big = 1;
        return 0; /* makes curl stop with CURLE_WRITE_ERROR */
    }
    asl_buf_add(&r->body, data, n);
    return n;
}

/* Header lines: X-Amz-Function-Error, and all of them for http:invoke. */
static size_t on_header(char *data, size_t size, size_t nmemb, void *opaque)
{
    response *r = opaque;
    size_t n = size * nmemb;
    const char *colon = memchr(data, ':', n);
    if (!colon)
        return n; /* the status line, or the blank line at the end */
    size_t klen = (size_t)(colon - data);
    const char *v = colon + 1;
    size_t vlen = n - klen - 1;
    while (vlen > 0 && (*v == ' ' || *v == '\t'))
        v++, vlen--;
    while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' '))
        vlen--;
    if (klen == 20 && strncasecmp(data, "X-Amz-Function-Error", 20) == 0)
        r->function_error = 1;
    if (r->headers) {
        char *k = aslrt_xmalloc(klen + 1), *val = aslrt_xmalloc(vlen + 1);
        memcpy(k, data, klen);
        k[klen] = '\0';
        memcpy(val, v, vlen);
        val[vlen] = '\0';
        cJSON *list = cJSON_GetObjectItemCaseSensitive(r->headers, k);
        if (!list)
            list = aslrt_xjson(cJSON_AddArrayToObject(r->headers, k));
        cJSON_AddItemToArray(list, aslrt_xjson(cJSON_CreateString(val)));
        free(k);
        free(val);
    }
    return n;
}

/* A curl handle for url with our defaults, limited to `protocols` (a
   CURLOPT_PROTOCOLS_STR list), or NULL with the error set. */
static CURL *new_handle(aslrt_exec *ex, const char *url, const char *protocols, response *r, char *errbuf)
{
    const char *why = aslrt_curl_load();
    CURL *h = why ? NULL : aslrt_curl.easy_init();
    if (!h) {
        aslrt_error_set(ex, "States.TaskFailed", why ? why : "libcurl could not be initialized.");
        return NULL;
    }
    /* Without the limit the request must not go out at all: a libcurl older
       than 7.85 lacks these options (and would follow file: and the rest). */
    if (aslrt_curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, protocols) != CURLE_OK ||
        aslrt_curl.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, protocols) != CURLE_OK) {
        aslrt_curl.easy_cleanup(h);
        aslrt_error_set(ex, "States.TaskFailed",
                        "The libcurl loaded cannot restrict a request's protocols (it needs version 7.85 or later).");
        return NULL;
    }
    aslrt_curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L); /* the default, said: a redirect is the answer */
    errbuf[0] = '\0';
    aslrt_curl.easy_setopt(h, CURLOPT_URL, url);
    aslrt_curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* threads; our own SIGPIPE handling */
    aslrt_curl.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    aslrt_curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    aslrt_curl.easy_setopt(h, CURLOPT_WRITEDATA, r);
    aslrt_curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    aslrt_curl.easy_setopt(h, CURLOPT_HEADERDATA, r);
    aslrt_curl.easy_setopt(h, CURLOPT_USERAGENT, "aslc");
    return h;
}

/* Sets the error of a transfer that did not complete normally. */
static void transfer_error(aslrt_task *t, const char *who, int outcome, CURLcode code, const char *errbuf,
                           const response *r)
{
    aslrt_exec *ex = t->ex;
    if (outcome == ASLRT_CURL_STOPPED)
        aslrt_stop_check(ex);
    else if (outcome == ASLRT_CURL_EXPIRED || code == CURLE_OPERATION_TIMEDOUT)
        aslrt_error_set(ex, "States.Timeout", NULL);
    else if (r->too_big)
        aslrt_error_setf(ex, "States.TaskFailed", "%s answered with more than %u MiB.", who, MAX_BODY >> 20);
    else if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST)
        aslrt_error_setf(ex, "States.TaskFailed", "%s could not be reached: %s", who,
                         errbuf[0] ? errbuf : aslrt_curl.easy_strerror(code));
    else
        aslrt_error_setf(ex, "States.TaskFailed", "%s failed: %s", who, errbuf[0] ? errbuf : aslrt_curl.easy_strerror(code));
}

int aslrt_http_invoke(aslrt_task *t, const char *url, const cJSON *input, cJSON **result)
{
    aslrt_exec *ex = t->ex;
    response r;
    memset(&r, 0, sizeof r);
    char errbuf[CURL_ERROR_SIZE];
    CURL *h = new_handle(ex, url, "http,https", &r, errbuf);
    if (!h)
        return -1;
    char *body = aslrt_json_text(input);
    struct curl_slist *hdrs = aslrt_curl.slist_append(NULL, "Content-Type: application/json");
    hdrs = aslrt_curl.slist_append(hdrs, "Expect:"); /* no 100-continue round trip for large inputs */
    aslrt_curl.easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    aslrt_curl.easy_setopt(h, CURLOPT_POSTFIELDS, body);
    aslrt_curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));

    size_t wlen = strlen(url) + 32;
    char *who = aslrt_xmalloc(wlen);
    snprintf(who, wlen, "The http handler %s", url);
    CURLcode code;
    int outcome = aslrt_curl_perform(t, h, 0, &code);
    long status = 0;
    aslrt_curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    int rc = -1;
    if (outcome != ASLRT_CURL_DONE || code != CURLE_OK) {
        transfer_error(t, who, outcome, code, errbuf, &r);
    } else if (r.function_error) {
        if (!aslrt_task_lambda_error(ex, r.body.data ? r.body.data : "", r.body.len)) /* the header, but no error object */
            aslrt_error_set(ex, "Lambda.Unknown", r.body.data ? r.body.data : "");
    } else if (status >= 200 && status < 300 && aslrt_task_lambda_error(ex, r.body.data ? r.body.data : "", r.body.len)) {
        /* a function error in the body: set */
    } else if (status < 200 || status >= 300) {
        char *excerpt = aslrt_task_excerpt(r.body.data ? r.body.data : "", r.body.len);
        aslrt_error_setf(ex, "States.TaskFailed", "%s answered HTTP %ld: %s", who, status, excerpt);
        free(excerpt);
    } else if ((*result = aslrt_task_parse_result(ex, who, r.body.data ? r.body.data : "", r.body.len)) != NULL) {
        rc = 0;
    }
    aslrt_curl.easy_cleanup(h);
    aslrt_curl.slist_free_all(hdrs);
    free(body);
    free(who);
    asl_buf_free(&r.body);
    return rc;
}

/* ------------------------------------------------------- http:invoke */

/* AWS's reason phrases for the common statuses. */
static const char *status_text(long code)
{
    switch (code) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
    }
}

/* TestState at TRACE (inspect.h): the request as sent and the response as received, in the
   shape of AWS's InspectionDataRequest / InspectionDataResponse (headers as "Name: value"
   lines). */
static void inspect_request(aslrt_exec *ex, const aslrt_httpreq *rq)
{
    cJSON *d = aslrt_xjson(cJSON_CreateObject());
    aslrt_xjson(cJSON_AddStringToObject(d, "protocol", rq->https ? "https" : "http"));
    aslrt_xjson(cJSON_AddStringToObject(d, "method", rq->method));
    aslrt_xjson(cJSON_AddStringToObject(d, "url", rq->url));
    asl_buf h = {0};
    for (size_t i = 0; i < rq->nheaders; i++)
        asl_buf_printf(&h, "%s%s: %s", i ? "\n" : "", rq->headers[i].name, rq->headers[i].value);
    aslrt_xjson(cJSON_AddStringToObject(d, "headers", h.data ? h.data : ""));
    asl_buf_free(&h);
    aslrt_xjson(cJSON_AddStringToObject(d, "body", rq->body ? rq->body : ""));
    aslrt_inspect_report(ex, "request", d);
    cJSON_Delete(d);
}

static void inspect_response(aslrt_exec *ex, int https, long status, const response *r)
{
    cJSON *d = aslrt_xjson(cJSON_CreateObject());
    aslrt_xjson(cJSON_AddStringToObject(d, "protocol", https ? "https" : "http"));
    char code[24];
    snprintf(code, sizeof code, "%ld", status);
    aslrt_xjson(cJSON_AddStringToObject(d, "statusCode", code));
    aslrt_xjson(cJSON_AddStringToObject(d, "statusMessage", status_text(status)));
    asl_buf h = {0};
    for (const cJSON *name = r->headers ? r->headers->child : NULL; name; name = name->next)
        for (const cJSON *v = name->child; v; v = v->next)
            if (cJSON_IsString(v))
                asl_buf_printf(&h, "%s%s: %s", h.len ? "\n" : "", name->string, v->valuestring);
    aslrt_xjson(cJSON_AddStringToObject(d, "headers", h.data ? h.data : ""));
    asl_buf_free(&h);
    aslrt_xjson(cJSON_AddStringToObject(d, "body", r->body.data ? r->body.data : ""));
    aslrt_inspect_report(ex, "response", d);
    cJSON_Delete(d);
}

int aslrt_http_task(aslrt_task *t, const cJSON *params, cJSON **result)
{
    aslrt_exec *ex = t->ex;
    aslrt_httpreq rq;
    char *why;
    if (aslrt_httpreq_build(params, &rq, &why) != 0) {
        aslrt_runtime_error(ex, "%s", why);
        free(why);
        return -1;
    }
    response r;
    memset(&r, 0, sizeof r);
    r.headers = aslrt_xjson(cJSON_CreateObject());
    char errbuf[CURL_ERROR_SIZE];
    CURL *h = new_handle(ex, rq.url, rq.https ? "https" : "http", &r, errbuf);
    if (!h) {
        cJSON_Delete(r.headers);
        aslrt_httpreq_free(&rq);
        return -1;
    }
    const char *url = rq.url;
    /* HEAD through CURLOPT_CUSTOMREQUEST would wait for the body the
       response announces but never sends. */
    if (strcmp(rq.method, "HEAD") == 0)
        aslrt_curl.easy_setopt(h, CURLOPT_NOBODY, 1L);
    else
        aslrt_curl.easy_setopt(h, CURLOPT_CUSTOMREQUEST, rq.method);
    struct curl_slist *hdrs = NULL;
    for (size_t i = 0; i < rq.nheaders; i++) {
        /* "Name:" would remove a header of curl's; "Name;" sends it empty. */
        char *line = rq.headers[i].value[0] ? aslrt_strf("%s: %s", rq.headers[i].name, rq.headers[i].value)
                                            : aslrt_strf("%s;", rq.headers[i].name);
        hdrs = aslrt_curl.slist_append(hdrs, line);
        free(line);
    }
    hdrs = aslrt_curl.slist_append(hdrs, "Expect:");
    if (rq.body) {
        aslrt_curl.easy_setopt(h, CURLOPT_POSTFIELDS, rq.body);
        aslrt_curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq.body_len);
    }
    aslrt_curl.easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);

    size_t wlen = strlen(url) + 48;
    char *who = aslrt_xmalloc(wlen);
    snprintf(who, wlen, "The HTTP task's request to %s", url);
    CURLcode code;
    if (aslrt_inspecting(ex))
        inspect_request(ex, &rq);
    int outcome = aslrt_curl_perform(t, h, aslrt_now() + HTTP_TASK_SECONDS, &code);
    long status = 0;
    aslrt_curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (outcome == ASLRT_CURL_DONE && code == CURLE_OK && aslrt_inspecting(ex))
        inspect_response(ex, rq.https, status, &r);
    int rc = -1;
    if (outcome == ASLRT_CURL_EXPIRED && aslrt_task_expired(t, aslrt_now())) {
        aslrt_error_set(ex, "States.Timeout", NULL);
    } else if (outcome == ASLRT_CURL_EXPIRED || (outcome == ASLRT_CURL_DONE && code == CURLE_OPERATION_TIMEDOUT)) {
        aslrt_error_setf(ex, "States.Http.Socket", "%s took longer than %.0f seconds.", who, HTTP_TASK_SECONDS);
    } else if (outcome != ASLRT_CURL_DONE || code != CURLE_OK) {
        transfer_error(t, who, outcome, code, errbuf, &r);
    } else {
        cJSON *out = aslrt_xjson(cJSON_CreateObject());
        cJSON_AddItemToObject(out, "Headers", r.headers);
        r.headers = NULL;
        cJSON *parsed = r.body.len ? cJSON_ParseWithLength(r.body.data, r.body.len) : NULL;
        cJSON_AddItemToObject(out, "ResponseBody",
                              parsed ? parsed : aslrt_xjson(cJSON_CreateString(r.body.data ? r.body.data : "")));
        aslrt_xjson(cJSON_AddNumberToObject(out, "StatusCode", (double)status));
        aslrt_xjson(cJSON_AddStringToObject(out, "StatusText", status_text(status)));
        if (status >= 400) {
            char name[48], *text = aslrt_json_text(out);
            snprintf(name, sizeof name, "States.Http.StatusCode.%ld", status);
            aslrt_error_set(ex, name, text);
            free(text);
            cJSON_Delete(out);
        } else {
            *result = out;
            rc = 0;
        }
    }
    aslrt_curl.easy_cleanup(h);
    aslrt_curl.slist_free_all(hdrs);
    cJSON_Delete(r.headers);
    aslrt_httpreq_free(&rq);
    free(who);
    asl_buf_free(&r.body);
    return rc;
}
