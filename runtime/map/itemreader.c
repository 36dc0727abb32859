/* itemreader.c — ItemReader sources over local files (see itemreader.h).
 *
 * Resources, as AWS names them:
 *   arn:aws:states:::s3:getObject       Parameters {Bucket, Key}: one object,
 *        read as ReaderConfig.InputType says:
 *        JSON      a JSON array; each element is an item;
 *        JSONL     one JSON value a line (blank lines skipped);
 *        CSV       one object a row, keyed by the header row
 *                  (CSVHeaderLocation FIRST_ROW) or by CSVHeaders (GIVEN),
 *                  every value a string, separated by CSVDelimiter (COMMA,
 *                  PIPE, SEMICOLON, SPACE, TAB); RFC 4180 quoting;
 *        MANIFEST  an S3 inventory manifest.json: each row of each CSV data
 *                  file it lists, keyed by its fileSchema;
 *   arn:aws:states:::s3:listObjectsV2   Parameters {Bucket, Prefix}: one item
 *        per object whose key starts with Prefix, in key order:
 *        {"Etag", "Key", "LastModified", "Size", "StorageClass"}.
 * ReaderConfig.MaxItems (or MaxItemsPath) stops after that many items
 * (0: no limit, as AWS).
 *
 * Files are read through zlib, which reads gzip-compressed files (inventory
 * data files are .csv.gz) and plain ones alike, a buffer at a time: a JSON
 * array is split into its elements by a scanner that only tracks strings
 * and nesting, so no item but the current one is ever in memory. Every byte
 * read is checked to be well-formed UTF-8 as it comes (utf8.h), whatever
 * the format: S3 objects are text, and an item must not carry bytes that no
 * JSON string can hold. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>
#include <zlib.h>

#include "buf.h"
#include "dataflow.h"
#include "digest.h"
#include "itemreader.h"
#include "jsnum.h"
#include "jsonfile.h"
#include "jsonpath.h"
#include "utf8.h"

/* How deep listObjectsV2 descends into directories. */
#define MAX_LIST_DEPTH 64

enum { SRC_JSON, SRC_JSONL, SRC_CSV, SRC_MANIFEST, SRC_LIST };

/* A file read a buffer at a time, with one byte of push-back. */
typedef struct reader {
    gzFile gz;
    unsigned char buf[1 << 16];
    int len, pos;
    int unget;                   /* a pushed-back byte, or -1 */
    int failed;                  /* a read error or bad UTF-8 (not the end) */
    char *uri;                   /* s3://bucket/key, for causes */
    aslrt_utf8_state utf8;       /* where the bytes read so far leave UTF-8 */
    long long off;               /* bytes read (uncompressed) */
    long long char_start;        /* the offset of the character being read */
    long long bad;               /* the offset of ill-formed UTF-8, or -1 */
} reader;

struct aslrt_item_source {
    int kind;                    /* SRC_* */
    char *uri;                   /* s3://bucket/key, for causes */
    long max_items;              /* 0: no limit */
    long count;                  /* items given so far */
    reader *in;                  /* the file being read, or NULL */
    long line;                   /* JSONL, CSV: the line reached */
    int json_state;              /* JSON: 0 before '[', 1 inside, 2 after ']' */
    char delim;                  /* CSV */
    char **headers;              /* CSV, MANIFEST: the keys of each item */
    int nheaders;
    int header_row;              /* CSV FIRST_ROW: the first row is still to read */
    asl_buf buf;                 /* the item being read */
    char **fields;               /* CSV: the row being read */
    int nfields, cap_fields;
    /* MANIFEST */
    cJSON *manifest;
    const cJSON *next_file;      /* the next entry of "files" */
    char *data_bucket;           /* where the data files are */
    char *s3_root;
    /* listObjectsV2 */
    char *list_dir;              /* DIR/bucket */
    char **keys;
    long nkeys, next_key;
};

