/* fuzz_httpreq.c — libFuzzer target: the http:invoke request builder (runtime/httpreq.c), which
   turns a Task's Parameters into method, URL, header lines and body. Nothing is sent.
   The first byte picks what the rest is:
     0  the Parameters, as JSON text;
     1  an ApiEndpoint (raw bytes), sent with a GET and two query parameters;
     2  a header: name, a NUL byte, value (raw bytes);
     3  a RequestBody, as JSON text, URL-encoded in the ArrayFormat the second byte picks.
   Whatever the input, a request that is built must be one that cannot leave its fields: a method
   from AWS's list, a URL to https:// or to a loopback http:// host with nothing a URL cannot hold,
   header names that are tokens and values without CR, LF or NUL, a body whose length is its own. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "httpreq.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

static int in_list(const char *const *list, const char *s)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

/* The host part of an accepted URL, found without httpreq.c's parser:
   after "//", up to the first of "/?#", less a ":port". For http:// it
   must be one of the loopback spellings. */
static void check_http_host(const char *url)
{
    const char *h = strstr(url, "//") + 2;
    size_t n = strcspn(h, "/?#");
    if (h[0] == '[') {
        check(n >= 5 && memcmp(h, "[::1]", 5) == 0 && (n == 5 || h[5] == ':'));
        return;
    }
    const char *colon = memchr(h, ':', n);
    if (colon)
        n = (size_t)(colon - h);
    if (n == 9 && strncasecmp(h, "localhost", 9) == 0)
        return;
    check(n >= 7 && memcmp(h, "127.", 4) == 0);
    for (size_t i = 0; i < n; i++)
        check((h[i] >= '0' && h[i] <= '9') || h[i] == '.');
}

/* An upper-case hexadecimal digit (what %XX escapes use). */
static int hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

/* The invariants of a built request. */
static void check_request(const aslrt_httpreq *rq)
{
    check(rq->method && in_list(aslrt_httpreq_methods, rq->method));
    check(rq->url && aslrt_httpreq_endpoint_problem(rq->url) == NULL);
    for (const char *p = rq->url; *p; p++)
        check((unsigned char)*p > 0x20 && *p != 0x7f);
    check(rq->https == (strncasecmp(rq->url, "https://", 8) == 0));
    if (!rq->https) {
        check(strncasecmp(rq->url, "http://", 7) == 0);
        check_http_host(rq->url);
    }
    int types = 0;
    for (size_t i = 0; i < rq->nheaders; i++) {
        const aslrt_http_header *h = &rq->headers[i];
        check(h->name && h->value && h->name[0]);
        check(aslrt_httpreq_header_problem(h->name, h->value) == NULL);
        check(!strpbrk(h->name, "\r\n:") && !strpbrk(h->value, "\r\n"));
        types += strcasecmp(h->name, "Content-Type") == 0;
    }
    check(types <= 1);
    if (rq->body) {
        check(strlen(rq->body) == rq->body_len);
        check(strcmp(rq->method, "HEAD") != 0);
    }
}

/* Builds from params; the result must be sane either way, and the same
   when built again. */
static void build(const cJSON *params)
{
    aslrt_httpreq rq, again;
    char *why = NULL, *why2 = NULL;
    int rc = aslrt_httpreq_build(params, &rq, &why);
    if (rc == 0) {
        check(why == NULL);
        check_request(&rq);
    } else {
        check(rc == -1 && why && why[0] && !rq.method && !rq.url && !rq.headers && !rq.body);
    }
    int rc2 = aslrt_httpreq_build(params, &again, &why2);
    check(rc2 == rc);
    if (rc == 0)
        check(strcmp(rq.url, again.url) == 0 && again.nheaders == rq.nheaders && again.body_len == rq.body_len &&
              (!rq.body || memcmp(rq.body, again.body, rq.body_len) == 0));
    else
        check(strcmp(why, why2) == 0);
    aslrt_httpreq_free(&rq);
    aslrt_httpreq_free(&again);
    free(why);
    free(why2);
}

/* data[0, size) as a C string (a NUL inside ends it). */
static char *text(const unsigned char *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = 0;
    return s;
}

