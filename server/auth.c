/* auth.c — the keys of `--auth` and the check of each request's signature (auth.h). The
   signature arithmetic is runtime/aws/sigv4.c's; this file only knows the keys. Requests signed
   for any region pass, as Step Functions Local lets them (SDK tests often say "local"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "auth.h"
#include "jsonfile.h"
#include "sigv4.h"
#include "xalloc.h"

struct srv_auth {
    cJSON *keys; /* {"AKID": "secret", ...}, checked by srv_auth_load */
};

srv_auth *srv_auth_load(const char *file, char **err)
{
    cJSON *keys = aslrt_json_load(file, err);
    if (!keys)
        return NULL;
    const char *problem = NULL;
    const char *member = "";
    if (!cJSON_IsObject(keys) || !keys->child)
        problem = "must be a JSON object of access key ids to secret access keys, with at least one";
    for (const cJSON *k = keys->child; k && !problem; k = k->next) {
        member = k->string;
        if (!cJSON_IsString(k) || !*k->valuestring)
            problem = "must be a non-empty string (the secret access key)";
        else if (!*k->string || strlen(k->string) > 128)
            problem = "is not an access key id (1 to 128 characters)";
    }
    if (problem) {
        /* the member's name is an access key id, not a secret: it may be shown */
        *err = *member ? aslrt_strf("--auth %s: /%s: %s", file, member, problem)
                       : aslrt_strf("--auth %s: %s", file, problem);
        cJSON_Delete(keys);
        return NULL;
    }
    srv_auth *a = aslrt_xmalloc(sizeof *a);
    a->keys = keys;
    return a;
}

void srv_auth_free(srv_auth *a)
{
    if (!a)
        return;
    cJSON_Delete(a->keys);
    free(a);
}

static int lookup(void *ctx, const char *access_key_id, const char *session_token, char *secret, size_t size)
{
    const srv_auth *a = ctx;
    (void)session_token; /* the keys file has no session credentials: a token is signed, not checked */
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(a->keys, access_key_id);
    if (!k || strlen(k->valuestring) >= size)
        return -1;
    memcpy(secret, k->valuestring, strlen(k->valuestring) + 1);
    return 0;
}

int srv_auth_check(const srv_auth *a, const char *method, const char *path, const char *query,
                   const srv_auth_header *headers, size_t nheaders, const char *body, size_t len,
                   int *status, const char **type, char *message, size_t size)
{
    /* srv_auth_header and aslrt_sigv4_header are the same pair of names */
    aslrt_sigv4_header *h = aslrt_xmalloc((nheaders ? nheaders : 1) * sizeof *h);
    for (size_t i = 0; i < nheaders; i++)
        h[i] = (aslrt_sigv4_header){headers[i].name, headers[i].value};
    aslrt_sigv4_request rq = {.method = method, .path = path, .query = query, .headers = h, .nheaders = nheaders};
    aslrt_sigv4_verdict v;
    int rc = aslrt_sigv4_verify(&rq, body, len, "states", NULL, time(NULL), lookup, (void *)a, &v);
    free(h);
    if (rc == 0)
        return 0;
    *status = v.status;
    *type = v.error;
    snprintf(message, size, "%s", v.message);
    return -1;
}
