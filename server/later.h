/* later.h — answering a request after its handler has returned: a long poll
   (GetActivityTask) or a StartSyncExecution waits for an event without holding one of the HTTP
   threads. The handler takes the request with srv_later_take() and returns 0; the HTTP side
   suspends the connection (libmicrohttpd's MHD_suspend_connection) until someone, on any
   thread, calls srv_later_answer() for it. */
#ifndef SRV_LATER_H
#define SRV_LATER_H

#include <cjson/cJSON.h>

#include "srv.h"

typedef struct srv_later srv_later;

/* Called by a handler on the thread that runs it: the request is answered later. NULL when it
   cannot wait (a handler called outside the HTTP server, as unit tests do): the handler then
   answers at once. */
srv_later *srv_later_take(void);

/* Answers a taken request, exactly once, from any thread: with resp (taken; NULL answers {})
   when e is NULL, else with the error e (its message is freed). l is gone when this returns. */
void srv_later_answer(srv_later *l, cJSON *resp, srv_err *e);

#endif
