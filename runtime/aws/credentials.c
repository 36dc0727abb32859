/* credentials.c — the credential provider chain.
 *
 * Each source either gives a complete set (an access key and a secret, a
 * token and an expiry when it has them), or nothing and a phrase saying why
 * for the final message. Only the first source that gives a set is used,
 * as in the SDKs: a profile with keys is never mixed with the environment's.
 * The network sources (container, instance) have short timeouts, and the
 * instance's is tried last, only when nothing else answered: outside EC2,
 * 169.254.169.254 answers nobody, and a workflow must not wait for it long.
 * Secrets are wiped when dropped and never appear in a message.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "aws_http.h"
#include "buf.h"
#include "credentials.h"
#include "profile.h"
#include "timestamp.h"
#include "xalloc.h"

#define REFRESH_BEFORE 300.0 /* seconds before expiry when the SDKs fetch again */
#define NET_TIMEOUT 2.0      /* container and instance sources */

static void wipe_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

void aslrt_aws_creds_clear(aslrt_aws_creds *c)
{
    wipe_free(c->access_key_id);
    wipe_free(c->secret_access_key);
    wipe_free(c->session_token);
    memset(c, 0, sizeof *c);
}

static void creds_copy(aslrt_aws_creds *to, const aslrt_aws_creds *from)
{
    to->access_key_id = aslrt_xstrdup(from->access_key_id);
    to->secret_access_key = aslrt_xstrdup(from->secret_access_key);
    to->session_token = from->session_token ? aslrt_xstrdup(from->session_token) : NULL;
    to->expiration = from->expiration;
    to->source = from->source;
}

static int nonempty(const char *s)
{
    return s && *s;
}

/* ------------------------------------------------------------- sources */

static int from_environment(aslrt_aws_creds *c)
{
    const char *id = getenv("AWS_ACCESS_KEY_ID"), *secret = getenv("AWS_SECRET_ACCESS_KEY");
    const char *token = getenv("AWS_SESSION_TOKEN");
    if (!nonempty(id) || !nonempty(secret))
        return -1;
    c->access_key_id = aslrt_xstrdup(id);
    c->secret_access_key = aslrt_xstrdup(secret);
    c->session_token = nonempty(token) ? aslrt_xstrdup(token) : NULL;
    c->source = "environment";
    return 0;
}

/* aws_access_key_id and aws_secret_access_key (and aws_session_token) of
   the profile in one of the files. */
static int from_profile_keys(aslrt_aws_creds *c, const char *profile, int credentials_file)
{
    char *id = aslrt_aws_profile_get(credentials_file, profile, "aws_access_key_id");
    char *secret = aslrt_aws_profile_get(credentials_file, profile, "aws_secret_access_key");
    if (!nonempty(id) || !nonempty(secret)) {
        wipe_free(id);
        wipe_free(secret);
        return -1;
    }
    c->access_key_id = id;
    c->secret_access_key = secret;
    c->session_token = aslrt_aws_profile_get(credentials_file, profile, "aws_session_token");
    c->source = credentials_file ? "shared credentials file" : "config file";
    return 0;
}

/* The JSON the container endpoint, the instance and credential_process
   answer with: AccessKeyId, SecretAccessKey, Token or SessionToken,
   Expiration (RFC 3339). */
static int from_json(aslrt_aws_creds *c, const char *text, size_t len, const char *source, char **why)
{
    cJSON *j = cJSON_ParseWithLength(text, len);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "AccessKeyId");
    const cJSON *secret = cJSON_GetObjectItemCaseSensitive(j, "SecretAccessKey");
    const cJSON *token = cJSON_GetObjectItemCaseSensitive(j, "Token");
    if (!token)
        token = cJSON_GetObjectItemCaseSensitive(j, "SessionToken");
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(j, "Expiration");
    aslrt_time t = {0, 0};
    if (!cJSON_IsString(id) || !cJSON_IsString(secret) || !*id->valuestring || !*secret->valuestring) {
        *why = aslrt_strf("%s answered without AccessKeyId and SecretAccessKey", source);
        cJSON_Delete(j);
        return -1;
    }
    if (exp && (!cJSON_IsString(exp) || aslrt_timestamp_parse(exp->valuestring, &t) != 0)) {
        *why = aslrt_strf("%s answered with an Expiration that is not an RFC 3339 time", source);
        cJSON_Delete(j);
        return -1;
    }
    c->access_key_id = aslrt_xstrdup(id->valuestring);
    c->secret_access_key = aslrt_xstrdup(secret->valuestring);
    c->session_token = cJSON_IsString(token) && *token->valuestring ? aslrt_xstrdup(token->valuestring) : NULL;
    c->expiration = exp ? (double)t.sec : 0;
    c->source = source;
    if (j) {
        /* the parsed copy of the secret goes too */
        cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "SecretAccessKey");
        OPENSSL_cleanse(s->valuestring, strlen(s->valuestring));
    }
    cJSON_Delete(j);
    return 0;
}

