/* test_aws_config.c — credentials, region and endpoints found as the SDKs
   find them (runtime/aws/credentials.c, profile.c, endpoints.c): from the
   environment and from config files in a temporary HOME, a
   credential_process script, and the container and instance metadata
   sources answered by a small HTTP server this test runs on 127.0.0.1. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "aws_http.h"
#include "credentials.h"
#include "endpoints.h"
#include "http_handler.h"

static char g_home[256];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Every variable the chain reads, cleared; HOME a fresh directory; the
   instance metadata service off unless a test turns it on (no test may
   reach 169.254.169.254). */
static int setup(void **state)
{
    (void)state;
    static const char *const vars[] = {
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION",
        "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2",
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    snprintf(g_home, sizeof g_home, "%s/aslc-awscfg.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(g_home));
    char dir[300];
    snprintf(dir, sizeof dir, "%s/.aws", g_home);
    assert_int_equal(mkdir(dir, 0700), 0);
    setenv("HOME", g_home, 1);
    aslrt_aws_credentials_forget();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_home);
    assert_int_equal(system(cmd), 0);
    aslrt_aws_credentials_forget();
    return 0;
}

static void home_file(const char *name, const char *text)
{
    char path[400];
    snprintf(path, sizeof path, "%s/.aws/%s", g_home, name);
    write_file(path, text);
}

/* The key id the chain finds now (a static copy), or NULL. */
static const char *found_key(char **token)
{
    static char key[128];
    aslrt_aws_creds c;
    char *why;
    aslrt_aws_credentials_forget();
    if (aslrt_aws_credentials_get(&c, &why) != 0) {
        free(why);
        return NULL;
    }
    snprintf(key, sizeof key, "%s", c.access_key_id);
    if (token)
        *token = c.session_token ? strdup(c.session_token) : NULL;
    aslrt_aws_creds_clear(&c);
    return key;
}

static void environment_should_come_first(void **state)
{
    (void)state;
    home_file("credentials", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n");
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
    setenv("AWS_SESSION_TOKEN", "tok", 1);
    char *token;
    assert_string_equal(found_key(&token), "AKIDENV");
    assert_string_equal(token, "tok");
    free(token);
    unsetenv("AWS_ACCESS_KEY_ID");
    assert_string_equal(found_key(NULL), "AKIDFILE");
}

static void profiles_should_be_read_from_both_files(void **state)
{
    (void)state;
    home_file("credentials", "# comment\n[default]\naws_access_key_id=AKIDDEFAULT\naws_secret_access_key=x\n"
                             "\n[dev]\n  aws_access_key_id = AKIDDEV \naws_secret_access_key = y\n"
                             "aws_session_token = devtoken\n");
    home_file("config", "[default]\nregion = eu-west-3\n[profile cfg]\nregion = ap-south-1\n"
                        "aws_access_key_id = AKIDCONFIG\naws_secret_access_key = z\n"
                        "s3 =\n  addressing_style = path\n");
    assert_string_equal(found_key(NULL), "AKIDDEFAULT");
    char *region = aslrt_aws_region();
    assert_string_equal(region, "eu-west-3");
    free(region);
    setenv("AWS_PROFILE", "dev", 1);
    char *token;
    assert_string_equal(found_key(&token), "AKIDDEV");
    assert_string_equal(token, "devtoken");
    free(token);
    setenv("AWS_PROFILE", "cfg", 1);
    assert_string_equal(found_key(NULL), "AKIDCONFIG");
    region = aslrt_aws_region();
    assert_string_equal(region, "ap-south-1");
    free(region);
    setenv("AWS_DEFAULT_REGION", "us-west-1", 1);
    region = aslrt_aws_region();
    assert_string_equal(region, "us-west-1");
    free(region);
    setenv("AWS_REGION", "us-east-2", 1);
    region = aslrt_aws_region();
    assert_string_equal(region, "us-east-2");
    free(region);
    /* the files can move */
    char moved[400];
    snprintf(moved, sizeof moved, "%s/creds", g_home);
    write_file(moved, "[cfg]\naws_access_key_id = AKIDMOVED\naws_secret_access_key = m\n");
    setenv("AWS_SHARED_CREDENTIALS_FILE", moved, 1);
    assert_string_equal(found_key(NULL), "AKIDMOVED");
    setenv("AWS_PROFILE", "nobody", 1);
    assert_null(found_key(NULL));
}

static void credential_process_should_be_run(void **state)
{
    (void)state;
    char script[400], config[800];
    snprintf(script, sizeof script, "%s/creds.sh", g_home);
    write_file(script, "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"p\", "
                       "\"SessionToken\": \"proctoken\", \"Expiration\": \"2999-01-01T00:00:00Z\"}'\n");
    chmod(script, 0700);
    snprintf(config, sizeof config, "[profile proc]\ncredential_process = %s --ignored-arg\n"
                                    "[profile broken]\ncredential_process = %s/missing.sh\n", script, g_home);
    home_file("config", config);
    setenv("AWS_PROFILE", "proc", 1);
    aslrt_aws_creds c;
    char *why;
    assert_int_equal(aslrt_aws_credentials_get(&c, &why), 0);
    assert_string_equal(c.access_key_id, "AKIDPROC");
    assert_string_equal(c.session_token, "proctoken");
    assert_true(c.expiration > 1e9);
    assert_string_equal(c.source, "credential_process");
    aslrt_aws_creds_clear(&c);
    setenv("AWS_PROFILE", "broken", 1);
    aslrt_aws_credentials_forget();
    assert_int_equal(aslrt_aws_credentials_get(&c, &why), -1);
    assert_non_null(strstr(why, "credential_process of profile 'broken' failed"));
    free(why);
}

/* ------------------------------------------------- the loopback server */

typedef struct server {
    int fd, port;
    pthread_t thread;
    char log[4096];     /* "METHOD PATH [token]" lines */
    int expired_first;  /* the container's first answer expires at once */
    int served;
    int keep_alive;     /* answer many requests on one connection */
    int connections;    /* connections accepted */
    _Atomic int client; /* the connection being served, or -1 */
} server;

/* Answers one request: the container endpoint (/creds, wanting
   Authorization: secret-auth), IMDSv2's token, role list and role. 0, or
   -1 when the client closed the connection instead. */
static int answer(server *s, int c)
{
    char req[4096];
    size_t n = 0;
    ssize_t got;
    while (n < sizeof req - 1 && (got = read(c, req + n, sizeof req - 1 - n)) > 0) {
        n += (size_t)got;
        req[n] = '\0';
        if (strstr(req, "\r\n\r\n"))
            break;
    }
    if (n == 0)
        return -1;
    req[n] = '\0';
    char method[16] = "", path[256] = "";
    sscanf(req, "%15s %255s", method, path);
    const char *auth = strcasestr(req, "\r\nAuthorization: ");
    const char *imds_token = strcasestr(req, "\r\nX-aws-ec2-metadata-token: the-token");
    const char *ttl = strcasestr(req, "\r\nX-aws-ec2-metadata-token-ttl-seconds: ");
    snprintf(s->log + strlen(s->log), sizeof s->log - strlen(s->log), "%s %s%s\n", method, path,
             auth ? " auth" : "");
    const char *body = NULL;
    int status = 200;
    char creds[512];
    if (strcmp(path, "/creds") == 0) {
        s->served++;
        int expired = s->expired_first && s->served == 1;
        snprintf(creds, sizeof creds,
                 "{\"AccessKeyId\":\"AKIDECS%d\",\"SecretAccessKey\":\"e\",\"Token\":\"ecstoken\",\"Expiration\":\"%s\"}",
                 s->served, expired ? "2000-01-01T00:00:00Z" : "2999-01-01T00:00:00Z");
        body = auth && strncmp(auth + 17, "secret-auth\r\n", 13) == 0 ? creds : NULL;
        status = body ? 200 : 401;
    } else if (strcmp(path, "/latest/api/token") == 0 && strcmp(method, "PUT") == 0 && ttl) {
        body = "the-token";
    } else if (strcmp(path, "/latest/meta-data/iam/security-credentials/") == 0 && imds_token) {
        body = "the-role\n";
    } else if (strcmp(path, "/latest/meta-data/iam/security-credentials/the-role") == 0 && imds_token) {
        body = "{\"Code\":\"Success\",\"AccessKeyId\":\"AKIDIMDS\",\"SecretAccessKey\":\"i\",\"Token\":\"imdstoken\","
               "\"Expiration\":\"2999-01-01T00:00:00Z\"}";
    } else {
        status = 401;
    }
    char head[256];
    snprintf(head, sizeof head, "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: %s\r\n\r\n", status,
             body ? strlen(body) : 0, s->keep_alive ? "keep-alive" : "close");
    if (write(c, head, strlen(head)) < 0 || (body && write(c, body, strlen(body)) < 0))
        fprintf(stderr, "test server: write failed\n");
    return 0;
}

static void *serve(void *opaque)
{
    server *s = opaque;
    for (;;) {
        int c = accept(s->fd, NULL, NULL);
        if (c < 0)
            break;
        s->connections++;
        s->client = c;
        while (answer(s, c) == 0 && s->keep_alive)
            ;
        s->client = -1;
        close(c);
    }
    return NULL;
}

static void server_start(server *s)
{
    memset(s, 0, sizeof *s);
    s->client = -1;
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(s->fd, (struct sockaddr *)&a, &len), 0);
    s->port = ntohs(a.sin_port);
    assert_int_equal(listen(s->fd, 8), 0);
    assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void server_stop(server *s)
{
    int c = s->client;
    if (c >= 0) /* a kept-alive connection the client still holds */
        shutdown(c, SHUT_RDWR);
    shutdown(s->fd, SHUT_RDWR);
    close(s->fd);
    pthread_join(s->thread, NULL);
}

static void container_credentials_should_carry_the_token_and_refresh(void **state)
{
    (void)state;
    server s;
    server_start(&s);
    s.expired_first = 1;
    char url[128], token_file[400];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/creds", s.port);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
    snprintf(token_file, sizeof token_file, "%s/token", g_home);
    write_file(token_file, "secret-auth\n");
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file, 1);
    aslrt_aws_creds c;
    char *why;
    /* the first answer has expired already: the next call fetches again */
    assert_int_equal(aslrt_aws_credentials_get(&c, &why), 0);
    assert_string_equal(c.access_key_id, "AKIDECS1");
    aslrt_aws_creds_clear(&c);
    assert_int_equal(aslrt_aws_credentials_get(&c, &why), 0);
    assert_string_equal(c.access_key_id, "AKIDECS2");
    assert_string_equal(c.session_token, "ecstoken");
    aslrt_aws_creds_clear(&c);
    /* still fresh: no third fetch */
    assert_int_equal(aslrt_aws_credentials_get(&c, &why), 0);
    assert_string_equal(c.access_key_id, "AKIDECS2");
    aslrt_aws_creds_clear(&c);
    assert_int_equal(s.served, 2);
    /* without the right token the endpoint refuses, and the message says so */
    unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong", 1);
    aslrt_aws_credentials_forget();
    assert_int_equal(aslrt_aws_credentials_get(&c, &why), -1);
    assert_non_null(strstr(why, "HTTP 401"));
    assert_null(strstr(why, "wrong"));
    free(why);
    /* plain http elsewhere than loopback or the agents is refused */
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.1/creds", 1);
    aslrt_aws_credentials_forget();
    assert_int_equal(aslrt_aws_credentials_get(&c, &why), -1);
    assert_non_null(strstr(why, "must be https"));
    free(why);
    server_stop(&s);
}

static void instance_metadata_should_use_a_session_token(void **state)
{
    (void)state;
    server s;
    server_start(&s);
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", s.port);
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url, 1);
    setenv("AWS_EC2_METADATA_DISABLED", "false", 1);
    aslrt_aws_creds c;
    char *why;
    assert_int_equal(aslrt_aws_credentials_get(&c, &why), 0);
    assert_string_equal(c.access_key_id, "AKIDIMDS");
    assert_string_equal(c.session_token, "imdstoken");
    aslrt_aws_creds_clear(&c);
    assert_string_equal(s.log, "PUT /latest/api/token\nGET /latest/meta-data/iam/security-credentials/\n"
                               "GET /latest/meta-data/iam/security-credentials/the-role\n");
    server_stop(&s);
    /* nothing answers: a clear error, quickly */
    aslrt_aws_credentials_forget();
    assert_int_equal(aslrt_aws_credentials_get(&c, &why), -1);
    assert_non_null(strstr(why, "No AWS credentials were found"));
    free(why);
}

