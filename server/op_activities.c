/* op_activities.c — CreateActivity, DescribeActivity, DeleteActivity and ListActivities.
   (GetActivityTask belongs with the executions.) */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "resources.h"
#include "xalloc.h"

int srv_op_create_activity(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    const char *name = srv_req_str(req, "name");
    const cJSON *tags = srv_req_item(req, "tags");
    if (srv_name_problem(name))
        return srv_fail(e, "InvalidName", "Invalid Name: '%s'", name);
    if (srv_tags_check(tags, "tags", e) != 0)
        return -1;
    int failed;
    srv_activity act = {srv_arn_activity(s->opt.region, s->opt.account, name), aslrt_xstrdup(name),
                        srv_encryption_text(srv_req_item(req, "encryptionConfiguration"), &failed, e), srv_now()};
    int rc = failed ? -1 : 0;
    if (rc == 0) {
        srv_store_begin(s->store);
        srv_activity old;
        int found = srv_store_activity_get(s->store, act.arn, &old);
        if (found == SRV_OK && !srv_same_text(old.encryption, act.encryption))
            rc = srv_fail(e, "ActivityAlreadyExists", "Activity already exists. EncryptionConfiguration may not be "
                                                      "updated.");
        else if (found == SRV_OK) /* the same name again: the same activity, its tags unchanged */
            act.created = old.created;
        else if (found == SRV_ERR || srv_store_activity_insert(s->store, &act) != SRV_OK)
            rc = srv_fail_store(e);
        else
            rc = srv_tags_add(s, act.arn, tags, e);
        srv_activity_free(&old);
        rc = srv_transaction_end(s, rc, e);
    }
    if (rc == 0) {
        *resp = cJSON_CreateObject();
        cJSON_AddStringToObject(*resp, "activityArn", act.arn);
        cJSON_AddNumberToObject(*resp, "creationDate", act.created);
    }
    srv_activity_free(&act);
    return rc;
}

int srv_op_describe_activity(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    const char *arn = srv_req_str(req, "activityArn");
    srv_arn a;
    if (srv_check_arn(arn, SRV_ARN_ACTIVITY, -1, &a, e) != 0)
        return -1;
    srv_activity act;
    if (srv_activity_get(s, arn, &act, e) != 0)
        return -1;
    *resp = cJSON_CreateObject();
    cJSON_AddStringToObject(*resp, "activityArn", act.arn);
    cJSON_AddStringToObject(*resp, "name", act.name);
    cJSON_AddNumberToObject(*resp, "creationDate", act.created);
    srv_add_json_text(*resp, "encryptionConfiguration", act.encryption ? act.encryption : "{\"type\":\"AWS_OWNED_KEY\"}");
    srv_activity_free(&act);
    return 0;
}

int srv_op_delete_activity(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    (void)resp;
    const char *arn = srv_req_str(req, "activityArn");
    srv_arn a;
    if (srv_check_arn(arn, SRV_ARN_ACTIVITY, -1, &a, e) != 0)
        return -1;
    /* Deleting an activity that is not there succeeds: DeleteActivity has no such error. */
    return srv_store_activity_delete(s->store, arn) == SRV_ERR ? srv_fail_store(e) : 0;
}

int srv_op_list_activities(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    int limit, n, more;
    char *after;
    if (srv_page_start(req, "ListActivities", &limit, &after, e) != 0)
        return -1;
    srv_activity *list;
    int rc = srv_store_activity_list(s->store, after, limit, &list, &n, &more);
    free(after);
    if (rc != SRV_OK)
        return srv_fail_store(e);
    *resp = cJSON_CreateObject();
    cJSON *items = cJSON_AddArrayToObject(*resp, "activities");
    for (int i = 0; i < n; i++) {
        cJSON *item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "activityArn", list[i].arn);
        cJSON_AddStringToObject(item, "name", list[i].name);
        cJSON_AddNumberToObject(item, "creationDate", list[i].created);
        cJSON_AddItemToArray(items, item);
    }
    srv_page_end(*resp, "ListActivities", more, n ? aslrt_xstrdup(list[n - 1].arn) : NULL);
    for (int i = 0; i < n; i++)
        srv_activity_free(&list[i]);
    free(list);
    return 0;
}
