/* profile.c — INI files as the AWS SDKs read them: [section] headers
 * (spaces around the name ignored), `key = value` lines (the key's case
 * ignored), comments from '#' or ';' at a line's start, and indented lines
 * after a `key =` without a value holding a nested block (S3's settings, or a service's in a
 * [services NAME] section). A file that cannot be read is a file with
 * nothing in it, as for the SDKs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "profile.h"
#include "xalloc.h"

char *aslrt_aws_profile_name(void)
{
    const char *p = getenv("AWS_PROFILE");
    return aslrt_xstrdup(p && *p ? p : "default");
}

/* The file's path: $env, else ~/.aws/<name> (malloc'd, or NULL without HOME). */
static char *file_path(const char *env, const char *name)
{
    const char *f = getenv(env);
    if (f && *f) {
        if (f[0] == '~' && f[1] == '/' && getenv("HOME"))
            return aslrt_strf("%s%s", getenv("HOME"), f + 1);
        return aslrt_xstrdup(f);
    }
    const char *home = getenv("HOME");
    return home && *home ? aslrt_strf("%s/.aws/%s", home, name) : NULL;
}

/* s without blanks at either end, in place. */
static char *strip(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* The value of key in [section] of path; in the nested block opened by
   `nested =` when nested is not NULL. */
static char *lookup(const char *path, const char *section, const char *nested, const char *key)
{
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f)
        return NULL;
    char line[8192], *found = NULL;
    int in_section = 0, in_block = 0, open_block = 0; /* open_block: the last key had no value */
    while (!found && fgets(line, sizeof line, f)) {
        int indented = line[0] == ' ' || line[0] == '\t';
        char *s = strip(line);
        if (!*s || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            char *end = strchr(s, ']');
            if (end)
                *end = '\0';
            in_section = strcmp(strip(s + 1), section) == 0;
            in_block = open_block = 0;
            continue;
        }
        if (!in_section)
            continue;
        char *eq = strchr(s, '=');
        if (!eq)
            continue;
        *eq = '\0';
        char *k = strip(s), *v = strip(eq + 1);
        if (indented && open_block) { /* inside a nested block */
            if (in_block && strcasecmp(k, key) == 0)
                found = aslrt_xstrdup(v);
        } else {
            open_block = !*v;
            in_block = nested && open_block && strcasecmp(k, nested) == 0;
            if (!nested && strcasecmp(k, key) == 0)
                found = aslrt_xstrdup(v);
        }
    }
    fclose(f);
    return found;
}

char *aslrt_aws_profile_get(int credentials_file, const char *profile, const char *key)
{
    char *path = credentials_file ? file_path("AWS_SHARED_CREDENTIALS_FILE", "credentials")
                                  : file_path("AWS_CONFIG_FILE", "config");
    char *section = credentials_file || strcmp(profile, "default") == 0 ? aslrt_xstrdup(profile)
                                                                         : aslrt_strf("profile %s", profile);
    char *v = lookup(path, section, NULL, key);
    if (!v && !credentials_file && strcmp(profile, "default") == 0) { /* [profile default] works too */
        free(section);
        section = aslrt_xstrdup("profile default");
        v = lookup(path, section, NULL, key);
    }
    free(section);
    free(path);
    return v;
}

char *aslrt_aws_profile_service_get(const char *profile, const char *service, const char *key)
{
    char *services = aslrt_aws_profile_get(0, profile, "services");
    if (!services)
        return NULL;
    char *path = file_path("AWS_CONFIG_FILE", "config");
    char *section = aslrt_strf("services %s", services);
    char *v = lookup(path, section, service, key);
    free(section);
    free(path);
    free(services);
    return v;
}