/* ------------------------------------------------------------- helpers */

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static reader *reader_open(const char *path, char **cause, const char *uri)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        *cause = aslrt_strf("Cannot read %s from the local file %s: %s", uri, path, strerror(errno));
        return NULL;
    }
    if (!S_ISREG(sb.st_mode)) {
        *cause = aslrt_strf("Cannot read %s from the local file %s: not a regular file", uri, path);
        return NULL;
    }
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        *cause = aslrt_strf("Cannot read %s from the local file %s: %s", uri, path, strerror(errno ? errno : EIO));
        return NULL;
    }
    gzbuffer(gz, 1 << 16);
    reader *r = aslrt_xmalloc(sizeof *r);
    r->gz = gz;
    r->len = r->pos = 0;
    r->unget = -1;
    r->failed = 0;
    r->uri = aslrt_xstrdup(uri);
    memset(&r->utf8, 0, sizeof r->utf8);
    r->off = r->char_start = 0;
    r->bad = -1;
    return r;
}

static void reader_close(reader *r)
{
    if (r) {
        gzclose(r->gz);
        free(r->uri);
        free(r);
    }
}

/* The next byte, or -1 at the end (or on a read error or ill-formed UTF-8:
   r->failed, and r->bad says where). */
static int get(reader *r)
{
    if (r->unget >= 0) {
        int c = r->unget;
        r->unget = -1;
        return c;
    }
    if (r->bad >= 0)
        return -1;
    if (r->pos == r->len) {
        int n = gzread(r->gz, r->buf, sizeof r->buf);
        if (n <= 0) {
            if (n < 0)
                r->failed = 1;
            else if (!aslrt_utf8_between(&r->utf8)) /* the last character is cut short */
                r->bad = r->char_start;
            r->failed |= r->bad >= 0;
            return -1;
        }
        r->len = n;
        r->pos = 0;
    }
    int c = r->buf[r->pos++];
    if (c >= 0x80 || !aslrt_utf8_between(&r->utf8)) {
        if (aslrt_utf8_between(&r->utf8))
            r->char_start = r->off;
        if (!aslrt_utf8_step(&r->utf8, (unsigned char)c)) {
            r->bad = r->char_start;
            r->failed = 1;
            return -1;
        }
    }
    r->off++;
    return c;
}

static void unget(reader *r, int c)
{
    r->unget = c;
}

/* Parses b's bytes as one JSON value (surrounding blanks allowed). */
static cJSON *parse_item(const asl_buf *b)
{
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithLengthOpts(b->data ? b->data : "", b->len, &end, 0);
    if (!v)
        return NULL;
    while (end && end < b->data + b->len && is_space((unsigned char)*end))
        end++;
    if (end != b->data + b->len) {
        cJSON_Delete(v);
        return NULL;
    }
    return v;
}

/* -------------------------------------------------------- JSON, JSONL */

/* The next element of a JSON array: its bytes are collected up to the ','
   or ']' that ends it at nesting depth 0 outside strings, then parsed. */
static int next_json(aslrt_item_source *s, cJSON **item, char **cause)
{
    reader *r = s->in;
    int c;
    if (s->json_state == 2)
        return 0;
    if (s->json_state == 0) {
        while (is_space(c = get(r)))
            ;
        if (c != '[') {
            *cause = r->failed ? aslrt_strf("Cannot read %s: the data is corrupt.", s->uri)
                               : aslrt_strf("Attempting to map over non-iterable node.");
            return -1;
        }
        while (is_space(c = get(r)))
            ;
        if (c == ']') {
            s->json_state = 2;
            return 0;
        }
        unget(r, c);
        s->json_state = 1;
    }
    s->buf.len = 0;
    long depth = 0;
    int in_string = 0, escaped = 0;
    for (;;) {
        c = get(r);
        if (c < 0) {
            *cause = aslrt_strf("The JSON array in %s ends before its closing ']'.", s->uri);
            return -1;
        }
        if (in_string) {
            if (escaped)
                escaped = 0;
            else if (c == '\\')
                escaped = 1;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            depth++;
        } else if (c == ']' || c == '}') {
            if (depth == 0) {
                if (c == '}')
                    break; /* not JSON: the parse below says so */
                s->json_state = 2;
                break;
            }
            depth--;
        } else if (c == ',' && depth == 0) {
            break;
        }
        asl_buf_putc(&s->buf, (char)c);
    }
    *item = parse_item(&s->buf);
    if (!*item) {
        *cause = aslrt_strf("Item %ld of %s is not valid JSON.", s->count, s->uri);
        return -1;
    }
    return 1;
}

