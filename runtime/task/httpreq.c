/* httpreq.c — building the request of an arn:aws:states:::http:invoke Task
 * from its Parameters, and checking every part of it before anything is sent.
 *
 * The Parameters come from the definition and, through "X.$" paths and
 * JSONata, from the execution input, so each part is checked here:
 *
 *   ApiEndpoint  AWS calls only https:// URLs. aslc also allows http:// to a
 *                loopback host (127.0.0.0/8, ::1, localhost) for local
 *                testing, and nothing else: no file://, ftp://, ...; no
 *                user@host (credentials belong to the Authentication
 *                connection, and a parser that reads the host differently
 *                from libcurl would undo the loopback rule).
 *   Method       one of AWS's seven, exactly: it becomes the request line.
 *   Headers      names are RFC 9110 tokens, values have no control
 *                characters but TAB (a CR or LF would start a header line of
 *                its own), and none is on AWS's list of headers http:invoke
 *                refuses.
 *   QueryParameters  an object; keys and values are percent-encoded, so
 *                nothing in them can leave the query string.
 *   RequestBody  a string is sent as it is, anything else as JSON; with
 *                Transform.RequestBodyEncoding URL_ENCODED, an object is sent
 *                as a form (below).
 *
 * A part that fails its check fails the Task with States.Runtime, which is
 * what AWS documents for a refused header [?: AWS's error for a bad
 * ApiEndpoint or Method at run time is not recorded; States.Runtime with a
 * cause naming the field is our choice]. `aslc check` applies the same
 * checks to literal values (validate.c), as AWS rejects a definition whose
 * literal ApiEndpoint is not valid ("The value for the 'ApiEndpoint' field is
 * not valid") or whose literal Headers hold a refused name ("The 'Headers'
 * field contains unsupported values: [authorization]").
 *
 * URL-encoded bodies follow the four array formats of AWS's
 * RequestEncodingOptions.ArrayFormat, for {"a": ["x", "y"]}:
 *   INDICES (the default)  a[0]=x&a[1]=y
 *   BRACKETS               a[]=x&a[]=y
 *   REPEAT                 a=x&a=y
 *   COMMAS                 a=x,y
 * Nested objects become a[b]=..., scalars their text (null: empty). Keys and
 * values are percent-encoded; the brackets, '=', '&' and the commas that
 * join are the structure and are not.
 *
 * Nothing here sends, logs or keeps anything: the result is plain data.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "exec.h"
#include "httpreq.h"

/* A URL-encoded body may grow much larger than its JSON (a long key
   repeated for every array item): past this it is refused. */
#define MAX_FORM (16u * ASLRT_PAYLOAD_LIMIT)
/* Nesting a form body may have; cJSON's reader stops at 1000 levels. */
#define MAX_FORM_DEPTH 1000

