/* curl_api.c — libcurl, loaded by the first request (dlopen), not linked:
 * with the thirty-odd libraries it pulls in, loading it was most of the
 * start-up of every workflow, and few workflows make HTTP requests. Its
 * header still gives the types and constants; the calls go through
 * `aslrt_curl`.
 *
 * Requests run on the calling thread through a curl multi handle, so that
 * one poll waits for the socket, the task's deadline (TimeoutSeconds; a
 * request cannot send heartbeats, so HeartbeatSeconds bounds it too) and the
 * stop descriptor (signals.c) at once. The multi handle is the thread's
 * own and outlives the request, so its connection cache keeps connections
 * open for the thread's next request (AWS calls in a loop reuse one TLS
 * session instead of a handshake each).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "curl_api.h"
#include "http_handler.h"
#include "pool.h"
#include "signals.h"
#include "task.h"
#include "timestamp.h"
#include "xalloc.h"


/* The calling thread's multi handle (made by its first request, ended with
   the thread), or NULL. */
static pthread_key_t g_multi_key;
static pthread_once_t g_multi_once = PTHREAD_ONCE_INIT;

static void end_multi(void *m)
{
    aslrt_curl.multi_cleanup(m);
}

static void make_multi_key(void)
{
    if (pthread_key_create(&g_multi_key, end_multi) != 0)
        aslrt_out_of_memory();
}

static CURLM *thread_multi(void)
{
    pthread_once(&g_multi_once, make_multi_key);
    CURLM *m = pthread_getspecific(g_multi_key);
    if (!m) {
        m = aslrt_curl.multi_init();
        if (!m || pthread_setspecific(g_multi_key, m) != 0)
            aslrt_out_of_memory();
    }
    return m;
}

struct aslrt_curl_api aslrt_curl;

/* Process-wide, once for all executions, under g_lock; only the command
   line tears it down (aslrt_http_cleanup, after its one execution), never
   an embedded run. */
static int g_ready;                   /* libcurl loaded and curl_global_init succeeded */
static char g_why[256];               /* why it could not be, when it could not */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

/* Loads libcurl and fills `api`; 0, or -1 with g_why set. */
static int load_curl(void)
{
    static const char *const names[] = {"libcurl.so.4", "libcurl.so"};
    void *lib = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !lib; i++)
        lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *e = dlerror();
        snprintf(g_why, sizeof g_why, "libcurl could not be loaded: %s", e ? e : "libcurl.so.4 not found");
        return -1;
    }
    static const struct {
        const char *name;
        size_t offset;
    } syms[] = {
#define SYM(f) {"curl_" #f, offsetof(struct aslrt_curl_api, f)}
        SYM(global_init),   SYM(global_cleanup),   SYM(easy_init),           SYM(easy_setopt),
        SYM(easy_getinfo),  SYM(easy_cleanup),     SYM(easy_strerror),       SYM(slist_append),
        SYM(slist_free_all), SYM(multi_init),
        SYM(multi_add_handle), SYM(multi_remove_handle), SYM(multi_perform), SYM(multi_poll),
        SYM(multi_info_read),  SYM(multi_cleanup),
#undef SYM
    };
    for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
        void *f = dlsym(lib, syms[i].name);
        if (!f) {
            snprintf(g_why, sizeof g_why, "libcurl lacks %s.", syms[i].name);
            return -1;
        }
        memcpy((char *)&aslrt_curl + syms[i].offset, &f, sizeof f); /* object to function pointer, as POSIX allows */
    }
    return 0;
}

/* libcurl, loaded and its global state set up by the first request
   (curl_global_init is not thread-safe, and Parallel branches may start
   requests together). */
const char *aslrt_curl_load(void)
{
    static int loaded; /* 1: api is filled; -1: loading failed (g_why says why) */
    pthread_mutex_lock(&g_lock);
    if (!loaded)
        loaded = load_curl() == 0 ? 1 : -1;
    if (loaded > 0 && !g_ready) {
        g_ready = aslrt_curl.global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
        if (!g_ready)
            snprintf(g_why, sizeof g_why, "libcurl could not be initialized.");
    }
    int ready = g_ready;
    pthread_mutex_unlock(&g_lock);
    return ready ? NULL : g_why[0] ? g_why : "libcurl could not be initialized.";
}

void aslrt_http_cleanup(void)
{
    pthread_once(&g_multi_once, make_multi_key);
    pthread_mutex_lock(&g_lock);
    CURLM *m = g_ready ? pthread_getspecific(g_multi_key) : NULL;
    if (m) {
        pthread_setspecific(g_multi_key, NULL);
        aslrt_curl.multi_cleanup(m);
    }
    if (g_ready)
        aslrt_curl.global_cleanup();
    g_ready = 0;
    pthread_mutex_unlock(&g_lock);
}

/* Runs the request on h until it completes, `limit` (seconds since the
   epoch; 0: none) or the task's deadline passes, or the execution stops.
   *code is curl's result when ASLRT_CURL_DONE. */
int aslrt_curl_perform(aslrt_task *t, CURL *h, double limit, CURLcode *code)
{
    CURLM *multi = thread_multi();
    aslrt_curl.multi_add_handle(multi, h);
    int outcome = ASLRT_CURL_DONE, running = 1;
    double until = t ? aslrt_task_deadline(t) : 0;
    if (t)
        aslrt_pool_blocking(t->ex, 1); /* waiting on the server: another branch may use the CPU (pool.h) */
    if (limit > 0 && (until <= 0 || limit < until))
        until = limit;
    for (;;) {
        aslrt_curl.multi_perform(multi, &running);
        if (!running)
            break;
        if (t && (aslrt_stop_reason(t->ex->run) != ASLRT_STOP_NONE || aslrt_cancelled(t->ex))) {
            outcome = ASLRT_CURL_STOPPED;
            break;
        }
        if (until > 0 && aslrt_now() >= until) {
            outcome = ASLRT_CURL_EXPIRED;
            break;
        }
        struct curl_waitfd w = {.fd = t ? aslrt_stop_fd(t->ex->run) : -1, .events = CURL_WAIT_POLLIN};
        int ms = t ? aslrt_stop_poll_ms(t->ex->run, until) : until > 0 ? (int)((until - aslrt_now()) * 1000) + 1 : 1000;
        aslrt_curl.multi_poll(multi, w.fd >= 0 ? &w : NULL, w.fd >= 0 ? 1 : 0, ms < 1000 ? ms : 1000, NULL);
    }
    if (t)
        aslrt_pool_blocking(t->ex, 0);
    *code = CURLE_OK;
    if (outcome == ASLRT_CURL_DONE) {
        int left;
        CURLMsg *msg;
        while ((msg = aslrt_curl.multi_info_read(multi, &left)) != NULL)
            if (msg->msg == CURLMSG_DONE)
                *code = msg->data.result;
    }
    aslrt_curl.multi_remove_handle(multi, h);
    return outcome;
}

