/* sigv4.c — AWS Signature Version 4 on OpenSSL's libcrypto.
 *
 * The canonical request is, one per line: the method; the path, normalized
 * (dot segments and empty segments removed) and URI-encoded once more
 * except for S3, which signs the path as sent; the query, each name and
 * value decoded and encoded again with only the unreserved characters
 * left, sorted by name then value; the signed headers as lower-case
 * name:value, values trimmed and their runs of blanks (folded lines
 * included) made one space, a name given twice having its values joined
 * by commas in the order given, sorted by name; a blank line; the signed
 * header names joined by ';'; the payload's hash. The string to sign is
 * the algorithm, the date, the scope and the canonical request's hash; the
 * key is HMAC-SHA256 chained over "AWS4"+secret, date, region, service and
 * "aws4_request". The test vectors in ../shared/sigv4/v4
 * (tests/unit/test_sigv4.c) pin all of it.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "buf.h"
#include "sigv4.h"
#include "xalloc.h"

#define ALGORITHM "AWS4-HMAC-SHA256"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* ------------------------------------------------------------- hashing */

static void to_hex(const unsigned char *md, size_t n, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[2 * n] = '\0';
}

void aslrt_sigv4_sha256_hex(const void *data, size_t n, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(data, n, md, &len, EVP_sha256(), NULL))
        aslrt_out_of_memory(); /* libcrypto fails only when it cannot allocate */
    to_hex(md, len, hex);
}

/* out = HMAC-SHA256(key, msg); 32 bytes. */
static void hmac(const void *key, size_t klen, const char *msg, unsigned char out[32])
{
    unsigned int len = 32;
    if (!HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, strlen(msg), out, &len))
        aslrt_out_of_memory();
}

/* The signature of string_to_sign by the key derived for this scope. */
static void signature_of(const char *secret, const char *date, const char *region, const char *service,
                         const char *string_to_sign, char hex[65])
{
    unsigned char k[32];
    char *first = aslrt_strf("AWS4%s", secret);
    hmac(first, strlen(first), date, k);
    OPENSSL_cleanse(first, strlen(first));
    free(first);
    hmac(k, 32, region, k);
    hmac(k, 32, service, k);
    hmac(k, 32, "aws4_request", k);
    unsigned char sig[32];
    hmac(k, 32, string_to_sign, sig);
    OPENSSL_cleanse(k, sizeof k);
    to_hex(sig, 32, hex);
}

/* ------------------------------------------------------------ encoding */

static int unreserved(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* Appends n bytes of s URI-encoded (keep_slash: '/' stays). */
static void encode(asl_buf *b, const char *s, size_t n, int keep_slash)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (unreserved(c) || (keep_slash && c == '/')) {
            asl_buf_putc(b, (char)c);
        } else {
            char e[3] = {'%', digits[c >> 4], digits[c & 15]};
            asl_buf_add(b, e, 3);
        }
    }
}

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* n bytes of s with %XX decoded ('+' stays '+'), malloc'd; *len its length. */
static char *decode(const char *s, size_t n, size_t *len)
{
    char *d = aslrt_xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            d[k++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            d[k++] = s[i];
        }
    }
    d[k] = '\0';
    *len = k;
    return d;
}

/* ---------------------------------------------------------------- path */

/* The canonical path: with its dot and empty segments removed (unless
   KEEP_SEGMENTS), encoded again (unless PATH_AS_SENT). */
static void canonical_path(asl_buf *b, const char *path, unsigned flags)
{
    if (!path[0]) {
        asl_buf_putc(b, '/');
        return;
    }
    if (flags & ASLRT_SIGV4_PATH_AS_SENT) {
        asl_buf_puts(b, path);
        return;
    }
    if (flags & ASLRT_SIGV4_KEEP_SEGMENTS) {
        encode(b, path, strlen(path), 1);
        return;
    }
    /* segments kept, as (start, length) pairs */
    size_t n = strlen(path), nseg = 0;
    size_t *seg = aslrt_xmalloc((n + 1) * 2 * sizeof *seg);
    for (size_t i = 0; i < n;) {
        while (i < n && path[i] == '/')
            i++;
        size_t j = i;
        while (j < n && path[j] != '/')
            j++;
        size_t len = j - i;
        if (len == 1 && path[i] == '.') {
            /* dropped */
        } else if (len == 2 && path[i] == '.' && path[i + 1] == '.') {
            if (nseg)
                nseg--;
        } else if (len) {
            seg[2 * nseg] = i;
            seg[2 * nseg + 1] = len;
            nseg++;
        }
        i = j;
    }
    asl_buf_putc(b, '/');
    for (size_t s = 0; s < nseg; s++) {
        if (s)
            asl_buf_putc(b, '/');
        encode(b, path + seg[2 * s], seg[2 * s + 1], 0);
    }
    if (nseg && path[n - 1] == '/')
        asl_buf_putc(b, '/');
    free(seg);
}