/* The profile's credential_process: its standard output is the JSON
   (with "Version": 1). */
static int from_process(aslrt_aws_creds *c, const char *profile, char **why)
{
    char *cmd = aslrt_aws_profile_get(1, profile, "credential_process");
    if (!cmd)
        cmd = aslrt_aws_profile_get(0, profile, "credential_process");
    if (!nonempty(cmd)) {
        free(cmd);
        return -1;
    }
    FILE *p = popen(cmd, "r");
    if (!p) {
        *why = aslrt_strf("the credential_process of profile '%s' could not be started", profile);
        free(cmd);
        return -2;
    }
    asl_buf out = {0};
    asl_buf_read(&out, p);
    int status = pclose(p);
    int rc = -2;
    if (status != 0)
        *why = aslrt_strf("the credential_process of profile '%s' failed (status %d)", profile, status);
    else if (from_json(c, out.data ? out.data : "", out.len, "credential_process", why) == 0)
        rc = 0;
    if (out.data)
        OPENSSL_cleanse(out.data, out.len);
    asl_buf_free(&out);
    free(cmd);
    return rc;
}

/* Is url one the SDKs let the container source fetch: https anywhere, http
   only to loopback and the ECS and EKS agents. */
static int container_url_allowed(const char *url)
{
    if (strncasecmp(url, "https://", 8) == 0)
        return 1;
    static const char *const hosts[] = {"http://127.", "http://localhost:", "http://localhost/",
                                        "http://[::1]", "http://169.254.170.2:", "http://169.254.170.2/",
                                        "http://169.254.170.23:", "http://169.254.170.23/", "http://[fd00:ec2::23]"};
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++)
        if (strncasecmp(url, hosts[i], strlen(hosts[i])) == 0)
            return 1;
    return 0;
}

