/* jsonread.h — a fast reader for plain JSON text (internal). */
#ifndef ASLRT_JSONREAD_H
#define ASLRT_JSONREAD_H

#include <cjson/cJSON.h>

/* The tree cJSON_ParseWithOpts(s, &end, 1) would build from the
   NUL-terminated text s, when s is plain JSON (see jsonread.c); NULL when
   it is not, to leave s to cJSON, which gives the tree or the error. */
cJSON *aslrt_json_parse_plain(const char *s);

#endif
