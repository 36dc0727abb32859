/* op_aliases.c — Create/Describe/Update/Delete/ListStateMachineAliases: an alias routes a
   machine's executions to one version, or splits them between two by weight. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "buf.h"
#include "jsonprint.h"
#include "resources.h"
#include "xalloc.h"

enum { ALIASES_MAX = 100 };

/* A Coral-style validation error about one routing entry's member. */
static int routing_invalid(srv_err *e, int i, const char *member, const char *value, const char *constraint)
{
    return srv_fail(e, "ValidationException", "1 validation error detected: Value %s at "
                    "'routingConfiguration.%d.member.%s' failed to satisfy constraint: %s",
                    value, i, member, constraint);
}

/* "[a, b]" of the routing entries' member (strings, or numbers), as AWS's messages list them. */
static char *received(const cJSON *routing, const char *member)
{
    asl_buf b = {0};
    asl_buf_putc(&b, '[');
    const cJSON *item;
    int i = 0;
    cJSON_ArrayForEach(item, routing)
    {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, member);
        char num[32];
        if (cJSON_IsNumber(v))
            aslrt_number_format(v->valuedouble, num);
        asl_buf_printf(&b, "%s%s", i++ ? ", " : "", cJSON_IsString(v) ? v->valuestring : cJSON_IsNumber(v) ? num : "null");
    }
    asl_buf_putc(&b, ']');
    return asl_buf_take(&b);
}

/* Checks routingConfiguration as AWS does: one or two entries, each a version ARN and a weight
   from 0 to 100, versions of one machine, distinct, that exist, with weights adding up to 100.
   *machine_arn (malloc'd) is their machine; *canonical the configuration as stored. */
static int check_routing(srv *s, const cJSON *routing, char **machine_arn, char **canonical, srv_err *e)
{
    *machine_arn = NULL;
    *canonical = NULL;
    const cJSON *item;
    int i = 0, sum = 0;
    cJSON_ArrayForEach(item, routing) /* the shapes first, as the service model's checks come first */
    {
        i++;
        const cJSON *arn = cJSON_GetObjectItemCaseSensitive(item, "stateMachineVersionArn");
        const cJSON *weight = cJSON_GetObjectItemCaseSensitive(item, "weight");
        if (!cJSON_IsObject(item))
            return srv_fail(e, "SerializationException", "routingConfiguration.%d must be an object", i);
        if (!cJSON_IsString(arn))
            return routing_invalid(e, i, "stateMachineVersionArn", "null", "Member must not be null");
        if (!cJSON_IsNumber(weight))
            return routing_invalid(e, i, "weight", "null", "Member must not be null");
        char v[32];
        aslrt_number_format(weight->valuedouble, v);
        char *quoted = aslrt_strf("'%s'", v);
        int bad = weight->valuedouble < 0 || weight->valuedouble > 100;
        if (bad)
            routing_invalid(e, i, "weight", quoted, weight->valuedouble < 0
                                                        ? "Member must have value greater than or equal to 0"
                                                        : "Member must have value less than or equal to 100");
        free(quoted);
        if (bad)
            return -1;
        if (weight->valuedouble != (double)(int)weight->valuedouble)
            return srv_fail(e, "SerializationException", "routingConfiguration.%d.weight must be an integer", i);
        sum += (int)weight->valuedouble;
    }
    char *list = received(routing, "stateMachineVersionArn");
    int rc = 0;
    const char *first = NULL;
    cJSON_ArrayForEach(item, routing)
    {
        const char *arn = cJSON_GetObjectItemCaseSensitive(item, "stateMachineVersionArn")->valuestring;
        srv_arn a;
        char *unqualified = NULL;
        if (srv_arn_parse(arn, &a) || a.kind != SRV_ARN_VERSION)
            rc = srv_fail(e, "ValidationException", "Routing configuration must contain state machine version ARNs. "
                          "Received: %s", list);
        else if (first && strcmp(first, arn) == 0)
            rc = srv_fail(e, "ValidationException", "Routing configuration must contain distinct state machine "
                          "version ARNs. Received: %s", list);
        else if (*machine_arn && strcmp(*machine_arn, unqualified = srv_arn_unqualified(arn)) != 0)
            rc = srv_fail(e, "ValidationException", "Routing configuration must contain state machine version ARNs "
                          "of the same state machine. Received: %s", list);
        free(unqualified);
        if (rc)
            break;
        if (!*machine_arn)
            *machine_arn = srv_arn_unqualified(arn);
        first = arn;
    }
    free(list);
    if (rc == 0 && sum != 100) {
        char *weights = received(routing, "weight");
        rc = srv_fail(e, "ValidationException", "Sum of routing configuration weights must equal 100. Received: %s",
                      weights);
        free(weights);
    }
    cJSON_ArrayForEach(item, routing)
    {
        if (rc)
            break;
        const char *arn = cJSON_GetObjectItemCaseSensitive(item, "stateMachineVersionArn")->valuestring;
        srv_sm v;
        int found = srv_store_sm_get(s->store, arn, &v);
        srv_sm_free(&v);
        if (found == SRV_NOT_FOUND)
            rc = srv_fail_resource(e, "ResourceNotFound", arn);
        else if (found != SRV_OK)
            rc = srv_fail_store(e);
    }
    if (rc == 0) {
        cJSON *out = cJSON_CreateArray();
        cJSON_ArrayForEach(item, routing)
        {
            cJSON *entry = cJSON_CreateObject();
            cJSON_AddStringToObject(entry, "stateMachineVersionArn",
                                    cJSON_GetObjectItemCaseSensitive(item, "stateMachineVersionArn")->valuestring);
            cJSON_AddNumberToObject(entry, "weight", cJSON_GetObjectItemCaseSensitive(item, "weight")->valuedouble);
            cJSON_AddItemToArray(out, entry);
        }
        *canonical = aslrt_json_text(out);
        cJSON_Delete(out);
    } else {
        free(*machine_arn);
        *machine_arn = NULL;
    }
    return rc;
}