/* The next non-blank line as a JSON value. */
static int next_jsonl(aslrt_item_source *s, cJSON **item, char **cause)
{
    for (;;) {
        s->buf.len = 0;
        int c, blank = 1;
        while ((c = get(s->in)) >= 0 && c != '\n') {
            asl_buf_putc(&s->buf, (char)c);
            blank &= is_space(c);
        }
        if (c < 0 && s->buf.len == 0)
            return 0;
        s->line++;
        if (blank) {
            if (c < 0)
                return 0;
            continue;
        }
        *item = parse_item(&s->buf);
        if (!*item) {
            *cause = aslrt_strf("Line %ld of %s is not valid JSON.", s->line, s->uri);
            return -1;
        }
        return 1;
    }
}

/* ---------------------------------------------------------------- CSV */

static void clear_fields(aslrt_item_source *s)
{
    for (int i = 0; i < s->nfields; i++)
        free(s->fields[i]);
    s->nfields = 0;
}

static void add_field(aslrt_item_source *s)
{
    if (s->nfields == s->cap_fields) {
        int cap = s->cap_fields ? 2 * s->cap_fields : 16;
        char **f = aslrt_xmalloc((size_t)cap * sizeof *f);
        if (s->nfields)
            memcpy(f, s->fields, (size_t)s->nfields * sizeof *f);
        free(s->fields);
        s->fields = f;
        s->cap_fields = cap;
    }
    char *f = aslrt_xmalloc(s->buf.len + 1);
    if (s->buf.len)
        memcpy(f, s->buf.data, s->buf.len);
    f[s->buf.len] = '\0';
    s->fields[s->nfields++] = f;
    s->buf.len = 0;
}

/* Reads one record (RFC 4180: fields in double quotes may hold the
   delimiter, line breaks and "" for a quote) into s->fields. 1, or 0 at
   the end of the file; blank lines are skipped. */
static int read_record(aslrt_item_source *s, char **cause)
{
    reader *r = s->in;
    for (;;) {
        clear_fields(s);
        s->buf.len = 0;
        int c = get(r), any = 0, quoted = 0;
        if (c < 0)
            return r->failed ? (*cause = aslrt_strf("Cannot read %s: the data is corrupt.", s->uri), -1) : 0;
        s->line++;
        for (;;) {
            if (c == '"' && s->buf.len == 0 && !quoted) {
                any = quoted = 1;
                for (;;) {
                    c = get(r);
                    if (c < 0)
                        break;
                    if (c == '"') {
                        c = get(r);
                        if (c != '"')
                            break;
                    }
                    if (c == '\n')
                        s->line++;
                    asl_buf_putc(&s->buf, (char)c);
                }
                /* after the closing quote: anything up to the delimiter is kept */
                continue;
            }
            if (c < 0 || c == '\n') {
                if (any || s->buf.len > 0)
                    add_field(s);
                break;
            }
            if (c == '\r') {
                int d = get(r);
                if (d == '\n' || d < 0) {
                    c = d;
                    continue;
                }
                unget(r, d);
            }
            if (c == s->delim) {
                add_field(s);
                any = 1;
                quoted = 0;
            } else {
                asl_buf_putc(&s->buf, (char)c);
            }
            c = get(r);
        }
        if (s->nfields > 0)
            return 1;
        if (c < 0)
            return 0;
    }
}

