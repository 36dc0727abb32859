/* bench.h — `aslc bench`: one workflow timed in interp, jit and aot. */
#ifndef ASL_BENCH_H
#define ASL_BENCH_H

/* aslc bench WF [--input FILE] [--runs N] [--modes interp,jit,aot] [--json]
   [--mock-config F --test-case T] [--no-wait] [--bindings F] [--threads N]
   [--no-count] [--save-output FILE]; argv holds what follows "bench".
   Returns 0 when every run printed the same output with the same exit
   status, 1 when they disagree or a run could not complete, 2 for a bad
   command line or an invalid definition. Never judges a timing. */
int asl_bench_main(int argc, char **argv);

#endif