/* Threads fetching credentials and sending requests at once: the cache's
   lock and each thread's own connections (make tsan runs this). */
typedef struct worker_arg {
    const char *url;
    int ok;
} worker_arg;

static void *worker(void *opaque)
{
    worker_arg *w = opaque;
    for (int i = 0; i < 10; i++) {
        aslrt_aws_creds c;
        char *why;
        if (aslrt_aws_credentials_get(&c, &why) == 0 && strncmp(c.access_key_id, "AKIDECS", 7) == 0)
            w->ok++;
        else
            free(why);
        aslrt_aws_creds_clear(&c);
        const char *headers[] = {"Authorization: secret-auth", NULL};
        aslrt_aws_http rq = {.method = "GET", .url = w->url, .headers = headers, .timeout = 10};
        aslrt_aws_reply r;
        if (aslrt_aws_http_send(&rq, &r, &why) == ASLRT_AWS_SENT) {
            w->ok += r.status == 200 && strstr(r.body.data, "AKIDECS") != NULL;
            aslrt_aws_reply_free(&r);
        } else {
            free(why);
        }
    }
    return NULL;
}

static void threads_should_share_the_cache_safely(void **state)
{
    (void)state;
    server s;
    server_start(&s);
    s.expired_first = 1; /* the first fetch is stale at once: a second goes out under the lock */
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/creds", s.port);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "secret-auth", 1);
    enum { N = 4 };
    pthread_t th[N];
    worker_arg w[N];
    for (int i = 0; i < N; i++) {
        w[i] = (worker_arg){url, 0};
        assert_int_equal(pthread_create(&th[i], NULL, worker, &w[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(w[i].ok, 20);
    }
    server_stop(&s);
}

/* A thread's requests to one server share a connection (curl_api.c keeps
   the thread's multi handle, and so its connection cache). */
static void requests_should_reuse_the_connection(void **state)
{
    (void)state;
    server s;
    server_start(&s);
    s.keep_alive = 1;
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/creds", s.port);
    for (int i = 0; i < 5; i++) {
        const char *headers[] = {"Authorization: secret-auth", NULL};
        aslrt_aws_http rq = {.method = "GET", .url = url, .headers = headers, .timeout = 10};
        aslrt_aws_reply r;
        char *why;
        assert_int_equal(aslrt_aws_http_send(&rq, &r, &why), ASLRT_AWS_SENT);
        assert_int_equal(r.status, 200);
        aslrt_aws_reply_free(&r);
    }
    assert_int_equal(s.served, 5);
    assert_int_equal(s.connections, 1);
    server_stop(&s);
}

static void endpoints_should_follow_the_sdks(void **state)
{
    (void)state;
    char *u = aslrt_aws_endpoint("DynamoDB", "dynamodb", "eu-west-1");
    assert_string_equal(u, "https://dynamodb.eu-west-1.amazonaws.com");
    free(u);
    u = aslrt_aws_endpoint("SFN", "states", "cn-north-1");
    assert_string_equal(u, "https://states.cn-north-1.amazonaws.com.cn");
    free(u);
    u = aslrt_aws_endpoint_env_name("Elastic Load Balancing v2");
    assert_string_equal(u, "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2");
    free(u);
    home_file("config", "[default]\nendpoint_url = http://127.0.0.1:1111\nservices = local\n"
                        "[services local]\ndynamodb =\n  endpoint_url = http://127.0.0.1:2222/\n");
    u = aslrt_aws_endpoint("DynamoDB", "dynamodb", "us-east-1");
    assert_string_equal(u, "http://127.0.0.1:2222");
    free(u);
    u = aslrt_aws_endpoint("SQS", "sqs", "us-east-1");
    assert_string_equal(u, "http://127.0.0.1:1111");
    free(u);
    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:3333", 1);
    u = aslrt_aws_endpoint("SQS", "sqs", "us-east-1");
    assert_string_equal(u, "http://127.0.0.1:3333");
    free(u);
    setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:4444", 1);
    u = aslrt_aws_endpoint("DynamoDB", "dynamodb", "us-east-1");
    assert_string_equal(u, "http://127.0.0.1:4444");
    free(u);
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    u = aslrt_aws_endpoint("DynamoDB", "dynamodb", "us-east-1");
    assert_string_equal(u, "https://dynamodb.us-east-1.amazonaws.com");
    free(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(environment_should_come_first, setup, teardown),
        cmocka_unit_test_setup_teardown(profiles_should_be_read_from_both_files, setup, teardown),
        cmocka_unit_test_setup_teardown(credential_process_should_be_run, setup, teardown),
        cmocka_unit_test_setup_teardown(container_credentials_should_carry_the_token_and_refresh, setup, teardown),
        cmocka_unit_test_setup_teardown(instance_metadata_should_use_a_session_token, setup, teardown),
        cmocka_unit_test_setup_teardown(threads_should_share_the_cache_safely, setup, teardown),
        cmocka_unit_test_setup_teardown(requests_should_reuse_the_connection, setup, teardown),
        cmocka_unit_test_setup_teardown(endpoints_should_follow_the_sdks, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    aslrt_http_cleanup();
    return rc;
}
