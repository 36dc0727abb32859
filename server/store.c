/* store.c — the server's state in SQLite (store.h). One connection, one recursive lock, and
   each SQL text prepared once: a statement is found again by the address of its text, so every
   query below is a static string. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "jsonread.h"
#include "store.h"
#include "table.h"
#include "xalloc.h"

enum { MAX_STATEMENTS = 96 };

struct srv_store {
    sqlite3 *db;
    pthread_mutex_t lock; /* recursive: a transaction's calls take it again */
    int depth;            /* transactions begun and not ended, nested: only the outermost is SQL's */
    int failed;           /* a nested one rolled back: the outermost rolls back too */
    struct {
        const char *sql;
        sqlite3_stmt *stmt;
    } stmts[MAX_STATEMENTS];
    int nstmts;
    atomic_long generation; /* counts changes of machines, versions and aliases (srv_store_generation) */
    srv_table *histories;   /* ":memory:" stores: execution ARN -> its history's text (see below) */
    srv_table *definitions; /* definition text -> its row id in definitions (definition_id) */
};

/* The schema. Each machine's versions share its table (version > 0); aliases route by JSON;
   executions keep what they ran, since a machine can change or go while they run. */
static const char schema[] =
    "CREATE TABLE IF NOT EXISTS machines ("
    " arn TEXT PRIMARY KEY, machine_arn TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL,"
    " definition TEXT NOT NULL, role_arn TEXT NOT NULL, type TEXT NOT NULL, logging TEXT, tracing TEXT,"
    " encryption TEXT, revision_id TEXT, description TEXT, created REAL NOT NULL, updated REAL NOT NULL,"
    " next_version INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX IF NOT EXISTS machines_by_machine ON machines(machine_arn, version);"
    "CREATE TABLE IF NOT EXISTS aliases ("
    " arn TEXT PRIMARY KEY, machine_arn TEXT NOT NULL, name TEXT NOT NULL, description TEXT,"
    " routing TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL);"
    "CREATE INDEX IF NOT EXISTS aliases_by_machine ON aliases(machine_arn);"
    "CREATE TABLE IF NOT EXISTS activities ("
    " arn TEXT PRIMARY KEY, name TEXT NOT NULL, encryption TEXT, created REAL NOT NULL);"
    "CREATE TABLE IF NOT EXISTS tags ("
    " arn TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (arn, key));"
    "CREATE TABLE IF NOT EXISTS executions ("
    " seq INTEGER PRIMARY KEY, arn TEXT NOT NULL UNIQUE, machine_arn TEXT NOT NULL, version_arn TEXT,"
    " alias_arn TEXT, map_run_arn TEXT, name TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL,"
    " input TEXT, output TEXT, error TEXT, cause TEXT, trace_header TEXT, definition_id INTEGER NOT NULL,"
    " role_arn TEXT, start REAL NOT NULL, stop REAL NOT NULL DEFAULT 0, redrive_date REAL NOT NULL DEFAULT 0,"
    " redrive_count INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS executions_by_machine ON executions(machine_arn, seq);"
    "CREATE INDEX IF NOT EXISTS executions_by_map_run ON executions(map_run_arn, seq) WHERE map_run_arn IS NOT NULL;"
    "CREATE TABLE IF NOT EXISTS events ("
    " execution_arn TEXT NOT NULL, id INTEGER NOT NULL, previous_id INTEGER NOT NULL, timestamp REAL NOT NULL,"
    " type TEXT NOT NULL, details TEXT, PRIMARY KEY (execution_arn, id));"
    "CREATE TABLE IF NOT EXISTS definitions (id INTEGER PRIMARY KEY, hash INTEGER NOT NULL, text TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS definitions_by_hash ON definitions(hash);"
    "CREATE TABLE IF NOT EXISTS histories (execution_arn TEXT PRIMARY KEY, events TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS tokens ("
    " token TEXT PRIMARY KEY, execution_arn TEXT NOT NULL, activity_arn TEXT, scheduled_event INTEGER NOT NULL,"
    " heartbeat_deadline REAL NOT NULL, deadline REAL NOT NULL);"
    "CREATE TABLE IF NOT EXISTS map_runs ("
    " arn TEXT PRIMARY KEY, execution_arn TEXT NOT NULL, status TEXT NOT NULL, item_counts TEXT,"
    " execution_counts TEXT, max_concurrency INTEGER NOT NULL, tolerated_failure_count INTEGER NOT NULL,"
    " tolerated_failure_percentage REAL NOT NULL, start REAL NOT NULL, stop REAL NOT NULL);"
    "CREATE INDEX IF NOT EXISTS map_runs_by_execution ON map_runs(execution_arn);";

static void say(srv_store *st, const char *what)
{
    fprintf(stderr, "aslc serve: store: %s: %s\n", what, sqlite3_errmsg(st->db));
}

