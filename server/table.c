/* table.c — string-keyed hash table (table.h): chained buckets, doubled when the entries
   outnumber them, FNV-1a over the key. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "xalloc.h"

typedef struct slot {
    struct slot *next;
    uint64_t hash;
    void *value;
    char key[]; /* NUL-terminated */
} slot;

struct srv_table {
    slot **buckets;
    size_t nbuckets, count; /* nbuckets: a power of two */
};

static slot **new_buckets(size_t n)
{
    slot **b = aslrt_xmalloc(n * sizeof *b);
    memset(b, 0, n * sizeof *b);
    return b;
}

static uint64_t hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

srv_table *srv_table_new(void)
{
    srv_table *t = aslrt_xmalloc(sizeof *t);
    t->nbuckets = 64;
    t->count = 0;
    t->buckets = new_buckets(t->nbuckets);
    return t;
}

void srv_table_free(srv_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nbuckets; i++)
        for (slot *s = t->buckets[i], *next; s; s = next) {
            next = s->next;
            free(s);
        }
    free(t->buckets);
    free(t);
}

static slot **find(const srv_table *t, const char *key, uint64_t h)
{
    slot **p = &t->buckets[h & (t->nbuckets - 1)];
    while (*p && ((*p)->hash != h || strcmp((*p)->key, key) != 0))
        p = &(*p)->next;
    return p;
}

void *srv_table_get(const srv_table *t, const char *key)
{
    slot *s = *find(t, key, hash_key(key));
    return s ? s->value : NULL;
}

static void grow(srv_table *t)
{
    size_t n = t->nbuckets * 2;
    slot **b = new_buckets(n);
    for (size_t i = 0; i < t->nbuckets; i++)
        for (slot *s = t->buckets[i], *next; s; s = next) {
            next = s->next;
            s->next = b[s->hash & (n - 1)];
            b[s->hash & (n - 1)] = s;
        }
    free(t->buckets);
    t->buckets = b;
    t->nbuckets = n;
}

void srv_table_put(srv_table *t, const char *key, void *value)
{
    uint64_t h = hash_key(key);
    slot **p = find(t, key, h);
    if (*p) {
        (*p)->value = value;
        return;
    }
    size_t len = strlen(key);
    slot *s = aslrt_xmalloc(sizeof *s + len + 1);
    memcpy(s->key, key, len + 1);
    s->hash = h;
    s->value = value;
    s->next = NULL;
    *p = s;
    if (++t->count > t->nbuckets)
        grow(t);
}

void *srv_table_del(srv_table *t, const char *key)
{
    slot **p = find(t, key, hash_key(key));
    slot *s = *p;
    if (!s)
        return NULL;
    *p = s->next;
    void *v = s->value;
    free(s);
    t->count--;
    return v;
}

size_t srv_table_count(const srv_table *t)
{
    return t->count;
}

void srv_table_each(const srv_table *t, void (*fn)(void *ctx, const char *key, void *value), void *ctx)
{
    for (size_t i = 0; i < t->nbuckets; i++)
        for (slot *s = t->buckets[i]; s; s = s->next)
            fn(ctx, s->key, s->value);
}
