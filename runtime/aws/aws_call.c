/* aws_call.c — a signed request to a service, and its failures named as
 * Step Functions names them, so that a definition's Retry and Catch match
 * (aws_call.h). Transport failures (no connection, no credentials) are
 * "<prefix>.SdkClientException", as the Java SDK Step Functions runs on
 * raises them; the task's own timeout and a stopped execution are what
 * they always are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "aws_call.h"
#include "credentials.h"
#include "endpoints.h"
#include "signals.h"
#include "sigv4.h"
#include "timestamp.h"
#include "xalloc.h"

char *aslrt_aws_call_region(void)
{
    char *r = aslrt_aws_region();
    return r ? r : aslrt_xstrdup("us-east-1");
}

void aslrt_aws_fail(aslrt_task *t, const aslrt_aws_errors *errors, const char *code, const char *message, long status,
                    const char *request_id)
{
    size_t n = strlen(code);
    const char *suffix = n >= 9 && strcmp(code + n - 9, "Exception") == 0 ? "" : "Exception";
    char *name = aslrt_strf("%s.%s%s", errors->prefix, code, suffix);
    char *cause = errors->v1_service
                      ? aslrt_strf("%s (Service: %s; Status Code: %ld; Error Code: %s; Request ID: %s; Proxy: null)",
                                   message, errors->v1_service, status, code, request_id ? request_id : "")
                      : aslrt_strf("%s (Service: %s, Status Code: %ld, Request ID: %s)", message, errors->prefix,
                                   status, request_id ? request_id : "");
    aslrt_error_set(t->ex, name, cause);
    free(name);
    free(cause);
}

/* A transport failure: the Java SDK's client exception. */
static int client_failure(aslrt_task *t, const aslrt_aws_errors *errors, const char *why)
{
    char *name = aslrt_strf("%s.SdkClientException", errors->prefix);
    aslrt_error_set(t->ex, name, why);
    free(name);
    return -1;
}

/* The text between <tag> and </tag> in xml, malloc'd, or NULL. */
static char *xml_text(const char *xml, const char *tag)
{
    char open[64], close[64];
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    const char *a = strstr(xml, open), *b = a ? strstr(a, close) : NULL;
    if (!b)
        return NULL;
    a += strlen(open);
    char *s = aslrt_xmalloc((size_t)(b - a) + 1);
    memcpy(s, a, (size_t)(b - a));
    s[b - a] = '\0';
    return s;
}

/* The error in a failed reply: code and message from a JSON body
   (__type, message), an XML one (<Code>, <Message>), or the
   x-amzn-ErrorType header; the status's reason when none says. */
static void reply_error(aslrt_task *t, const aslrt_aws_errors *errors, const aslrt_aws_reply *r)
{
    char *code = NULL, *message = NULL;
    const char *body = r->body.data ? r->body.data : "";
    cJSON *j = cJSON_ParseWithLength(body, r->body.len);
    if (cJSON_IsObject(j)) {
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(j, "__type");
        if (!cJSON_IsString(type))
            type = cJSON_GetObjectItemCaseSensitive(j, "code");
        const cJSON *msg = cJSON_GetObjectItem(j, "message"); /* message or Message */
        if (!cJSON_IsString(msg))
            msg = cJSON_GetObjectItemCaseSensitive(j, "errorMessage");
        if (cJSON_IsString(type)) {
            const char *hash = strrchr(type->valuestring, '#');
            code = aslrt_xstrdup(hash ? hash + 1 : type->valuestring);
        }
        if (cJSON_IsString(msg))
            message = aslrt_xstrdup(msg->valuestring);
    } else if (body[0] == '<') {
        code = xml_text(body, "Code");
        message = xml_text(body, "Message");
    }
    cJSON_Delete(j);
    const char *header = aslrt_aws_reply_header(r, "x-amzn-ErrorType");
    if (!code && header) {
        code = aslrt_xstrdup(header);
        code[strcspn(code, ":")] = '\0';
    }
    if (code)
        code[strcspn(code, ":")] = '\0'; /* awsJson's "Code:http://..." */
    if (!code)
        code = aslrt_xstrdup(r->status == 404 ? "NotFound" : r->status == 403 ? "AccessDenied" : "ServiceException");
    if (!message)
        message = aslrt_strf("The service answered HTTP %ld", r->status);
    const char *id = aslrt_aws_reply_header(r, "x-amzn-RequestId");
    if (!id)
        id = aslrt_aws_reply_header(r, "x-amz-request-id");
    aslrt_aws_fail(t, errors, code, message, r->status, id);
    free(code);
    free(message);
}

/* Splits an endpoint URL into its authority (host[:port]) and base path
   (no trailing '/'); both malloc'd. */
static void split_url(const char *url, char **authority, char **base)
{
    const char *s = strstr(url, "://");
    s = s ? s + 3 : url;
    size_t n = strcspn(s, "/?#");
    const char *at = memchr(s, '@', n);
    if (at) {
        n -= (size_t)(at + 1 - s);
        s = at + 1;
    }
    *authority = aslrt_xmalloc(n + 1);
    memcpy(*authority, s, n);
    (*authority)[n] = '\0';
    const char *path = s + n;
    size_t plen = strcspn(path, "?#");
    while (plen && path[plen - 1] == '/')
        plen--;
    *base = aslrt_xmalloc(plen + 1);
    memcpy(*base, path, plen);
    (*base)[plen] = '\0';
}