/* Takes the fields just read as the header row. */
static int take_headers(aslrt_item_source *s, char **cause)
{
    for (int i = 0; i < s->nfields; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(s->fields[i], s->fields[j]) == 0) {
                *cause = aslrt_strf("CSV headers cannot contain duplicates.");
                return -1;
            }
    s->headers = s->fields;
    s->nheaders = s->nfields;
    s->fields = NULL;
    s->nfields = s->cap_fields = 0;
    return 0;
}

/* The current record as an object keyed by the headers: missing fields
   are "", extra fields are dropped. */
static cJSON *record_object(aslrt_item_source *s)
{
    cJSON *o = aslrt_xjson(cJSON_CreateObject());
    for (int i = 0; i < s->nheaders; i++)
        aslrt_xjson(cJSON_AddStringToObject(o, s->headers[i], i < s->nfields ? s->fields[i] : ""));
    return o;
}

static int next_csv(aslrt_item_source *s, cJSON **item, char **cause)
{
    if (s->header_row) {
        s->header_row = 0;
        int rc = read_record(s, cause);
        if (rc <= 0)
            return rc;
        if (take_headers(s, cause) != 0)
            return -1;
    }
    int rc = read_record(s, cause);
    if (rc <= 0)
        return rc;
    *item = record_object(s);
    return 1;
}

/* ---------------------------------------------------------- MANIFEST */

/* Opens the next data file the manifest lists; 0 when there is none. */
static int open_next_data_file(aslrt_item_source *s, char **cause)
{
    while (s->next_file) {
        const cJSON *f = s->next_file;
        s->next_file = f->next;
        const cJSON *key = cJSON_GetObjectItemCaseSensitive(f, "key");
        if (!cJSON_IsString(key)) {
            *cause = aslrt_strf("The manifest %s lists a file without a \"key\".", s->uri);
            return -1;
        }
        char *path = aslrt_s3_path(s->s3_root, s->data_bucket, key->valuestring, cause);
        if (!path)
            return -1;
        char *uri = aslrt_strf("s3://%s/%s", s->data_bucket, key->valuestring);
        s->in = reader_open(path, cause, uri);
        free(uri);
        free(path);
        if (!s->in)
            return -1;
        s->line = 0;
        return 1;
    }
    return 0;
}

static int next_manifest(aslrt_item_source *s, cJSON **item, char **cause)
{
    for (;;) {
        if (!s->in) {
            int rc = open_next_data_file(s, cause);
            if (rc <= 0)
                return rc;
        }
        int rc = read_record(s, cause);
        if (rc < 0)
            return -1;
        if (rc > 0) {
            *item = record_object(s);
            return 1;
        }
        reader_close(s->in);
        s->in = NULL;
    }
}

/* The inventory's manifest.json: its CSV data files and their columns. */
static int open_manifest(aslrt_item_source *s, const char *path, char **cause)
{
    char *err = NULL;
    s->manifest = aslrt_json_load(path, &err);
    if (!s->manifest) {
        *cause = aslrt_strf("Cannot read the manifest %s: %s", s->uri, err ? err : "invalid JSON");
        free(err);
        return -1;
    }
    const cJSON *format_ = cJSON_GetObjectItemCaseSensitive(s->manifest, "fileFormat");
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(s->manifest, "fileSchema");
    const cJSON *dest = cJSON_GetObjectItemCaseSensitive(s->manifest, "destinationBucket");
    const cJSON *files = cJSON_GetObjectItemCaseSensitive(s->manifest, "files");
    if (!cJSON_IsString(format_) || strcmp(format_->valuestring, "CSV") != 0) {
        *cause = aslrt_strf("The manifest %s must describe CSV data files (\"fileFormat\": \"CSV\").", s->uri);
        return -1;
    }
    if (!cJSON_IsString(schema) || !cJSON_IsString(dest) || !cJSON_IsArray(files)) {
        *cause = aslrt_strf("The manifest %s needs \"fileSchema\", \"destinationBucket\" and \"files\".", s->uri);
        return -1;
    }
    /* "arn:aws:s3:::bucket" or a bare bucket name */
    const char *b = dest->valuestring;
    const char *colons = strstr(b, ":::");
    s->data_bucket = aslrt_xstrdup(colons ? colons + 3 : b);
    /* "Bucket, Key, Size, LastModifiedDate" */
    for (const char *p = schema->valuestring; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *e = p;
        while (*e && *e != ',')
            e++;
        const char *t = e;
        while (t > p && t[-1] == ' ')
            t--;
        s->buf.len = 0;
        for (const char *q = p; q < t; q++)
            asl_buf_putc(&s->buf, *q);
        add_field(s);
        p = e;
    }
    if (take_headers(s, cause) != 0)
        return -1;
    s->next_file = files->child;
    return 0;
}

