/* api.c — the awsJson1_0 protocol (api.h): which operation a request names, whether its body is
   a JSON object, whether its members satisfy the service model (members.def, worded as AWS
   words its validation errors), the handler's answer or error as JSON. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "api.h"
#include "buf.h"
#include "jsonprint.h"
#include "jsonread.h"
#include "utf8.h"
#include "xalloc.h"

#define TARGET_PREFIX "AWSStepFunctions."

/* The operations, from operations.def. */
static const struct {
    const char *name;
    srv_op_fn *fn;
} operations[] = {
#define SRV_OP(name, fn) {#name, fn},
#include "operations.def"
#undef SRV_OP
};
#define NOPERATIONS (sizeof operations / sizeof operations[0])

/* Kinds of member values (members.def). */
enum { SRV_T_STRING, SRV_T_INTEGER, SRV_T_NUMBER, SRV_T_BOOLEAN, SRV_T_OBJECT, SRV_T_LIST, SRV_T_TIMESTAMP };

/* The top-level input members of every operation. */
typedef struct member {
    const char *op, *name;
    int kind, required;
    long min, max;
    int sensitive;           /* its value is never repeated in a message */
    const char *pattern;     /* as AWS writes it in messages */
    const char *pcre;        /* the same for PCRE2 */
    const char *enums;       /* "A, B", or NULL */
} member;
static const member members[] = {
#define SRV_MEMBER(op, name, kind, req, min, max, sens, pat, pcre, enums) {#op, name, kind, req, min, max, sens, pat, pcre, enums},
#include "members.def"
#undef SRV_MEMBER
};
#define NMEMBERS (sizeof members / sizeof members[0])

static const char *const kind_names[] = {"a string", "an integer", "a number", "a boolean", "an object",
                                         "a list", "a timestamp"};

int srv_fail(srv_err *e, const char *type, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(e->message);
    e->message = aslrt_vstrf(fmt, ap);
    va_end(ap);
    e->status = 400; /* every error of the model, ConflictException too (its 409 is not in the model) */
    snprintf(e->type, sizeof e->type, "%s", type);
    return -1;
}

int srv_fail_status(srv_err *e, int status, const char *type, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(e->message);
    e->message = aslrt_vstrf(fmt, ap);
    va_end(ap);
    e->status = status;
    snprintf(e->type, sizeof e->type, "%s", type);
    return -1;
}

int srv_fail_store(srv_err *e)
{
    return srv_fail_status(e, 500, "InternalServerError", "The store failed; the server's log says why");
}

double srv_now(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)(tv.tv_usec / 1000) / 1000.0;
}

/* The error answer; resource (may be NULL) is the resourceName member some errors have. */
static void error_reply(srv_reply *out, int status, const char *type, const char *message, const char *resource)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "__type", type);
    cJSON_AddStringToObject(o, "message", message);
    if (resource)
        cJSON_AddStringToObject(o, "resourceName", resource);
    out->status = status;
    out->body = aslrt_json_text(o);
    out->len = strlen(out->body);
    cJSON_Delete(o);
}

void srv_api_error_reply(srv_reply *out, int status, const char *type, const char *message)
{
    error_reply(out, status, type, message, NULL);
}

int srv_fail_resource(srv_err *e, const char *type, const char *resource)
{
    free(e->resource);
    e->resource = aslrt_xstrdup(resource);
    if (strcmp(type, "ResourceNotFound") == 0)
        return srv_fail(e, type, "Resource not found: '%s'", resource);
    return srv_fail(e, type, "%s: '%s'", type, resource);
}

/* ---- the service model's constraints ---- */

/* Whether s matches the member's pattern (compiled on each call: few members have one). */
static int pattern_ok(const member *m, const char *s)
{
    int code;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)m->pcre, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code, &off, NULL);
    if (!re)
        return 1; /* a pattern PCRE2 cannot read is no reason to refuse a request */
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, PCRE2_ANCHORED | PCRE2_ENDANCHORED, md, NULL);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return rc >= 0;
}

static int enum_ok(const char *enums, const char *s)
{
    size_t n = strlen(s);
    for (const char *p = enums; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, s, n) == 0)
            return 1;
        p += len;
        p += strspn(p, ", ");
    }
    return 0;
}

