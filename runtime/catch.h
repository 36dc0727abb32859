/* catch.h — which errors an ErrorEquals list takes, for Retry and Catch
   (aslrt_catch itself is in aslrt.h: generated code calls it) (internal). */
#ifndef ASLRT_CATCH_H
#define ASLRT_CATCH_H

/* Does ErrorEquals list `errors` (n names) take the error `name`? States.ALL
   takes all but States.Runtime; States.TaskFailed all of those but
   States.Timeout. */
int aslrt_error_matches(const char *const *errors, int n, const char *name);
/* 1 for errors that no retrier or catcher takes (States.Runtime). */
int aslrt_error_uncatchable(const char *name);

#endif
