/* op_state_machines.c — CreateStateMachine, DescribeStateMachine, UpdateStateMachine,
   DeleteStateMachine and ListStateMachines, as Step Functions answers them. */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "definition.h"
#include "resources.h"
#include "xalloc.h"

/* A roleArn as AWS accepts it: an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE). */
static int check_role(const char *role, srv_err *e)
{
    int colons = 0;
    for (const char *p = role; *p; p++)
        colons += *p == ':';
    if (strncmp(role, "arn:", 4) != 0 || colons < 5)
        return srv_fail(e, "InvalidArn", "Invalid Arn: 'Invalid ARN prefix: %s'", role);
    return 0;
}

/* The definition checked by aslc: 0, or -1 with InvalidDefinition in e. */
static int check_definition(const char *text, const char *type, srv_err *e)
{
    cJSON *diagnostics = NULL;
    int errors = srv_definition_check(text, type, &diagnostics);
    if (errors) {
        char *why = srv_definition_problem(diagnostics);
        srv_fail(e, "InvalidDefinition", "%s", why);
        free(why);
    }
    cJSON_Delete(diagnostics);
    return errors ? -1 : 0;
}

/* *field becomes a copy of value when value is given and differs; *changed then becomes 1. */
static void replace(char **field, const char *value, int *changed)
{
    if (!value || (*field && strcmp(*field, value) == 0))
        return;
    free(*field);
    *field = aslrt_xstrdup(value);
    *changed = 1;
}

/* A state machine ARN for an operation on the machine itself: a version's, an alias' or a
   Distributed Map's (MACHINE/LABEL) is refused. */
static int check_machine_arn(const char *text, srv_arn *a, srv_err *e)
{
    if (srv_check_arn(text, SRV_ARN_STATE_MACHINE, SRV_ARN_VERSION, a, e) != 0)
        return -1;
    if (a->kind == SRV_ARN_STATE_MACHINE && !strchr(a->name, '/'))
        return 0;
    /* srv_check_arn lets a version through; an alias is SRV_ARN_ALIAS and was refused */
    return srv_fail(e, "ValidationException", "Service does not support a qualified state machine ARN for this "
                                              "operation: '%s'", text);
}

int srv_op_create_state_machine(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    const char *name = srv_req_str(req, "name"), *definition = srv_req_str(req, "definition");
    const char *role = srv_req_str(req, "roleArn"), *type = srv_req_str(req, "type");
    const char *version_description = srv_req_str(req, "versionDescription");
    const cJSON *tags = srv_req_item(req, "tags");
    int publish = srv_req_bool(req, "publish", 0);
    if (!type)
        type = "STANDARD";
    if (srv_name_problem(name))
        return srv_fail(e, "InvalidName", "Invalid Name: '%s'", name);
    if (check_role(role, e) || srv_tags_check(tags, "tags", e))
        return -1;
    if (version_description && !publish)
        return srv_fail(e, "ValidationException", "Version description can only be set when publish is true");
    int failed = 0;
    srv_sm m = {0};
    m.logging = srv_logging_text(srv_req_item(req, "loggingConfiguration"), e);
    m.tracing = srv_tracing_text(srv_req_item(req, "tracingConfiguration"));
    m.encryption = srv_encryption_text(srv_req_item(req, "encryptionConfiguration"), &failed, e);
    if (!m.logging || failed || check_definition(definition, type, e) != 0) {
        srv_sm_free(&m);
        return -1;
    }
    m.arn = srv_arn_state_machine(s->opt.region, s->opt.account, name);
    m.machine_arn = aslrt_xstrdup(m.arn);
    m.name = aslrt_xstrdup(name);
    m.definition = aslrt_xstrdup(definition);
    m.role_arn = aslrt_xstrdup(role);
    m.type = aslrt_xstrdup(type);
    m.created = m.updated = srv_now();

    char *version_arn = NULL;
    double published = 0;
    int rc = -1;
    srv_store_begin(s->store);
    srv_sm old;
    int found = srv_store_sm_get(s->store, m.arn, &old);
    if (found == SRV_OK) {
        /* AWS's idempotency: the same name, definition, type, logging and tracing is the same
           request again (a different roleArn or tags are ignored); anything else is a clash. */
        if (srv_same_text(old.definition, m.definition) && srv_same_text(old.type, m.type) && srv_same_text(old.logging, m.logging) &&
            srv_same_text(old.tracing, m.tracing)) {
            srv_sm latest;
            if (publish && srv_store_latest_version(s->store, old.arn, &latest) == SRV_OK) {
                version_arn = aslrt_xstrdup(latest.arn);
                srv_sm_free(&latest);
            }
            m.created = old.created;
            rc = 0;
        } else {
            srv_fail(e, "StateMachineAlreadyExists", "State Machine Already Exists: '%s'", m.arn);
        }
        srv_sm_free(&old);
        if (rc == 0)
            srv_store_commit(s->store);
        else
            srv_store_rollback(s->store);
    } else if (found == SRV_NOT_FOUND) {
        if (srv_store_sm_insert(s->store, &m) != SRV_OK)
            srv_fail_store(e);
        else if ((!publish || srv_version_publish(s, &m, version_description, m.created, &version_arn, &published,
                                                  e) == 0) &&
                 srv_tags_add(s, m.arn, tags, e) == 0)
            rc = 0;
        rc = srv_transaction_end(s, rc, e);
    } else {
        srv_store_rollback(s->store);
        srv_fail_store(e);
    }
    if (rc == 0) {
        *resp = cJSON_CreateObject();
        cJSON_AddStringToObject(*resp, "stateMachineArn", m.arn);
        cJSON_AddNumberToObject(*resp, "creationDate", m.created);
        srv_add_str(*resp, "stateMachineVersionArn", version_arn);
    }
    free(version_arn);
    srv_sm_free(&m);
    return rc;
}

