/* programs.c — the compile cache (programs.h): a hash table from definition text to its
   compiled program, under a read-write lock so that lookups (every execution) run side by side
   and a compile (once per definition) excludes them only while it inserts. libtcc keeps global
   state, so jit compiles also take one process-wide lock. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "front.h"
#include "interp.h"
#include "jit.h"
#include "programs.h"
#include "xalloc.h"

typedef struct entry {
    uint64_t hash;
    char *text;
    size_t len;
    asl_def *def;
    asl_jit *jit; /* NULL in interp mode */
    const aslrt_program *program;
    struct entry *next;
} entry;

enum { BUCKETS = 256 };

struct srv_programs {
    int jit;
    pthread_rwlock_t lock;
    entry *buckets[BUCKETS];
    int count;
};

/* libtcc's state is process-wide: one compile at a time, whatever cache asks. */
static pthread_mutex_t tcc_lock = PTHREAD_MUTEX_INITIALIZER;

/* FNV-1a, 64 bits: a lookup compares the text as well, so collisions cost time, never truth. */
static uint64_t hash_text(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

srv_programs *srv_programs_new(const char *mode)
{
    srv_programs *c = aslrt_xmalloc(sizeof *c);
    memset(c, 0, sizeof *c);
    c->jit = strcmp(mode, "interp") != 0;
    pthread_rwlock_init(&c->lock, NULL);
    return c;
}

void srv_programs_free(srv_programs *c)
{
    if (!c)
        return;
    for (int i = 0; i < BUCKETS; i++)
        for (entry *e = c->buckets[i], *next; e; e = next) {
            next = e->next;
            asl_jit_free(e->jit);
            asl_def_free(e->def);
            free(e->text);
            free(e);
        }
    pthread_rwlock_destroy(&c->lock);
    free(c);
}

static entry *find(srv_programs *c, uint64_t h, const char *text, size_t len)
{
    for (entry *e = c->buckets[h % BUCKETS]; e; e = e->next)
        if (e->hash == h && e->len == len && memcmp(e->text, text, len) == 0)
            return e;
    return NULL;
}

/* Compiles text into a new entry, or NULL with *err. */
static entry *compile(srv_programs *c, uint64_t h, const char *text, size_t len, char **err)
{
    char *msg = NULL;
    size_t msg_len = 0;
    FILE *out = open_memstream(&msg, &msg_len);
    asl_diag d;
    asl_diag_init(&d, "definition", out ? out : stderr);
    asl_def *def = asl_front_load_text("definition", text, len, &d);
    asl_jit *jit = NULL;
    if (def && c->jit) {
        pthread_mutex_lock(&tcc_lock);
        jit = asl_jit_compile(def, &d);
        pthread_mutex_unlock(&tcc_lock);
    } else if (def) {
        asl_interp_prepare(def);
    }
    if (out)
        fclose(out);
    if (!def || (c->jit && !jit)) {
        *err = msg && *msg ? msg : aslrt_xstrdup("the definition does not compile");
        if (*err != msg)
            free(msg);
        asl_def_free(def);
        return NULL;
    }
    free(msg);
    entry *e = aslrt_xmalloc(sizeof *e);
    e->hash = h;
    e->text = aslrt_xmalloc(len + 1);
    memcpy(e->text, text, len);
    e->text[len] = 0;
    e->len = len;
    e->def = def;
    e->jit = jit;
    e->program = jit ? asl_jit_program(jit) : &def->program;
    return e;
}

const aslrt_program *srv_programs_get(srv_programs *c, const char *text, size_t len, char **err)
{
    uint64_t h = hash_text(text, len);
    pthread_rwlock_rdlock(&c->lock);
    entry *e = find(c, h, text, len);
    pthread_rwlock_unlock(&c->lock);
    if (e)
        return e->program;
    /* The write lock across the compile: two first executions of one definition compile it once. */
    pthread_rwlock_wrlock(&c->lock);
    if (!(e = find(c, h, text, len)) && (e = compile(c, h, text, len, err))) {
        e->next = c->buckets[h % BUCKETS];
        c->buckets[h % BUCKETS] = e;
        c->count++;
    }
    pthread_rwlock_unlock(&c->lock);
    return e ? e->program : NULL;
}

int srv_programs_count(srv_programs *c)
{
    pthread_rwlock_rdlock(&c->lock);
    int n = c->count;
    pthread_rwlock_unlock(&c->lock);
    return n;
}