srv_store *srv_store_open(const char *path, char **err)
{
    srv_store *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    int memory = strcmp(path, ":memory:") == 0;
    /* SQLite's memory statistics take a global mutex on every allocation; nothing reads them.
       (A no-op once SQLite is initialized: the first open decides.) */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        *err = aslrt_strf("cannot open the store %s: %s", path, st->db ? sqlite3_errmsg(st->db) : "out of memory");
        sqlite3_close(st->db);
        free(st);
        return NULL;
    }
    char *msg = NULL;
    const char *pragmas = memory ? "PRAGMA foreign_keys=OFF;"
                                 : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;";
    if (sqlite3_exec(st->db, pragmas, NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_exec(st->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
        *err = aslrt_strf("cannot set up the store %s: %s", path, msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        sqlite3_close(st->db);
        free(st);
        return NULL;
    }
    if (memory)
        st->histories = srv_table_new();
    st->definitions = srv_table_new();
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&st->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    return st;
}

static void free_history(void *ctx, const char *key, void *value)
{
    (void)ctx, (void)key;
    free(value);
}

void srv_store_close(srv_store *st)
{
    if (!st)
        return;
    for (int i = 0; i < st->nstmts; i++)
        sqlite3_finalize(st->stmts[i].stmt);
    if (sqlite3_close(st->db) != SQLITE_OK)
        say(st, "close");
    if (st->histories) {
        srv_table_each(st->histories, free_history, NULL);
        srv_table_free(st->histories);
    }
    srv_table_free(st->definitions);
    pthread_mutex_destroy(&st->lock);
    free(st);
}

void srv_store_begin(srv_store *st)
{
    pthread_mutex_lock(&st->lock);
    if (st->depth++ == 0) {
        st->failed = 0;
        if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
            say(st, "begin");
            st->failed = 1;
        }
    }
}

/* Ends a transaction: the outermost commits, or rolls back when asked to or when a nested one
   did. */
static int end(srv_store *st, int commit)
{
    int rc = SRV_OK;
    if (!commit)
        st->failed = 1;
    if (--st->depth == 0) {
        if (!st->failed && sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            say(st, "commit");
            st->failed = 1;
        }
        if (st->failed && sqlite3_get_autocommit(st->db) == 0)
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        if (st->failed) { /* the ids of definitions added in it are gone with it */
            srv_table_free(st->definitions);
            st->definitions = srv_table_new();
        }
        rc = st->failed && commit ? SRV_ERR : SRV_OK;
    }
    pthread_mutex_unlock(&st->lock);
    return rc;
}

int srv_store_commit(srv_store *st)
{
    return end(st, 1);
}

void srv_store_rollback(srv_store *st)
{
    end(st, 0);
}

/* The statement for sql (a static string), prepared on first use, reset and with sql's
   parameters bound from fmt: s a string (NULL: SQL NULL), d a double, i a long, I an int.
   Called with the lock held. NULL when SQLite refuses it. */
static sqlite3_stmt *prep(srv_store *st, const char *sql, const char *fmt, ...)
{
    sqlite3_stmt *s = NULL;
    for (int i = 0; i < st->nstmts; i++)
        if (st->stmts[i].sql == sql) {
            s = st->stmts[i].stmt;
            break;
        }
    if (!s) {
        if (st->nstmts == MAX_STATEMENTS || sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) !=
                                                SQLITE_OK) {
            say(st, sql);
            return NULL;
        }
        st->stmts[st->nstmts].sql = sql;
        st->stmts[st->nstmts++].stmt = s;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    va_list ap;
    va_start(ap, fmt);
    for (int i = 1; fmt[i - 1]; i++) {
        switch (fmt[i - 1]) {
        case 's': {
            const char *v = va_arg(ap, const char *);
            if (v)
                sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
            break;
        }
        case 'd': sqlite3_bind_double(s, i, va_arg(ap, double)); break;
        case 'i': sqlite3_bind_int64(s, i, va_arg(ap, long)); break;
        case 'I': sqlite3_bind_int(s, i, va_arg(ap, int)); break;
        }
    }
    va_end(ap);
    return s;
}

/* Runs a statement that returns no rows: SRV_OK, SRV_EXISTS on a constraint, SRV_ERR. */
static int done(srv_store *st, sqlite3_stmt *s)
{
    if (!s)
        return SRV_ERR;
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc == SQLITE_DONE)
        return SRV_OK;
    if (rc == SQLITE_CONSTRAINT)
        return SRV_EXISTS;
    say(st, "step");
    return SRV_ERR;
}

/* The steps of a query: SQLITE_ROW, SQLITE_DONE, or SRV_ERR after saying why. */
static int step(srv_store *st, sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return rc;
    say(st, "step");
    return SRV_ERR;
}

static char *col_str(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? aslrt_xstrdup((const char *)t) : NULL;
}

#define LOCK() pthread_mutex_lock(&st->lock)
#define UNLOCK() pthread_mutex_unlock(&st->lock)

/* A statement run under the lock, no rows. */
#define RUN(sql, ...)                                                                                                  \
    do {                                                                                                               \
        LOCK();                                                                                                        \
        int rc_ = done(st, prep(st, sql, __VA_ARGS__));                                                                \
        UNLOCK();                                                                                                      \
        return rc_;                                                                                                    \
    } while (0)

/* The same for a statement that changes machines, versions or aliases: the generation counts
   it once it is done (srv_store_generation). */
#define RUN_CHANGE(sql, ...)                                                                                           \
    do {                                                                                                               \
        LOCK();                                                                                                        \
        int rc_ = done(st, prep(st, sql, __VA_ARGS__));                                                                \
        atomic_fetch_add(&st->generation, 1);                                                                          \
        UNLOCK();                                                                                                      \
        return rc_;                                                                                                    \
    } while (0)