/* ------------------------------------------------------- listObjectsV2 */

typedef struct keylist {
    char **keys;
    long n, cap;
} keylist;

/* Adds the regular files under dir (relative name `rel`) to l, depth-first;
   symbolic links are not followed. */
static int list_dir(const char *dir, const char *rel, int depth, keylist *l, char **cause)
{
    if (depth > MAX_LIST_DEPTH)
        return 0;
    DIR *d = opendir(dir);
    if (!d) {
        if (depth == 0 && errno == ENOENT)
            return 0; /* an empty bucket */
        *cause = aslrt_strf("Cannot list the local directory %s: %s", dir, strerror(errno));
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *path = aslrt_strf("%s/%s", dir, e->d_name);
        char *key = *rel ? aslrt_strf("%s/%s", rel, e->d_name) : aslrt_xstrdup(e->d_name);
        struct stat sb;
        if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            rc = list_dir(path, key, depth + 1, l, cause);
            free(key);
        } else if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
            if (l->n == l->cap) {
                long cap = l->cap ? 2 * l->cap : 64;
                char **k = aslrt_xmalloc((size_t)cap * sizeof *k);
                if (l->n)
                    memcpy(k, l->keys, (size_t)l->n * sizeof *k);
                free(l->keys);
                l->keys = k;
                l->cap = cap;
            }
            l->keys[l->n++] = key;
        } else {
            free(key);
        }
        free(path);
    }
    closedir(d);
    return rc;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* S3's ETag of a file uploaded in one part: its MD5, in quotes. */
static char *etag(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return aslrt_xstrdup("\"\"");
    aslrt_digest ctx;
    aslrt_digest_init(&ctx, ASLRT_MD5);
    unsigned char buf[1 << 15];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        aslrt_digest_update(&ctx, buf, n);
    fclose(f);
    unsigned char md[ASLRT_DIGEST_MAX];
    size_t len = aslrt_digest_final(&ctx, md);
    char *s = aslrt_xmalloc(2 * len + 3);
    s[0] = '"';
    for (size_t i = 0; i < len; i++)
        snprintf(s + 1 + 2 * i, 3, "%02x", md[i]);
    s[2 * len + 1] = '"';
    s[2 * len + 2] = '\0';
    return s;
}

static int next_list(aslrt_item_source *s, cJSON **item, char **cause)
{
    (void)cause;
    if (s->next_key >= s->nkeys)
        return 0;
    const char *key = s->keys[s->next_key++];
    char *path = aslrt_strf("%s/%s", s->list_dir, key);
    struct stat sb;
    int ok = stat(path, &sb) == 0;
    cJSON *o = aslrt_xjson(cJSON_CreateObject());
    char *tag = etag(path);
    aslrt_xjson(cJSON_AddStringToObject(o, "Etag", tag));
    free(tag);
    aslrt_xjson(cJSON_AddStringToObject(o, "Key", key));
    aslrt_xjson(cJSON_AddNumberToObject(o, "LastModified", ok ? (double)sb.st_mtime : 0));
    aslrt_xjson(cJSON_AddNumberToObject(o, "Size", ok ? (double)sb.st_size : 0));
    aslrt_xjson(cJSON_AddStringToObject(o, "StorageClass", "STANDARD"));
    free(path);
    *item = o;
    return 1;
}

