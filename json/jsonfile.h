/* jsonfile.h — reading JSON documents with errors that point at the spot. */
#ifndef ASLRT_JSONFILE_H
#define ASLRT_JSONFILE_H

#include <stddef.h>
#include <cjson/cJSON.h>

/* Parses text (len bytes; need not be NUL-terminated) as one JSON document.
   On a syntax error returns NULL and sets *err (malloc'd) to
   "NAME:LINE:COL: message\n  <the line>\n  <caret under the column>". */
cJSON *aslrt_json_parse(const char *name, const char *text, size_t len, char **err);

/* Reads the file at path ("-": standard input) and parses it as above; a file
   that cannot be read gives "NAME: <strerror>". */
cJSON *aslrt_json_load(const char *path, char **err);

/* aslrt_json_load that also hands over the text it parsed: *text (malloc'd,
   NUL-terminated, *len bytes before the NUL) when the result is not NULL. */
cJSON *aslrt_json_load_text(const char *path, char **text, size_t *len, char **err);

/* "NAME: /a/b~1c: message" (malloc'd): what is wrong with the value at the
   JSON pointer whose reference tokens are tokens[0..n-1], escaped as RFC
   6901 says; "NAME: message" when n is 0 (the document as a whole). A
   token longer than 80 bytes is cut short with "...". The line holds no
   control bytes: they are shown as \n, \t, \r or \xNN. */
char *aslrt_json_problem(const char *name, const char *const *tokens, int n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The first member of `object` (borrowed) whose key an earlier member
   already has, NULL when every key is unique or it is not an object. */
const cJSON *aslrt_json_duplicate_key(const cJSON *object);

/* What v is, for a message: "a string", "an array", "null", ...
   ("nothing" for NULL). */
const char *aslrt_json_kind(const cJSON *v);

#endif
