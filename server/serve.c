/* serve.c — `aslc serve`: its options (design.md; defaults as Step Functions Local's), the
   store and the HTTP server started, one line on stdout saying where it listens, and a clean
   stop on SIGINT or SIGTERM: no new connections, the requests in flight answered, the store
   closed. */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "executor.h"
#include "http.h"
#include "serve.h"
#include "srv.h"

enum { EXIT_OK = 0, EXIT_USAGE = 2 };
enum { HTTP_THREADS_MAX = 8, STOP_GRACE_SECONDS = 30 };

/* One HTTP thread per core and one more: no request holds its thread long (long polls and sync
   executions wait suspended, later.h), and on few cores more threads only take turns with the
   executions' workers. */
static int http_threads(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores < 1 ? 2 : cores + 1 > HTTP_THREADS_MAX ? HTTP_THREADS_MAX : (int)cores + 1;
}

static const char usage_text[] =
    "usage: aslc serve [--host 127.0.0.1] [--port 8083] [--db FILE|:memory:] [--mock-config FILE]\n"
    "                  [--bindings FILE] [--mode jit|aot|interp] [--no-wait | --time-scale X]\n"
    "                  [--region us-east-1] [--account 123456789012] [--auth KEYS.json] [--aws]\n"
    "The AWS Step Functions API (awsJson1_0) for boto3, the aws cli and the AWS SDKs, with\n"
    "--endpoint-url http://HOST:PORT. --port 0 takes any free port; the state is fresh at each start\n"
    "unless --db names a file. SFN_MOCK_CONFIG in the environment is --mock-config's default.\n"
    "--aws: Tasks that no mock or binding claims call the AWS services themselves, with the\n"
    "credentials the AWS SDKs would find; without it nothing leaves the machine.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("aslc serve: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n", stderr);
    fputs(usage_text, stderr);
    return EXIT_USAGE;
}

/* A whole decimal number in [lo, hi], or -1. */
static long whole(const char *s, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    return *s && !*end && !errno && v >= lo && v <= hi ? v : -1;
}

/* Parses argv into o. 0, 1 for --help, or EXIT_USAGE after saying why. */
static int parse_options(int argc, char **argv, srv_options *o)
{
    *o = (srv_options){.host = "127.0.0.1", .port = 8083, .db = ":memory:", .mode = "jit", .time_scale = 1,
                       .region = "us-east-1", .account = "123456789012"};
    const char *env = getenv("SFN_MOCK_CONFIG");
    if (env && *env)
        o->mock_config = env;
    int scaled = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return 1;
        if (strcmp(a, "--no-wait") == 0) {
            o->no_wait = 1;
            continue;
        }
        if (strcmp(a, "--aws") == 0) {
            o->aws = 1;
            continue;
        }
        static const char *const with_value[] = {"--host", "--port", "--db", "--mock-config", "--bindings", "--mode",
                                                 "--time-scale", "--region", "--account", "--auth"};
        size_t k = 0, nk = sizeof with_value / sizeof with_value[0];
        while (k < nk && strcmp(a, with_value[k]) != 0)
            k++;
        if (k == nk)
            return usage_error("unknown option '%s'", a);
        if (i + 1 >= argc)
            return usage_error("option '%s' needs a value", a);
        const char *v = argv[++i];
        if (strcmp(a, "--host") == 0)
            o->host = v;
        else if (strcmp(a, "--port") == 0) {
            if ((o->port = (int)whole(v, 0, 65535)) < 0)
                return usage_error("--port takes a port number from 0 to 65535, not '%s'", v);
        } else if (strcmp(a, "--db") == 0)
            o->db = v;
        else if (strcmp(a, "--mock-config") == 0)
            o->mock_config = v;
        else if (strcmp(a, "--bindings") == 0)
            o->bindings = v;
        else if (strcmp(a, "--mode") == 0) {
            if (strcmp(v, "jit") != 0 && strcmp(v, "aot") != 0 && strcmp(v, "interp") != 0)
                return usage_error("--mode must be jit, aot or interp, not '%s'", v);
            o->mode = v;
        } else if (strcmp(a, "--time-scale") == 0) {
            char *end;
            o->time_scale = strtod(v, &end);
            if (!*v || *end || !isfinite(o->time_scale) || o->time_scale <= 0)
                return usage_error("--time-scale takes a positive number, not '%s'", v);
            scaled = 1;
        } else if (strcmp(a, "--region") == 0) {
            if (!*v || strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(v))
                return usage_error("--region takes a region name such as us-east-1, not '%s'", v);
            o->region = v;
        } else if (strcmp(a, "--account") == 0) {
            if (strlen(v) != 12 || strspn(v, "0123456789") != 12)
                return usage_error("--account takes a 12-digit account ID, not '%s'", v);
            o->account = v;
        } else {
            o->auth = v;
        }
    }
    if (scaled && o->no_wait)
        return usage_error("--no-wait and --time-scale exclude each other%s", "");
    const char *files[][2] = {{"--mock-config", o->mock_config}, {"--bindings", o->bindings}};
    for (size_t i = 0; i < 2; i++)
        if (files[i][1] && access(files[i][1], R_OK) != 0) {
            fprintf(stderr, "aslc serve: %s %s: %s\n", files[i][0], files[i][1], strerror(errno));
            return EXIT_USAGE;
        }
    return 0;
}

