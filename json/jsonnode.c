/* jsonnode.c — making and copying cJSON nodes without cJSON's per-node detours. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonnode.h"
#include "xalloc.h"

cJSON *aslrt_xjson(cJSON *v)
{
    if (!v)
        aslrt_out_of_memory();
    return v;
}

void *aslrt_json_alloc(size_t n)
{
    void *p = cJSON_malloc(n);
    if (!p)
        aslrt_xjson(NULL);
    return p;
}

cJSON *aslrt_json_new(int type)
{
    cJSON *r = aslrt_json_alloc(sizeof *r);
    memset(r, 0, sizeof *r);
    r->type = type;
    return r;
}

/* A copy of the text s, allocated as cJSON allocates. */
static char *copy_text(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(aslrt_json_alloc(n), s, n);
}

#define COPY_DEPTH 64 /* deeper values are copied by cJSON_Duplicate */

/* v's node alone, as cJSON_Duplicate copies it: the reference flag
   dropped, the texts copied (a constant key shared); the key too when
   keep_key, else dropped as aslrt_json_unkey drops it. */
static inline cJSON *copy_node(const cJSON *v, int keep_key)
{
    cJSON *r = aslrt_json_new(v->type & ~cJSON_IsReference);
    r->valueint = v->valueint;
    r->valuedouble = v->valuedouble;
    if (v->valuestring)
        r->valuestring = copy_text(v->valuestring);
    if (!keep_key)
        r->type &= ~cJSON_StringIsConst;
    else if (v->string)
        r->string = v->type & cJSON_StringIsConst ? v->string : copy_text(v->string);
    return r;
}

/* What cJSON_Duplicate(v, 1) gives, with v's own key only when keep_key
   (its members keep theirs), made without cJSON's calls per node
   (allocate, clear, copy the key): copies are mostly scalars and small
   objects, where those calls cost more than the copy. */
static cJSON *copy_value(const cJSON *v, int keep_key, int depth)
{
    if (depth > COPY_DEPTH) {
        cJSON *r = aslrt_xjson(cJSON_Duplicate(v, 1));
        if (!keep_key)
            aslrt_json_unkey(r);
        return r;
    }
    cJSON *r = copy_node(v, keep_key), *last = NULL;
    for (const cJSON *x = v->child; x; x = x->next) {
        cJSON *y = x->child ? copy_value(x, 1, depth + 1) : copy_node(x, 1);
        if (last) {
            last->next = y;
            y->prev = last;
        } else {
            r->child = y;
        }
        last = y;
    }
    if (r->child)
        r->child->prev = last;
    return r;
}

cJSON *aslrt_json_copy(const cJSON *v)
{
    return copy_value(v, 0, 0);
}

cJSON *aslrt_json_copy_member(const cJSON *v)
{
    return copy_value(v, 1, 0);
}