int srv_op_create_state_machine_alias(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    const char *name = srv_req_str(req, "name"), *description = srv_req_str(req, "description");
    char *machine_arn, *routing;
    srv_store_begin(s->store);
    if (check_routing(s, srv_req_item(req, "routingConfiguration"), &machine_arn, &routing, e) != 0) {
        srv_store_rollback(s->store);
        return -1;
    }
    srv_alias al = {srv_arn_qualified(machine_arn, name), machine_arn, aslrt_xstrdup(name),
                    description ? aslrt_xstrdup(description) : NULL, routing, srv_now(), 0};
    al.updated = al.created;
    srv_alias old;
    int rc = 0, found = srv_store_alias_get(s->store, al.arn, &old);
    if (found == SRV_OK) {
        /* the same name, description and routing again is the same request */
        if (srv_same_text(old.description, al.description) && srv_same_text(old.routing, al.routing))
            al.created = old.created;
        else
            rc = srv_fail(e, "ConflictException", "Failed to create alias because an alias with the same name and "
                          "a different routing configuration already exists.");
        srv_alias_free(&old);
    } else if (found == SRV_NOT_FOUND) {
        int n = srv_store_alias_count(s->store, machine_arn);
        if (n < 0)
            rc = srv_fail_store(e);
        else if (n >= ALIASES_MAX)
            rc = srv_fail(e, "ServiceQuotaExceededException", "A state machine can have at most %d aliases",
                          ALIASES_MAX);
        else if (srv_store_alias_insert(s->store, &al) != SRV_OK)
            rc = srv_fail_store(e);
    } else {
        rc = srv_fail_store(e);
    }
    rc = srv_transaction_end(s, rc, e);
    if (rc == 0) {
        *resp = cJSON_CreateObject();
        cJSON_AddStringToObject(*resp, "stateMachineAliasArn", al.arn);
        cJSON_AddNumberToObject(*resp, "creationDate", al.created);
    }
    srv_alias_free(&al);
    return rc;
}

/* The alias at arn (checked to be an alias ARN), or ResourceNotFound. */
static int alias_get(srv *s, const char *arn, srv_alias *out, srv_err *e)
{
    srv_arn a;
    if (srv_check_arn(arn, SRV_ARN_ALIAS, -1, &a, e) != 0)
        return -1;
    int rc = srv_store_alias_get(s->store, arn, out);
    if (rc == SRV_NOT_FOUND) {
        srv_fail_resource(e, "ResourceNotFound", arn);
        return srv_fail(e, "ResourceNotFound", "Request references a resource that does not exist.");
    }
    return rc == SRV_OK ? 0 : srv_fail_store(e);
}

int srv_op_describe_state_machine_alias(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    srv_alias al;
    if (alias_get(s, srv_req_str(req, "stateMachineAliasArn"), &al, e) != 0)
        return -1;
    cJSON *o = *resp = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "stateMachineAliasArn", al.arn);
    cJSON_AddStringToObject(o, "name", al.name);
    srv_add_str(o, "description", al.description);
    srv_add_json_text(o, "routingConfiguration", al.routing);
    cJSON_AddNumberToObject(o, "creationDate", al.created);
    cJSON_AddNumberToObject(o, "updateDate", al.updated);
    srv_alias_free(&al);
    return 0;
}

