/* srv.h — the server as every handler sees it: its options, its store, and how a request
   fails (an AWS error: HTTP status, exception name, message). */
#ifndef SRV_SRV_H
#define SRV_SRV_H

#include "store.h"

/* `aslc serve`'s options (serve.c; defaults as Step Functions Local's). */
typedef struct srv_options {
    const char *host;        /* "127.0.0.1" */
    int port;                /* 8083; 0: any free port */
    const char *db;          /* ":memory:" (fresh at each start), or a file kept across starts */
    const char *mock_config; /* --mock-config, or SFN_MOCK_CONFIG; NULL when neither */
    const char *bindings;    /* --bindings FILE, or NULL */
    const char *mode;        /* "jit", "aot" or "interp" */
    int no_wait;             /* --no-wait: Wait states do not wait */
    int aws;                 /* --aws: unclaimed Tasks call the AWS services themselves */
    double time_scale;       /* --time-scale X (1: real time) */
    const char *region;      /* "us-east-1": the region of the ARNs it makes */
    const char *account;     /* "123456789012" */
    const char *auth;        /* --auth FILE (access key id -> secret), or NULL */
} srv_options;

typedef struct srv {
    srv_options opt;
    srv_store *store;
    void *executor; /* the engine that runs executions (executor.c), NULL until it exists */
    struct srv_auth *auth; /* --auth: the keys every request must be signed with (auth.h), or NULL */
} srv;

/* An AWS error: answered as HTTP `status` with {"__type": type, "message": message}. */
typedef struct srv_err {
    int status;     /* 400 unless said otherwise */
    char type[64];  /* "ValidationException" */
    char *message;  /* malloc'd */
    char *resource; /* the resourceName member of ResourceNotFound and TooManyTags, or NULL */
} srv_err;

/* Fills e (status 400) and returns -1, so that a handler can `return srv_fail(...)`. */
int srv_fail(srv_err *e, const char *type, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same with an HTTP status other than 400. */
int srv_fail_status(srv_err *e, int status, const char *type, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* ResourceNotFound (or another error with a resourceName member, such as TooManyTags) for
   resource, worded as AWS words it. */
int srv_fail_resource(srv_err *e, const char *type, const char *resource);
/* A store failure (the store said why on stderr): 500 InternalServerError. */
int srv_fail_store(srv_err *e);

/* Seconds since the epoch, with the fraction AWS gives (milliseconds). */
double srv_now(void);

#endif
