/* alloc.c — cJSON's allocator for small blocks.
 *
 * A workflow's time goes largely into building and freeing cJSON trees, and
 * a tree is mostly nodes (sizeof(cJSON) bytes) and short strings: with
 * malloc, allocating and freeing one cost more than the work done with it.
 * Here a block is a pointer bump or a pop from the calling thread's free
 * list, and freeing it a push.
 *
 * The blocks live in one range of address space reserved at start-up
 * (MAP_NORESERVE: pages become memory only when first touched), handed to
 * threads a chunk at a time. Where a pointer falls in that range is what
 * tells a block, and its size, from anything else cJSON frees: one
 * subtraction and comparison. A block freed on another thread than the one
 * that made it (Map results travel) joins that thread's list. Larger
 * blocks (long strings, print buffers) go to malloc and free as before.
 */
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <cjson/cJSON.h>

#include "alloc.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ASLRT_NO_NODE_ALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define ASLRT_NO_NODE_ALLOC 1
#endif
#endif

#ifndef ASLRT_NO_NODE_ALLOC

/* Two sizes of block: 32 bytes (short strings: keys, most values) and 64,
   sizeof(cJSON) (nodes, and strings up to that size); each has its half of
   the range. */
#define NCLASSES 2
#define RANGE ((size_t)1 << 32) /* per class: 4 GiB of addresses */
#define CHUNK ((size_t)64 * 1024)
static const size_t k_block[NCLASSES] = {32, 64};

static char *g_base;                   /* the range; NULL: not in use */
static atomic_size_t g_taken[NCLASSES]; /* bytes of each half handed to threads */

/* This thread's freed blocks of each class, linked through their first
   word, and the rest of its current chunk. */
static _Thread_local void *t_free[NCLASSES];
static _Thread_local char *t_next[NCLASSES], *t_end[NCLASSES];

static void *block_alloc(size_t n)
{
    int c = n <= 32 ? 0 : n <= 64 ? 1 : -1;
    if (c < 0)
        return malloc(n);
    void *p = t_free[c];
    if (p) {
        t_free[c] = *(void **)p;
        return p;
    }
    if (t_next[c] == t_end[c]) {
        size_t at = atomic_fetch_add_explicit(&g_taken[c], CHUNK, memory_order_relaxed);
        if (at + CHUNK > RANGE)
            return malloc(n); /* this half is used up: the rest come from malloc */
        t_next[c] = g_base + (size_t)c * RANGE + at;
        t_end[c] = t_next[c] + CHUNK;
    }
    p = t_next[c];
    t_next[c] += k_block[c];
    return p;
}

static void block_free(void *p)
{
    uintptr_t off = (uintptr_t)p - (uintptr_t)g_base;
    if (off < NCLASSES * RANGE) {
        int c = (int)(off / RANGE);
        *(void **)p = t_free[c];
        t_free[c] = p;
        return;
    }
    free(p);
}

#endif /* ASLRT_NO_NODE_ALLOC */

void aslrt_alloc_init(void)
{
#ifndef ASLRT_NO_NODE_ALLOC
    if (g_base)
        return;
    void *r = mmap(NULL, NCLASSES * RANGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
                   0);
    if (r == MAP_FAILED)
        return; /* address space is limited (ulimit -v): malloc it is */
    g_base = r;
    cJSON_Hooks hooks = {block_alloc, block_free};
    cJSON_InitHooks(&hooks);
#endif
}
