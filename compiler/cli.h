/* cli.h — aslc's command line, every command but `serve` (cli.c). */
#ifndef ASL_CLI_H
#define ASL_CLI_H

/* aslc CMD ... with argv as main() gets it: the exit status of the command (design.md). */
int asl_cli_main(int argc, char **argv);

#endif
