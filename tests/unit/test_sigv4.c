/* test_sigv4.c — runtime/aws/sigv4.c against AWS's own signing test suite
   (../shared/sigv4/v4, or $SIGV4_SUITE): for every case, the canonical
   request, the string to sign, the signature and the Authorization header
   in the header form, and the same steps in the pre-signed query form; then
   the checker (aslrt_sigv4_verify) on requests the signer made, and on the
   ways a request can be wrong. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "sigv4.h"

/* ------------------------------------------------------------ the suite */

static char *slurp(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

/* A request.txt taken apart (pointers into text, which is modified). */
typedef struct parsed {
    char *text, *method, *path, *query, *body;
    aslrt_sigv4_header headers[16];
    size_t nheaders;
} parsed;

/* "METHOD PATH HTTP/1.1", header lines (a line that starts with a blank
   continues the one before), a blank line, the body. */
static void parse_request(parsed *p, char *text)
{
    memset(p, 0, sizeof *p);
    p->text = text;
    char *line_end = strchr(text, '\n');
    assert_non_null(line_end);
    *line_end = '\0';
    char *sp = strchr(text, ' '), *proto = strstr(text, " HTTP/1.1");
    assert_non_null(sp);
    assert_non_null(proto);
    *sp = *proto = '\0';
    p->method = text;
    p->path = sp + 1;
    char *q = strchr(p->path, '?');
    if (q) {
        *q = '\0';
        p->query = q + 1;
    }
    char *s = line_end + 1;
    while (*s && *s != '\n') {
        char *e = strchr(s, '\n');
        /* continuation lines stay in the value, newline and all */
        while (e && (e[1] == ' ' || e[1] == '\t'))
            e = strchr(e + 1, '\n');
        char *next = e ? e + 1 : s + strlen(s);
        if (e)
            *e = '\0';
        char *colon = strchr(s, ':');
        assert_non_null(colon);
        *colon = '\0';
        assert_true(p->nheaders < 16);
        p->headers[p->nheaders++] = (aslrt_sigv4_header){s, colon + 1};
        s = next;
    }
    p->body = *s == '\n' ? s + 1 : s;
}

typedef struct context {
    cJSON *json;
    aslrt_sigv4_params params;
    int sign_body;
} context;

static void read_context(context *c, const char *dir)
{
    char *text = slurp(dir, "context.json");
    assert_non_null(text);
    c->json = cJSON_Parse(text);
    free(text);
    assert_non_null(c->json);
    const cJSON *cred = cJSON_GetObjectItem(c->json, "credentials");
    const cJSON *token = cJSON_GetObjectItem(cred, "token");
    const char *ts = cJSON_GetObjectItem(c->json, "timestamp")->valuestring;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    assert_non_null(strptime(ts, "%Y-%m-%dT%H:%M:%SZ", &tm));
    c->sign_body = cJSON_IsTrue(cJSON_GetObjectItem(c->json, "sign_body"));
    c->params = (aslrt_sigv4_params){
        .access_key_id = cJSON_GetObjectItem(cred, "access_key_id")->valuestring,
        .secret_access_key = cJSON_GetObjectItem(cred, "secret_access_key")->valuestring,
        .session_token = token ? token->valuestring : NULL,
        .region = cJSON_GetObjectItem(c->json, "region")->valuestring,
        .service = cJSON_GetObjectItem(c->json, "service")->valuestring,
        .when = timegm(&tm),
        .expires = (long)cJSON_GetObjectItem(c->json, "expiration_in_seconds")->valuedouble,
        .flags = (cJSON_IsFalse(cJSON_GetObjectItem(c->json, "normalize")) ? ASLRT_SIGV4_KEEP_SEGMENTS : 0) |
                 (c->sign_body ? ASLRT_SIGV4_CONTENT_SHA256 : 0) |
                 (cJSON_IsTrue(cJSON_GetObjectItem(c->json, "omit_session_token")) ? ASLRT_SIGV4_OMIT_TOKEN : 0),
    };
}

/* Compares got with the file `name` of the case; returns 1 when they agree,
   else prints both and returns 0. */
static int agrees(const char *dir, const char *name, const char *got)
{
    char *want = slurp(dir, name);
    if (!want) {
        printf("%s: %s is missing\n", dir, name);
        return 0;
    }
    int same = strcmp(want, got) == 0;
    if (!same)
        printf("%s/%s:\n--- expected\n%s\n--- got\n%s\n", dir, name, want, got);
    free(want);
    return same;
}

/* The Authorization line of the header form's signed request. */
static int authorization_agrees(const char *dir, const char *got)
{
    char *signed_rq = slurp(dir, "header-signed-request.txt");
    char *line = signed_rq ? strstr(signed_rq, "\nAuthorization:") : NULL;
    int same = 0;
    if (line) {
        line += strlen("\nAuthorization:");
        line[strcspn(line, "\n")] = '\0';
        same = strcmp(line, got) == 0;
        if (!same)
            printf("%s: Authorization\n--- expected %s\n--- got      %s\n", dir, line, got);
    }
    free(signed_rq);
    return same;
}

/* Decodes %XX in place. */
static void unescape(char *s)
{
    char *d = s;
    for (; *s; s++) {
        unsigned v;
        if (s[0] == '%' && s[1] && s[2] && sscanf(s + 1, "%2x", &v) == 1) {
            *d++ = (char)v;
            s += 2;
        } else {
            *d++ = *s;
        }
    }
    *d = '\0';
}

/* The signed request's query must carry every parameter the signer made
   (order and encoding aside): the query form's signed request line. */
static int query_agrees(const char *dir, const char *query)
{
    char *signed_rq = slurp(dir, "query-signed-request.txt");
    char *q = signed_rq ? strchr(signed_rq, '?') : NULL, *got = strdup(query);
    int same = q != NULL;
    unescape(got);
    if (q) {
        q++;
        q[strcspn(q, " ")] = '\0';
        unescape(q);
        /* each &-separated piece of one appears in the other, and their lengths agree */
        same = strlen(q) == strlen(got);
        for (char *s = q; same && *s;) {
            size_t n = strcspn(s, "&");
            char piece[2048];
            snprintf(piece, sizeof piece, "%.*s", (int)n, s);
            same = strstr(got, piece) != NULL;
            s += n + (s[n] == '&');
        }
        if (!same)
            printf("%s: query\n--- expected %s\n--- got      %s\n", dir, q, got);
    }
    free(got);
    free(signed_rq);
    return same;
}

static int secret_of(void *ctx, const char *key, const char *token, char *secret, size_t size)
{
    (void)token;
    const aslrt_sigv4_params *p = ctx;
    if (strcmp(key, p->access_key_id) != 0)
        return -1;
    snprintf(secret, size, "%s", p->secret_access_key);
    return 0;
}

/* One case: 0 when every step agrees. */
static int run_case(const char *dir)
{
    int ok = 1;
    context c;
    read_context(&c, dir);
    parsed p;
    parse_request(&p, slurp(dir, "request.txt"));
    char hash[65];
    aslrt_sigv4_sha256_hex(p.body, strlen(p.body), hash);
    const char *path = p.path;
    aslrt_sigv4_request rq = {p.method, path, p.query, p.headers, p.nheaders, hash};

    aslrt_sigv4 s;
    assert_int_equal(aslrt_sigv4_sign(&rq, &c.params, &s), 0);
    ok &= agrees(dir, "header-canonical-request.txt", s.canonical_request);
    ok &= agrees(dir, "header-string-to-sign.txt", s.string_to_sign);
    ok &= agrees(dir, "header-signature.txt", s.signature);
    ok &= authorization_agrees(dir, s.authorization);

    /* What the signer made, the checker accepts (the service named as the
       suite's). */
    if (!(c.params.flags & ASLRT_SIGV4_KEEP_SEGMENTS) && !(c.params.flags & ASLRT_SIGV4_OMIT_TOKEN)) {
        aslrt_sigv4_header all[24];
        size_t n = 0;
        for (size_t i = 0; i < p.nheaders; i++)
            all[n++] = p.headers[i];
        all[n++] = (aslrt_sigv4_header){"X-Amz-Date", s.amz_date};
        if (s.content_sha256)
            all[n++] = (aslrt_sigv4_header){"x-amz-content-sha256", s.content_sha256};
        if (s.security_token)
            all[n++] = (aslrt_sigv4_header){"X-Amz-Security-Token", s.security_token};
        all[n++] = (aslrt_sigv4_header){"Authorization", s.authorization};
        aslrt_sigv4_request got = {p.method, path, p.query, all, n, NULL};
        aslrt_sigv4_verdict v;
        int rc = aslrt_sigv4_verify(&got, p.body, strlen(p.body), c.params.service, c.params.region,
                                    c.params.when + 60, secret_of, &c.params, &v);
        if (rc != 0) {
            printf("%s: verify refused the header form: %s: %s\n", dir, v.error, v.message);
            ok = 0;
        }
    }
    aslrt_sigv4_free(&s);

    assert_int_equal(aslrt_sigv4_presign(&rq, &c.params, &s), 0);
    ok &= agrees(dir, "query-canonical-request.txt", s.canonical_request);
    ok &= agrees(dir, "query-string-to-sign.txt", s.string_to_sign);
    ok &= agrees(dir, "query-signature.txt", s.signature);
    ok &= query_agrees(dir, s.query);
    if (!(c.params.flags & (ASLRT_SIGV4_KEEP_SEGMENTS | ASLRT_SIGV4_OMIT_TOKEN)) && !c.sign_body) {
        aslrt_sigv4_request got = {p.method, path, s.query, p.headers, p.nheaders, NULL};
        aslrt_sigv4_verdict v;
        if (aslrt_sigv4_verify(&got, p.body, strlen(p.body), c.params.service, NULL, c.params.when + 60, secret_of,
                               &c.params, &v) != 0) {
            printf("%s: verify refused the query form: %s: %s\n", dir, v.error, v.message);
            ok = 0;
        }
    }
    aslrt_sigv4_free(&s);
    free(p.text);
    cJSON_Delete(c.json);
    return ok ? 0 : -1;
}

static const char *suite_dir(void)
{
    const char *dir = getenv("SIGV4_SUITE");
    return dir ? dir : "../shared/sigv4/v4";
}

static void every_vector_should_sign_byte_for_byte(void **state)
{
    (void)state;
    const char *dir = suite_dir();
    DIR *d = opendir(dir);
    if (!d) {
        printf(">>> %s not found: skipping AWS's SigV4 test suite <<<\n", dir);
        skip();
    }
    int passed = 0, failed = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (run_case(path) == 0)
            passed++;
        else
            failed++;
    }
    closedir(d);
    printf("sigv4 suite: %d passed, %d failed\n", passed, failed);
    assert_int_equal(failed, 0);
    assert_true(passed >= 30);
}

