/* itemreader.h — a distributed Map's ItemReader (asl-reference §2.8 item 8)
 * over local files standing in for S3: s3://bucket/key is the file
 * DIR/bucket/key, DIR being --s3-root.  Items are read one at a time, so a
 * large source is streamed rather than loaded whole (internal). */
#ifndef ASLRT_ITEMREADER_H
#define ASLRT_ITEMREADER_H

#include "exec.h"

/* A source of items: an open ItemReader. */
typedef struct aslrt_item_source aslrt_item_source;

/* The local file standing for s3://bucket/key: "DIR/bucket/key" (DIR is
   s3_root, --s3-root; key may be "" for the bucket's directory), malloc'd.
   NULL with *cause (malloc'd) when there is no root, or when bucket or key
   would reach outside it (an empty bucket, "/" in it, a ".." segment). */
char *aslrt_s3_path(const char *s3_root, const char *bucket, const char *key, char **cause);

/* Opens st's ItemReader, its Parameters and ReaderConfig evaluated over the
   Map's effective input `eff` (borrowed). NULL with ex's error set:
   States.ItemReaderFailed when the source cannot be read, States.Runtime
   for a path that finds nothing. */
aslrt_item_source *aslrt_item_source_open(aslrt_exec *ex, const aslrt_item_reader *r, const cJSON *eff);

/* Reads the file at `path` as ReaderConfig `config` (borrowed; NULL: a JSON
   array) says, at most max_items items (0: all); `uri` names it in causes;
   an S3 inventory manifest (InputType MANIFEST) finds its data files under
   `s3_root`. NULL with *cause (malloc'd) when it cannot be opened. */
aslrt_item_source *aslrt_item_source_file(const char *path, const char *uri, const cJSON *config, long max_items,
                                          const char *s3_root, char **cause);

/* The next item: 1 with *item set (owned), 0 when there are no more, -1
   with *cause (malloc'd) saying why the source cannot be read further
   (States.ItemReaderFailed). */
int aslrt_item_source_next(aslrt_item_source *s, cJSON **item, char **cause);

/* Closes the source (NULL is fine). */
void aslrt_item_source_close(aslrt_item_source *s);

#endif
