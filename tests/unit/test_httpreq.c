/* test_httpreq.c — the http:invoke request builder: which endpoints, methods and headers it
   takes, and the URL, headers and body it makes of them. */
#include "helpers.h"

#include "httpreq.h"

static const char *const k_endpoints_ok[] = {
    "https://api.example.com/v1/customers",
    "HTTPS://Example.COM:8443/a?b=c#d",
    "https://[2001:db8::1]/",
    "http://127.0.0.1:9000/2015-03-31/functions/function/invocations",
    "http://127.255.0.1/",
    "http://localhost:8080",
    "http://LOCALHOST/x",
    "http://[::1]:80/",
};

static const char *const k_endpoints_refused[] = {
    "file:///etc/hostname",
    "FILE:///etc/passwd",
    "file:/etc/hostname",
    "/etc/hostname",
    "ftp://127.0.0.1/x",
    "gopher://127.0.0.1/",
    "http://example.com/",          /* http:// only to loopback */
    "http://10.0.0.1/",
    "http://127.1/",                /* loopback to a resolver, not to us */
    "http://0177.0.0.1/",
    "http://127.0.0.256/",
    "http://127.0.0.1.example.com/",
    "http://localhost.example.com/",
    "http://127.0.0.1@example.com/", /* the host is example.com */
    "https://user:pw@example.com/",
    "https://exa mple.com/",
    "https://example.com/a\r\nHost: x",
    "https://example.com\\@127.0.0.1/",
    "https:///path",
    "https://:443/",
    "https://example.com:99999/",
    "https://example.com:/",
    "https://[::1/",
    "",
};

static void endpoint_problem_should_take_https_and_loopback_http_only(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof k_endpoints_ok / sizeof *k_endpoints_ok; i++)
        if (aslrt_httpreq_endpoint_problem(k_endpoints_ok[i]))
            fail_msg("refused %s: %s", k_endpoints_ok[i], aslrt_httpreq_endpoint_problem(k_endpoints_ok[i]));
    for (size_t i = 0; i < sizeof k_endpoints_refused / sizeof *k_endpoints_refused; i++)
        if (!aslrt_httpreq_endpoint_problem(k_endpoints_refused[i]))
            fail_msg("took %s", k_endpoints_refused[i]);
}

static void header_problem_should_refuse_control_characters_bad_names_and_aws_refused_headers(void **state)
{
    (void)state;
    assert_null(aslrt_httpreq_header_problem("X-Test", "a value\twith a tab"));
    assert_null(aslrt_httpreq_header_problem("Content-Type", ""));
    assert_null(aslrt_httpreq_header_problem("X-Utf8", "caf\xc3\xa9"));
    assert_non_null(aslrt_httpreq_header_problem("X-A", "v\r\nInjected: yes"));
    assert_non_null(aslrt_httpreq_header_problem("X-A", "v\nx"));
    assert_non_null(aslrt_httpreq_header_problem("X-A", "bell\a"));
    assert_non_null(aslrt_httpreq_header_problem("X-A", "del\x7f"));
    assert_non_null(aslrt_httpreq_header_problem("", "v"));
    assert_non_null(aslrt_httpreq_header_problem("X A", "v"));
    assert_non_null(aslrt_httpreq_header_problem("X-A:", "v"));
    assert_non_null(aslrt_httpreq_header_problem("X-A\r\nInjected", "v"));
    const char *const refused[] = {"Host", "host", "Content-Length", "Authorization", "Transfer-Encoding",
                                   "X-Forwarded-For", "x-amz-date", "X-Amzn-Trace-Id", "Expect", "Connection"};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        assert_true(aslrt_httpreq_header_forbidden(refused[i]));
    assert_false(aslrt_httpreq_header_forbidden("X-Amazing"));
    assert_false(aslrt_httpreq_header_forbidden("Accept"));
}

/* Builds from params (JSON text); returns the build's result. */
static int build(const char *params, aslrt_httpreq *rq, char **why)
{
    cJSON *p = J(params);
    int rc = aslrt_httpreq_build(p, rq, why);
    cJSON_Delete(p);
    return rc;
}

static void build_should_make_the_url_headers_and_json_body(void **state)
{
    (void)state;
    aslrt_httpreq rq;
    char *why;
    assert_int_equal(build("{\"ApiEndpoint\": \"https://h.example/p?x=1#frag\", \"Method\": \"PATCH\","
                           " \"Headers\": {\"X-N\": 5, \"X-E\": \"\"}, \"QueryParameters\": {\"a b\": \"1&2\", \"n\": null},"
                           " \"RequestBody\": {\"k\": [1, \"v\"]}}",
                           &rq, &why),
                     0);
    assert_string_equal(rq.method, "PATCH");
    assert_string_equal(rq.url, "https://h.example/p?x=1&a%20b=1%262&n=null#frag");
    assert_int_equal(rq.https, 1);
    assert_int_equal(rq.nheaders, 3);
    assert_string_equal(rq.headers[0].name, "X-N");
    assert_string_equal(rq.headers[0].value, "5");
    assert_string_equal(rq.headers[1].value, "");
    assert_string_equal(rq.headers[2].name, "Content-Type");
    assert_string_equal(rq.headers[2].value, "application/json");
    assert_string_equal(rq.body, "{\"k\":[1,\"v\"]}");
    assert_int_equal(rq.body_len, strlen(rq.body));
    aslrt_httpreq_free(&rq);

    /* A string body goes as it is, without a Content-Type; HEAD sends none. */
    assert_int_equal(build("{\"ApiEndpoint\": \"http://localhost/\", \"Method\": \"PUT\", \"RequestBody\": \"raw\"}",
                           &rq, &why),
                     0);
    assert_int_equal(rq.nheaders, 0);
    assert_string_equal(rq.body, "raw");
    assert_int_equal(rq.https, 0);
    aslrt_httpreq_free(&rq);
    assert_int_equal(build("{\"ApiEndpoint\": \"http://localhost/\", \"Method\": \"HEAD\", \"RequestBody\": {}}", &rq,
                           &why),
                     0);
    assert_null(rq.body);
    aslrt_httpreq_free(&rq);
}