/* The version an alias sends most executions to (the first of two with equal weights). */
static char *alias_main_version(const srv_alias *a)
{
    cJSON *routing = cJSON_Parse(a->routing);
    const cJSON *item, *best = NULL;
    cJSON_ArrayForEach(item, routing)
    {
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(item, "weight");
        const cJSON *bw = best ? cJSON_GetObjectItemCaseSensitive(best, "weight") : NULL;
        if (!best || (cJSON_IsNumber(w) && cJSON_IsNumber(bw) && w->valuedouble > bw->valuedouble))
            best = item;
    }
    const cJSON *arn = cJSON_GetObjectItemCaseSensitive(best, "stateMachineVersionArn");
    char *out = cJSON_IsString(arn) ? aslrt_xstrdup(arn->valuestring) : NULL;
    cJSON_Delete(routing);
    return out;
}

int srv_op_describe_state_machine(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    const char *arn = srv_req_str(req, "stateMachineArn");
    srv_arn a;
    const char *why = srv_arn_parse(arn, &a);
    if (why)
        return srv_fail(e, "InvalidArn", "Invalid Arn: '%s: %s'", why, arn);
    if (a.kind != SRV_ARN_STATE_MACHINE && a.kind != SRV_ARN_VERSION && a.kind != SRV_ARN_ALIAS)
        return srv_fail(e, "InvalidArn", "Invalid Arn: 'Resource type not valid in this context: %s'", arn);
    if (a.kind == SRV_ARN_STATE_MACHINE && strchr(a.name, '/'))
        return srv_fail(e, "ValidationException", "Service does not support a Distributed Map's state machine ARN "
                                                  "for this operation: '%s'", arn);
    char *resolved = NULL;
    if (a.kind == SRV_ARN_ALIAS) { /* what executions started through the alias mostly run */
        srv_alias alias;
        int rc = srv_store_alias_get(s->store, arn, &alias);
        if (rc != SRV_OK)
            return rc == SRV_NOT_FOUND ? srv_fail(e, "StateMachineDoesNotExist", "State Machine Does Not Exist: "
                                                                                 "'%s'", arn)
                                       : srv_fail_store(e);
        resolved = alias_main_version(&alias);
        srv_alias_free(&alias);
    }
    srv_sm m;
    int rc = srv_machine_get(s, resolved ? resolved : arn, &m, e);
    free(resolved);
    if (rc != 0)
        return -1;
    cJSON *o = *resp = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "stateMachineArn", m.arn);
    cJSON_AddStringToObject(o, "name", m.name);
    cJSON_AddStringToObject(o, "status", "ACTIVE");
    cJSON_AddStringToObject(o, "definition", m.definition);
    cJSON_AddStringToObject(o, "roleArn", m.role_arn);
    cJSON_AddStringToObject(o, "type", m.type);
    cJSON_AddNumberToObject(o, "creationDate", m.created);
    srv_add_json_text(o, "loggingConfiguration", m.logging);
    srv_add_json_text(o, "tracingConfiguration", m.tracing);
    srv_add_str(o, "revisionId", m.revision_id);
    srv_add_str(o, "description", m.description);
    srv_add_json_text(o, "encryptionConfiguration", m.encryption ? m.encryption : "{\"type\":\"AWS_OWNED_KEY\"}");
    srv_sm_free(&m);
    return 0;
}