static cJSON *x(cJSON *v)
{
    if (!v)
        abort();
    return v;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size == 0)
        return 0;
    int mode = data[0] & 3;
    data++, size--;
    cJSON *params = NULL;
    if (mode == 0) {
        params = cJSON_ParseWithLength((const char *)data, size);
        if (!params)
            return 0;
    } else if (mode == 1) {
        char *url = text(data, size);
        params = x(cJSON_CreateObject());
        x(cJSON_AddStringToObject(params, "ApiEndpoint", url));
        x(cJSON_AddStringToObject(params, "Method", "GET"));
        cJSON *q = x(cJSON_AddObjectToObject(params, "QueryParameters"));
        x(cJSON_AddStringToObject(q, "a b", "c&d=#\r\n"));
        x(cJSON_AddNumberToObject(q, "n", 1.5));
        aslrt_httpreq rq;
        char *why = NULL;
        int rc = aslrt_httpreq_build(params, &rq, &why);
        check((rc == 0) == (aslrt_httpreq_endpoint_problem(url) == NULL));
        aslrt_httpreq_free(&rq);
        free(why);
        free(url);
    } else if (mode == 2) {
        const unsigned char *nul = memchr(data, 0, size);
        size_t nlen = nul ? (size_t)(nul - data) : size;
        char *name = text(data, nlen), *value = text(nul ? nul + 1 : data + size, nul ? size - nlen - 1 : 0);
        params = x(cJSON_CreateObject());
        x(cJSON_AddStringToObject(params, "ApiEndpoint", "https://example.com/"));
        x(cJSON_AddStringToObject(params, "Method", "POST"));
        cJSON *h = x(cJSON_AddObjectToObject(params, "Headers"));
        x(cJSON_AddStringToObject(h, name, value));
        aslrt_httpreq rq;
        char *why = NULL;
        int rc = aslrt_httpreq_build(params, &rq, &why);
        check((rc == 0) == (aslrt_httpreq_header_problem(name, value) == NULL));
        if (rc == 0)
            check(rq.nheaders == 1 && strcmp(rq.headers[0].name, name) == 0 &&
                  strcmp(rq.headers[0].value, value) == 0);
        aslrt_httpreq_free(&rq);
        free(why);
        free(name);
        free(value);
    } else {
        if (size == 0)
            return 0;
        const char *fmt = aslrt_httpreq_array_formats[data[0] % 4];
        cJSON *body = cJSON_ParseWithLength((const char *)data + 1, size - 1);
        if (!body)
            return 0;
        params = x(cJSON_CreateObject());
        x(cJSON_AddStringToObject(params, "ApiEndpoint", "http://127.0.0.1:8080/form"));
        x(cJSON_AddStringToObject(params, "Method", "POST"));
        cJSON_AddItemToObject(params, "RequestBody", body);
        cJSON *t = x(cJSON_AddObjectToObject(params, "Transform"));
        x(cJSON_AddStringToObject(t, "RequestBodyEncoding", "URL_ENCODED"));
        cJSON *o = x(cJSON_AddObjectToObject(t, "RequestEncodingOptions"));
        x(cJSON_AddStringToObject(o, "ArrayFormat", fmt));
        aslrt_httpreq rq;
        char *why = NULL;
        if (aslrt_httpreq_build(params, &rq, &why) == 0) {
            /* A form is unreserved characters, %XX escapes and its own structure. */
            check(rq.body != NULL && cJSON_IsObject(body));
            for (size_t i = 0; i < rq.body_len; i++) {
                char c = rq.body[i];
                if (c == '%') {
                    check(i + 2 < rq.body_len && hex(rq.body[i + 1]) && hex(rq.body[i + 2]));
                    i += 2;
                } else {
                    check((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                          (c && strchr("-._~[]=&,", c)));
                }
            }
            check(rq.nheaders == 1 && strcmp(rq.headers[0].value, "application/x-www-form-urlencoded") == 0);
        } else {
            check(why != NULL);
        }
        aslrt_httpreq_free(&rq);
        free(why);
    }
    build(params);
    cJSON_Delete(params);
    return 0;
}