static int from_container(aslrt_aws_creds *c, char **why)
{
    const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (!nonempty(rel) && !nonempty(full))
        return -1;
    char *url = nonempty(rel) ? aslrt_strf("http://169.254.170.2%s", rel) : aslrt_xstrdup(full);
    if (!container_url_allowed(url)) {
        *why = aslrt_xstrdup("AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback or ECS/EKS "
                             "agent address");
        free(url);
        return -2;
    }
    char *token = NULL;
    const char *token_file = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    if (nonempty(token_file)) {
        FILE *f = fopen(token_file, "r");
        asl_buf b = {0};
        if (f) {
            asl_buf_read(&b, f);
            fclose(f);
        }
        while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
            b.data[--b.len] = '\0';
        token = b.len ? asl_buf_take(&b) : NULL;
        asl_buf_free(&b);
        if (!token) {
            *why = aslrt_strf("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s could not be read", token_file);
            free(url);
            return -2;
        }
    } else if (nonempty(getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN"))) {
        token = aslrt_xstrdup(getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
    }
    char *auth = token ? aslrt_strf("Authorization: %s", token) : NULL;
    const char *headers[] = {"Accept: application/json", auth, NULL};
    aslrt_aws_http rq = {.method = "GET", .url = url, .headers = headers, .timeout = NET_TIMEOUT};
    aslrt_aws_reply r;
    char *err;
    int rc = -2;
    if (aslrt_aws_http_send(&rq, &r, &err) != ASLRT_AWS_SENT) {
        *why = aslrt_strf("the container credentials endpoint: %s", err);
        free(err);
    } else {
        if (r.status != 200)
            *why = aslrt_strf("the container credentials endpoint %s answered HTTP %ld", url, r.status);
        else if (from_json(c, r.body.data, r.body.len, "container", why) == 0)
            rc = 0;
        OPENSSL_cleanse(r.body.data, r.body.len);
        aslrt_aws_reply_free(&r);
    }
    wipe_free(auth);
    wipe_free(token);
    free(url);
    return rc;
}

/* GET (or PUT) base+path on the instance metadata service: the body,
   malloc'd, or NULL with *why. */
static char *imds(const char *method, const char *base, const char *path, const char *header, char **why)
{
    char *url = aslrt_strf("%s%s", base, path);
    const char *headers[] = {header, NULL};
    aslrt_aws_http rq = {.method = method, .url = url, .headers = headers, .timeout = 1.0};
    aslrt_aws_reply r;
    char *err, *body = NULL;
    if (aslrt_aws_http_send(&rq, &r, &err) != ASLRT_AWS_SENT) {
        *why = aslrt_strf("the instance metadata service: %s", err);
        free(err);
    } else {
        if (r.status == 200)
            body = asl_buf_take(&r.body);
        else
            *why = aslrt_strf("the instance metadata service answered %s %s with HTTP %ld", method, path, r.status);
        aslrt_aws_reply_free(&r);
    }
    free(url);
    return body;
}

static int from_instance(aslrt_aws_creds *c, char **why)
{
    const char *off = getenv("AWS_EC2_METADATA_DISABLED");
    if (off && strcasecmp(off, "true") == 0)
        return -1;
    const char *base = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    if (!nonempty(base))
        base = "http://169.254.169.254";
    char *b = aslrt_xstrdup(base);
    size_t n = strlen(b);
    while (n && b[n - 1] == '/')
        b[--n] = '\0';
    int rc = -2;
    char *token = imds("PUT", b, "/latest/api/token", "X-aws-ec2-metadata-token-ttl-seconds: 21600", why);
    if (token) {
        char *h = aslrt_strf("X-aws-ec2-metadata-token: %s", token);
        char *role = imds("GET", b, "/latest/meta-data/iam/security-credentials/", h, why);
        if (role) {
            role[strcspn(role, "\r\n")] = '\0';
            char *path = aslrt_strf("/latest/meta-data/iam/security-credentials/%s", role);
            char *json = *role ? imds("GET", b, path, h, why) : NULL;
            if (!*role)
                *why = aslrt_xstrdup("the instance has no IAM role");
            if (json && from_json(c, json, strlen(json), "instance metadata", why) == 0)
                rc = 0;
            wipe_free(json);
            free(path);
            free(role);
        }
        wipe_free(h);
        wipe_free(token);
    }
    free(b);
    return rc;
}

/* Runs the chain: 0 with *c, or -1 with *why. */
static int resolve(aslrt_aws_creds *c, char **why)
{
    memset(c, 0, sizeof *c);
    *why = NULL;
    if (from_environment(c) == 0)
        return 0;
    char *profile = aslrt_aws_profile_name(), *problem = NULL;
    int rc = from_profile_keys(c, profile, 1);
    if (rc != 0)
        rc = from_process(c, profile, &problem);
    if (rc == -1)
        rc = from_profile_keys(c, profile, 0);
    if (rc == -1)
        rc = from_container(c, &problem);
    if (rc == -1)
        rc = from_instance(c, &problem);
    if (rc != 0)
        *why = aslrt_strf("No AWS credentials were found (tried the environment's AWS_ACCESS_KEY_ID, profile '%s' in "
                          "the shared credentials and config files, the container and the instance metadata "
                          "service)%s%s.",
                          profile, problem ? ": " : "", problem ? problem : "");
    free(problem);
    free(profile);
    return rc == 0 ? 0 : -1;
}

/* ------------------------------------------------------------- caching */

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static aslrt_aws_creds g_cached;
static int g_have;

int aslrt_aws_credentials_get(aslrt_aws_creds *c, char **why)
{
    memset(c, 0, sizeof *c);
    *why = NULL;
    pthread_mutex_lock(&g_lock);
    int rc = 0;
    if (!g_have || (g_cached.expiration > 0 && aslrt_now() >= g_cached.expiration - REFRESH_BEFORE)) {
        aslrt_aws_creds fresh;
        rc = resolve(&fresh, why);
        if (rc == 0) {
            aslrt_aws_creds_clear(&g_cached);
            g_cached = fresh;
            g_have = 1;
        } else if (g_have && aslrt_now() < g_cached.expiration) {
            rc = 0; /* the old ones still work: use them until they do not */
            free(*why);
            *why = NULL;
        }
    }
    if (rc == 0)
        creds_copy(c, &g_cached);
    pthread_mutex_unlock(&g_lock);
    return rc;
}

void aslrt_aws_credentials_forget(void)
{
    pthread_mutex_lock(&g_lock);
    aslrt_aws_creds_clear(&g_cached);
    g_have = 0;
    pthread_mutex_unlock(&g_lock);
}

char *aslrt_aws_region(void)
{
    const char *r = getenv("AWS_REGION");
    if (!nonempty(r))
        r = getenv("AWS_DEFAULT_REGION");
    if (nonempty(r))
        return aslrt_xstrdup(r);
    char *profile = aslrt_aws_profile_name();
    char *region = aslrt_aws_profile_get(0, profile, "region");
    free(profile);
    if (region && !*region) {
        free(region);
        region = NULL;
    }
    return region;
}