const char *const aslrt_httpreq_methods[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", NULL};
const char *const aslrt_httpreq_encodings[] = {"NONE", "URL_ENCODED", NULL};
const char *const aslrt_httpreq_array_formats[] = {"BRACKETS", "COMMAS", "INDICES", "REPEAT", NULL};

enum { FMT_BRACKETS, FMT_COMMAS, FMT_INDICES, FMT_REPEAT };

/* ------------------------------------------------------------ checks */

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A decimal number of 1 to `max_digits` digits without a leading zero, no
   more than `max`, filling [s, e) exactly. */
static int decimal(const char *s, const char *e, int max_digits, long max)
{
    if (e <= s || e - s > max_digits || (e - s > 1 && *s == '0'))
        return 0;
    long v = 0;
    for (const char *p = s; p < e; p++) {
        if (!is_digit(*p))
            return 0;
        v = v * 10 + (*p - '0');
    }
    return v <= max;
}

/* Is the host [h, e) loopback: localhost, ::1 or a dotted quad in
   127.0.0.0/8? Only these spellings: "127.1" or "2130706433" reach a
   resolver that may read them otherwise, so they do not count. */
static int loopback(const char *h, const char *e)
{
    size_t n = (size_t)(e - h);
    if ((n == 9 && strncasecmp(h, "localhost", 9) == 0) || (n == 5 && memcmp(h, "[::1]", 5) == 0))
        return 1;
    if (n < 7 || memcmp(h, "127.", 4) != 0)
        return 0;
    const char *p = h;
    for (int part = 0; part < 4; part++) {
        const char *q = p;
        while (q < e && *q != '.')
            q++;
        if (!decimal(p, q, 3, 255) || (part < 3) != (q < e))
            return 0;
        p = q + 1;
    }
    return 1;
}

/* Characters RFC 3986 never allows in a URI, and the control characters:
   libcurl would refuse some and send others as they are. */
static int bad_url_char(unsigned char c)
{
    return c <= 0x20 || c == 0x7f || (c && strchr("\"<>\\^`{|}", c));
}

#define ONLY_HTTPS "only https:// URLs are allowed; http:// only to a loopback host: 127.0.0.0/8, ::1 or localhost"

const char *aslrt_httpreq_endpoint_problem(const char *url)
{
    int https;
    const char *rest;
    if (strncasecmp(url, "https://", 8) == 0)
        https = 1, rest = url + 8;
    else if (strncasecmp(url, "http://", 7) == 0)
        https = 0, rest = url + 7;
    else
        return ONLY_HTTPS;
    for (const char *p = url; *p; p++)
        if (bad_url_char((unsigned char)*p))
            return "it holds a character that a URL cannot (a space, a control character or one of \"<>\\^`{|})";
    const char *end = rest + strcspn(rest, "/?#");
    if (memchr(rest, '@', (size_t)(end - rest)))
        return "it holds user information (user@host); http:invoke takes credentials from its connection";
    const char *h = rest, *he;
    if (h < end && *h == '[') { /* an IPv6 literal */
        he = memchr(h, ']', (size_t)(end - h));
        if (!he || he == h + 1)
            return "its host is not valid";
        for (const char *p = h + 1; p < he; p++)
            if (!(is_digit(*p) || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F') || *p == ':' || *p == '.'))
                return "its host is not valid";
        he++;
    } else {
        for (he = h; he < end && *he != ':'; he++)
            if (!(is_alnum((unsigned char)*he) || *he == '-' || *he == '.' || *he == '_'))
                return "its host is not valid";
    }
    if (he == h)
        return "it has no host";
    if (he < end && (*he != ':' || !decimal(he + 1, end, 5, 65535)))
        return "its port is not valid";
    if (!https && !loopback(h, he))
        return ONLY_HTTPS;
    return NULL;
}

/* RFC 9110 §5.6.2: token = 1*tchar; tchar = "!" / "#" / "$" / "%" / "&" /
   "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT /
   ALPHA. */
static int is_tchar(unsigned char c)
{
    return is_alnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* The headers AWS documents as refused by an HTTP Task (States.Runtime),
   and the prefixes x-forwarded-*, x-amz-*, x-amzn-* below. Two more:
   Authorization, which AWS refuses too (its definition check names it:
   "The 'Headers' field contains unsupported values: [authorization]";
   credentials come from the connection), and Content-Length, which is
   not on AWS's list but is the body's to say: a second, different length
   would make the server read the rest of the body as another request. */
static const char *const forbidden[] = {
    "A-IM", "Accept-Charset", "Accept-Datetime", "Accept-Encoding", "Authorization", "Cache-Control",
    "Connection", "Content-Encoding", "Content-Length", "Content-MD5", "Date", "Expect", "Forwarded", "From",
    "Host", "HTTP2-Settings", "If-Match", "If-Modified-Since", "If-None-Match", "If-Range",
    "If-Unmodified-Since", "Max-Forwards", "Origin", "Pragma", "Proxy-Authorization", "Referer", "Server",
    "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Via", "Warning", NULL,
};
static const char *const forbidden_prefixes[] = {"x-forwarded-", "x-amz-", "x-amzn-", NULL};

int aslrt_httpreq_header_forbidden(const char *name)
{
    for (int i = 0; forbidden[i]; i++)
        if (strcasecmp(name, forbidden[i]) == 0)
            return 1;
    for (int i = 0; forbidden_prefixes[i]; i++)
        if (strncasecmp(name, forbidden_prefixes[i], strlen(forbidden_prefixes[i])) == 0)
            return 1;
    return 0;
}

const char *aslrt_httpreq_header_problem(const char *name, const char *value)
{
    if (!*name)
        return "a header name cannot be empty";
    for (const char *p = name; *p; p++)
        if (!is_tchar((unsigned char)*p))
            return "a header name holds only letters, digits and !#$%&'*+-.^_`|~ (RFC 9110 token characters)";
    if (aslrt_httpreq_header_forbidden(name))
        return "http:invoke does not allow this header";
    /* RFC 9110 §5.5: a field value is visible characters, spaces and tabs
       (and bytes from 0x80, obs-text). */
    for (const char *p = value; p && *p; p++)
        if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
            return "a header value cannot hold a control character (a CR or LF would start another header)";
    return NULL;
}

/* ------------------------------------------------------------ building */

/* Growing text with a size limit: past it, `over` is set and nothing more
   is added. */
typedef struct sbuf {
    asl_buf text;
    size_t limit;
    int over;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->over || n > b->limit - b->text.len) {
        b->over = 1;
        return;
    }
    if (n == 0) /* s may be an empty sbuf's NULL */
        return;
    asl_buf_add(&b->text, s, n);
}

static void sb_str(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

/* Percent-encodes s: everything but RFC 3986's unreserved characters
   (letters, digits, "-._~"), as curl_easy_escape does. */
static void sb_escaped(sbuf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    while (*s && !b->over) {
        size_t run = 0;
        while (s[run] && (is_alnum((unsigned char)s[run]) || strchr("-._~", s[run])))
            run++;
        sb_add(b, s, run);
        s += run;
        if (*s) {
            unsigned char c = (unsigned char)*s++;
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            sb_add(b, e, 3);
        }
    }
}

/* The text a value stands for in a header, a query or a form: a string's
   own, else its JSON (null: "" in a form). Free with free(). */
static char *value_text(const cJSON *v)
{
    return cJSON_IsString(v) ? aslrt_xstrdup(v->valuestring) : aslrt_json_text(v);
}

/* `text`, cut to at most 120 bytes for a cause. */
static char *excerpt(const char *text)
{
    size_t n = strlen(text);
    if (n <= 120)
        return aslrt_xstrdup(text);
    size_t cut = 117;
    while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
        cut--;
    return aslrt_strf("%.*s...", (int)cut, text);
}

/* Fails the build: *why = the sentence, rq emptied. */
__attribute__((format(printf, 3, 4))) static int fail(aslrt_httpreq *rq, char **why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    *why = aslrt_vstrf(fmt, ap);
    va_end(ap);
    aslrt_httpreq_free(rq);
    return -1;
}

/* The usual failure: "The value for the 'F' field is not valid: 'V' (why)." */
static int fail_value(aslrt_httpreq *rq, char **why, const char *field, const char *value, const char *problem)
{
    char *shown = excerpt(value);
    fail(rq, why, "The value for the '%s' field is not valid: '%s' (%s).", field, shown, problem);
    free(shown);
    return -1;
}

static void add_header(aslrt_httpreq *rq, const char *name, char *value)
{
    aslrt_http_header *h = aslrt_xmalloc((rq->nheaders + 1) * sizeof *h);
    if (rq->nheaders)
        memcpy(h, rq->headers, rq->nheaders * sizeof *h);
    free(rq->headers);
    rq->headers = h;
    h[rq->nheaders].name = aslrt_xstrdup(name);
    h[rq->nheaders].value = value;
    rq->nheaders++;
}

/* Appends one member of a form: prefix=value. */
static void form_pair(sbuf *b, const char *prefix, const char *value)
{
    if (b->text.len)
        sb_add(b, "&", 1);
    sb_str(b, prefix);
    sb_add(b, "=", 1);
    sb_escaped(b, value);
}

/* A scalar's text in a form (null: empty). */
static char *form_scalar(const cJSON *v)
{
    return cJSON_IsNull(v) ? aslrt_xstrdup("") : value_text(v);
}

/* Form-encodes v under `prefix` (already escaped; "" at the top). */
static void form_value(sbuf *b, const sbuf *prefix, const cJSON *v, int fmt, int depth)
{
    if (b->over)
        return;
    if (depth > MAX_FORM_DEPTH) {
        b->over = 1;
        return;
    }
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        if (cJSON_IsArray(v) && fmt == FMT_COMMAS) {
            sbuf joined = {.limit = b->limit};
            for (const cJSON *m = v->child; m; m = m->next) {
                char *t = form_scalar(m);
                if (m != v->child)
                    sb_add(&joined, ",", 1);
                sb_escaped(&joined, t);
                free(t);
            }
            if (v->child) {
                if (b->text.len)
                    sb_add(b, "&", 1);
                sb_add(b, prefix->text.data, prefix->text.len);
                sb_add(b, "=", 1);
                sb_add(b, joined.text.data, joined.text.len);
            }
            b->over |= joined.over;
            asl_buf_free(&joined.text);
            return;
        }
        int i = 0;
        for (const cJSON *m = v->child; m && !b->over; m = m->next, i++) {
            sbuf key = {.limit = b->limit};
            sb_add(&key, prefix->text.data ? prefix->text.data : "", prefix->text.len);
            if (cJSON_IsObject(v)) { /* the body's own members are the top-level names */
                if (depth > 0)
                    sb_add(&key, "[", 1);
                sb_escaped(&key, m->string ? m->string : "");
                if (depth > 0)
                    sb_add(&key, "]", 1);
            } else if (fmt == FMT_INDICES) {
                char idx[32];
                snprintf(idx, sizeof idx, "[%d]", i);
                sb_str(&key, idx);
            } else if (fmt == FMT_BRACKETS) {
                sb_add(&key, "[]", 2);
            } /* FMT_REPEAT: the same key again */
            b->over |= key.over;
            form_value(b, &key, m, fmt, depth + 1);
            asl_buf_free(&key.text);
        }
        return;
    }
    char *t = form_scalar(v);
    form_pair(b, prefix->text.data ? prefix->text.data : "", t);
    free(t);
}

/* The index of s in the NULL-terminated list, or -1. */
static int index_of(const char *const *list, const char *s)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return i;
    return -1;
}

/* "GET, POST, ... or HEAD". */
static char *one_of(const char *const *list)
{
    sbuf b = {.limit = 4096};
    for (int i = 0; list[i]; i++) {
        if (i)
            sb_str(&b, list[i + 1] ? ", " : " or ");
        sb_str(&b, list[i]);
    }
    return asl_buf_take(&b.text);
}

/* An enumerated member of Transform; *out: its index in list, or dflt
   when absent. */
static int transform_enum(aslrt_httpreq *rq, char **why, const cJSON *obj, const char *key, const char *field,
                          const char *const *list, int dflt, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = dflt;
    if (!v)
        return 0;
    if (cJSON_IsString(v) && (*out = index_of(list, v->valuestring)) >= 0)
        return 0;
    char *text = value_text(v), *expected = one_of(list), *problem = aslrt_strf("expected %s", expected);
    fail_value(rq, why, field, text, problem);
    free(text);
    free(expected);
    free(problem);
    return -1;
}

int aslrt_httpreq_build(const cJSON *params, aslrt_httpreq *rq, char **why)
{
    memset(rq, 0, sizeof *rq);
    *why = NULL;
    const cJSON *endpoint = cJSON_GetObjectItemCaseSensitive(params, "ApiEndpoint");
    const cJSON *method = cJSON_GetObjectItemCaseSensitive(params, "Method");
    if (!cJSON_IsString(endpoint) || !cJSON_IsString(method))
        return fail(rq, why, "The http:invoke Task needs the parameters 'ApiEndpoint' and 'Method', both strings.");
    const char *problem = aslrt_httpreq_endpoint_problem(endpoint->valuestring);
    if (problem)
        return fail_value(rq, why, "ApiEndpoint", endpoint->valuestring, problem);
    if (index_of(aslrt_httpreq_methods, method->valuestring) < 0) {
        char *expected = one_of(aslrt_httpreq_methods), *p = aslrt_strf("expected %s", expected);
        fail_value(rq, why, "Method", method->valuestring, p);
        free(expected);
        free(p);
        return -1;
    }
    rq->method = aslrt_xstrdup(method->valuestring);
    rq->https = strncasecmp(endpoint->valuestring, "https:", 6) == 0;

    /* Transform: how RequestBody is encoded. */
    const cJSON *transform = cJSON_GetObjectItemCaseSensitive(params, "Transform");
    int encoding = 0, fmt = FMT_INDICES;
    if (transform && !cJSON_IsNull(transform)) {
        if (!cJSON_IsObject(transform))
            return fail(rq, why, "The value for the 'Transform' field is not valid: expected an object.");
        if (transform_enum(rq, why, transform, "RequestBodyEncoding", "Transform.RequestBodyEncoding",
                           aslrt_httpreq_encodings, 0, &encoding))
            return -1;
        const cJSON *opts = cJSON_GetObjectItemCaseSensitive(transform, "RequestEncodingOptions");
        if (opts && !cJSON_IsNull(opts)) {
            if (!cJSON_IsObject(opts))
                return fail(rq, why, "The value for the 'Transform.RequestEncodingOptions' field is not valid: "
                                     "expected an object.");
            if (transform_enum(rq, why, opts, "ArrayFormat", "Transform.RequestEncodingOptions.ArrayFormat",
                               aslrt_httpreq_array_formats, FMT_INDICES, &fmt))
                return -1;
        }
    }
    int url_encoded = encoding == 1;

    /* Headers. */
    const cJSON *headers = cJSON_GetObjectItemCaseSensitive(params, "Headers");
    int has_type = 0;
    if (headers && !cJSON_IsNull(headers) && !cJSON_IsObject(headers))
        return fail(rq, why, "The value for the 'Headers' field is not valid: expected an object.");
    for (const cJSON *m = cJSON_IsObject(headers) ? headers->child : NULL; m; m = m->next) {
        const char *name = m->string ? m->string : "";
        char *value = value_text(m);
        if ((problem = aslrt_httpreq_header_problem(name, value)) != NULL) {
            char *shown = excerpt(name);
            if (aslrt_httpreq_header_forbidden(name)) {
                for (char *p = shown; *p; p++) /* AWS's words, which name the header in lower case */
                    if (*p >= 'A' && *p <= 'Z')
                        *p = (char)(*p - 'A' + 'a');
                fail(rq, why, "The 'Headers' field contains unsupported values: [%s].", shown);
            } else {
                fail(rq, why, "The header '%s' in the 'Headers' field is not valid: %s.", shown, problem);
            }
            free(shown);
            free(value);
            return -1;
        }
        int is_type = strcasecmp(name, "Content-Type") == 0;
        if (is_type && url_encoded) { /* the form's own type wins, as AWS sets it */
            free(value);
            continue;
        }
        has_type |= is_type;
        add_header(rq, name, value);
    }

    /* QueryParameters, appended to the URL (before a #fragment). */
    const cJSON *query = cJSON_GetObjectItemCaseSensitive(params, "QueryParameters");
    if (query && !cJSON_IsNull(query) && !cJSON_IsObject(query))
        return fail(rq, why, "The value for the 'QueryParameters' field is not valid: expected an object.");
    const char *url = endpoint->valuestring;
    size_t before_fragment = strcspn(url, "#");
    sbuf u = {.limit = (size_t)-1};
    sb_add(&u, url, before_fragment);
    char sep = memchr(url, '?', before_fragment) ? '&' : '?';
    for (const cJSON *m = cJSON_IsObject(query) ? query->child : NULL; m; m = m->next) {
        char *v = value_text(m);
        sb_add(&u, &sep, 1);
        sb_escaped(&u, m->string ? m->string : "");
        sb_add(&u, "=", 1);
        sb_escaped(&u, v);
        free(v);
        sep = '&';
    }
    sb_str(&u, url + before_fragment);
    rq->url = asl_buf_take(&u.text);

    /* RequestBody. A HEAD request has no content, so none is sent. */
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(params, "RequestBody");
    if (body && strcmp(rq->method, "HEAD") != 0) {
        if (url_encoded) {
            if (!cJSON_IsObject(body))
                return fail(rq, why, "The value for the 'RequestBody' field is not valid: with "
                                     "Transform.RequestBodyEncoding URL_ENCODED it must be an object.");
            sbuf form = {.limit = MAX_FORM};
            sbuf top = {.limit = 0};
            form_value(&form, &top, body, fmt, 0);
            if (form.over) {
                asl_buf_free(&form.text);
                return fail(rq, why, "The value for the 'RequestBody' field is not valid: URL-encoded, it is "
                                     "longer than %u bytes or nested deeper than %d levels.",
                            MAX_FORM, MAX_FORM_DEPTH);
            }
            rq->body_len = form.text.len;
            rq->body = asl_buf_take(&form.text);
            add_header(rq, "Content-Type", aslrt_xstrdup("application/x-www-form-urlencoded"));
        } else {
            rq->body = value_text(body);
            rq->body_len = strlen(rq->body);
            if (!has_type && !cJSON_IsString(body))
                add_header(rq, "Content-Type", aslrt_xstrdup("application/json"));
        }
    }
    return 0;
}

void aslrt_httpreq_free(aslrt_httpreq *rq)
{
    for (size_t i = 0; i < rq->nheaders; i++) {
        free(rq->headers[i].name);
        free(rq->headers[i].value);
    }
    free(rq->headers);
    free(rq->method);
    free(rq->url);
    free(rq->body);
    memset(rq, 0, sizeof *rq);
}
