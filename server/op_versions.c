/* op_versions.c — PublishStateMachineVersion, ListStateMachineVersions and
   DeleteStateMachineVersion: versions are immutable snapshots of a machine's revisions, numbered
   1, 2, ... and never renumbered. */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "buf.h"
#include "resources.h"
#include "xalloc.h"

enum { VERSIONS_MAX = 1000 };

/* An unqualified state machine ARN (versions belong to the machine itself). */
static int check_unqualified(const char *arn, srv_arn *a, srv_err *e)
{
    if (srv_check_arn(arn, SRV_ARN_STATE_MACHINE, -1, a, e) != 0)
        return -1;
    if (strchr(a->name, '/'))
        return srv_fail(e, "ValidationException", "Service does not support a Distributed Map's state machine ARN "
                                                  "for this operation: '%s'", arn);
    return 0;
}

/* How many versions a machine has now. */
static int count_versions(srv *s, const char *machine_arn)
{
    srv_sm *list;
    int n, more;
    if (srv_store_sm_list(s->store, machine_arn, NULL, VERSIONS_MAX, &list, &n, &more) != SRV_OK)
        return -1;
    for (int i = 0; i < n; i++)
        srv_sm_free(&list[i]);
    free(list);
    return more ? VERSIONS_MAX + 1 : n;
}

int srv_op_publish_state_machine_version(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    const char *arn = srv_req_str(req, "stateMachineArn"), *revision = srv_req_str(req, "revisionId");
    const char *description = srv_req_str(req, "description");
    srv_arn a;
    if (check_unqualified(arn, &a, e) != 0)
        return -1;
    srv_store_begin(s->store);
    srv_sm m;
    int rc = srv_machine_get(s, arn, &m, e);
    /* A machine never updated has no revision ID; "INITIAL" names that revision. */
    const char *current = rc == 0 && m.revision_id ? m.revision_id : "INITIAL";
    char *version_arn = NULL;
    double created = 0;
    if (rc == 0 && revision && strcmp(revision, current) != 0) {
        rc = srv_fail(e, "ConflictException", "Failed to publish the State Machine version for revision %s. The "
                      "current State Machine revision is %s.", revision, current);
    } else if (rc == 0) {
        int n = count_versions(s, arn);
        if (n < 0)
            rc = srv_fail_store(e);
        else if (n >= VERSIONS_MAX)
            rc = srv_fail(e, "ServiceQuotaExceededException", "A state machine can have at most %d versions; "
                          "delete unused ones with DeleteStateMachineVersion", VERSIONS_MAX);
        else
            rc = srv_version_publish(s, &m, description, srv_now(), &version_arn, &created, e);
    }
    rc = srv_transaction_end(s, rc, e);
    if (rc == 0) {
        *resp = cJSON_CreateObject();
        cJSON_AddNumberToObject(*resp, "creationDate", created);
        cJSON_AddStringToObject(*resp, "stateMachineVersionArn", version_arn);
    }
    free(version_arn);
    srv_sm_free(&m);
    return rc;
}

int srv_op_list_state_machine_versions(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    const char *arn = srv_req_str(req, "stateMachineArn");
    srv_arn a;
    int limit, n, more;
    char *after;
    if (check_unqualified(arn, &a, e) != 0 || srv_page_start(req, "ListStateMachineVersions", &limit, &after, e) != 0)
        return -1;
    if (after && strspn(after, "0123456789") != strlen(after)) {
        free(after);
        return srv_fail(e, "InvalidToken", "Invalid Token: 'Invalid token'");
    }
    srv_sm *list;
    int rc = srv_store_sm_list(s->store, arn, after, limit, &list, &n, &more);
    free(after);
    if (rc != SRV_OK)
        return srv_fail_store(e);
    *resp = cJSON_CreateObject();
    cJSON *items = cJSON_AddArrayToObject(*resp, "stateMachineVersions");
    for (int i = 0; i < n; i++) {
        cJSON *item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "stateMachineVersionArn", list[i].arn);
        cJSON_AddNumberToObject(item, "creationDate", list[i].created);
        cJSON_AddItemToArray(items, item);
    }
    srv_page_end(*resp, "ListStateMachineVersions", more, n ? srv_sm_key(&list[n - 1]) : NULL);
    for (int i = 0; i < n; i++)
        srv_sm_free(&list[i]);
    free(list);
    return 0;
}

int srv_op_delete_state_machine_version(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    (void)resp;
    const char *arn = srv_req_str(req, "stateMachineVersionArn");
    srv_arn a;
    if (srv_check_arn(arn, SRV_ARN_VERSION, -1, &a, e) != 0)
        return -1;
    srv_store_begin(s->store);
    cJSON *names = NULL;
    int rc = 0;
    if (srv_store_aliases_routing_to(s->store, arn, &names) != SRV_OK) {
        rc = srv_fail_store(e);
    } else if (cJSON_GetArraySize(names) > 0) {
        asl_buf list = {0};
        const cJSON *name;
        cJSON_ArrayForEach(name, names)
            asl_buf_printf(&list, "%s%s", list.len ? ", " : "", name->valuestring);
        rc = srv_fail(e, "ConflictException", "Version to be deleted must not be referenced by an alias. Current list "
                      "of aliases referencing this version: [%s]", list.data);
        asl_buf_free(&list);
    } else if (srv_store_version_delete(s->store, arn) == SRV_ERR) { /* not there: success, as on AWS */
        rc = srv_fail_store(e);
    }
    cJSON_Delete(names);
    return srv_transaction_end(s, rc, e);
}