int srv_op_update_state_machine_alias(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    const char *description = srv_req_str(req, "description");
    const cJSON *routing = srv_req_item(req, "routingConfiguration");
    if (!description && !routing)
        return srv_fail(e, "MissingRequiredParameter", "Either the description or the RoutingConfiguration must be "
                                                       "specified");
    srv_store_begin(s->store);
    srv_alias al;
    int rc = alias_get(s, srv_req_str(req, "stateMachineAliasArn"), &al, e);
    char *machine_arn = NULL, *canonical = NULL;
    if (rc == 0 && routing && (rc = check_routing(s, routing, &machine_arn, &canonical, e)) == 0 &&
        strcmp(machine_arn, al.machine_arn) != 0)
        rc = srv_fail(e, "ValidationException", "Routing configuration must contain versions of the alias' own state "
                      "machine %s", al.machine_arn);
    if (rc == 0) {
        if (description) {
            free(al.description);
            al.description = aslrt_xstrdup(description);
        }
        if (canonical) {
            free(al.routing);
            al.routing = canonical;
            canonical = NULL;
        }
        al.updated = srv_now();
        if (srv_store_alias_update(s->store, &al) != SRV_OK)
            rc = srv_fail_store(e);
    }
    rc = srv_transaction_end(s, rc, e);
    if (rc == 0) {
        *resp = cJSON_CreateObject();
        cJSON_AddNumberToObject(*resp, "updateDate", al.updated);
    }
    free(machine_arn);
    free(canonical);
    srv_alias_free(&al);
    return rc;
}

int srv_op_delete_state_machine_alias(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    (void)resp;
    const char *arn = srv_req_str(req, "stateMachineAliasArn");
    srv_arn a;
    if (srv_check_arn(arn, SRV_ARN_ALIAS, -1, &a, e) != 0)
        return -1;
    /* Deleting an alias that is not there succeeds, as on AWS. */
    return srv_store_alias_delete(s->store, arn) == SRV_ERR ? srv_fail_store(e) : 0;
}

/* Whether the alias routes to version_arn. */
static int routes_to(const srv_alias *al, const char *version_arn)
{
    char *quoted = aslrt_strf("\"%s\"", version_arn);
    int yes = strstr(al->routing, quoted) != NULL;
    free(quoted);
    return yes;
}

int srv_op_list_state_machine_aliases(srv *s, const cJSON *req, cJSON **resp, srv_err *e)
{
    const char *arn = srv_req_str(req, "stateMachineArn");
    srv_arn a;
    int limit, n, more;
    char *after;
    if (srv_check_arn(arn, SRV_ARN_STATE_MACHINE, SRV_ARN_VERSION, &a, e) != 0)
        return -1;
    /* A version's ARN lists the aliases that route to it. */
    char *machine_arn = a.kind == SRV_ARN_VERSION ? srv_arn_unqualified(arn) : aslrt_xstrdup(arn);
    srv_sm m;
    if (srv_machine_get(s, arn, &m, e) != 0) {
        free(machine_arn);
        return -1;
    }
    srv_sm_free(&m);
    if (srv_page_start(req, "ListStateMachineAliases", &limit, &after, e) != 0) {
        free(machine_arn);
        return -1;
    }
    srv_alias *list;
    int rc = srv_store_alias_list(s->store, machine_arn, after, a.kind == SRV_ARN_VERSION ? ALIASES_MAX : limit,
                                  &list, &n, &more);
    free(after);
    free(machine_arn);
    if (rc != SRV_OK)
        return srv_fail_store(e);
    *resp = cJSON_CreateObject();
    cJSON *items = cJSON_AddArrayToObject(*resp, "stateMachineAliases");
    for (int i = 0; i < n; i++) {
        if (a.kind == SRV_ARN_VERSION && !routes_to(&list[i], arn))
            continue;
        cJSON *item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "stateMachineAliasArn", list[i].arn);
        cJSON_AddNumberToObject(item, "creationDate", list[i].created);
        cJSON_AddItemToArray(items, item);
    }
    srv_page_end(*resp, "ListStateMachineAliases", more && a.kind != SRV_ARN_VERSION,
                 n ? aslrt_xstrdup(list[n - 1].arn) : NULL);
    for (int i = 0; i < n; i++)
        srv_alias_free(&list[i]);
    free(list);
    return 0;
}
