/* curl_api.h — libcurl, loaded by the first request that needs it, and one
   request carried out on the calling thread: for http_handler.c (bindings,
   http:invoke) and runtime/aws/ (AWS service calls, credentials). Internal. */
#ifndef ASLRT_CURL_API_H
#define ASLRT_CURL_API_H

#define CURL_DISABLE_TYPECHECK /* calls go through pointers, not curl's macros */
#include <curl/curl.h>

#include "task.h"

/* The libcurl functions used, from the loaded library. */
struct aslrt_curl_api {
    CURLcode (*global_init)(long flags);
    void (*global_cleanup)(void);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *h, CURLoption option, ...);
    CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
    void (*easy_cleanup)(CURL *h);
    const char *(*easy_strerror)(CURLcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *s);
    void (*slist_free_all)(struct curl_slist *list);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_add_handle)(CURLM *m, CURL *h);
    CURLMcode (*multi_remove_handle)(CURLM *m, CURL *h);
    CURLMcode (*multi_perform)(CURLM *m, int *running);
    CURLMcode (*multi_poll)(CURLM *m, struct curl_waitfd extra[], unsigned n, int ms, int *ret);
    CURLMsg *(*multi_info_read)(CURLM *m, int *left);
    CURLMcode (*multi_cleanup)(CURLM *m);
};
/* Filled by aslrt_curl_load(); read-only after. */
extern struct aslrt_curl_api aslrt_curl;

/* Loads libcurl and sets up its global state, once per process: NULL when
   ready, else why not (a static sentence). */
const char *aslrt_curl_load(void);

enum { ASLRT_CURL_DONE, ASLRT_CURL_EXPIRED, ASLRT_CURL_STOPPED };

/* Runs the request on h until it completes, `limit` (seconds since the
   epoch; 0: none) or the task's deadline passes, or the execution stops (t
   NULL: no task, only limit). *code is curl's result when DONE. Requests
   of one thread share its multi handle, and so its connections: the next
   request to the same host reuses one. */
int aslrt_curl_perform(aslrt_task *t, CURL *h, double limit, CURLcode *code);

#endif