static void build_should_url_encode_a_body_in_each_array_format(void **state)
{
    (void)state;
    static const struct {
        const char *format, *body;
    } k_forms[] = {
        {"INDICES", "a[0]=x&a[1]=y%20z&o[k]=1&o[l][0]=true&n=&s=%26%3D%2C"},
        {"BRACKETS", "a[]=x&a[]=y%20z&o[k]=1&o[l][]=true&n=&s=%26%3D%2C"},
        {"REPEAT", "a=x&a=y%20z&o[k]=1&o[l]=true&n=&s=%26%3D%2C"},
        {"COMMAS", "a=x,y%20z&o[k]=1&o[l]=true&n=&s=%26%3D%2C"},
    };
    for (size_t i = 0; i < sizeof k_forms / sizeof *k_forms; i++) {
        char params[512];
        snprintf(params, sizeof params,
                 "{\"ApiEndpoint\": \"https://h/\", \"Method\": \"POST\", \"Headers\": {\"content-type\": \"text/plain\"},"
                 " \"RequestBody\": {\"a\": [\"x\", \"y z\"], \"o\": {\"k\": 1, \"l\": [true]}, \"n\": null, \"e\": [],"
                 " \"s\": \"&=,\"}, \"Transform\": {\"RequestBodyEncoding\": \"URL_ENCODED\","
                 " \"RequestEncodingOptions\": {\"ArrayFormat\": \"%s\"}}}",
                 k_forms[i].format);
        aslrt_httpreq rq;
        char *why;
        assert_int_equal(build(params, &rq, &why), 0);
        assert_string_equal(rq.body, k_forms[i].body);
        assert_int_equal(rq.nheaders, 1); /* the form's type replaces the one given */
        assert_string_equal(rq.headers[0].value, "application/x-www-form-urlencoded");
        aslrt_httpreq_free(&rq);
    }
}

static void build_should_refuse_what_would_leave_its_field_naming_the_field(void **state)
{
    (void)state;
    static const struct {
        const char *params, *cause;
    } k_refused[] = {
        {"{\"ApiEndpoint\": \"file:///etc/hostname\", \"Method\": \"GET\"}",
         "The value for the 'ApiEndpoint' field is not valid: 'file:///etc/hostname' (only https:// URLs are "
         "allowed; http:// only to a loopback host: 127.0.0.0/8, ::1 or localhost)."},
        {"{\"ApiEndpoint\": \"https://h/\", \"Method\": \"GET / HTTP/1.1\\r\\nX: 1\"}",
         "The value for the 'Method' field is not valid: 'GET / HTTP/1.1\r\nX: 1' (expected GET, POST, PUT, DELETE, "
         "PATCH, OPTIONS or HEAD)."},
        {"{\"ApiEndpoint\": \"https://h/\", \"Method\": \"GET\", \"Headers\": {\"X-Amz-Date\": \"1\"}}",
         "The 'Headers' field contains unsupported values: [x-amz-date]."},
        {"{\"ApiEndpoint\": \"https://h/\", \"Method\": \"GET\", \"Headers\": {\"X-A\": \"v\\r\\nI: y\"}}",
         "The header 'X-A' in the 'Headers' field is not valid: a header value cannot hold a control character "
         "(a CR or LF would start another header)."},
        {"{\"ApiEndpoint\": \"https://h/\", \"Method\": \"GET\", \"Headers\": [\"X-A: 1\"]}",
         "The value for the 'Headers' field is not valid: expected an object."},
        {"{\"ApiEndpoint\": \"https://h/\", \"Method\": \"GET\", \"QueryParameters\": \"a=1\"}",
         "The value for the 'QueryParameters' field is not valid: expected an object."},
        {"{\"ApiEndpoint\": \"https://h/\", \"Method\": \"GET\", \"Transform\": {\"RequestBodyEncoding\": \"GZIP\"}}",
         "The value for the 'Transform.RequestBodyEncoding' field is not valid: 'GZIP' (expected NONE or "
         "URL_ENCODED)."},
        {"{\"ApiEndpoint\": \"https://h/\", \"Method\": \"POST\", \"RequestBody\": [1],"
         " \"Transform\": {\"RequestBodyEncoding\": \"URL_ENCODED\"}}",
         "The value for the 'RequestBody' field is not valid: with Transform.RequestBodyEncoding URL_ENCODED it "
         "must be an object."},
        {"{\"Method\": \"GET\"}", "The http:invoke Task needs the parameters 'ApiEndpoint' and 'Method', both strings."},
    };
    for (size_t i = 0; i < sizeof k_refused / sizeof *k_refused; i++) {
        aslrt_httpreq rq;
        char *why;
        assert_int_equal(build(k_refused[i].params, &rq, &why), -1);
        assert_string_equal(why, k_refused[i].cause);
        assert_null(rq.url);
        assert_null(rq.headers);
        free(why);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(endpoint_problem_should_take_https_and_loopback_http_only),
        cmocka_unit_test(header_problem_should_refuse_control_characters_bad_names_and_aws_refused_headers),
        cmocka_unit_test(build_should_make_the_url_headers_and_json_body),
        cmocka_unit_test(build_should_url_encode_a_body_in_each_array_format),
        cmocka_unit_test(build_should_refuse_what_would_leave_its_field_naming_the_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
