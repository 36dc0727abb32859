/* http.c — the server's HTTP side over libmicrohttpd (http.h). Each connection's request is
   collected in a buffer of its own (up to SRV_HTTP_BODY_MAX), then answered by the API on the
   pool thread that read it, or later (later.h): the connection is suspended until another
   thread has the answer. Keep-alive is HTTP/1.1's default and libmicrohttpd's. */
#include <errno.h>
#include <pthread.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "api.h"
#include "buf.h"
#include "http.h"
#include "jsonprint.h"
#include "later.h"
#include "random.h"
#include "xalloc.h"

struct srv_http {
    srv *s;
    struct MHD_Daemon *daemon;
    int port;
    atomic_int in_flight; /* requests begun and not yet answered */
};

/* A request answered after its handler returned (later.h). The lock orders the handler's
   thread, which suspends the connection, against the answering thread, which resumes it:
   whichever comes second acts. */
struct srv_later {
    struct MHD_Connection *c;
    pthread_mutex_t lock;
    int taken;     /* srv_later_take() was called */
    int suspended; /* the connection is suspended, waiting for the answer */
    int answered;  /* reply holds the answer */
    srv_reply reply;
};

/* One request being read. */
typedef struct request {
    asl_buf body;
    int too_large; /* the body passed SRV_HTTP_BODY_MAX: the rest is read and dropped */
    srv_later later;
} request;

/* The request whose handler runs on this thread (srv_later_take). */
static _Thread_local request *current;

/* Queues reply as the answer, with the headers AWS sends. */
static enum MHD_Result answer(struct MHD_Connection *c, srv_reply *reply)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(reply->len, reply->body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(reply->body);
        return MHD_NO;
    }
    char id[37];
    aslrt_uuid4(id);
    MHD_add_response_header(r, "Content-Type", "application/x-amz-json-1.0");
    MHD_add_response_header(r, "x-amzn-RequestId", id);
    enum MHD_Result rc = MHD_queue_response(c, (unsigned)reply->status, r);
    MHD_destroy_response(r);
    return rc;
}

srv_later *srv_later_take(void)
{
    if (!current)
        return NULL;
    current->later.taken = 1;
    return &current->later;
}

void srv_later_answer(srv_later *l, cJSON *resp, srv_err *e)
{
    srv_reply reply = {0};
    if (e) {
        srv_api_error_reply(&reply, e->status ? e->status : 500, e->type[0] ? e->type : "InternalServerError",
                            e->message ? e->message : "internal error");
        free(e->message);
        e->message = NULL;
    } else {
        reply.status = 200;
        reply.body = resp ? aslrt_json_text(resp) : aslrt_xstrdup("{}");
        reply.len = strlen(reply.body);
    }
    cJSON_Delete(resp);
    pthread_mutex_lock(&l->lock);
    l->reply = reply;
    l->answered = 1;
    int resume = l->suspended;
    struct MHD_Connection *c = l->c;
    pthread_mutex_unlock(&l->lock);
    /* Suspended, the request cannot end before this resumes it; not yet suspended, the handler's
       thread answers it itself once it takes the lock. Either way l is not touched again here. */
    if (resume)
        MHD_resume_connection(c);
}

/* Queues the answer srv_later_answer left (answer() takes its body). */
static enum MHD_Result answer_later(struct MHD_Connection *c, request *rq)
{
    srv_reply reply = rq->later.reply;
    rq->later.reply.body = NULL;
    return answer(c, &reply);
}

/* After the handler took the request: answers it when the answer is already there, else
   suspends the connection until srv_later_answer resumes it. */