int srv_main(int argc, char **argv)
{
    srv s = {0};
    int rc = parse_options(argc, argv, &s.opt);
    if (rc == 1) {
        fputs(usage_text, stdout);
        return EXIT_OK;
    }
    if (rc)
        return rc;
    /* No aslrt_alloc_init(): its per-thread free lists suit one execution per process, not a
       server whose threads come and go (runtime/execution.h). Instead glibc's heaps grow in
       large steps and are not trimmed back at every free: executions allocate on the workers'
       threads and their records are freed on the writer's, and each heap would otherwise
       shrink and grow again with every batch. */
    mallopt(M_TOP_PAD, 16 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);

    /* SIGINT and SIGTERM are taken by sigwait below: blocked before any thread starts, so that
       every thread inherits the mask and none is interrupted by them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    char *err = NULL;
    if (s.opt.auth && !(s.auth = srv_auth_load(s.opt.auth, &err))) {
        fprintf(stderr, "aslc serve: %s\n", err);
        free(err);
        return EXIT_USAGE;
    }
    if (!(s.store = srv_store_open(s.opt.db, &err))) {
        srv_auth_free(s.auth);
        fprintf(stderr, "aslc serve: %s\n", err);
        free(err);
        return EXIT_USAGE;
    }
    srv_executor *x = srv_executor_new(&s, &err);
    if (!x) {
        fprintf(stderr, "aslc serve: %s\n", err);
        free(err);
        srv_store_close(s.store);
        srv_auth_free(s.auth);
        return EXIT_USAGE;
    }
    srv_http *h = srv_http_start(&s, s.opt.host, s.opt.port, http_threads(), &err);
    if (!h) {
        fprintf(stderr, "aslc serve: %s\n", err);
        free(err);
        srv_executor_free(x);
        srv_store_close(s.store);
        srv_auth_free(s.auth);
        return EXIT_USAGE;
    }
    int v6 = strchr(s.opt.host, ':') != NULL;
    printf("aslc serve: listening on http://%s%s%s:%d\n", v6 ? "[" : "", s.opt.host, v6 ? "]" : "",
           srv_http_port(h));
    fflush(stdout);

    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    fprintf(stderr, "aslc serve: %s: stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    /* long polls answered and executions stopped first, so that no request waits on them */
    srv_executor_quiesce(x);
    srv_http_stop(h, STOP_GRACE_SECONDS);
    srv_executor_free(x);
    srv_store_close(s.store);
    srv_auth_free(s.auth);
    return EXIT_OK;
}
