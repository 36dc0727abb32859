/* programs.h — one compiled program per distinct definition: the first execution of a
   definition compiles it (jit: libtcc; interp: the IR prepared for walking), every later one
   finds it by the hash of its text and mode. Programs live as long as the cache. */
#ifndef SRV_PROGRAMS_H
#define SRV_PROGRAMS_H

#include <stddef.h>

#include "aslrt.h"

typedef struct srv_programs srv_programs;

/* A cache compiling in mode "jit" or "interp". */
srv_programs *srv_programs_new(const char *mode);
void srv_programs_free(srv_programs *c);

/* The program of definition (text, len bytes), compiled on first use; NULL with *err (malloc'd,
   the compiler's diagnostics) when it does not compile. Safe from any thread. */
const aslrt_program *srv_programs_get(srv_programs *c, const char *text, size_t len, char **err);

/* How many distinct programs the cache holds (tests check that one definition compiles once). */
int srv_programs_count(srv_programs *c);

#endif
