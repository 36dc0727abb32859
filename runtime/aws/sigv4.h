/* sigv4.h — AWS Signature Version 4 (AWS4-HMAC-SHA256): signing a request,
   with an Authorization header or as a pre-signed query, and checking a
   signed request as AWS does. Pure functions of their arguments (the time
   is one): nothing is read from the environment or sent anywhere; the
   credentials come from credentials.h, the requests go out through
   aws_http.c. Internal to aslc (runtime and server). */
#ifndef ASLRT_SIGV4_H
#define ASLRT_SIGV4_H

#include <stddef.h>
#include <time.h>

typedef struct aslrt_sigv4_header {
    const char *name;
    const char *value;
} aslrt_sigv4_header;

/* The request as it goes on the wire. */
typedef struct aslrt_sigv4_request {
    const char *method;                /* "GET", "POST", ... */
    const char *path;                  /* as sent (percent-encoded, or raw bytes that get encoded) */
    const char *query;                 /* after the '?', or NULL */
    const aslrt_sigv4_header *headers; /* every header to sign, Host among them */
    size_t nheaders;
    const char *payload_hash;          /* hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"; NULL: an empty body */
} aslrt_sigv4_request;

enum {
    /* The path's dot and empty segments are signed as they are (not removed). */
    ASLRT_SIGV4_KEEP_SEGMENTS = 1,
    /* The path is signed as sent, not URI-encoded again. */
    ASLRT_SIGV4_PATH_AS_SENT = 8,
    /* S3's rules: both. */
    ASLRT_SIGV4_S3 = ASLRT_SIGV4_KEEP_SEGMENTS | ASLRT_SIGV4_PATH_AS_SENT,
    /* Sign (and send) x-amz-content-sha256: S3 requires it. */
    ASLRT_SIGV4_CONTENT_SHA256 = 2,
    /* The session token is sent but not signed (as for STS-style callers). */
    ASLRT_SIGV4_OMIT_TOKEN = 4
};

/* Who signs, for what, and when. */
typedef struct aslrt_sigv4_params {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /* NULL or "": none */
    const char *region;        /* "us-east-1" */
    const char *service;       /* the signing name: "dynamodb", "s3", "states", ... */
    time_t when;
    unsigned flags;            /* ASLRT_SIGV4_* */
    long expires;              /* a pre-signed query's X-Amz-Expires, in seconds */
} aslrt_sigv4_params;

/* A signature and the steps to it; every string is malloc'd or NULL. */
typedef struct aslrt_sigv4 {
    char amz_date[17];         /* 20150830T123600Z: the X-Amz-Date */
    char signature[65];        /* hex */
    char *canonical_request;
    char *string_to_sign;
    /* Header form: what to add to the request. authorization is the value of
       the Authorization header; content_sha256 and security_token are the
       values of x-amz-content-sha256 and x-amz-security-token, NULL when not
       sent. */
    char *authorization;
    char *content_sha256;
    char *security_token;
    /* Query form: the whole query string to send (the request's own
       parameters and the X-Amz-* ones, X-Amz-Signature included). */
    char *query;
} aslrt_sigv4;

/* Signs rq with an Authorization header: 0, or -1 when a required part
   (method, path, key, region, service) is missing. out is always safe to
   free with aslrt_sigv4_free. */
int aslrt_sigv4_sign(const aslrt_sigv4_request *rq, const aslrt_sigv4_params *p, aslrt_sigv4 *out);
/* Signs rq as a pre-signed query (out->query), for p->expires seconds. */
int aslrt_sigv4_presign(const aslrt_sigv4_request *rq, const aslrt_sigv4_params *p, aslrt_sigv4 *out);
void aslrt_sigv4_free(aslrt_sigv4 *s);

/* hex: the SHA-256 of n bytes, as 64 lower-case hex digits and a NUL. */
void aslrt_sigv4_sha256_hex(const void *data, size_t n, char hex[65]);

/* ------------------------------------------------------------ checking */

/* Finds the secret key of access_key_id (session_token: the request's
   x-amz-security-token, or NULL): copies it into secret (size bytes, NUL
   included) and returns 0, or returns -1 for a key it does not know. */
typedef int (*aslrt_sigv4_secret_fn)(void *ctx, const char *access_key_id, const char *session_token, char *secret,
                                     size_t size);

/* The outcome of a check. */
typedef struct aslrt_sigv4_verdict {
    const char *error;        /* NULL: the signature is good; else AWS's error name
                                 (MissingAuthenticationTokenException, IncompleteSignatureException,
                                 InvalidSignatureException, UnrecognizedClientException) */
    int status;               /* the HTTP status to answer with (400), when error is set */
    char message[400];        /* AWS's message; never a secret or the signature */
    char access_key_id[129];  /* who signed it, when the signature is good */
} aslrt_sigv4_verdict;

/* Checks a received request: rq's headers are all those received (the
   Authorization header among them), its payload_hash is ignored: the
   x-amz-content-sha256 header, else the SHA-256 of body, is signed. Also
   takes a pre-signed query (X-Amz-Signature in rq->query). service and
   region are what the credential scope must name (region NULL: any); now
   bounds the request's date to AWS's five minutes. The signatures are
   compared in constant time. 0 when good, else -1 with out->error. */
int aslrt_sigv4_verify(const aslrt_sigv4_request *rq, const void *body, size_t body_len, const char *service,
                       const char *region, time_t now, aslrt_sigv4_secret_fn lookup, void *ctx,
                       aslrt_sigv4_verdict *out);

#endif