int aslrt_aws_call(aslrt_task *t, const aslrt_aws_request *rq, const aslrt_aws_errors *errors, aslrt_aws_reply *reply)
{
    memset(reply, 0, sizeof *reply);
    aslrt_aws_creds creds;
    char *why;
    if (aslrt_aws_credentials_get(&creds, &why) != 0) {
        client_failure(t, errors, why);
        free(why);
        return -1;
    }
    char *region = rq->region ? aslrt_xstrdup(rq->region) : aslrt_aws_call_region();
    char *endpoint = aslrt_aws_endpoint(rq->svc->service_id, rq->svc->endpoint_prefix, region);
    char *authority, *base;
    split_url(endpoint, &authority, &base);
    char *path = aslrt_strf("%s%s", base, rq->path);
    const char *scheme_end = strstr(endpoint, "://");
    int scheme_len = scheme_end ? (int)(scheme_end + 3 - endpoint) : 0;
    char *url = aslrt_strf("%.*s%s%s%s%s", scheme_len, endpoint, authority, path, rq->query && *rq->query ? "?" : "",
                           rq->query ? rq->query : "");

    /* the headers to sign: Host, then the request's */
    size_t n = 0;
    while (rq->headers && rq->headers[n])
        n++;
    aslrt_sigv4_header *sh = aslrt_xmalloc((n + 1) * sizeof *sh);
    char **names = aslrt_xmalloc((n + 1) * sizeof *names);
    sh[0] = (aslrt_sigv4_header){"Host", authority};
    for (size_t i = 0; i < n; i++) {
        const char *colon = strchr(rq->headers[i], ':');
        size_t k = colon ? (size_t)(colon - rq->headers[i]) : strlen(rq->headers[i]);
        names[i] = aslrt_xmalloc(k + 1);
        memcpy(names[i], rq->headers[i], k);
        names[i][k] = '\0';
        const char *v = colon ? colon + 1 : "";
        while (*v == ' ')
            v++;
        sh[i + 1] = (aslrt_sigv4_header){names[i], v};
    }
    int s3 = strcmp(rq->svc->signing_name, "s3") == 0;
    char hash[65];
    aslrt_sigv4_sha256_hex(rq->body ? rq->body : "", rq->body ? rq->body_len : 0, hash);
    aslrt_sigv4_request srq = {rq->method, path, rq->query, sh, n + 1, hash};
    aslrt_sigv4_params p = {
        .access_key_id = creds.access_key_id,
        .secret_access_key = creds.secret_access_key,
        .session_token = creds.session_token,
        .region = region,
        .service = rq->svc->signing_name,
        .when = time(NULL),
        .flags = s3 ? ASLRT_SIGV4_S3 | ASLRT_SIGV4_CONTENT_SHA256 : 0,
    };
    aslrt_sigv4 sig;
    int rc = -1;
    if (aslrt_sigv4_sign(&srq, &p, &sig) != 0) {
        client_failure(t, errors, "The request could not be signed.");
    } else {
        /* what curl sends: the request's headers, Host and the signature's */
        const char **lines = aslrt_xmalloc((n + 6) * sizeof *lines);
        char *host = aslrt_strf("Host: %s", authority), *date = aslrt_strf("X-Amz-Date: %s", sig.amz_date);
        char *auth = aslrt_strf("Authorization: %s", sig.authorization);
        char *sha = sig.content_sha256 ? aslrt_strf("x-amz-content-sha256: %s", sig.content_sha256) : NULL;
        char *token = sig.security_token ? aslrt_strf("X-Amz-Security-Token: %s", sig.security_token) : NULL;
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            lines[k++] = rq->headers[i];
        lines[k++] = host;
        lines[k++] = date;
        lines[k++] = auth;
        if (sha)
            lines[k++] = sha;
        if (token)
            lines[k++] = token;
        lines[k] = NULL;
        aslrt_aws_http hrq = {rq->method, url, lines, rq->body, rq->body_len, 0, t};
        char *err;
        int sent = aslrt_aws_http_send(&hrq, reply, &err);
        if (sent == ASLRT_AWS_STOPPED) {
            aslrt_stop_check(t->ex);
        } else if (sent == ASLRT_AWS_TIMED_OUT && aslrt_task_expired(t, aslrt_now())) {
            aslrt_error_set(t->ex, "States.Timeout", NULL);
        } else if (sent != ASLRT_AWS_SENT) {
            client_failure(t, errors, err);
        } else if (reply->status >= 300) {
            reply_error(t, errors, reply);
            aslrt_aws_reply_free(reply);
        } else {
            rc = 0;
        }
        free(err);
        free(host);
        free(date);
        aslrt_sigv4_free(&sig);
        /* wipe what carried the signature and the token */
        memset(auth, 0, strlen(auth));
        free(auth);
        free(sha);
        if (token)
            memset(token, 0, strlen(token));
        free(token);
        free(lines);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(sh);
    free(url);
    free(path);
    free(authority);
    free(base);
    free(endpoint);
    free(region);
    aslrt_aws_creds_clear(&creds);
    return rc;
}
