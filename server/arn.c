/* arn.c — Step Functions ARNs, AWS's name rules and pagination tokens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arn.h"
#include "utf8.h"
#include "xalloc.h"

/* Copies the n bytes at s into dst (size bytes); 0 when they do not fit. */
static int copy_part(char *dst, size_t size, const char *s, size_t n)
{
    if (n >= size)
        return 0;
    memcpy(dst, s, n);
    dst[n] = 0;
    return 1;
}

/* A version number as ARNs write it: 1 to 9 decimal digits, no leading zero. */
static long version_number(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 9 || s[0] == '0' || strspn(s, "0123456789") != n)
        return 0;
    return strtol(s, NULL, 10);
}

/* The resource part after "stateMachine:", "execution:" and the like: the machine's name and
   what follows it, split at the first ':' (the machine's name cannot hold one). */
static const char *split_machine(const char *res, srv_arn *a, const char **after)
{
    const char *colon = strchr(res, ':');
    size_t n = colon ? (size_t)(colon - res) : strlen(res);
    if (n == 0 || !copy_part(a->name, sizeof a->name, res, n))
        return "Resource name not valid";
    *after = colon ? colon + 1 : NULL;
    return NULL;
}

const char *srv_arn_parse(const char *text, srv_arn *a)
{
    memset(a, 0, sizeof *a);
    /* arn : partition : service : region : account : resource */
    const char *p = text, *field[5];
    for (int i = 0; i < 5; i++) {
        field[i] = p;
        const char *c = strchr(p, ':');
        if (!c)
            return "Invalid ARN prefix";
        p = c + 1;
    }
    const char *res = p;
    if (strncmp(text, "arn:", 4) != 0 || field[1][0] == ':')
        return "Invalid ARN prefix";
    if (strncmp(field[2], "states:", 7) != 0)
        return "Resource type not valid in this context";
    if (!copy_part(a->region, sizeof a->region, field[3], (size_t)(field[4] - field[3] - 1)) || !a->region[0])
        return "Region not valid";
    if (!copy_part(a->account, sizeof a->account, field[4], (size_t)(res - field[4] - 1)) ||
        strlen(a->account) != 12 || strspn(a->account, "0123456789") != 12)
        return "Account ID not valid";
    const char *after = NULL, *why;
    if (strncmp(res, "stateMachine:", 13) == 0) {
        if ((why = split_machine(res + 13, a, &after)))
            return why;
        if (!after) {
            a->kind = SRV_ARN_STATE_MACHINE;
            return NULL;
        }
        if (!copy_part(a->qualifier, sizeof a->qualifier, after, strlen(after)) || !a->qualifier[0] ||
            strchr(a->qualifier, ':'))
            return "Qualifier not valid";
        if ((a->version = version_number(a->qualifier)) > 0)
            a->kind = SRV_ARN_VERSION;
        else if (srv_alias_name_ok(a->qualifier))
            a->kind = SRV_ARN_ALIAS;
        else
            return "Qualifier not valid";
        return NULL;
    }
    if (strncmp(res, "activity:", 9) == 0) {
        a->kind = SRV_ARN_ACTIVITY;
        if (!res[9] || strchr(res + 9, ':') || !copy_part(a->name, sizeof a->name, res + 9, strlen(res + 9)))
            return "Resource name not valid";
        return NULL;
    }
    struct { const char *prefix; srv_arn_kind kind; } kinds[] = {
        {"execution:", SRV_ARN_EXECUTION}, {"express:", SRV_ARN_EXPRESS}, {"mapRun:", SRV_ARN_MAP_RUN}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t n = strlen(kinds[i].prefix);
        if (strncmp(res, kinds[i].prefix, n) != 0)
            continue;
        a->kind = kinds[i].kind;
        if (kinds[i].kind == SRV_ARN_MAP_RUN) { /* mapRun:MACHINE/LABEL:ID */
            const char *slash = strchr(res + n, '/');
            if (!slash || slash == res + n || !copy_part(a->name, sizeof a->name, res + n, (size_t)(slash - res - n)))
                return "Resource name not valid";
            after = slash + 1;
        } else if ((why = split_machine(res + n, a, &after))) {
            return why;
        }
        if (!after || !*after || !copy_part(a->rest, sizeof a->rest, after, strlen(after)))
            return "Resource name not valid";
        return NULL;
    }
    return "Resource type not valid in this context";
}

char *srv_arn_state_machine(const char *region, const char *account, const char *name)
{
    return aslrt_strf("arn:aws:states:%s:%s:stateMachine:%s", region, account, name);
}

char *srv_arn_activity(const char *region, const char *account, const char *name)
{
    return aslrt_strf("arn:aws:states:%s:%s:activity:%s", region, account, name);
}

char *srv_arn_qualified(const char *machine_arn, const char *qualifier)
{
    return aslrt_strf("%s:%s", machine_arn, qualifier);
}

char *srv_arn_unqualified(const char *arn)
{
    srv_arn a;
    if (srv_arn_parse(arn, &a) || (a.kind != SRV_ARN_VERSION && a.kind != SRV_ARN_ALIAS))
        return NULL;
    size_t n = strlen(arn) - strlen(a.qualifier) - 1;
    char *out = aslrt_xmalloc(n + 1);
    memcpy(out, arn, n);
    out[n] = 0;
    return out;
}

/* The characters AWS does not allow in a name, besides white space and control characters. */
static const char forbidden[] = "<>{}[]?*\"#%\\^|~`$&,;:/";

const char *srv_name_problem(const char *name)
{
    size_t n = strlen(name);
    if (n == 0)
        return "the name is empty";
    if (aslrt_utf8_check(name, n) != n)
        return "the name is not valid UTF-8";
    if (aslrt_utf8_len(name, n) > SRV_NAME_MAX)
        return "the name is longer than 80 characters";
    for (size_t i = 0; i < n;) {
        unsigned cp = aslrt_utf8_decode(name, n, &i);
        if (cp <= 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
            cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF)
            return "the name holds white space or a control character";
        if (cp < 0x80 && strchr(forbidden, (int)cp))
            return "the name holds a character AWS does not allow in names";
    }
    return NULL;
}

int srv_alias_name_ok(const char *name)
{
    size_t n = strlen(name);
    static const char allowed[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.";
    return n >= 1 && n <= SRV_NAME_MAX && strspn(name, allowed) == n && strspn(name, "0123456789") != n;
}

/* Tokens are the hex digits of "SCOPE\x1fKEY". */
char *srv_token_make(const char *scope, const char *key)
{
    size_t ns = strlen(scope), nk = strlen(key);
    char *out = aslrt_xmalloc(2 * (ns + 1 + nk) + 1), *o = out;
    const char *parts[3] = {scope, "\x1f", key};
    for (int p = 0; p < 3; p++)
        for (const unsigned char *s = (const unsigned char *)parts[p]; *s; s++, o += 2)
            sprintf(o, "%02x", *s);
    *o = 0;
    return out;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

char *srv_token_read(const char *scope, const char *token)
{
    size_t n = strlen(token);
    if (n == 0 || n % 2)
        return NULL;
    char *text = aslrt_xmalloc(n / 2 + 1);
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_value(token[2 * i]), lo = hex_value(token[2 * i + 1]);
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
            free(text);
            return NULL;
        }
        text[i] = (char)(hi * 16 + lo);
    }
    text[n / 2] = 0;
    size_t ns = strlen(scope);
    if (strncmp(text, scope, ns) != 0 || text[ns] != '\x1f') {
        free(text);
        return NULL;
    }
    memmove(text, text + ns + 1, n / 2 - ns);
    return text;
}