/* --------------------------------------------------------------- public */

char *aslrt_s3_path(const char *s3_root, const char *bucket, const char *key, char **cause)
{
    if (!s3_root) {
        *cause = aslrt_strf("s3://%s/%s is read from a local directory: give it with --s3-root DIR "
                        "(the object is then the file DIR/%s/%s).", bucket, key, bucket, key);
        return NULL;
    }
    if (!*bucket || strchr(bucket, '/') || strcmp(bucket, ".") == 0 || strcmp(bucket, "..") == 0) {
        *cause = aslrt_strf("\"%s\" is not a bucket name that can be mapped to a local directory.", bucket);
        return NULL;
    }
    for (const char *p = key; *p;) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            *cause = aslrt_strf("The key \"%s\" has a \"..\" segment, which would leave --s3-root.", key);
            return NULL;
        }
        p += n + (e ? 1 : 0);
    }
    return *key ? aslrt_strf("%s/%s/%s", s3_root, bucket, key) : aslrt_strf("%s/%s", s3_root, bucket);
}

static aslrt_item_source *new_source(int kind, const char *uri, long max_items)
{
    aslrt_item_source *s = aslrt_xmalloc(sizeof *s);
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->uri = aslrt_xstrdup(uri);
    s->max_items = max_items;
    s->delim = ',';
    return s;
}

/* A string member of ReaderConfig, or `dflt`. */
static const char *config_str(const cJSON *config, const char *key, const char *dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(config, key);
    return cJSON_IsString(v) ? v->valuestring : dflt;
}

aslrt_item_source *aslrt_item_source_file(const char *path, const char *uri, const cJSON *config, long max_items,
                                          const char *s3_root, char **cause)
{
    static const char *const types[] = {"JSON", "JSONL", "CSV", "MANIFEST"};
    const char *type = config_str(config, "InputType", "JSON");
    int kind = -1;
    for (int i = 0; i < 4; i++)
        if (strcmp(type, types[i]) == 0)
            kind = i;
    if (kind < 0) {
        *cause = aslrt_strf("ReaderConfig InputType \"%s\" cannot be read locally (JSON, JSONL, CSV and MANIFEST can).", type);
        return NULL;
    }
    aslrt_item_source *s = new_source(kind, uri, max_items);
    if (kind == SRC_MANIFEST) {
        s->s3_root = s3_root ? aslrt_xstrdup(s3_root) : NULL;
        if (open_manifest(s, path, cause) != 0) {
            aslrt_item_source_close(s);
            return NULL;
        }
        return s;
    }
    if (kind == SRC_CSV) {
        static const char *const names[] = {"COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"};
        static const char chars[] = {',', '|', ';', ' ', '\t'};
        const char *d = config_str(config, "CSVDelimiter", "COMMA");
        int found = 0;
        for (int i = 0; i < 5; i++)
            if (strcmp(d, names[i]) == 0) {
                s->delim = chars[i];
                found = 1;
            }
        const char *where = config_str(config, "CSVHeaderLocation", "FIRST_ROW");
        const cJSON *given = cJSON_GetObjectItemCaseSensitive(config, "CSVHeaders");
        if (!found) {
            *cause = aslrt_strf("ReaderConfig CSVDelimiter \"%s\" is not COMMA, PIPE, SEMICOLON, SPACE or TAB.", d);
        } else if (strcmp(where, "GIVEN") == 0) {
            for (const cJSON *h = cJSON_IsArray(given) ? given->child : NULL; h; h = h->next) {
                s->buf.len = 0;
                for (const char *q = cJSON_IsString(h) ? h->valuestring : ""; *q; q++)
                    asl_buf_putc(&s->buf, *q);
                add_field(s);
            }
            if (!cJSON_IsArray(given) || s->nfields == 0)
                *cause = aslrt_strf("ReaderConfig CSVHeaderLocation GIVEN needs CSVHeaders, a non-empty array of strings.");
            else
                take_headers(s, cause);
        } else if (strcmp(where, "FIRST_ROW") == 0) {
            s->header_row = 1;
        } else {
            *cause = aslrt_strf("ReaderConfig CSVHeaderLocation \"%s\" is not FIRST_ROW or GIVEN.", where);
        }
        if (*cause) {
            aslrt_item_source_close(s);
            return NULL;
        }
    }
    s->in = reader_open(path, cause, uri);
    if (!s->in) {
        aslrt_item_source_close(s);
        return NULL;
    }
    return s;
}

