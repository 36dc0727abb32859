/* ir.h — the compiler's IR: a definition as runtime descriptors plus what
   the compiler alone needs (where each state came from). */
#ifndef ASL_IR_H
#define ASL_IR_H

#include <cjson/cJSON.h>

#include "arena.h"
#include "aslrt.h"
#include "jsonata_ast.h"

/* One state machine: the top level, a Parallel branch or a Map processor. */
typedef struct asl_machine {
    aslrt_machine rt;          /* what the runtime sees; rt.states == states */
    aslrt_state *states;       /* in definition order */
    const char **pointers;     /* JSON pointer of each state ("/States/Foo") */
    int id;                    /* 0: top level; then in definition order */
    const char *pointer;       /* JSON pointer of the machine ("" for the top) */
    const char *parent_state;  /* NULL for the top level, else the Parallel/Map */
} asl_machine;

typedef struct asl_def {
    const char *file;          /* as given on the command line */
    asl_arena *arena;          /* holds everything below but `doc` */
    cJSON *doc;                /* the parsed definition; literals point into it */
    cJSON *folded;             /* values of intrinsic calls opt.c computed once (an
                                  array, or NULL); literals point into it too */
    aslrt_program program;     /* program.main == &machines[0]->rt */
    int no_opt;                /* built without the compile-time optimizations
                                  (asl_front_opts): no opt.c flags or folding, every
                                  JSONata expression given $states.context, Choice
                                  rules left to the runtime in generated code */
    int nmachines;
    asl_machine **machines;
} asl_def;

/* The machine whose runtime descriptor is m. */
const asl_machine *asl_def_machine(const asl_def *def, const aslrt_machine *m);

#endif
