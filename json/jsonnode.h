/* jsonnode.h — making, copying and linking cJSON nodes directly. */
#ifndef ASLRT_JSONNODE_H
#define ASLRT_JSONNODE_H

#include <stddef.h>
#include <cjson/cJSON.h>

/* Checks a cJSON allocation result: aborts on NULL. */
cJSON *aslrt_xjson(cJSON *v);
/* Drops the member key v kept from the object it was in (it is moving, or
   is a copy of a member): a node in an array or on its own has none. */
static inline void aslrt_json_unkey(cJSON *v)
{
    if (v->string && !(v->type & cJSON_StringIsConst))
        cJSON_free(v->string);
    v->string = NULL;
    v->type &= ~cJSON_StringIsConst;
}
/* A copy of borrowed data (input, definition) with no member key. */
cJSON *aslrt_json_copy(const cJSON *v);
/* The same keeping v's key, for a copy that becomes a member. */
cJSON *aslrt_json_copy_member(const cJSON *v);
/* n bytes allocated as cJSON allocates (for text a node will own);
   aborts when out of memory. */
void *aslrt_json_alloc(size_t n);
/* A node of cJSON type `type`, all else zero (cJSON's constructors, less
   their calls). */
cJSON *aslrt_json_new(int type);
/* Appends v (taken, in no list) to container: cJSON's links kept (the
   first member's prev is the last), with no walk and no call, for
   documents built in order. */
static inline void aslrt_json_append(cJSON *container, cJSON *v)
{
    cJSON *first = container->child;
    v->next = NULL;
    if (!first) {
        container->child = v;
        v->prev = v;
    } else {
        v->prev = first->prev;
        first->prev->next = v;
        first->prev = v;
    }
}

#endif
