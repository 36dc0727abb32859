/* table.h — a hash table from strings to pointers, for the server's in-memory indexes (running
   executions by ARN, tasks by token). Not locked: its owner's lock guards it. */
#ifndef SRV_TABLE_H
#define SRV_TABLE_H

#include <stddef.h>

typedef struct srv_table srv_table;

srv_table *srv_table_new(void);
/* Frees the table and its keys, not the values. */
void srv_table_free(srv_table *t);
/* The value under key, or NULL. */
void *srv_table_get(const srv_table *t, const char *key);
/* Sets key (copied) to value (not NULL), replacing any value it had. */
void srv_table_put(srv_table *t, const char *key, void *value);
/* Removes key; its value, or NULL when it had none. */
void *srv_table_del(srv_table *t, const char *key);
size_t srv_table_count(const srv_table *t);
/* Calls fn for every entry; fn must not change the table. */
void srv_table_each(const srv_table *t, void (*fn)(void *ctx, const char *key, void *value), void *ctx);

#endif
