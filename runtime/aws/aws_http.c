/* aws_http.c — requests to AWS endpoints and credentials sources. The URL
 * comes from configuration (endpoints.c) or a service's own address, never
 * from a task's input alone, but the protocols are still limited to http
 * and https, redirects are answers (S3's 301 names the right region), and
 * TLS peers and host names are verified. The request's headers are never
 * written anywhere: they carry the Authorization and the session token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws_http.h"
#include "curl_api.h"
#include "timestamp.h"
#include "xalloc.h"

#define MAX_BODY (256u << 20) /* a larger response is refused */

typedef struct sink {
    aslrt_aws_reply *reply;
    int too_big;
} sink;

static size_t on_body(char *data, size_t size, size_t nmemb, void *opaque)
{
    sink *s = opaque;
    size_t n = size * nmemb;
    if (s->reply->body.len + n > MAX_BODY) {
        s->too_big = 1;
        return 0;
    }
    asl_buf_add(&s->reply->body, data, n);
    return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *opaque)
{
    sink *s = opaque;
    size_t n = size * nmemb;
    const char *colon = memchr(data, ':', n);
    if (!colon)
        return n;
    size_t klen = (size_t)(colon - data), vlen = n - klen - 1;
    const char *v = colon + 1;
    while (vlen && (*v == ' ' || *v == '\t'))
        v++, vlen--;
    while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' '))
        vlen--;
    char *k = aslrt_xmalloc(klen + 1);
    memcpy(k, data, klen);
    k[klen] = '\0';
    char *val = aslrt_xmalloc(vlen + 1);
    memcpy(val, v, vlen);
    val[vlen] = '\0';
    cJSON *old = cJSON_GetObjectItem(s->reply->headers, k); /* any case */
    if (old) {
        char *joined = aslrt_strf("%s, %s", old->valuestring, val);
        cJSON_ReplaceItemInObjectCaseSensitive(s->reply->headers, old->string, aslrt_xjson(cJSON_CreateString(joined)));
        free(joined);
    } else {
        aslrt_xjson(cJSON_AddStringToObject(s->reply->headers, k, val));
    }
    free(k);
    free(val);
    return n;
}

int aslrt_aws_http_send(const aslrt_aws_http *rq, aslrt_aws_reply *reply, char **why)
{
    memset(reply, 0, sizeof *reply);
    *why = NULL;
    const char *not_ready = aslrt_curl_load();
    CURL *h = not_ready ? NULL : aslrt_curl.easy_init();
    if (!h) {
        *why = aslrt_xstrdup(not_ready ? not_ready : "libcurl could not be initialized.");
        return ASLRT_AWS_FAILED;
    }
    if (aslrt_curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
        aslrt_curl.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK) {
        aslrt_curl.easy_cleanup(h);
        *why = aslrt_xstrdup("The libcurl loaded cannot restrict a request's protocols (it needs 7.85 or later).");
        return ASLRT_AWS_FAILED;
    }
    reply->headers = aslrt_xjson(cJSON_CreateObject());
    sink s = {reply, 0};
    char errbuf[CURL_ERROR_SIZE] = "";
    aslrt_curl.easy_setopt(h, CURLOPT_URL, rq->url);
    aslrt_curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    aslrt_curl.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    aslrt_curl.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    aslrt_curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    aslrt_curl.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    aslrt_curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    aslrt_curl.easy_setopt(h, CURLOPT_WRITEDATA, &s);
    aslrt_curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    aslrt_curl.easy_setopt(h, CURLOPT_HEADERDATA, &s);
    aslrt_curl.easy_setopt(h, CURLOPT_USERAGENT, "aslc");
    aslrt_curl.easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* gzip as the SDKs accept it */
    if (strcmp(rq->method, "HEAD") == 0)
        aslrt_curl.easy_setopt(h, CURLOPT_NOBODY, 1L);
    else
        aslrt_curl.easy_setopt(h, CURLOPT_CUSTOMREQUEST, rq->method);
    struct curl_slist *hdrs = NULL;
    int typed = 0;
    for (size_t i = 0; rq->headers && rq->headers[i]; i++) {
        hdrs = aslrt_curl.slist_append(hdrs, rq->headers[i]);
        typed |= strncasecmp(rq->headers[i], "Content-Type:", 13) == 0;
    }
    hdrs = aslrt_curl.slist_append(hdrs, "Expect:");
    if (!typed) /* not curl's form type: a server would read the body as a form (S3 objects) */
        hdrs = aslrt_curl.slist_append(hdrs, "Content-Type:");
    aslrt_curl.easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    if (rq->body || strcmp(rq->method, "PUT") == 0 || strcmp(rq->method, "POST") == 0) {
        aslrt_curl.easy_setopt(h, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
        aslrt_curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(rq->body ? rq->body_len : 0));
    }
    CURLcode code;
    int outcome = aslrt_curl_perform(rq->task, h, rq->timeout > 0 ? aslrt_now() + rq->timeout : 0, &code);
    aslrt_curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply->status);
    int rc = ASLRT_AWS_SENT;
    if (outcome == ASLRT_CURL_STOPPED) {
        rc = ASLRT_AWS_STOPPED;
        *why = aslrt_xstrdup("The execution stopped.");
    } else if (outcome == ASLRT_CURL_EXPIRED || code == CURLE_OPERATION_TIMEDOUT) {
        rc = ASLRT_AWS_TIMED_OUT;
        *why = aslrt_strf("%s %s timed out.", rq->method, rq->url);
    } else if (s.too_big) {
        rc = ASLRT_AWS_FAILED;
        *why = aslrt_strf("%s answered with more than %u MiB.", rq->url, MAX_BODY >> 20);
    } else if (code != CURLE_OK) {
        rc = ASLRT_AWS_FAILED;
        *why = aslrt_strf("%s %s failed: %s", rq->method, rq->url, errbuf[0] ? errbuf : aslrt_curl.easy_strerror(code));
    }
    aslrt_curl.easy_cleanup(h);
    aslrt_curl.slist_free_all(hdrs);
    if (rc != ASLRT_AWS_SENT)
        aslrt_aws_reply_free(reply);
    else if (!reply->body.data)
        asl_buf_init(&reply->body);
    return rc;
}

void aslrt_aws_reply_free(aslrt_aws_reply *reply)
{
    asl_buf_free(&reply->body);
    cJSON_Delete(reply->headers);
    reply->headers = NULL;
}

const char *aslrt_aws_reply_header(const aslrt_aws_reply *reply, const char *name)
{
    const cJSON *h = cJSON_GetObjectItem(reply->headers, name); /* any case */
    return cJSON_IsString(h) ? h->valuestring : NULL;
}
