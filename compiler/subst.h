/* subst.h — filling a template definition's ${Name} placeholders, as
   CloudFormation's DefinitionSubstitutions does, before the definition is
   parsed (--substitutions FILE, --substitution Name=Value). */
#ifndef ASL_SUBST_H
#define ASL_SUBST_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "diag.h"

/* The values given on one command line, by name. */
typedef struct asl_subst asl_subst;

asl_subst *asl_subst_new(void);
void asl_subst_free(asl_subst *s);

/* Is name[0..n-1] a name a placeholder can have: 1 to ASL_SUBST_NAME_MAX
   letters, digits and _ . - : [ ] (CloudFormation's parameters and logical
   IDs, "AWS::Region", Terraform's "var.bucket" and "x[0].id"). */
#define ASL_SUBST_NAME_MAX 255
int asl_subst_name_ok(const char *name, size_t n);

/* One command-line option at argv[*i]: --substitutions FILE or
   --substitution NAME=VALUE (repeatable). Returns 1 when it was one (*i
   then at its value), 0 when argv[*i] is something else, -1 after printing
   "aslc: ..." to stderr when it is wrong (exit 2). The options are kept in
   order for asl_subst_argv. */
int asl_subst_option(asl_subst *s, int argc, char **argv, int *i);

/* The options as given (for a child aslc), n of them; borrowed. */
char *const *asl_subst_argv(const asl_subst *s, int *n);

/* The definition text (len bytes) with every placeholder whose name has a
   value replaced (subst.c says how), malloc'd, *out_len bytes before a NUL;
   NULL with *err (malloc'd) when a value refers to itself. */
char *asl_subst_apply(const asl_subst *s, const char *text, size_t len, size_t *out_len, char **err);

/* The first ${Name} of text (len bytes) that stands outside any JSON
   string, which keeps the text from parsing until it is filled, as
   "${Name}" (malloc'd); NULL when there is none. */
char *asl_subst_bare(const char *text, size_t len);

/* Reports every ${Name} placeholder left in the parsed definition (doc), at
   its JSON pointer: an error in a Resource when substitutions were given
   (`filled`), a warning otherwise (subst.c says why). a holds the pointers. */
void asl_subst_report_unfilled(const cJSON *doc, int filled, asl_arena *a, asl_diag *d);

#endif