/* --------------------------------------------------------------- query */

typedef struct pair {
    char *name, *value; /* encoded */
} pair;

typedef struct pairs {
    pair *p;
    size_t n, cap;
} pairs;

static void pairs_add(pairs *q, char *name, char *value)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 8;
        q->p = aslrt_xrealloc(q->p, q->cap * sizeof *q->p);
    }
    q->p[q->n++] = (pair){name, value};
}

/* n bytes of s decoded and encoded canonically, malloc'd. */
static char *recode(const char *s, size_t n)
{
    size_t len;
    char *d = decode(s, n, &len);
    asl_buf b = {0};
    asl_buf_init(&b);
    encode(&b, d, len, 0);
    free(d);
    return asl_buf_take(&b);
}

/* Adds the parameters of a query string; skip (if not NULL) is left out. */
static void pairs_parse(pairs *q, const char *query, const char *skip)
{
    for (const char *s = query; s && *s;) {
        const char *amp = strchr(s, '&');
        size_t n = amp ? (size_t)(amp - s) : strlen(s);
        if (n) {
            const char *eq = memchr(s, '=', n);
            size_t kn = eq ? (size_t)(eq - s) : n;
            char *name = recode(s, kn);
            if (skip && strcmp(name, skip) == 0)
                free(name);
            else
                pairs_add(q, name, eq ? recode(eq + 1, n - kn - 1) : aslrt_xstrdup(""));
        }
        s = amp ? amp + 1 : s + n;
    }
}

static void pairs_add_raw(pairs *q, const char *name, const char *value)
{
    pairs_add(q, recode(name, strlen(name)), recode(value, strlen(value)));
}

static int pair_cmp(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->value, y->value);
}

static char *pairs_join(pairs *q)
{
    if (q->n) /* p is NULL when there are none */
        qsort(q->p, q->n, sizeof *q->p, pair_cmp);
    asl_buf b = {0};
    asl_buf_init(&b);
    for (size_t i = 0; i < q->n; i++)
        asl_buf_printf(&b, "%s%s=%s", i ? "&" : "", q->p[i].name, q->p[i].value);
    return asl_buf_take(&b);
}

static void pairs_free(pairs *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->p[i].name);
        free(q->p[i].value);
    }
    free(q->p);
    q->p = NULL;
    q->n = q->cap = 0;
}

/* ------------------------------------------------------------- headers */

/* Canonical headers: lower-case names, values normalized, sorted; each
   name once (its values joined). pairs again, unencoded. */
static char *lower(const char *s)
{
    char *d = aslrt_xstrdup(s);
    for (char *c = d; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    return d;
}

/* The value trimmed, every run of blanks (folded lines too) one space. */
static char *normalize_value(const char *v)
{
    asl_buf b = {0};
    asl_buf_init(&b);
    int blank = 0;
    for (const char *c = v; *c; c++) {
        if (*c == ' ' || *c == '\t' || *c == '\r' || *c == '\n') {
            blank = 1;
            continue;
        }
        if (blank && b.len)
            asl_buf_putc(&b, ' ');
        blank = 0;
        asl_buf_putc(&b, *c);
    }
    return asl_buf_take(&b);
}

static void headers_add(pairs *h, const char *name, const char *value)
{
    char *n = lower(name), *v = normalize_value(value);
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->p[i].name, n) == 0) {
            char *joined = aslrt_strf("%s,%s", h->p[i].value, v);
            free(h->p[i].value);
            h->p[i].value = joined;
            free(n);
            free(v);
            return;
        }
    pairs_add(h, n, v);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(((const pair *)a)->name, ((const pair *)b)->name);
}

/* Sorts hdrs by name; their names joined by ';', malloc'd. */
static char *signed_names(pairs *hdrs)
{
    if (hdrs->n)
        qsort(hdrs->p, hdrs->n, sizeof *hdrs->p, name_cmp);
    asl_buf b = {0};
    asl_buf_init(&b);
    for (size_t i = 0; i < hdrs->n; i++)
        asl_buf_printf(&b, "%s%s", i ? ";" : "", hdrs->p[i].name);
    return asl_buf_take(&b);
}

