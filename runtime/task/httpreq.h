/* httpreq.h — the request an arn:aws:states:::http:invoke Task sends, built
   from its Parameters and checked, without sending anything: http_handler.c
   sends what aslrt_httpreq_build() made, validate.c checks a definition's
   literal values with the same field checks, and fuzz/fuzz_httpreq.c drives
   the builder. Internal to aslc. */
#ifndef ASLRT_HTTPREQ_H
#define ASLRT_HTTPREQ_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* One request header; name and value are checked (see
   aslrt_httpreq_header_problem), so "name: value" is one header line. */
typedef struct aslrt_http_header {
    char *name;
    char *value;
} aslrt_http_header;

typedef struct aslrt_httpreq {
    char *method;               /* one of aslrt_httpreq_methods */
    char *url;                  /* ApiEndpoint, QueryParameters appended */
    int https;                  /* 1: https://; 0: http:// to a loopback host */
    aslrt_http_header *headers; /* Headers in the order given, then Content-Type when aslc adds one */
    size_t nheaders;
    char *body;                 /* NULL: no body; else body_len bytes (and a NUL) */
    size_t body_len;
} aslrt_httpreq;

/* NULL-terminated lists of the values AWS accepts: Method,
   Transform.RequestBodyEncoding and Transform.RequestEncodingOptions.ArrayFormat. */
extern const char *const aslrt_httpreq_methods[];
extern const char *const aslrt_httpreq_encodings[];
extern const char *const aslrt_httpreq_array_formats[];

/* Builds the request from `params` (the Task's effective parameters:
   ApiEndpoint, Method, Headers, QueryParameters, RequestBody, Transform).
   0 with *rq filled (free it with aslrt_httpreq_free), or -1 with *why a
   malloc'd sentence naming the field that is wrong (the caller fails the
   Task with States.Runtime) and *rq empty. */
int aslrt_httpreq_build(const cJSON *params, aslrt_httpreq *rq, char **why);
void aslrt_httpreq_free(aslrt_httpreq *rq);

/* The checks of one value, for the builder and for `aslc check`: NULL when
   the value is fine, else a phrase saying what is wrong ("it is not an
   https:// URL"). */
const char *aslrt_httpreq_endpoint_problem(const char *url);
/* A header: name alone when value is NULL. */
const char *aslrt_httpreq_header_problem(const char *name, const char *value);
/* Is `name` one of the headers http:invoke refuses (AWS's list)? */
int aslrt_httpreq_header_forbidden(const char *name);

#endif