/* One "Value 'X' at 'name' failed to satisfy constraint: Member must ..." for list. */
static void constraint(asl_buf *list, int *count, const member *m, const cJSON *v, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void constraint(asl_buf *list, int *count, const member *m, const cJSON *v, const char *fmt, ...)
{
    if ((*count)++)
        asl_buf_puts(list, "; ");
    asl_buf_puts(list, "Value ");
    if (!v || cJSON_IsNull(v)) {
        asl_buf_puts(list, "null ");
    } else if (!m->sensitive) {
        char *text = cJSON_IsString(v) ? NULL : aslrt_json_text(v);
        asl_buf_printf(list, "'%s' ", text ? text : v->valuestring);
        free(text);
    }
    asl_buf_printf(list, "at '%s' failed to satisfy constraint: ", m->name);
    va_list ap;
    va_start(ap, fmt);
    char *what = aslrt_vstrf(fmt, ap);
    va_end(ap);
    asl_buf_puts(list, what);
    free(what);
}

/* Whether v has the member's kind (a type mismatch is a SerializationException on AWS). */
static int kind_ok(const member *m, const cJSON *v)
{
    switch (m->kind) {
    case SRV_T_STRING: return cJSON_IsString(v);
    case SRV_T_INTEGER: return cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < 9.2e18;
    case SRV_T_NUMBER:
    case SRV_T_TIMESTAMP: return cJSON_IsNumber(v);
    case SRV_T_BOOLEAN: return cJSON_IsBool(v);
    case SRV_T_OBJECT: return cJSON_IsObject(v);
    case SRV_T_LIST: return cJSON_IsArray(v);
    }
    return 0;
}

/* Checks req's members of operation op: 0, or -1 with e filled (SerializationException for a
   value of the wrong type, ValidationException listing every constraint not met). */
static int check_members(const char *op, const cJSON *req, srv_err *e)
{
    asl_buf list = {0};
    int count = 0;
    for (size_t i = 0; i < NMEMBERS; i++) {
        const member *m = &members[i];
        if (strcmp(m->op, op) != 0)
            continue;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, m->name);
        if (!v || cJSON_IsNull(v)) {
            if (m->required)
                constraint(&list, &count, m, v, "Member must not be null");
            continue;
        }
        if (!kind_ok(m, v)) {
            asl_buf_free(&list);
            return srv_fail(e, "SerializationException", "Unexpected value for member '%s': expected %s",
                            m->name, kind_names[m->kind]);
        }
        long size = -1;
        if (m->kind == SRV_T_STRING)
            size = (long)aslrt_utf8_utf16_len(v->valuestring);
        else if (m->kind == SRV_T_LIST)
            size = cJSON_GetArraySize(v);
        if (size >= 0) {
            if (m->min >= 0 && size < m->min)
                constraint(&list, &count, m, v, "Member must have length greater than or equal to %ld", m->min);
            if (m->max >= 0 && size > m->max)
                constraint(&list, &count, m, v, "Member must have length less than or equal to %ld", m->max);
        } else if (m->kind == SRV_T_INTEGER || m->kind == SRV_T_NUMBER) {
            if (m->min >= 0 && v->valuedouble < (double)m->min)
                constraint(&list, &count, m, v, "Member must have value greater than or equal to %ld", m->min);
            if (m->max >= 0 && v->valuedouble > (double)m->max)
                constraint(&list, &count, m, v, "Member must have value less than or equal to %ld", m->max);
        }
        if (m->kind == SRV_T_STRING && m->enums && !enum_ok(m->enums, v->valuestring))
            constraint(&list, &count, m, v, "Member must satisfy enum value set: [%s]", m->enums);
        if (m->kind == SRV_T_STRING && m->pcre && !pattern_ok(m, v->valuestring))
            constraint(&list, &count, m, v, "Member must satisfy regular expression pattern: %s", m->pattern);
    }
    if (!count)
        return 0;
    srv_fail(e, "ValidationException", "%d validation error%s detected: %s", count, count == 1 ? "" : "s",
             list.data);
    asl_buf_free(&list);
    return -1;
}

/* ---- requests ---- */

/* The request body as a JSON object, or NULL with e filled. An empty body is {} (AWS's SDKs
   always send at least that). */
