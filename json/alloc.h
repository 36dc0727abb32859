/* alloc.h — how cJSON gets its memory while a workflow runs (internal). */
#ifndef ASLRT_ALLOC_H
#define ASLRT_ALLOC_H

/* Gives cJSON (cJSON_InitHooks) an allocator for its nodes and short
   strings: blocks of 32 and 64 bytes from one reserved address range, kept
   on per-thread free lists; larger sizes go to malloc. Called once, before any thread
   starts; does nothing in sanitizer builds (they watch malloc) or when the
   range cannot be reserved. Memory cJSON hands out must then be freed with
   cJSON_free (or cJSON_Delete), never free().
   For one execution per process (the command line), not for a long-running
   host: a thread's freed blocks stay on its own list, so the blocks of
   every Parallel/Map worker that exits are lost to the process. */
void aslrt_alloc_init(void);

#endif