/* ------------------------------------------------------------ checking */

static const aslrt_sigv4_params k_params = {
    .access_key_id = "AKIDTEST",
    .secret_access_key = "secret/of/the+test",
    .region = "us-east-1",
    .service = "states",
    .when = 1700000000,
};

/* A StartExecution request signed with p, checked with k_params' secret at
   `now`; returns the verdict's error (NULL: accepted). tamper changes the
   request after signing: 1 the body, 2 the Authorization header's key. */
static const char *check(const aslrt_sigv4_params *p, time_t now, int tamper, const char *auth_override)
{
    static aslrt_sigv4_verdict v;
    const char *body = "{\"stateMachineArn\":\"arn:aws:states:us-east-1:123456789012:stateMachine:m\"}";
    char hash[65];
    aslrt_sigv4_sha256_hex(body, strlen(body), hash);
    aslrt_sigv4_header h[] = {{"Host", "127.0.0.1:8083"},
                              {"Content-Type", "application/x-amz-json-1.0"},
                              {"X-Amz-Target", "AWSStepFunctions.StartExecution"}};
    aslrt_sigv4_request rq = {"POST", "/", NULL, h, 3, hash};
    aslrt_sigv4 s;
    assert_int_equal(aslrt_sigv4_sign(&rq, p, &s), 0);
    char *auth = auth_override ? strdup(auth_override) : strdup(s.authorization);
    if (tamper == 2)
        memcpy(strstr(auth, "AKIDTEST"), "AKIDXXXX", 8);
    aslrt_sigv4_header all[] = {h[0], h[1], h[2], {"X-Amz-Date", s.amz_date}, {"Authorization", auth}};
    aslrt_sigv4_request got = {"POST", "/", NULL, all, 5, NULL};
    const char *sent = tamper == 1 ? "{\"stateMachineArn\":\"arn:aws:states:us-east-1:123456789012:stateMachine:n\"}"
                                   : body;
    int rc = aslrt_sigv4_verify(&got, sent, strlen(sent), "states", "us-east-1", now, secret_of,
                                (void *)&k_params, &v);
    assert_int_equal(rc == 0, v.error == NULL);
    if (v.error) {
        assert_int_equal(v.status, 400);
        assert_null(strstr(v.message, k_params.secret_access_key)); /* never the secret */
        assert_null(strstr(v.message, s.signature));
    } else {
        assert_string_equal(v.access_key_id, "AKIDTEST");
    }
    free(auth);
    aslrt_sigv4_free(&s);
    return v.error;
}