int srv_op_update_state_machine(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    const char *arn = srv_req_str(req, "stateMachineArn"), *definition = srv_req_str(req, "definition");
    const char *role = srv_req_str(req, "roleArn"), *version_description = srv_req_str(req, "versionDescription");
    const cJSON *logging = srv_req_item(req, "loggingConfiguration");
    const cJSON *tracing = srv_req_item(req, "tracingConfiguration");
    const cJSON *encryption = srv_req_item(req, "encryptionConfiguration");
    int publish = srv_req_bool(req, "publish", 0);
    srv_arn a;
    if (check_machine_arn(arn, &a, e) != 0)
        return -1;
    if (!definition && !role && !logging && !tracing && !encryption)
        return srv_fail(e, "MissingRequiredParameter", "Either the definition, the role ARN, the "
                        "LoggingConfiguration, or the TracingConfiguration must be specified");
    if (version_description && !publish)
        return srv_fail(e, "ValidationException", "Version description can only be set when publish is true");
    if (role && check_role(role, e) != 0)
        return -1;
    int failed = 0;
    char *logging_text = logging ? srv_logging_text(logging, e) : NULL;
    char *encryption_text = encryption ? srv_encryption_text(encryption, &failed, e) : NULL;
    if ((logging && !logging_text) || failed) {
        free(logging_text);
        return -1;
    }
    srv_store_begin(s->store);
    srv_sm m;
    int rc = srv_machine_get(s, arn, &m, e);
    if (rc == 0 && definition)
        rc = check_definition(definition, m.type, e);
    char *version_arn = NULL;
    double now = srv_now(), published = 0;
    if (rc == 0) {
        /* Only a change makes a new revision: the same definition again (with publish, say) leaves
           the machine as it is, and publishing it again gives the same version. */
        int changed = 0;
        replace(&m.definition, definition, &changed);
        replace(&m.role_arn, role, &changed);
        replace(&m.logging, logging_text, &changed);
        if (tracing) {
            char *text = srv_tracing_text(tracing);
            replace(&m.tracing, text, &changed);
            free(text);
        }
        replace(&m.encryption, encryption_text, &changed);
        if (changed) {
            free(m.revision_id);
            m.revision_id = srv_new_revision();
            m.updated = now;
            if (srv_store_sm_update(s->store, &m) != SRV_OK)
                rc = srv_fail_store(e);
        }
        if (rc == 0 && publish)
            rc = srv_version_publish(s, &m, version_description, now, &version_arn, &published, e);
    }
    rc = srv_transaction_end(s, rc, e);
    if (rc == 0) {
        *resp = cJSON_CreateObject();
        cJSON_AddNumberToObject(*resp, "updateDate", now);
        srv_add_str(*resp, "revisionId", m.revision_id);
        srv_add_str(*resp, "stateMachineVersionArn", version_arn);
    }
    free(version_arn);
    free(logging_text);
    free(encryption_text);
    srv_sm_free(&m);
    return rc;
}

int srv_op_delete_state_machine(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    (void)resp;
    const char *arn = srv_req_str(req, "stateMachineArn");
    srv_arn a;
    if (check_machine_arn(arn, &a, e) != 0)
        return -1;
    /* Deleting what is not there succeeds: DeleteStateMachine has no "does not exist" error. */
    return srv_store_sm_delete(s->store, arn) == SRV_ERR ? srv_fail_store(e) : 0;
}

int srv_op_list_state_machines(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    int limit, n, more;
    char *after;
    if (srv_page_start(req, "ListStateMachines", &limit, &after, e) != 0)
        return -1;
    srv_sm *list;
    int rc = srv_store_sm_list(s->store, NULL, after, limit, &list, &n, &more);
    free(after);
    if (rc != SRV_OK)
        return srv_fail_store(e);
    *resp = cJSON_CreateObject();
    cJSON *items = cJSON_AddArrayToObject(*resp, "stateMachines");
    for (int i = 0; i < n; i++) {
        cJSON *item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "stateMachineArn", list[i].arn);
        cJSON_AddStringToObject(item, "name", list[i].name);
        cJSON_AddStringToObject(item, "type", list[i].type);
        cJSON_AddNumberToObject(item, "creationDate", list[i].created);
        cJSON_AddItemToArray(items, item);
    }
    srv_page_end(*resp, "ListStateMachines", more, n ? srv_sm_key(&list[n - 1]) : NULL);
    for (int i = 0; i < n; i++)
        srv_sm_free(&list[i]);
    free(list);
    return 0;
}