static cJSON *parse_body(const char *body, size_t len, srv_err *e)
{
    if (len == 0)
        return cJSON_CreateObject();
    char *text = aslrt_xmalloc(len + 1);
    memcpy(text, body, len);
    text[len] = 0;
    cJSON *req = memchr(text, 0, len) ? NULL : aslrt_json_parse_plain(text);
    const char *end = NULL;
    /* The length counts the NUL: cJSON wants it there when it must end the text. */
    if (!req && !memchr(text, 0, len))
        req = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
    if (!req) {
        size_t at = end ? (size_t)(end - text) : 0;
        free(text);
        srv_fail(e, "SerializationException", "The request body is not valid JSON (at byte %zu)", at);
        return NULL;
    }
    free(text);
    if (!cJSON_IsObject(req)) {
        cJSON_Delete(req);
        srv_fail(e, "SerializationException", "The request body must be a JSON object");
        return NULL;
    }
    return req;
}

/* Which operation target names: its index, or NOPERATIONS. */
static size_t find_operation(const char *target)
{
    size_t np = strlen(TARGET_PREFIX);
    if (!target || strncmp(target, TARGET_PREFIX, np) != 0)
        return NOPERATIONS;
    for (size_t i = 0; i < NOPERATIONS; i++)
        if (strcmp(operations[i].name, target + np) == 0)
            return i;
    return NOPERATIONS;
}

void srv_api_handle(srv *s, const char *target, const char *body, size_t len, srv_reply *out)
{
    srv_err e = {0};
    cJSON *req = NULL, *resp = NULL;
    size_t i = find_operation(target);
    int rc = -1;
    if (i == NOPERATIONS)
        srv_fail(&e, "UnknownOperationException", "%s%s%s", target ? "The operation '" : "",
                 target ? target : "The request has no X-Amz-Target header",
                 target ? "' is not one of AWSStepFunctions'" : "");
    else if ((req = parse_body(body, len, &e)) && check_members(operations[i].name, req, &e) == 0)
        rc = operations[i].fn(s, req, &resp, &e);
    if (rc == 0) {
        out->status = 200;
        out->body = resp ? aslrt_json_text(resp) : aslrt_xstrdup("{}");
        out->len = strlen(out->body);
    } else {
        error_reply(out, e.status ? e.status : 500, e.type[0] ? e.type : "InternalServerError",
                    e.message ? e.message : "internal error", e.resource);
    }
    free(e.message);
    free(e.resource);
    cJSON_Delete(resp);
    cJSON_Delete(req);
}

/* ---- for handlers ---- */

const char *srv_req_str(const cJSON *req, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

int srv_req_bool(const cJSON *req, const char *name, int dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, name);
    return cJSON_IsBool(v) ? cJSON_IsTrue(v) : dflt;
}

long srv_req_int(const cJSON *req, const char *name, long dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, name);
    return cJSON_IsNumber(v) ? (long)v->valuedouble : dflt;
}

const cJSON *srv_req_item(const cJSON *req, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, name);
    return cJSON_IsNull(v) ? NULL : v;
}

int srv_page_start(const cJSON *req, const char *scope, int *limit, char **after, srv_err *e)
{
    long max = srv_req_int(req, "maxResults", 0);
    *limit = max > 0 ? (int)max : 100;
    *after = NULL;
    const char *token = srv_req_str(req, "nextToken");
    if (token && !(*after = srv_token_read(scope, token)))
        return srv_fail(e, "InvalidToken", "Invalid Token: 'Invalid token'");
    return 0;
}

void srv_page_end(cJSON *resp, const char *scope, int more, char *key)
{
    if (more && key) {
        char *token = srv_token_make(scope, key);
        cJSON_AddStringToObject(resp, "nextToken", token);
        free(token);
    }
    free(key);
}

void srv_add_json_text(cJSON *obj, const char *name, const char *text)
{
    if (!text)
        return;
    cJSON *v = aslrt_json_parse_plain(text);
    if (!v)
        v = cJSON_Parse(text);
    if (v)
        cJSON_AddItemToObject(obj, name, v);
}

void srv_add_str(cJSON *obj, const char *name, const char *s)
{
    if (s)
        cJSON_AddStringToObject(obj, name, s);
}

int srv_check_arn(const char *text, int kind, int kind2, srv_arn *a, srv_err *e)
{
    const char *why = srv_arn_parse(text, a);
    if (why)
        return srv_fail(e, "InvalidArn", "Invalid Arn: '%s: %s'", why, text);
    if ((int)a->kind != kind && (int)a->kind != kind2)
        return srv_fail(e, "InvalidArn", "Invalid Arn: 'Resource type not valid in this context: %s'", text);
    return 0;
}
