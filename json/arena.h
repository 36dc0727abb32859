/* arena.h — compile-time memory: one arena per compilation, freed in one call. */
#ifndef ASL_ARENA_H
#define ASL_ARENA_H

#include <stddef.h>

typedef struct asl_arena asl_arena;

asl_arena *asl_arena_new(void);
void asl_arena_free(asl_arena *a);

/* Zeroed memory that lives as long as the arena. Never NULL. */
void *asl_arena_alloc(asl_arena *a, size_t n);
char *asl_arena_strdup(asl_arena *a, const char *s);
char *asl_arena_strndup(asl_arena *a, const char *s, size_t n);
/* printf into the arena. */
char *asl_arena_printf(asl_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
