/* resources.c — lookups, tags and configurations shared by the handlers (resources.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "jsonprint.h"
#include "random.h"
#include "resources.h"
#include "utf8.h"
#include "xalloc.h"

enum { TAG_KEY_MAX = 128, TAG_VALUE_MAX = 256, TAGS_MAX = 50 };

int srv_machine_get(srv *s, const char *arn, srv_sm *out, srv_err *e)
{
    int rc = srv_store_sm_get(s->store, arn, out);
    if (rc == SRV_NOT_FOUND)
        return srv_fail(e, "StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn);
    return rc == SRV_OK ? 0 : srv_fail_store(e);
}

int srv_activity_get(srv *s, const char *arn, srv_activity *out, srv_err *e)
{
    int rc = srv_store_activity_get(s->store, arn, out);
    if (rc == SRV_NOT_FOUND)
        return srv_fail(e, "ActivityDoesNotExist", "Activity Does Not Exist: '%s'", arn);
    return rc == SRV_OK ? 0 : srv_fail_store(e);
}

int srv_transaction_end(srv *s, int rc, srv_err *e)
{
    if (rc != 0) {
        srv_store_rollback(s->store);
        return rc;
    }
    return srv_store_commit(s->store) == SRV_OK ? 0 : srv_fail_store(e);
}

/* Tags may hold Unicode letters and digits, white space, and _ . : / = + - @. */
static int tag_text_ok(const char *s)
{
    size_t n = strlen(s);
    if (aslrt_utf8_check(s, n) != n)
        return 0;
    for (size_t i = 0; i < n;) {
        unsigned cp = aslrt_utf8_decode(s, n, &i);
        /* Beyond ASCII every character passes: telling letters from symbols there would need
           the Unicode tables, and AWS's rule is about the ASCII symbols. */
        if (cp < 0x80 && !(strchr("_.:/=+-@ \t\n\r", (int)cp) || (cp >= '0' && cp <= '9') ||
                           ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')))
            return 0;
    }
    return 1;
}

int srv_tags_check(const cJSON *tags, const char *where, srv_err *e)
{
    int i = 0;
    const cJSON *tag;
    cJSON_ArrayForEach(tag, tags)
    {
        i++;
        if (!cJSON_IsObject(tag))
            return srv_fail(e, "SerializationException", "%s.%d.member must be an object with key and value", where,
                            i);
        const cJSON *key = cJSON_GetObjectItemCaseSensitive(tag, "key");
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(tag, "value");
        if ((key && !cJSON_IsString(key) && !cJSON_IsNull(key)) ||
            (value && !cJSON_IsString(value) && !cJSON_IsNull(value)))
            return srv_fail(e, "SerializationException", "%s.%d.member: key and value must be strings", where, i);
        const char *k = cJSON_IsString(key) ? key->valuestring : NULL;
        const char *v = cJSON_IsString(value) ? value->valuestring : "";
        if (!k || !*k)
            return srv_fail(e, "ValidationException",
                            "1 validation error detected: Value %s at '%s.%d.member.key' failed to satisfy "
                            "constraint: Member must have length greater than or equal to 1",
                            k ? "''" : "null", where, i);
        if (aslrt_utf8_utf16_len(k) > TAG_KEY_MAX)
            return srv_fail(e, "ValidationException",
                            "1 validation error detected: Value '%s' at '%s.%d.member.key' failed to satisfy "
                            "constraint: Member must have length less than or equal to %d",
                            k, where, i, TAG_KEY_MAX);
        if (aslrt_utf8_utf16_len(v) > TAG_VALUE_MAX)
            return srv_fail(e, "ValidationException",
                            "1 validation error detected: Value '%s' at '%s.%d.member.value' failed to satisfy "
                            "constraint: Member must have length less than or equal to %d",
                            v, where, i, TAG_VALUE_MAX);
        if (!tag_text_ok(k) || !tag_text_ok(v))
            return srv_fail(e, "ValidationException",
                            "Tags may only contain Unicode letters, digits, white space, or these symbols: "
                            "_ . : / = + - @ (tag %d)", i);
    }
    return 0;
}

int srv_tags_add(srv *s, const char *arn, const cJSON *tags, srv_err *e)
{
    if (!tags || !cJSON_GetArraySize(tags))
        return 0;
    srv_store_begin(s->store);
    int n = srv_store_tags_count_with(s->store, arn, tags);
    if (n > TAGS_MAX) {
        srv_store_rollback(s->store);
        srv_fail_resource(e, "TooManyTags", arn);
        return srv_fail(e, "TooManyTags", "Too many tags: a resource can have at most %d tags (%s would have %d)",
                        TAGS_MAX, arn, n);
    }
    if (n < 0 || srv_store_tags_put(s->store, arn, tags) != SRV_OK) {
        srv_store_rollback(s->store);
        return srv_fail_store(e);
    }
    return srv_store_commit(s->store) == SRV_OK ? 0 : srv_fail_store(e);
}

char *srv_logging_text(const cJSON *in, srv_err *e)
{
    const cJSON *level = cJSON_GetObjectItemCaseSensitive(in, "level");
    const cJSON *include = cJSON_GetObjectItemCaseSensitive(in, "includeExecutionData");
    const cJSON *destinations = cJSON_GetObjectItemCaseSensitive(in, "destinations");
    static const char *const levels[] = {"ALL", "ERROR", "FATAL", "OFF"};
    const char *lv = "OFF";
    if (level && !cJSON_IsNull(level)) {
        size_t i = 0;
        while (i < 4 && !(cJSON_IsString(level) && strcmp(level->valuestring, levels[i]) == 0))
            i++;
        if (i == 4) {
            srv_fail(e, "InvalidLoggingConfiguration", "Invalid Logging Configuration: level must be one of ALL, "
                                                       "ERROR, FATAL, OFF");
            return NULL;
        }
        lv = levels[i];
    }
    int ndest = cJSON_IsArray(destinations) ? cJSON_GetArraySize(destinations) : 0;
    if (destinations && !cJSON_IsNull(destinations) && !cJSON_IsArray(destinations)) {
        srv_fail(e, "InvalidLoggingConfiguration", "Invalid Logging Configuration: destinations must be a list");
        return NULL;
    }
    if ((strcmp(lv, "OFF") != 0 && ndest != 1) || ndest > 1) {
        srv_fail(e, "InvalidLoggingConfiguration", "Invalid Logging Configuration: Must specify exactly one Log "
                                                   "Destination.");
        return NULL;
    }
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "level", lv);
    cJSON_AddBoolToObject(out, "includeExecutionData", cJSON_IsTrue(include));
    if (ndest) {
        const cJSON *group = cJSON_GetObjectItemCaseSensitive(destinations->child, "cloudWatchLogsLogGroup");
        const cJSON *arn = cJSON_GetObjectItemCaseSensitive(group, "logGroupArn");
        if (!cJSON_IsString(arn) || strncmp(arn->valuestring, "arn:", 4) != 0) {
            cJSON_Delete(out);
            srv_fail(e, "InvalidLoggingConfiguration", "Invalid Logging Configuration: the destination needs a "
                                                       "cloudWatchLogsLogGroup with a logGroupArn");
            return NULL;
        }
        cJSON_AddItemToObject(out, "destinations", cJSON_Duplicate(destinations, 1));
    }
    char *text = aslrt_json_text(out);
    cJSON_Delete(out);
    return text;
}

char *srv_tracing_text(const cJSON *in)
{
    return aslrt_xstrdup(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(in, "enabled")) ? "{\"enabled\":true}"
                                                                                        : "{\"enabled\":false}");
}

