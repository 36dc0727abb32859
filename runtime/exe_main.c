/* exe_main.c — main() of an executable built by `aslc build`: the linker
   takes it from libaslrt.a only when nothing else defines main. */
#include "aslrt.h"

extern const aslrt_program aslg_program;

int main(int argc, char **argv);

int main(int argc, char **argv)
{
    return aslrt_main(argc, argv, &aslg_program);
}
