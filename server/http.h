/* http.h — the server's HTTP side (libmicrohttpd): a thread pool that reads each request,
   within limits on header and body size, and hands it to the API (api.h). */
#ifndef SRV_HTTP_H
#define SRV_HTTP_H

#include "srv.h"

typedef struct srv_http srv_http;

/* The largest request body it reads: a 1 MiB definition, JSON-escaped, with room to spare.
   A longer one is answered 413. */
#define SRV_HTTP_BODY_MAX (8u << 20)
/* The memory each connection has for its request line and headers; more is answered 431.
   16 KiB holds what SDKs send (SigV4 headers and a session token) several times over;
   libmicrohttpd clears it for every request, so a larger one costs time on each. */
#define SRV_HTTP_HEADER_MEMORY (16u << 10)

/* Listens on host:port (port 0: any free port) with `threads` threads answering requests.
   NULL with *err (malloc'd) when it cannot. */
srv_http *srv_http_start(srv *s, const char *host, int port, int threads, char **err);
/* The port it listens on. */
int srv_http_port(const srv_http *h);
/* Stops taking connections, lets the requests in flight finish (for at most `grace` seconds),
   then closes every connection and frees h. */
void srv_http_stop(srv_http *h, int grace);

#endif