static void verify_should_accept_what_the_signer_made(void **state)
{
    (void)state;
    assert_null(check(&k_params, k_params.when, 0, NULL));
    assert_null(check(&k_params, k_params.when + 299, 0, NULL));
}

static void verify_should_name_each_failure_as_aws_does(void **state)
{
    (void)state;
    aslrt_sigv4_params wrong_secret = k_params, wrong_service = k_params, wrong_region = k_params;
    wrong_secret.secret_access_key = "not the secret";
    wrong_service.service = "lambda";
    wrong_region.region = "eu-west-1";
    assert_string_equal(check(&wrong_secret, k_params.when, 0, NULL), "InvalidSignatureException");
    assert_string_equal(check(&k_params, k_params.when, 1, NULL), "InvalidSignatureException");
    assert_string_equal(check(&k_params, k_params.when, 2, NULL), "UnrecognizedClientException");
    assert_string_equal(check(&wrong_service, k_params.when, 0, NULL), "InvalidSignatureException");
    assert_string_equal(check(&wrong_region, k_params.when, 0, NULL), "InvalidSignatureException");
    /* outside AWS's five minutes, either way */
    assert_string_equal(check(&k_params, k_params.when + 301, 0, NULL), "InvalidSignatureException");
    assert_string_equal(check(&k_params, k_params.when - 301, 0, NULL), "InvalidSignatureException");
    /* a header that lacks a part, or another scheme */
    assert_string_equal(check(&k_params, k_params.when, 0, "AWS4-HMAC-SHA256 Credential=AKIDTEST/20231114/us-east-1/states/aws4_request, Signature=00"),
                        "IncompleteSignatureException");
    assert_string_equal(check(&k_params, k_params.when, 0, "AWS4-HMAC-SHA256 Credential=AKIDTEST/20231114/us-east-1/states, SignedHeaders=host, Signature=00"),
                        "IncompleteSignatureException");
    assert_string_equal(check(&k_params, k_params.when, 0, "Basic dXNlcjpwYXNz"), "IncompleteSignatureException");
}