long srv_store_generation(srv_store *st)
{
    return atomic_load(&st->generation);
}

/* How a struct's fields map to the columns of a query, in order: s a string (char *), d a
   double, l a long, i an int. */
typedef struct column {
    size_t offset;
    char kind;
} column;
typedef struct row_shape {
    const column *cols;
    int ncols;
    size_t size; /* of the struct */
} row_shape;
#define COL(type, field, kind) {offsetof(type, field), kind}
#define SHAPE(type, cols) {cols, (int)(sizeof cols / sizeof cols[0]), sizeof(type)}

/* Reads the current row into the struct at out. */
static void read_row(sqlite3_stmt *s, const row_shape *shape, void *out)
{
    for (int i = 0; i < shape->ncols; i++) {
        char *field = (char *)out + shape->cols[i].offset;
        switch (shape->cols[i].kind) {
        case 's': *(char **)field = col_str(s, i); break;
        case 'd': *(double *)field = sqlite3_column_double(s, i); break;
        case 'l': *(long *)field = (long)sqlite3_column_int64(s, i); break;
        case 'i': *(int *)field = sqlite3_column_int(s, i); break;
        }
    }
}

/* Frees the strings of a struct read_row filled, and zeroes it. */
static void free_row(const row_shape *shape, void *row)
{
    for (int i = 0; i < shape->ncols; i++)
        if (shape->cols[i].kind == 's')
            free(*(char **)((char *)row + shape->cols[i].offset));
    memset(row, 0, shape->size);
}

/* One row, or SRV_NOT_FOUND (*out zeroed). */
static int get_one(srv_store *st, sqlite3_stmt *s, const row_shape *shape, void *out)
{
    memset(out, 0, shape->size);
    if (!s)
        return SRV_ERR;
    int rc = step(st, s);
    if (rc == SQLITE_ROW)
        read_row(s, shape, out);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? SRV_OK : rc == SQLITE_DONE ? SRV_NOT_FOUND : SRV_ERR;
}

/* The row sql (one parameter) finds for arn. */
static int get_by_arn(srv_store *st, const char *sql, const row_shape *shape, const char *arn, void *out)
{
    LOCK();
    int rc = get_one(st, prep(st, sql, "s", arn), shape, out);
    UNLOCK();
    return rc;
}

/* Up to limit rows (the query asks for limit + 1, to know whether there are more) into a new
   array of structs. */
static int get_many(srv_store *st, sqlite3_stmt *s, const row_shape *shape, int limit, void **out, int *n, int *more)
{
    size_t size = shape->size;
    *out = NULL;
    *n = 0;
    *more = 0;
    if (!s)
        return SRV_ERR;
    char *items = NULL;
    int rc;
    while ((rc = step(st, s)) == SQLITE_ROW) {
        if (*n == limit) {
            *more = 1;
            break;
        }
        items = aslrt_xrealloc(items, size * (size_t)(*n + 1));
        memset(items + size * (size_t)*n, 0, size);
        read_row(s, shape, items + size * (size_t)(*n)++);
    }
    sqlite3_reset(s);
    *out = items;
    return rc == SRV_ERR ? SRV_ERR : SRV_OK;
}

/* Deletes what sql names by arn (its one parameter, ?1), and the tags of what tags_sql names
   by it, in one transaction: SRV_OK, SRV_NOT_FOUND when sql deleted nothing, SRV_ERR. */
static int delete_with_tags(srv_store *st, const char *tags_sql, const char *sql, const char *arn)
{
    srv_store_begin(st);
    int rc = done(st, prep(st, tags_sql, "s", arn));
    if (rc == SRV_OK)
        rc = done(st, prep(st, sql, "s", arn));
    int changed = sqlite3_changes(st->db);
    if (rc != SRV_OK) {
        srv_store_rollback(st);
        return SRV_ERR;
    }
    if (srv_store_commit(st) != SRV_OK)
        return SRV_ERR;
    return changed ? SRV_OK : SRV_NOT_FOUND;
}

static const char delete_tags[] = "DELETE FROM tags WHERE arn = ?1";

/* ---- state machines and versions ---- */

#define SM_COLUMNS                                                                                                     \
    "arn, machine_arn, name, version, definition, role_arn, type, logging, tracing, encryption, revision_id,"        \
    " description, created, updated"

static const column sm_cols[] = {
    COL(srv_sm, arn, 's'),        COL(srv_sm, machine_arn, 's'), COL(srv_sm, name, 's'),
    COL(srv_sm, version, 'l'),    COL(srv_sm, definition, 's'),  COL(srv_sm, role_arn, 's'),
    COL(srv_sm, type, 's'),       COL(srv_sm, logging, 's'),     COL(srv_sm, tracing, 's'),
    COL(srv_sm, encryption, 's'), COL(srv_sm, revision_id, 's'), COL(srv_sm, description, 's'),
    COL(srv_sm, created, 'd'),    COL(srv_sm, updated, 'd')};
static const row_shape sm_shape = SHAPE(srv_sm, sm_cols);

void srv_sm_free(srv_sm *m)
{
    free_row(&sm_shape, m);
}

int srv_store_sm_get(srv_store *st, const char *arn, srv_sm *out)
{
    static const char sql[] = "SELECT " SM_COLUMNS " FROM machines WHERE arn = ?";
    return get_by_arn(st, sql, &sm_shape, arn, out);
}