/* ------------------------------------------------------------- signing */

/* The canonical request, string to sign and signature of a request whose
   canonical query and headers are ready; fills out. */
static void sign_canonical(const char *method, const char *path, const char *canon_query, pairs *hdrs,
                           const char *payload_hash, const char *secret, const char *scope_date, const char *region,
                           const char *service, unsigned flags, aslrt_sigv4 *out, char **names_out)
{
    char *names = signed_names(hdrs);

    asl_buf cr = {0};
    asl_buf_init(&cr);
    asl_buf_printf(&cr, "%s\n", method);
    canonical_path(&cr, path, flags);
    asl_buf_printf(&cr, "\n%s\n", canon_query);
    for (size_t i = 0; i < hdrs->n; i++)
        asl_buf_printf(&cr, "%s:%s\n", hdrs->p[i].name, hdrs->p[i].value);
    asl_buf_printf(&cr, "\n%s\n%s", names, payload_hash);
    out->canonical_request = asl_buf_take(&cr);

    char cr_hash[65];
    aslrt_sigv4_sha256_hex(out->canonical_request, strlen(out->canonical_request), cr_hash);
    out->string_to_sign = aslrt_strf(ALGORITHM "\n%s\n%s/%s/%s/aws4_request\n%s", out->amz_date, scope_date, region,
                                     service, cr_hash);
    signature_of(secret, scope_date, region, service, out->string_to_sign, out->signature);
    *names_out = names;
}

/* What both forms start with: out cleared and dated (date: its YYYYMMDD),
   the request's headers in hdrs; the payload hash, or NULL when a required
   part is missing. */
static const char *begin(const aslrt_sigv4_request *rq, const aslrt_sigv4_params *p, aslrt_sigv4 *out, char date[9],
                         pairs *hdrs)
{
    memset(out, 0, sizeof *out);
    if (!rq->method || !rq->path || !p->access_key_id || !p->secret_access_key || !p->region || !p->service)
        return NULL;
    struct tm tm;
    gmtime_r(&p->when, &tm);
    strftime(out->amz_date, sizeof out->amz_date, "%Y%m%dT%H%M%SZ", &tm);
    memcpy(date, out->amz_date, 8);
    date[8] = '\0';
    for (size_t i = 0; i < rq->nheaders; i++)
        headers_add(hdrs, rq->headers[i].name, rq->headers[i].value);
    return rq->payload_hash ? rq->payload_hash : EMPTY_SHA256;
}

static int has_token(const aslrt_sigv4_params *p)
{
    return p->session_token && p->session_token[0];
}

int aslrt_sigv4_sign(const aslrt_sigv4_request *rq, const aslrt_sigv4_params *p, aslrt_sigv4 *out)
{
    char date[9];
    pairs hdrs = {0};
    const char *payload = begin(rq, p, out, date, &hdrs);
    if (!payload)
        return -1;
    headers_add(&hdrs, "x-amz-date", out->amz_date);
    if (p->flags & ASLRT_SIGV4_CONTENT_SHA256) {
        out->content_sha256 = aslrt_xstrdup(payload);
        headers_add(&hdrs, "x-amz-content-sha256", payload);
    }
    if (has_token(p)) {
        out->security_token = aslrt_xstrdup(p->session_token);
        if (!(p->flags & ASLRT_SIGV4_OMIT_TOKEN))
            headers_add(&hdrs, "x-amz-security-token", p->session_token);
    }
    pairs q = {0};
    pairs_parse(&q, rq->query, NULL);
    char *canon_query = pairs_join(&q), *names;
    sign_canonical(rq->method, rq->path, canon_query, &hdrs, payload, p->secret_access_key, date, p->region,
                   p->service, p->flags, out, &names);
    out->authorization = aslrt_strf(ALGORITHM " Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=%s, Signature=%s",
                                    p->access_key_id, date, p->region, p->service, names, out->signature);
    out->query = canon_query;
    free(names);
    pairs_free(&q);
    pairs_free(&hdrs);
    return 0;
}

