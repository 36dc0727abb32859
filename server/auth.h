/* auth.h — `aslc serve --auth KEYS.json`: every request must carry a valid SigV4 signature
   (runtime/aws/sigv4.c checks it) by one of the access keys the file names. */
#ifndef SRV_AUTH_H
#define SRV_AUTH_H

#include <stddef.h>

typedef struct srv_auth srv_auth;

/* Reads KEYS.json, a JSON object of access key ids to secret access keys (strings, at least
   one). NULL with *err (malloc'd; it names the file and the member, never a secret). */
srv_auth *srv_auth_load(const char *file, char **err);
void srv_auth_free(srv_auth *a);

/* One received header. */
typedef struct srv_auth_header {
    const char *name, *value;
} srv_auth_header;

/* Checks a request as AWS does. 0 when a known key signed it; else -1 with *status (400 or
   403), *type (AWS's exception name, static) and message (AWS's wording, never a secret or
   the signature; `size` bytes). */
int srv_auth_check(const srv_auth *a, const char *method, const char *path, const char *query,
                   const srv_auth_header *headers, size_t nheaders, const char *body, size_t len,
                   int *status, const char **type, char *message, size_t size);

#endif