int srv_store_sm_insert(srv_store *st, const srv_sm *m)
{
    static const char sql[] = "INSERT INTO machines (" SM_COLUMNS ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    RUN_CHANGE(sql, "sssissssssssdd", m->arn, m->machine_arn, m->name, m->version, m->definition, m->role_arn, m->type,
        m->logging, m->tracing, m->encryption, m->revision_id, m->description, m->created, m->updated);
}

int srv_store_sm_update(srv_store *st, const srv_sm *m)
{
    static const char sql[] = "UPDATE machines SET definition = ?, role_arn = ?, logging = ?, tracing = ?,"
                              " encryption = ?, revision_id = ?, description = ?, updated = ? WHERE arn = ?";
    RUN_CHANGE(sql, "sssssssds", m->definition, m->role_arn, m->logging, m->tracing, m->encryption, m->revision_id,
        m->description, m->updated, m->arn);
}

int srv_store_sm_delete(srv_store *st, const char *machine_arn)
{
    static const char tags[] = "DELETE FROM tags WHERE arn IN (SELECT arn FROM machines WHERE machine_arn = ?1)"
                               " OR arn IN (SELECT arn FROM aliases WHERE machine_arn = ?1)";
    static const char aliases[] = "DELETE FROM aliases WHERE machine_arn = ?1";
    static const char machines[] = "DELETE FROM machines WHERE machine_arn = ?1";
    srv_store_begin(st);
    int rc = delete_with_tags(st, tags, aliases, machine_arn);
    if (rc != SRV_ERR)
        rc = delete_with_tags(st, delete_tags, machines, machine_arn);
    if (rc == SRV_ERR) {
        srv_store_rollback(st);
        return SRV_ERR;
    }
    rc = srv_store_commit(st) == SRV_OK ? rc : SRV_ERR;
    atomic_fetch_add(&st->generation, 1);
    return rc;
}

int srv_store_version_delete(srv_store *st, const char *version_arn)
{
    static const char sql[] = "DELETE FROM machines WHERE arn = ?1 AND version > 0";
    int rc = delete_with_tags(st, delete_tags, sql, version_arn);
    atomic_fetch_add(&st->generation, 1);
    return rc;
}

char *srv_sm_key(const srv_sm *m)
{
    return m->version ? aslrt_strf("%ld", m->version) : aslrt_xstrdup(m->arn);
}

int srv_store_sm_list(srv_store *st, const char *machine_arn, const char *after, int limit, srv_sm **out, int *n,
                      int *more)
{
    static const char machines[] = "SELECT " SM_COLUMNS " FROM machines WHERE version = 0 AND arn > ?"
                                   " ORDER BY arn LIMIT ?";
    static const char versions[] = "SELECT " SM_COLUMNS " FROM machines WHERE machine_arn = ? AND version > 0"
                                   " AND version < ? ORDER BY version DESC LIMIT ?";
    LOCK();
    sqlite3_stmt *s = machine_arn ? prep(st, versions, "siI", machine_arn, after ? strtol(after, NULL, 10) : 1L << 40,
                                         limit + 1)
                                  : prep(st, machines, "sI", after ? after : "", limit + 1);
    int rc = get_many(st, s, &sm_shape, limit, (void **)out, n, more);
    UNLOCK();
    return rc;
}

long srv_store_next_version(srv_store *st, const char *machine_arn)
{
    static const char bump[] = "UPDATE machines SET next_version = next_version + 1 WHERE arn = ?"
                               " RETURNING next_version - 1";
    LOCK();
    sqlite3_stmt *s = prep(st, bump, "s", machine_arn);
    long v = -1;
    if (s && step(st, s) == SQLITE_ROW)
        v = (long)sqlite3_column_int64(s, 0);
    if (s)
        sqlite3_reset(s);
    UNLOCK();
    return v;
}

int srv_store_latest_version(srv_store *st, const char *machine_arn, srv_sm *out)
{
    static const char sql[] = "SELECT " SM_COLUMNS " FROM machines WHERE machine_arn = ? AND version > 0"
                              " ORDER BY version DESC LIMIT 1";
    LOCK();
    int rc = get_one(st, prep(st, sql, "s", machine_arn), &sm_shape, out);
    UNLOCK();
    return rc;
}

/* ---- aliases ---- */

#define ALIAS_COLUMNS "arn, machine_arn, name, description, routing, created, updated"

static const column alias_cols[] = {
    COL(srv_alias, arn, 's'),     COL(srv_alias, machine_arn, 's'), COL(srv_alias, name, 's'),
    COL(srv_alias, description, 's'), COL(srv_alias, routing, 's'), COL(srv_alias, created, 'd'),
    COL(srv_alias, updated, 'd')};
static const row_shape alias_shape = SHAPE(srv_alias, alias_cols);

void srv_alias_free(srv_alias *a)
{
    free_row(&alias_shape, a);
}

int srv_store_alias_get(srv_store *st, const char *arn, srv_alias *out)
{
    static const char sql[] = "SELECT " ALIAS_COLUMNS " FROM aliases WHERE arn = ?";
    return get_by_arn(st, sql, &alias_shape, arn, out);
}