int aslrt_sigv4_presign(const aslrt_sigv4_request *rq, const aslrt_sigv4_params *p, aslrt_sigv4 *out)
{
    char date[9];
    pairs hdrs = {0};
    const char *payload = begin(rq, p, out, date, &hdrs);
    if (!payload)
        return -1;
    char *names = signed_names(&hdrs);

    pairs q = {0};
    pairs_parse(&q, rq->query, NULL);
    char *credential = aslrt_strf("%s/%s/%s/%s/aws4_request", p->access_key_id, date, p->region, p->service);
    char expires[24];
    snprintf(expires, sizeof expires, "%ld", p->expires);
    pairs_add_raw(&q, "X-Amz-Algorithm", ALGORITHM);
    pairs_add_raw(&q, "X-Amz-Credential", credential);
    pairs_add_raw(&q, "X-Amz-Date", out->amz_date);
    pairs_add_raw(&q, "X-Amz-Expires", expires);
    if (has_token(p) && !(p->flags & ASLRT_SIGV4_OMIT_TOKEN))
        pairs_add_raw(&q, "X-Amz-Security-Token", p->session_token);
    pairs_add_raw(&q, "X-Amz-SignedHeaders", names);
    char *canon_query = pairs_join(&q), *signed_names;
    sign_canonical(rq->method, rq->path, canon_query, &hdrs, payload, p->secret_access_key, date, p->region,
                   p->service, p->flags, out, &signed_names);
    asl_buf b = {0};
    asl_buf_init(&b);
    asl_buf_printf(&b, "%s&X-Amz-Signature=%s", canon_query, out->signature);
    if (has_token(p) && (p->flags & ASLRT_SIGV4_OMIT_TOKEN)) {
        asl_buf_puts(&b, "&X-Amz-Security-Token=");
        encode(&b, p->session_token, strlen(p->session_token), 0);
    }
    out->query = asl_buf_take(&b);
    free(canon_query);
    free(signed_names);
    free(credential);
    free(names);
    pairs_free(&q);
    pairs_free(&hdrs);
    return 0;
}

void aslrt_sigv4_free(aslrt_sigv4 *s)
{
    free(s->canonical_request);
    free(s->string_to_sign);
    free(s->authorization);
    free(s->content_sha256);
    if (s->security_token)
        OPENSSL_cleanse(s->security_token, strlen(s->security_token));
    free(s->security_token);
    free(s->query);
    memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------ checking */

/* The first value of header `name` (any case), or NULL. */
static const char *header_get(const aslrt_sigv4_request *rq, const char *name)
{
    for (size_t i = 0; i < rq->nheaders; i++)
        if (strcasecmp(rq->headers[i].name, name) == 0)
            return rq->headers[i].value;
    return NULL;
}

/* The decoded value of query parameter `name`, malloc'd, or NULL. */
static char *query_get(const char *query, const char *name)
{
    size_t nlen = strlen(name);
    for (const char *s = query; s && *s;) {
        const char *amp = strchr(s, '&');
        size_t n = amp ? (size_t)(amp - s) : strlen(s), len;
        if (n > nlen && strncmp(s, name, nlen) == 0 && s[nlen] == '=')
            return decode(s + nlen + 1, n - nlen - 1, &len);
        s = amp ? amp + 1 : s + n;
    }
    return NULL;
}

/* The value of `key`=value in the Authorization header's list
   (Credential=..., SignedHeaders=..., Signature=...), malloc'd, or NULL. */
static char *auth_part(const char *auth, const char *key)
{
    size_t klen = strlen(key);
    for (const char *s = auth; *s;) {
        while (*s == ' ' || *s == ',')
            s++;
        const char *end = s + strcspn(s, ",");
        if ((size_t)(end - s) > klen && strncmp(s, key, klen) == 0 && s[klen] == '=') {
            const char *v = s + klen + 1;
            size_t n = (size_t)(end - v);
            while (n && v[n - 1] == ' ')
                n--;
            char *d = aslrt_xmalloc(n + 1);
            memcpy(d, v, n);
            d[n] = '\0';
            return d;
        }
        s = end;
    }
    return NULL;
}

static int refuse(aslrt_sigv4_verdict *out, const char *error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int refuse(aslrt_sigv4_verdict *out, const char *error, const char *fmt, ...)
{
    out->error = error;
    out->status = 400;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->message, sizeof out->message, fmt, ap);
    va_end(ap);
    return -1;
}

/* 20150830T123600Z as seconds since the epoch; -1 if it is not one. */
static time_t parse_amz_date(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!s || strlen(s) != 16)
        return -1;
    const char *end = strptime(s, "%Y%m%dT%H%M%SZ", &tm);
    if (!end || *end)
        return -1;
    return timegm(&tm);
}

