/* endpoints.c — the service endpoint, configured or AWS's. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "endpoints.h"
#include "profile.h"
#include "xalloc.h"

/* The service id snake-cased: spaces and hyphens as '_', then upper or
   lower case throughout. */
static char *snake(const char *service_id, int upper)
{
    char *s = aslrt_xstrdup(service_id);
    for (char *c = s; *c; c++)
        *c = *c == ' ' || *c == '-' ? '_' : (char)(upper ? toupper((unsigned char)*c) : tolower((unsigned char)*c));
    return s;
}

char *aslrt_aws_endpoint_env_name(const char *service_id)
{
    char *s = snake(service_id, 1);
    char *name = aslrt_strf("AWS_ENDPOINT_URL_%s", s);
    free(s);
    return name;
}

/* url without its trailing slashes, malloc'd (url taken). */
static char *trimmed(char *url)
{
    size_t n = strlen(url);
    while (n && url[n - 1] == '/')
        url[--n] = '\0';
    return url;
}

static char *configured(const char *service_id)
{
    const char *ignore = getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    if (ignore && strcasecmp(ignore, "true") == 0)
        return NULL;
    char *env = aslrt_aws_endpoint_env_name(service_id);
    const char *v = getenv(env);
    free(env);
    if (v && *v)
        return aslrt_xstrdup(v);
    char *profile = aslrt_aws_profile_name(), *lower = snake(service_id, 0);
    char *url = aslrt_aws_profile_service_get(profile, lower, "endpoint_url");
    free(lower);
    if (!url && (v = getenv("AWS_ENDPOINT_URL")) != NULL && *v)
        url = aslrt_xstrdup(v);
    if (!url)
        url = aslrt_aws_profile_get(0, profile, "endpoint_url");
    free(profile);
    if (url && !*url) {
        free(url);
        url = NULL;
    }
    return url;
}

char *aslrt_aws_endpoint(const char *service_id, const char *endpoint_prefix, const char *region)
{
    char *url = configured(service_id);
    if (url)
        return trimmed(url);
    const char *suffix = strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
    return aslrt_strf("https://%s.%s.%s", endpoint_prefix, region, suffix);
}