int srv_store_alias_insert(srv_store *st, const srv_alias *a)
{
    static const char sql[] = "INSERT INTO aliases (" ALIAS_COLUMNS ") VALUES (?,?,?,?,?,?,?)";
    RUN_CHANGE(sql, "sssssdd", a->arn, a->machine_arn, a->name, a->description, a->routing, a->created, a->updated);
}

int srv_store_alias_update(srv_store *st, const srv_alias *a)
{
    static const char sql[] = "UPDATE aliases SET description = ?, routing = ?, updated = ? WHERE arn = ?";
    RUN_CHANGE(sql, "ssds", a->description, a->routing, a->updated, a->arn);
}

int srv_store_alias_delete(srv_store *st, const char *arn)
{
    static const char sql[] = "DELETE FROM aliases WHERE arn = ?1";
    int rc = delete_with_tags(st, delete_tags, sql, arn);
    atomic_fetch_add(&st->generation, 1);
    return rc;
}

int srv_store_alias_list(srv_store *st, const char *machine_arn, const char *after, int limit, srv_alias **out,
                         int *n, int *more)
{
    static const char sql[] = "SELECT " ALIAS_COLUMNS " FROM aliases WHERE machine_arn = ? AND arn > ?"
                              " ORDER BY arn LIMIT ?";
    LOCK();
    int rc = get_many(st, prep(st, sql, "ssI", machine_arn, after ? after : "", limit + 1), &alias_shape, limit, (void **)out, n, more);
    UNLOCK();
    return rc;
}

/* The single number a query returns, or -1. */
static long count(srv_store *st, sqlite3_stmt *s)
{
    long v = -1;
    if (s && step(st, s) == SQLITE_ROW)
        v = (long)sqlite3_column_int64(s, 0);
    if (s)
        sqlite3_reset(s);
    return v;
}

int srv_store_aliases_routing_to(srv_store *st, const char *version_arn, cJSON **names)
{
    static const char sql[] = "SELECT DISTINCT aliases.name FROM aliases, json_each(aliases.routing)"
                              " WHERE json_extract(json_each.value, '$.stateMachineVersionArn') = ? ORDER BY 1";
    *names = cJSON_CreateArray();
    LOCK();
    sqlite3_stmt *s = prep(st, sql, "s", version_arn);
    int rc = s ? SQLITE_ROW : SRV_ERR;
    while (s && (rc = step(st, s)) == SQLITE_ROW)
        cJSON_AddItemToArray(*names, cJSON_CreateString((const char *)sqlite3_column_text(s, 0)));
    if (s)
        sqlite3_reset(s);
    UNLOCK();
    return rc == SRV_ERR ? SRV_ERR : SRV_OK;
}

int srv_store_alias_count(srv_store *st, const char *machine_arn)
{
    static const char sql[] = "SELECT count(*) FROM aliases WHERE machine_arn = ?";
    LOCK();
    long v = count(st, prep(st, sql, "s", machine_arn));
    UNLOCK();
    return (int)v;
}

/* ---- activities ---- */

static const column activity_cols[] = {COL(srv_activity, arn, 's'), COL(srv_activity, name, 's'),
                                       COL(srv_activity, encryption, 's'), COL(srv_activity, created, 'd')};
static const row_shape activity_shape = SHAPE(srv_activity, activity_cols);

void srv_activity_free(srv_activity *a)
{
    free_row(&activity_shape, a);
}

int srv_store_activity_get(srv_store *st, const char *arn, srv_activity *out)
{
    static const char sql[] = "SELECT arn, name, encryption, created FROM activities WHERE arn = ?";
    return get_by_arn(st, sql, &activity_shape, arn, out);
}

int srv_store_activity_insert(srv_store *st, const srv_activity *a)
{
    static const char sql[] = "INSERT INTO activities (arn, name, encryption, created) VALUES (?,?,?,?)";
    RUN(sql, "sssd", a->arn, a->name, a->encryption, a->created);
}

int srv_store_activity_delete(srv_store *st, const char *arn)
{
    static const char sql[] = "DELETE FROM activities WHERE arn = ?1";
    return delete_with_tags(st, delete_tags, sql, arn);
}

int srv_store_activity_list(srv_store *st, const char *after, int limit, srv_activity **out, int *n, int *more)
{
    static const char sql[] = "SELECT arn, name, encryption, created FROM activities WHERE arn > ?"
                              " ORDER BY arn LIMIT ?";
    LOCK();
    int rc = get_many(st, prep(st, sql, "sI", after ? after : "", limit + 1), &activity_shape, limit,
                      (void **)out, n, more);
    UNLOCK();
    return rc;
}

/* ---- tags ---- */

int srv_store_tags_get(srv_store *st, const char *arn, cJSON **out)
{
    static const char sql[] = "SELECT key, value FROM tags WHERE arn = ? ORDER BY key";
    *out = cJSON_CreateArray();
    LOCK();
    sqlite3_stmt *s = prep(st, sql, "s", arn);
    int rc = s ? SQLITE_ROW : SRV_ERR;
    while (s && (rc = step(st, s)) == SQLITE_ROW) {
        cJSON *tag = cJSON_CreateObject();
        cJSON_AddStringToObject(tag, "key", (const char *)sqlite3_column_text(s, 0));
        cJSON_AddStringToObject(tag, "value", (const char *)sqlite3_column_text(s, 1));
        cJSON_AddItemToArray(*out, tag);
    }
    if (s)
        sqlite3_reset(s);
    UNLOCK();
    return rc == SRV_ERR ? SRV_ERR : SRV_OK;
}