static void amz_date_of(time_t t, char out[17])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

/* What a request's signature is over, taken from it. */
typedef struct claim {
    char *credential, *signed_headers, *signature, *amz_date;
    char *expires; /* pre-signed only */
} claim;

static void claim_free(claim *c)
{
    free(c->credential);
    free(c->signed_headers);
    free(c->signature);
    free(c->amz_date);
    free(c->expires);
}

/* Reads the claim from the Authorization header or a pre-signed query. */
static int read_claim(const aslrt_sigv4_request *rq, claim *c, int *presigned, aslrt_sigv4_verdict *out)
{
    const char *auth = header_get(rq, "authorization");
    char *algorithm = auth ? NULL : query_get(rq->query, "X-Amz-Algorithm");
    *presigned = algorithm != NULL;
    if (!auth && !algorithm)
        return refuse(out, "MissingAuthenticationTokenException", "Missing Authentication Token");
    if (auth) {
        if (strncmp(auth, ALGORITHM " ", sizeof ALGORITHM) != 0)
            return refuse(out, "IncompleteSignatureException",
                          "Unsupported AWS 'algorithm': the Authorization header must start with '" ALGORITHM "'.");
        c->credential = auth_part(auth + sizeof ALGORITHM, "Credential");
        c->signed_headers = auth_part(auth + sizeof ALGORITHM, "SignedHeaders");
        c->signature = auth_part(auth + sizeof ALGORITHM, "Signature");
        const char *d = header_get(rq, "x-amz-date");
        c->amz_date = d ? aslrt_xstrdup(d) : NULL;
    } else {
        int ok = strcmp(algorithm, ALGORITHM) == 0;
        free(algorithm);
        if (!ok)
            return refuse(out, "IncompleteSignatureException", "Unsupported AWS 'algorithm': X-Amz-Algorithm must be '" ALGORITHM "'.");
        c->credential = query_get(rq->query, "X-Amz-Credential");
        c->signed_headers = query_get(rq->query, "X-Amz-SignedHeaders");
        c->signature = query_get(rq->query, "X-Amz-Signature");
        c->amz_date = query_get(rq->query, "X-Amz-Date");
        c->expires = query_get(rq->query, "X-Amz-Expires");
    }
    const char *where = auth ? "Authorization header" : "AWS query-string authentication";
    char missing[200] = "";
    if (!c->credential)
        strcat(missing, " 'Credential'");
    if (!c->signature)
        strcat(missing, " 'Signature'");
    if (!c->signed_headers)
        strcat(missing, " 'SignedHeaders'");
    if (missing[0])
        return refuse(out, "IncompleteSignatureException", "%s requires the parameters%s.", where, missing);
    if (!c->amz_date)
        return refuse(out, "IncompleteSignatureException",
                      "%s requires existence of either a 'X-Amz-Date' or a 'Date' header.", where);
    return 0;
}

