/* serve.h — `aslc serve`: the Step Functions API on a local port. */
#ifndef SRV_SERVE_H
#define SRV_SERVE_H

/* aslc serve [options] (argv holds the options alone): listens until SIGINT or SIGTERM, then
   stops cleanly. Returns the process' exit status (0, or 2 for a usage error or a server that
   could not start). */
int srv_main(int argc, char **argv);

#endif
