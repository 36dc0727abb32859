/* jsonpath.h — evaluating JSONPath (aslrt_path) as AWS Step Functions does. */
#ifndef ASLRT_JSONPATH_H
#define ASLRT_JSONPATH_H

#include "exec.h"

/* The document a path's root names: `input` for $ (and @), the context object
   for $$, a variable's value for $name. NULL when a variable is not set. */
const cJSON *aslrt_path_root(aslrt_exec *ex, const aslrt_path *p, const cJSON *input);

/* Member `name` of object obj, or NULL: cJSON_GetObjectItemCaseSensitive
   without its calls, on the path of every field step (keys are short, and
   most differ in their first byte). */
static inline const cJSON *aslrt_json_member(const cJSON *obj, const char *name)
{
    char first = name[0];
    for (const cJSON *c = obj->child; c; c = c->next) {
        const char *k = c->string;
        if (k && k[0] == first) {
            const char *n = name;
            while (*k && *k == *n)
                k++, n++;
            if (*k == *n)
                return c;
        }
    }
    return NULL;
}

const cJSON *aslrt_path_walk(aslrt_exec *ex, const aslrt_path *p, const cJSON *input);

/* A definite path's node, borrowed from its root; NULL when nothing matches
   (no error is set: callers know the cause to give). $.name, the most
   common path of all, is looked up inline. */
static inline const cJSON *aslrt_path_get(aslrt_exec *ex, const aslrt_path *p, const cJSON *input)
{
    if (p->nsteps == 1 && p->root == ASLRT_ROOT_INPUT && p->steps[0].kind == ASLRT_STEP_FIELD)
        return input && (input->type & 0xff) == cJSON_Object ? aslrt_json_member(input, p->steps[0].name) : NULL;
    return aslrt_path_walk(ex, p, input);
}

/* The node a definite path rooted at $ selects in doc, detached from it
   (its member key dropped) and owned by the caller; NULL when nothing
   matches (no error is set) or the path is not of that kind. */
cJSON *aslrt_path_detach(aslrt_exec *ex, const aslrt_path *p, cJSON *doc);

/* Any path's value, owned by the caller: a definite path yields a copy of its
   node (NULL when nothing matches, no error set); an indefinite one yields an
   array of copies of the matches, [] when there are none. */
cJSON *aslrt_path_eval(aslrt_exec *ex, const aslrt_path *p, const cJSON *input);

/* Why a definite path found nothing, in AWS's words, malloc'd:
   "Invalid path '$.x' : No results for path: $['x']" when only the last step
   is missing, "Invalid path '$.a.b' : Missing property in path $['a']" when an
   intermediate one is. */
char *aslrt_path_miss_cause(aslrt_exec *ex, const aslrt_path *p, const cJSON *input);

/* ResultPath: puts `value` (taken) at reference path p inside *doc, creating
   missing intermediate objects and replacing an existing member or element;
   an empty path replaces *doc. On a node that is not an object sets
   States.Runtime ... and returns -1 (see the function for the cause). */
int aslrt_path_set(aslrt_exec *ex, const aslrt_path *p, cJSON **doc, cJSON *value);

#endif