int aslrt_sigv4_verify(const aslrt_sigv4_request *rq, const void *body, size_t body_len, const char *service,
                       const char *region, time_t now, aslrt_sigv4_secret_fn lookup, void *ctx,
                       aslrt_sigv4_verdict *out)
{
    memset(out, 0, sizeof *out);
    claim c = {0};
    int presigned, rc = -1;
    char scope[5][129], secret[256];
    secret[0] = '\0';
    if (read_claim(rq, &c, &presigned, out) != 0)
        goto done;

    /* Credential: key/date/region/service/aws4_request */
    int parts = 0;
    for (const char *s = c.credential; parts < 5; parts++) {
        size_t n = strcspn(s, "/");
        if (n >= sizeof scope[0])
            break;
        memcpy(scope[parts], s, n);
        scope[parts][n] = '\0';
        if (!s[n]) {
            parts++;
            break;
        }
        s += n + 1;
    }
    if (parts != 5 || strcmp(scope[4], "aws4_request") != 0 || !scope[0][0]) {
        refuse(out, "IncompleteSignatureException",
               "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, "
               "ending with 'aws4_request'.");
        goto done;
    }
    time_t t = parse_amz_date(c.amz_date);
    if (t < 0) {
        refuse(out, "IncompleteSignatureException",
               "X-Amz-Date must be in the ISO-8601 'basic format' (YYYYMMDD'T'HHMMSS'Z').");
        goto done;
    }
    if (strncmp(scope[1], c.amz_date, 8) != 0 || strlen(scope[1]) != 8) {
        refuse(out, "InvalidSignatureException",
               "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%.20s' "
               "!= '%.8s'.",
               scope[1], c.amz_date);
        goto done;
    }
    if (region && strcmp(scope[2], region) != 0) {
        refuse(out, "InvalidSignatureException", "Credential should be scoped to a valid region, not '%.40s'.",
               scope[2]);
        goto done;
    }
    if (strcmp(scope[3], service) != 0) {
        refuse(out, "InvalidSignatureException", "Credential should be scoped to correct service: '%s'.", service);
        goto done;
    }
    char nowtext[17], edge[17];
    amz_date_of(now, nowtext);
    long expires = c.expires ? strtol(c.expires, NULL, 10) : 0;
    if (presigned && (expires < 1 || expires > 604800)) {
        refuse(out, "IncompleteSignatureException", "X-Amz-Expires must be a whole number of seconds from 1 to 604800.");
        goto done;
    }
    if (presigned ? now > t + expires : now > t + 300) {
        amz_date_of(presigned ? t + expires : now - 300, edge);
        refuse(out, "InvalidSignatureException", "Signature expired: %s is now earlier than %s (%s - %s).",
               c.amz_date, edge, nowtext, presigned ? "X-Amz-Expires" : "5 min.");
        goto done;
    }
    if (t > now + 300) {
        amz_date_of(now + 300, edge);
        refuse(out, "InvalidSignatureException", "Signature not yet current: %s is still later than %s (%s + 5 min.)",
               c.amz_date, edge, nowtext);
        goto done;
    }
    const char *token = presigned ? NULL : header_get(rq, "x-amz-security-token");
    char *qtoken = presigned ? query_get(rq->query, "X-Amz-Security-Token") : NULL;
    int known = lookup(ctx, scope[0], qtoken ? qtoken : token, secret, sizeof secret) == 0;
    free(qtoken);
    if (!known) {
        refuse(out, "UnrecognizedClientException", "The security token included in the request is invalid.");
        goto done;
    }

    /* The canonical request from what was received. */
    pairs hdrs = {0};
    for (const char *s = c.signed_headers; *s;) {
        size_t n = strcspn(s, ";");
        char *name = aslrt_xmalloc(n + 1);
        memcpy(name, s, n);
        name[n] = '\0';
        for (size_t i = 0; i < rq->nheaders; i++)
            if (strcasecmp(rq->headers[i].name, name) == 0)
                headers_add(&hdrs, rq->headers[i].name, rq->headers[i].value);
        free(name);
        s += n + (s[n] == ';');
    }
    unsigned flags = strcmp(service, "s3") == 0 ? ASLRT_SIGV4_S3 : 0u;
    char body_hash[65];
    const char *payload = header_get(rq, "x-amz-content-sha256");
    if (!payload && presigned && flags)
        payload = "UNSIGNED-PAYLOAD";
    if (!payload) {
        aslrt_sigv4_sha256_hex(body ? body : "", body ? body_len : 0, body_hash);
        payload = body_hash;
    }
    pairs q = {0};
    pairs_parse(&q, rq->query, presigned ? "X-Amz-Signature" : NULL);
    char *canon_query = pairs_join(&q), *names;
    aslrt_sigv4 mine;
    memset(&mine, 0, sizeof mine);
    memcpy(mine.amz_date, c.amz_date, 17);
    sign_canonical(rq->method ? rq->method : "", rq->path ? rq->path : "/", canon_query, &hdrs, payload, secret,
                   scope[1], scope[2], scope[3], flags, &mine, &names);
    int same = strlen(c.signature) == 64 && CRYPTO_memcmp(mine.signature, c.signature, 64) == 0;
    free(names);
    free(canon_query);
    aslrt_sigv4_free(&mine);
    pairs_free(&q);
    pairs_free(&hdrs);
    if (!same) {
        refuse(out, "InvalidSignatureException",
               "The request signature we calculated does not match the signature you provided. Check your AWS "
               "Secret Access Key and signing method. Consult the service documentation for details.");
        goto done;
    }
    snprintf(out->access_key_id, sizeof out->access_key_id, "%s", scope[0]);
    rc = 0;
done:
    OPENSSL_cleanse(secret, sizeof secret);
    claim_free(&c);
    return rc;
}