static void verify_should_want_a_signature(void **state)
{
    (void)state;
    aslrt_sigv4_header h[] = {{"Host", "localhost"}, {"X-Amz-Date", "20231114T221320Z"}};
    aslrt_sigv4_request rq = {"POST", "/", NULL, h, 2, NULL};
    aslrt_sigv4_verdict v;
    assert_int_equal(aslrt_sigv4_verify(&rq, "", 0, "states", NULL, k_params.when, secret_of, (void *)&k_params, &v),
                     -1);
    assert_string_equal(v.error, "MissingAuthenticationTokenException");
}

/* The pre-signed form with an S3 path: signed as sent (no second encoding),
   accepted until X-Amz-Expires runs out. */
static void presigned_s3_should_expire(void **state)
{
    (void)state;
    aslrt_sigv4_params p = k_params;
    p.service = "s3";
    p.flags = ASLRT_SIGV4_S3;
    p.expires = 60;
    aslrt_sigv4_header h[] = {{"Host", "bucket.s3.amazonaws.com"}};
    aslrt_sigv4_request rq = {"GET", "/a%20key/x%2By", "list-type=2", h, 1, "UNSIGNED-PAYLOAD"};
    aslrt_sigv4 s;
    assert_int_equal(aslrt_sigv4_presign(&rq, &p, &s), 0);
    assert_non_null(strstr(s.canonical_request, "\n/a%20key/x%2By\n"));
    aslrt_sigv4_request got = {"GET", "/a%20key/x%2By", s.query, h, 1, NULL};
    aslrt_sigv4_verdict v;
    assert_int_equal(aslrt_sigv4_verify(&got, NULL, 0, "s3", NULL, p.when + 59, secret_of, &p, &v), 0);
    assert_int_equal(aslrt_sigv4_verify(&got, NULL, 0, "s3", NULL, p.when + 61, secret_of, &p, &v), -1);
    assert_string_equal(v.error, "InvalidSignatureException");
    aslrt_sigv4_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_vector_should_sign_byte_for_byte),
        cmocka_unit_test(verify_should_accept_what_the_signer_made),
        cmocka_unit_test(verify_should_name_each_failure_as_aws_does),
        cmocka_unit_test(verify_should_want_a_signature),
        cmocka_unit_test(presigned_s3_should_expire),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
