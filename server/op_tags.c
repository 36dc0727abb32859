/* op_tags.c — TagResource, UntagResource and ListTagsForResource: tags of state machines and
   activities, at most 50 a resource. */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "resources.h"
#include "utf8.h"

/* The resource at arn exists and can carry tags: 0, or InvalidArn / ResourceNotFound. */
static int check_resource(srv *s, const char *arn, srv_err *e)
{
    srv_arn a;
    const char *why = srv_arn_parse(arn, &a);
    if (why)
        return srv_fail(e, "InvalidArn", "Invalid Arn: '%s: %s'", why, arn);
    int found;
    if (a.kind == SRV_ARN_ACTIVITY) {
        srv_activity act;
        found = srv_store_activity_get(s->store, arn, &act);
        srv_activity_free(&act);
    } else if (a.kind == SRV_ARN_STATE_MACHINE) {
        srv_sm m;
        found = srv_store_sm_get(s->store, arn, &m);
        srv_sm_free(&m);
    } else if (a.kind == SRV_ARN_VERSION || a.kind == SRV_ARN_ALIAS) {
        found = SRV_NOT_FOUND; /* AWS tags machines, not their versions or aliases */
    } else {
        return srv_fail(e, "InvalidArn", "Invalid Arn: 'Resource type not valid in this context: %s'", arn);
    }
    if (found == SRV_NOT_FOUND)
        return srv_fail_resource(e, "ResourceNotFound", arn);
    return found == SRV_OK ? 0 : srv_fail_store(e);
}

int srv_op_tag_resource(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    (void)resp;
    const char *arn = srv_req_str(req, "resourceArn");
    const cJSON *tags = srv_req_item(req, "tags");
    if (srv_tags_check(tags, "tags", e) != 0)
        return -1;
    srv_store_begin(s->store);
    int rc = check_resource(s, arn, e);
    if (rc == 0)
        rc = srv_tags_add(s, arn, tags, e);
    if (rc == 0)
        return srv_store_commit(s->store) == SRV_OK ? 0 : srv_fail_store(e);
    srv_store_rollback(s->store);
    return -1;
}

int srv_op_untag_resource(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    (void)resp;
    const char *arn = srv_req_str(req, "resourceArn");
    const cJSON *keys = srv_req_item(req, "tagKeys"), *key;
    int i = 0;
    cJSON_ArrayForEach(key, keys)
    {
        i++;
        if (!cJSON_IsString(key))
            return srv_fail(e, "SerializationException", "tagKeys.%d must be a string", i);
        size_t n = aslrt_utf8_utf16_len(key->valuestring);
        if (n < 1 || n > 128)
            return srv_fail(e, "ValidationException", "1 validation error detected: Value '%s' at 'tagKeys.%d.member' "
                            "failed to satisfy constraint: Member must have length %s", key->valuestring, i,
                            n < 1 ? "greater than or equal to 1" : "less than or equal to 128");
    }
    srv_store_begin(s->store);
    int rc = check_resource(s, arn, e);
    if (rc == 0 && srv_store_tags_remove(s->store, arn, keys) != SRV_OK)
        rc = srv_fail_store(e);
    if (rc == 0)
        return srv_store_commit(s->store) == SRV_OK ? 0 : srv_fail_store(e);
    srv_store_rollback(s->store);
    return -1;
}

int srv_op_list_tags_for_resource(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    const char *arn = srv_req_str(req, "resourceArn");
    if (check_resource(s, arn, e) != 0)
        return -1;
    cJSON *tags;
    if (srv_store_tags_get(s->store, arn, &tags) != SRV_OK) {
        cJSON_Delete(tags);
        return srv_fail_store(e);
    }
    *resp = cJSON_CreateObject();
    cJSON_AddItemToObject(*resp, "tags", tags);
    return 0;
}