/* listObjectsV2 over DIR/bucket: the keys under Prefix, sorted. */
static aslrt_item_source *list_open(const char *dir, const char *bucket, const char *prefix, long max_items,
                                    char **cause)
{
    char *uri = aslrt_strf("s3://%s/%s", bucket, prefix);
    aslrt_item_source *s = new_source(SRC_LIST, uri, max_items);
    free(uri);
    s->list_dir = aslrt_xstrdup(dir);
    keylist l = {NULL, 0, 0};
    if (list_dir(dir, "", 0, &l, cause) != 0) {
        for (long i = 0; i < l.n; i++)
            free(l.keys[i]);
        free(l.keys);
        aslrt_item_source_close(s);
        return NULL;
    }
    size_t plen = strlen(prefix);
    long kept = 0;
    for (long i = 0; i < l.n; i++) {
        if (strncmp(l.keys[i], prefix, plen) == 0)
            l.keys[kept++] = l.keys[i];
        else
            free(l.keys[i]);
    }
    qsort(l.keys, (size_t)kept, sizeof *l.keys, cmp_key);
    s->keys = l.keys;
    s->nkeys = kept;
    return s;
}

/* A string member of the evaluated Parameters, or NULL with the cause. */
static const char *param_str(const cJSON *params, const char *key, int required, char **cause)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, key);
    if (cJSON_IsString(v))
        return v->valuestring;
    if (v || required)
        *cause = aslrt_strf("The ItemReader's Parameters need \"%s\", a string.", key);
    return NULL;
}

/* ReaderConfig.MaxItems or MaxItemsPath (0: no limit); -1 with ex's error
   set when the path's value is not a non-negative integer. An integer is a
   32-bit one, as the other *Path integers (map.c): 1e300 is not valid. */
static long max_items_of(aslrt_exec *ex, const aslrt_item_reader *r, const cJSON *eff)
{
    const cJSON *mi = cJSON_GetObjectItemCaseSensitive(r->reader_config, "MaxItems");
    long n;
    if (!r->max_items_path) /* MaxItems: validated, 0 to 100,000,000 */
        return cJSON_IsNumber(mi) && aslrt_num_to_long(mi->valuedouble, 0, 100000000, &n) ? n : 0;
    const cJSON *v = aslrt_path_get(ex, r->max_items_path, eff);
    if (!cJSON_IsNumber(v) || !aslrt_num_to_long(v->valuedouble, INT_MIN, INT_MAX, &n)) {
        char *text = !v ? aslrt_xstrdup("null") : cJSON_IsString(v) ? aslrt_xstrdup(v->valuestring) : aslrt_json_text(v);
        aslrt_error_setf(ex, "States.ItemReaderFailed", "The MaxItemsPath field refers to value '%s' which is not a valid integer: %s",
                         text, r->max_items_path->text);
        free(text);
        return -1;
    }
    if (n < 0) {
        aslrt_error_set(ex, "States.ItemReaderFailed", "field MaxItems must be positive");
        return -1;
    }
    return n;
}

