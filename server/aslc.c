/* aslc.c — main() of aslc. It sits in the top layer because `aslc serve` (serve.h) is above
   the compiler: serve is taken here, every other command goes to the compiler's command line
   (compiler/cli.c), whose usage lists serve too. */
#include <string.h>

#include "cli.h"
#include "serve.h"

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "serve") == 0)
        return srv_main(argc - 2, argv + 2);
    return asl_cli_main(argc, argv);
}
