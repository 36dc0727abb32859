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

#endif