aslrt_item_source *aslrt_item_source_open(aslrt_exec *ex, const aslrt_item_reader *r, const cJSON *eff)
{
    const char *res = r->resource ? r->resource : "";
    const char *api = strrchr(res, ':');
    api = api ? api + 1 : res;
    int list = strcmp(api, "listObjectsV2") == 0;
    if (!list && strcmp(api, "getObject") != 0) {
        aslrt_error_setf(ex, "States.ItemReaderFailed",
                         "The ItemReader resource '%s' is not supported locally (arn:aws:states:::s3:getObject and "
                         "arn:aws:states:::s3:listObjectsV2 are).", res);
        return NULL;
    }
    long max_items = max_items_of(ex, r, eff);
    if (max_items < 0)
        return NULL;
    cJSON *params = r->parameters ? aslrt_tmpl_eval(ex, r->parameters, eff) : aslrt_xjson(cJSON_CreateObject());
    if (!params)
        return NULL;
    char *cause = NULL, *path = NULL;
    aslrt_item_source *s = NULL;
    const char *bucket = param_str(params, "Bucket", 1, &cause);
    const char *key = bucket ? param_str(params, list ? "Prefix" : "Key", !list, &cause) : NULL;
    if (bucket && !cause)
        path = aslrt_s3_path(ex->run->opt.s3_root, bucket, list ? "" : key, &cause);
    if (path && list) {
        s = list_open(path, bucket, key ? key : "", max_items, &cause);
    } else if (path) {
        char *uri = aslrt_strf("s3://%s/%s", bucket, key);
        s = aslrt_item_source_file(path, uri, r->reader_config, max_items, ex->run->opt.s3_root, &cause);
        free(uri);
    }
    if (!s)
        aslrt_error_set(ex, "States.ItemReaderFailed", cause ? cause : "The ItemReader cannot be opened.");
    free(cause);
    free(path);
    cJSON_Delete(params);
    return s;
}

int aslrt_item_source_next(aslrt_item_source *s, cJSON **item, char **cause)
{
    if (s->max_items > 0 && s->count >= s->max_items)
        return 0;
    int rc;
    switch (s->kind) {
    case SRC_JSON: rc = next_json(s, item, cause); break;
    case SRC_JSONL: rc = next_jsonl(s, item, cause); break;
    case SRC_CSV: rc = next_csv(s, item, cause); break;
    case SRC_MANIFEST: rc = next_manifest(s, item, cause); break;
    default: rc = next_list(s, item, cause); break;
    }
    if (s->in && s->in->bad >= 0) {
        /* whatever the reading made of the bytes before: an item cut short,
           "ends before its closing ']'" */
        if (rc > 0) {
            cJSON_Delete(*item);
            *item = NULL; /* a failure hands out no item */
        }
        if (rc < 0)
            free(*cause);
        *cause = aslrt_strf("Cannot read %s: invalid UTF-8 at byte offset %lld.", s->in->uri, s->in->bad);
        rc = -1;
    } else if (rc == 0 && s->in && s->in->failed) {
        *cause = aslrt_strf("Cannot read %s: the data is corrupt.", s->uri);
        rc = -1;
    }
    if (rc > 0)
        s->count++;
    return rc;
}

void aslrt_item_source_close(aslrt_item_source *s)
{
    if (!s)
        return;
    reader_close(s->in);
    clear_fields(s);
    free(s->fields);
    for (int i = 0; i < s->nheaders; i++)
        free(s->headers[i]);
    free(s->headers);
    asl_buf_free(&s->buf);
    cJSON_Delete(s->manifest);
    free(s->data_bucket);
    free(s->s3_root);
    free(s->list_dir);
    for (long i = 0; i < s->nkeys; i++)
        free(s->keys[i]);
    free(s->keys);
    free(s->uri);
    free(s);
}