static enum MHD_Result defer(struct MHD_Connection *c, request *rq)
{
    pthread_mutex_lock(&rq->later.lock);
    if (rq->later.answered) {
        pthread_mutex_unlock(&rq->later.lock);
        return answer_later(c, rq);
    }
    rq->later.suspended = 1;
    MHD_suspend_connection(c);
    pthread_mutex_unlock(&rq->later.lock);
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    srv_http *h = cls;
    (void)url, (void)version;
    request *rq = *con_cls;
    if (!rq) { /* the headers have arrived */
        rq = calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        rq->later.c = c;
        pthread_mutex_init(&rq->later.lock, NULL);
        *con_cls = rq;
        atomic_fetch_add(&h->in_flight, 1);
        const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (length && strtoull(length, NULL, 10) > SRV_HTTP_BODY_MAX)
            rq->too_large = 1;
        return MHD_YES;
    }
    if (rq->later.taken) { /* resumed: srv_later_answer has put the answer there */
        pthread_mutex_lock(&rq->later.lock);
        int ready = rq->later.answered;
        pthread_mutex_unlock(&rq->later.lock);
        return ready ? answer_later(c, rq) : MHD_YES;
    }
    if (*upload_size) {
        if (!rq->too_large && rq->body.len + *upload_size > SRV_HTTP_BODY_MAX)
            rq->too_large = 1;
        if (!rq->too_large)
            asl_buf_add(&rq->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    srv_reply reply = {0};
    if (rq->too_large) {
        char *msg = aslrt_strf("The request body is larger than %u bytes", SRV_HTTP_BODY_MAX);
        srv_api_error_reply(&reply, 413, "RequestEntityTooLargeException", msg);
        free(msg);
    } else if (strcmp(method, "POST") != 0) {
        srv_api_error_reply(&reply, 404, "UnknownOperationException",
                            "The Step Functions API takes POST requests with an X-Amz-Target header");
    } else {
        const char *target = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Amz-Target");
        current = rq;
        srv_api_handle(h->s, target, rq->body.data ? rq->body.data : "", rq->body.len, &reply);
        current = NULL;
        if (rq->later.taken) {
            free(reply.body);
            return defer(c, rq);
        }
    }
    return answer(c, &reply);
}

/* The request's end, answered or not (the client went away). */
static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode why)
{
    srv_http *h = cls;
    (void)c, (void)why;
    request *rq = *con_cls;
    if (!rq)
        return;
    asl_buf_free(&rq->body);
    free(rq->later.reply.body); /* answered, but the connection went before it was sent */
    pthread_mutex_destroy(&rq->later.lock);
    free(rq);
    *con_cls = NULL;
    atomic_fetch_sub(&h->in_flight, 1);
}

srv_http *srv_http_start(srv *s, const char *host, int port, int threads, char **err)
{
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    int gai = getaddrinfo(host, service, &hints, &ai);
    if (gai != 0) {
        *err = aslrt_strf("cannot listen on %s: %s", host, gai_strerror(gai));
        return NULL;
    }
    srv_http *h = calloc(1, sizeof *h);
    h->s = s;
    atomic_init(&h->in_flight, 0);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME;
    if (ai->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    h->daemon = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, h,
                                 MHD_OPTION_SOCK_ADDR, ai->ai_addr,
                                 MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
                                 MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SRV_HTTP_HEADER_MEMORY,
                                 MHD_OPTION_CONNECTION_TIMEOUT, 120u,
                                 MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
                                 MHD_OPTION_END);
    freeaddrinfo(ai);
    if (!h->daemon) {
        *err = aslrt_strf("cannot listen on %s port %d: %s", host, port,
                          errno ? strerror(errno) : "libmicrohttpd refused");
        free(h);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? info->port : port;
    return h;
}

int srv_http_port(const srv_http *h)
{
    return h->port;
}

void srv_http_stop(srv_http *h, int grace)
{
    if (!h)
        return;
    MHD_socket listen = MHD_quiesce_daemon(h->daemon);
    if (listen != MHD_INVALID_SOCKET)
        close(listen);
    struct timespec pause = {0, 10 * 1000 * 1000};
    for (int waited = 0; atomic_load(&h->in_flight) > 0 && waited < grace * 100; waited++)
        nanosleep(&pause, NULL);
    MHD_stop_daemon(h->daemon);
    free(h);
}