char *srv_encryption_text(const cJSON *in, int *failed, srv_err *e)
{
    *failed = 0;
    if (!in)
        return NULL;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(in, "type");
    const cJSON *key = cJSON_GetObjectItemCaseSensitive(in, "kmsKeyId");
    const cJSON *reuse = cJSON_GetObjectItemCaseSensitive(in, "kmsDataKeyReusePeriodSeconds");
    const char *t = cJSON_IsString(type) ? type->valuestring : "";
    if (strcmp(t, "AWS_OWNED_KEY") != 0 && strcmp(t, "CUSTOMER_MANAGED_KMS_KEY") != 0) {
        *failed = 1;
        srv_fail(e, "ValidationException", "1 validation error detected: Value %s%s%s at "
                 "'encryptionConfiguration.type' failed to satisfy constraint: Member must satisfy enum value set: "
                 "[AWS_OWNED_KEY, CUSTOMER_MANAGED_KMS_KEY]", *t ? "'" : "null", t, *t ? "'" : "");
        return NULL;
    }
    if (strcmp(t, "CUSTOMER_MANAGED_KMS_KEY") == 0 && !cJSON_IsString(key)) {
        *failed = 1;
        srv_fail(e, "InvalidEncryptionConfiguration", "Invalid Encryption Configuration: kmsKeyId is required for "
                                                      "CUSTOMER_MANAGED_KMS_KEY");
        return NULL;
    }
    if (reuse && (!cJSON_IsNumber(reuse) || reuse->valuedouble < 60 || reuse->valuedouble > 900)) {
        *failed = 1;
        srv_fail(e, "ValidationException", "1 validation error detected: Value at "
                 "'encryptionConfiguration.kmsDataKeyReusePeriodSeconds' failed to satisfy constraint: Member must "
                 "have value between 60 and 900");
        return NULL;
    }
    return aslrt_json_text(in);
}

char *srv_new_revision(void)
{
    char id[37];
    aslrt_uuid4(id);
    return aslrt_xstrdup(id);
}

int srv_version_publish(srv *s, const srv_sm *machine, const char *description, double now, char **version_arn,
                        double *created, srv_err *e)
{
    srv_sm latest;
    int have = srv_store_latest_version(s->store, machine->arn, &latest);
    if (have == SRV_ERR)
        return srv_fail_store(e);
    if (have == SRV_OK && srv_same_text(latest.revision_id, machine->revision_id)) {
        *version_arn = latest.arn;
        *created = latest.created;
        latest.arn = NULL;
        srv_sm_free(&latest);
        return 0;
    }
    srv_sm_free(&latest);
    long v = srv_store_next_version(s->store, machine->arn);
    if (v < 0)
        return srv_fail_store(e);
    char number[24];
    snprintf(number, sizeof number, "%ld", v);
    srv_sm version = *machine;
    version.arn = srv_arn_qualified(machine->arn, number);
    version.machine_arn = machine->arn;
    version.version = v;
    version.description = (char *)description;
    version.created = now;
    version.updated = now;
    if (srv_store_sm_insert(s->store, &version) != SRV_OK) {
        free(version.arn);
        return srv_fail_store(e);
    }
    *version_arn = version.arn;
    *created = now;
    return 0;
}

int srv_same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}