/* The string member of a tag ("" when it has none: AWS allows empty values). */
static const char *tag_field(const cJSON *tag, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(tag, name);
    return cJSON_IsString(v) ? v->valuestring : "";
}

int srv_store_tags_put(srv_store *st, const char *arn, const cJSON *tags)
{
    static const char sql[] = "INSERT INTO tags (arn, key, value) VALUES (?,?,?)"
                              " ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value";
    srv_store_begin(st);
    const cJSON *tag;
    int rc = SRV_OK;
    cJSON_ArrayForEach(tag, tags)
    {
        if ((rc = done(st, prep(st, sql, "sss", arn, tag_field(tag, "key"), tag_field(tag, "value")))) != SRV_OK)
            break;
    }
    if (rc != SRV_OK) {
        srv_store_rollback(st);
        return SRV_ERR;
    }
    return srv_store_commit(st);
}

int srv_store_tags_remove(srv_store *st, const char *arn, const cJSON *keys)
{
    static const char sql[] = "DELETE FROM tags WHERE arn = ? AND key = ?";
    srv_store_begin(st);
    const cJSON *key;
    int rc = SRV_OK;
    cJSON_ArrayForEach(key, keys)
    {
        if (cJSON_IsString(key) && (rc = done(st, prep(st, sql, "ss", arn, key->valuestring))) != SRV_OK)
            break;
    }
    if (rc != SRV_OK) {
        srv_store_rollback(st);
        return SRV_ERR;
    }
    return srv_store_commit(st);
}

int srv_store_tags_count_with(srv_store *st, const char *arn, const cJSON *tags)
{
    static const char have[] = "SELECT count(*) FROM tags WHERE arn = ?";
    static const char has_key[] = "SELECT count(*) FROM tags WHERE arn = ? AND key = ?";
    LOCK();
    long n = count(st, prep(st, have, "s", arn));
    const cJSON *tag;
    int i = 0;
    cJSON_ArrayForEach(tag, tags)
    {
        /* a key given twice counts once */
        const char *key = tag_field(tag, "key");
        int seen = 0;
        const cJSON *before = tags->child;
        for (int j = 0; j < i; j++, before = before->next)
            if (strcmp(tag_field(before, "key"), key) == 0)
                seen = 1;
        i++;
        if (!seen && count(st, prep(st, has_key, "ss", arn, key)) == 0)
            n++;
    }
    UNLOCK();
    return (int)n;
}

/* ---- executions ---- */

#define EXECUTION_COLUMNS                                                                                              \
    "arn, machine_arn, version_arn, alias_arn, map_run_arn, name, type, status, input, output, error, cause,"       \
    " trace_header, (SELECT text FROM definitions WHERE id = definition_id), role_arn, start, stop, redrive_date,"  \
    " redrive_count, seq"

static const column execution_cols[] = {
    COL(srv_execution, arn, 's'),          COL(srv_execution, machine_arn, 's'), COL(srv_execution, version_arn, 's'),
    COL(srv_execution, alias_arn, 's'),    COL(srv_execution, map_run_arn, 's'), COL(srv_execution, name, 's'),
    COL(srv_execution, type, 's'),         COL(srv_execution, status, 's'),      COL(srv_execution, input, 's'),
    COL(srv_execution, output, 's'),       COL(srv_execution, error, 's'),       COL(srv_execution, cause, 's'),
    COL(srv_execution, trace_header, 's'), COL(srv_execution, definition, 's'),  COL(srv_execution, role_arn, 's'),
    COL(srv_execution, start, 'd'),        COL(srv_execution, stop, 'd'),        COL(srv_execution, redrive_date, 'd'),
    COL(srv_execution, redrive_count, 'i'), COL(srv_execution, seq, 'l')};
static const row_shape execution_shape = SHAPE(srv_execution, execution_cols);

void srv_execution_free(srv_execution *x)
{
    free_row(&execution_shape, x);
}

int srv_store_execution_get(srv_store *st, const char *arn, srv_execution *out)
{
    static const char sql[] = "SELECT " EXECUTION_COLUMNS " FROM executions WHERE arn = ?";
    return get_by_arn(st, sql, &execution_shape, arn, out);
}

/* FNV-1a of a definition, as a signed 64-bit number for SQLite. */
static sqlite3_int64 text_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return (sqlite3_int64)h;
}

/* The id of a definition's row in definitions, made on first use (lock held): executions
   refer to the definition they ran, which thousands of them share, instead of each keeping a
   copy. -1 when SQLite fails. */
static long definition_id(srv_store *st, const char *text)
{
    static const char find[] = "SELECT id FROM definitions WHERE hash = ? AND text = ?";
    static const char add[] = "INSERT INTO definitions (hash, text) VALUES (?,?)";
    void *cached = srv_table_get(st->definitions, text);
    if (cached)
        return (long)(intptr_t)cached;
    sqlite3_int64 h = text_hash(text);
    long id = count(st, prep(st, find, "is", (long)h, text));
    if (id <= 0) {
        if (done(st, prep(st, add, "is", (long)h, text)) != SRV_OK)
            return -1;
        id = (long)sqlite3_last_insert_rowid(st->db);
    }
    srv_table_put(st->definitions, text, (void *)(intptr_t)id);
    return id;
}

