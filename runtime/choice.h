/* choice.h — Choice rules (JSONPath): data tests and And/Or/Not. */
#ifndef ASLRT_CHOICE_H
#define ASLRT_CHOICE_H

#include "exec.h"

/* The `rel` column of aslrt.h's ASLRT_COMPARISONS, as numbers. */
enum { ASLRT_REL_EQ, ASLRT_REL_LT, ASLRT_REL_GT, ASLRT_REL_LE, ASLRT_REL_GE, ASLRT_REL_MATCHES, ASLRT_REL_IS };

/* 1 when rule r holds for `input`, 0 when it does not, -1 on States.Runtime
   (a Variable that selects nothing, except under IsPresent). */
int aslrt_rule_eval(aslrt_exec *ex, const aslrt_rule *r, const cJSON *input);

/* StringMatches: `*` matches any run (also empty), `\*` a star, `\\` a
   backslash. */
int aslrt_string_matches(const char *s, const char *pattern);

#endif