int srv_store_execution_insert(srv_store *st, const srv_execution *x)
{
    static const char sql[] = "INSERT INTO executions (arn, machine_arn, version_arn, alias_arn, map_run_arn, name,"
                              " type, status, input, output, error, cause, trace_header, definition_id, role_arn,"
                              " start, stop, redrive_date, redrive_count) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    LOCK();
    long id = definition_id(st, x->definition);
    int rc = id < 0 ? SRV_ERR
                    : done(st, prep(st, sql, "sssssssssssssisdddI", x->arn, x->machine_arn, x->version_arn,
                                    x->alias_arn, x->map_run_arn, x->name, x->type, x->status, x->input, x->output,
                                    x->error, x->cause, x->trace_header, id, x->role_arn, x->start, x->stop,
                                    x->redrive_date, x->redrive_count));
    UNLOCK();
    return rc;
}

int srv_store_execution_update(srv_store *st, const srv_execution *x)
{
    static const char sql[] = "UPDATE executions SET status = ?, output = ?, error = ?, cause = ?, stop = ?,"
                              " redrive_date = ?, redrive_count = ? WHERE arn = ?";
    RUN(sql, "ssssddIs", x->status, x->output, x->error, x->cause, x->stop, x->redrive_date, x->redrive_count, x->arn);
}

char *srv_execution_key(const srv_execution *x)
{
    return aslrt_strf("%ld", x->seq);
}

int srv_store_execution_list(srv_store *st, const char *machine_arn, const char *map_run_arn, const char *status,
                             const char *after, int limit, srv_execution **out, int *n, int *more)
{
    static const char sql[] =
        "SELECT " EXECUTION_COLUMNS " FROM executions WHERE"
        " (?1 IS NULL OR machine_arn = ?1 OR version_arn = ?1 OR alias_arn = ?1)"
        " AND (?2 IS NULL OR map_run_arn = ?2) AND (?3 IS NULL OR status = ?3) AND seq < ?4"
        " ORDER BY seq DESC LIMIT ?5";
    LOCK();
    int rc = get_many(st, prep(st, sql, "sssiI", machine_arn, map_run_arn, status,
                               after ? strtol(after, NULL, 10) : (1L << 62), limit + 1),
                      &execution_shape, limit, (void **)out, n, more);
    UNLOCK();
    return rc;
}

/* ---- history events ---- */

int srv_store_event_add(srv_store *st, const char *execution_arn, long id, long previous_id, double timestamp,
                        const char *type, const char *details)
{
    static const char sql[] = "INSERT INTO events (execution_arn, id, previous_id, timestamp, type, details)"
                              " VALUES (?,?,?,?,?,?)";
    RUN(sql, "siidss", execution_arn, id, previous_id, timestamp, type, details);
}

int srv_store_event_list(srv_store *st, const char *execution_arn, long after, int reverse, int limit, cJSON **out,
                         int *more)
{
    static const char forward[] = "SELECT id, previous_id, timestamp, type, details FROM events"
                                  " WHERE execution_arn = ? AND id > ? ORDER BY id LIMIT ?";
    static const char backward[] = "SELECT id, previous_id, timestamp, type, details FROM events"
                                   " WHERE execution_arn = ? AND id < ? ORDER BY id DESC LIMIT ?";
    *out = cJSON_CreateArray();
    *more = 0;
    LOCK();
    sqlite3_stmt *s = reverse ? prep(st, backward, "siI", execution_arn, after ? after : (1L << 62), limit + 1)
                              : prep(st, forward, "siI", execution_arn, after, limit + 1);
    int rc = s ? SQLITE_ROW : SRV_ERR, n = 0;
    while (s && (rc = step(st, s)) == SQLITE_ROW) {
        if (n++ == limit) {
            *more = 1;
            break;
        }
        const char *details = (const char *)sqlite3_column_text(s, 4);
        cJSON *ev = details ? aslrt_json_parse_plain(details) : NULL;
        if (!ev && details)
            ev = cJSON_Parse(details);
        if (!cJSON_IsObject(ev)) {
            cJSON_Delete(ev);
            ev = cJSON_CreateObject();
        }
        cJSON_AddNumberToObject(ev, "timestamp", sqlite3_column_double(s, 2));
        cJSON_AddStringToObject(ev, "type", (const char *)sqlite3_column_text(s, 3));
        cJSON_AddNumberToObject(ev, "id", (double)sqlite3_column_int64(s, 0));
        cJSON_AddNumberToObject(ev, "previousEventId", (double)sqlite3_column_int64(s, 1));
        cJSON_AddItemToArray(*out, ev);
    }
    if (s)
        sqlite3_reset(s);
    UNLOCK();
    return rc == SRV_ERR ? SRV_ERR : SRV_OK;
}

long srv_store_event_last(srv_store *st, const char *execution_arn)
{
    static const char sql[] = "SELECT coalesce(max(id), 0) FROM events WHERE execution_arn = ?";
    LOCK();
    long v = count(st, prep(st, sql, "s", execution_arn));
    UNLOCK();
    return v;
}

/* ---- whole histories ---- */

/* A ":memory:" store keeps histories in a hash table beside SQLite: nothing outlives the
   process either way, and a few KiB of text per execution written into SQLite's B-tree cost
   more than the execution that made them. A file store writes them to its histories table. */

int srv_store_history_put(srv_store *st, const char *execution_arn, const char *events)
{
    static const char sql[] = "INSERT OR REPLACE INTO histories (execution_arn, events) VALUES (?,?)";
    if (st->histories) {
        LOCK();
        free(srv_table_del(st->histories, execution_arn));
        srv_table_put(st->histories, execution_arn, aslrt_xstrdup(events));
        UNLOCK();
        return SRV_OK;
    }
    RUN(sql, "ss", execution_arn, events);
}

int srv_store_history_get(srv_store *st, const char *execution_arn, char **events)
{
    static const char sql[] = "SELECT events FROM histories WHERE execution_arn = ?";
    *events = NULL;
    LOCK();
    if (st->histories) {
        const char *text = srv_table_get(st->histories, execution_arn);
        *events = text ? aslrt_xstrdup(text) : NULL;
        UNLOCK();
        return text ? SRV_OK : SRV_NOT_FOUND;
    }
    sqlite3_stmt *s = prep(st, sql, "s", execution_arn);
    int rc = s ? step(st, s) : SRV_ERR;
    if (rc == SQLITE_ROW)
        *events = col_str(s, 0);
    if (s)
        sqlite3_reset(s);
    UNLOCK();
    return rc == SQLITE_ROW ? SRV_OK : rc == SQLITE_DONE ? SRV_NOT_FOUND : SRV_ERR;
}

/* ---- task tokens ---- */

int srv_store_token_put(srv_store *st, const char *token, const char *execution_arn, const char *activity_arn,
                        long scheduled_event, double heartbeat_deadline, double deadline)
{
    static const char sql[] = "INSERT INTO tokens (token, execution_arn, activity_arn, scheduled_event,"
                              " heartbeat_deadline, deadline) VALUES (?,?,?,?,?,?)";
    RUN(sql, "sssidd", token, execution_arn, activity_arn, scheduled_event, heartbeat_deadline, deadline);
}

int srv_store_token_get(srv_store *st, const char *token, char **execution_arn, long *scheduled_event)
{
    static const char sql[] = "SELECT execution_arn, scheduled_event FROM tokens WHERE token = ?";
    LOCK();
    sqlite3_stmt *s = prep(st, sql, "s", token);
    int rc = s ? step(st, s) : SRV_ERR;
    if (rc == SQLITE_ROW) {
        *execution_arn = col_str(s, 0);
        *scheduled_event = (long)sqlite3_column_int64(s, 1);
    }
    if (s)
        sqlite3_reset(s);
    UNLOCK();
    return rc == SQLITE_ROW ? SRV_OK : rc == SQLITE_DONE ? SRV_NOT_FOUND : SRV_ERR;
}

int srv_store_token_delete(srv_store *st, const char *token)
{
    static const char sql[] = "DELETE FROM tokens WHERE token = ?";
    RUN(sql, "s", token);
}

/* ---- map runs ---- */

#define MAP_RUN_COLUMNS                                                                                                \
    "arn, execution_arn, status, item_counts, execution_counts, max_concurrency, tolerated_failure_count,"         \
    " tolerated_failure_percentage, start, stop"

static const column map_run_cols[] = {
    COL(srv_map_run, arn, 's'),
    COL(srv_map_run, execution_arn, 's'),
    COL(srv_map_run, status, 's'),
    COL(srv_map_run, item_counts, 's'),
    COL(srv_map_run, execution_counts, 's'),
    COL(srv_map_run, max_concurrency, 'l'),
    COL(srv_map_run, tolerated_failure_count, 'l'),
    COL(srv_map_run, tolerated_failure_percentage, 'd'),
    COL(srv_map_run, start, 'd'),
    COL(srv_map_run, stop, 'd')};
static const row_shape map_run_shape = SHAPE(srv_map_run, map_run_cols);

void srv_map_run_free(srv_map_run *m)
{
    free_row(&map_run_shape, m);
}

int srv_store_map_run_get(srv_store *st, const char *arn, srv_map_run *out)
{
    static const char sql[] = "SELECT " MAP_RUN_COLUMNS " FROM map_runs WHERE arn = ?";
    return get_by_arn(st, sql, &map_run_shape, arn, out);
}

int srv_store_map_run_put(srv_store *st, const srv_map_run *m)
{
    static const char sql[] = "INSERT OR REPLACE INTO map_runs (" MAP_RUN_COLUMNS ") VALUES (?,?,?,?,?,?,?,?,?,?)";
    RUN(sql, "sssssiiddd", m->arn, m->execution_arn, m->status, m->item_counts, m->execution_counts,
        m->max_concurrency, m->tolerated_failure_count, m->tolerated_failure_percentage, m->start, m->stop);
}

int srv_store_map_run_list(srv_store *st, const char *execution_arn, const char *after, int limit, srv_map_run **out,
                           int *n, int *more)
{
    static const char sql[] = "SELECT " MAP_RUN_COLUMNS " FROM map_runs WHERE execution_arn = ? AND arn > ?"
                              " ORDER BY arn LIMIT ?";
    LOCK();
    int rc = get_many(st, prep(st, sql, "ssI", execution_arn, after ? after : "", limit + 1), &map_run_shape, limit, (void **)out, n, more);
    UNLOCK();
    return rc;
}
