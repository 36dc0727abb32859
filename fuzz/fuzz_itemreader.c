/* fuzz_itemreader.c — libFuzzer target: the Map's ItemReader sources (runtime/map/itemreader.c)
   over a file of fuzzed bytes: JSON arrays, JSON Lines, CSV with its header row or with
   CSVHeaders given, every CSVDelimiter, S3 inventory manifests and their CSV data files, plain
   or gzip-compressed (the reader goes through zlib).

   The first byte picks the reader and its options:
     bits 0-2  0 JSON, 1 JSONL, 2 CSV (FIRST_ROW), 3 CSV (GIVEN: the headers are the payload's
               first line, split at commas), 4 MANIFEST (the payload is the manifest, a NUL,
               then the data file it may list as "data.csv"), 5 JSON by default (no
               InputType), 6 CSV with a CSVHeaderLocation that does not exist, 7 an InputType
               that does not exist
     bits 3-5  CSVDelimiter: COMMA PIPE SEMICOLON SPACE TAB, 5 one that does not exist, 6-7 COMMA
     bits 6-7  MaxItems: none, 1, 3, 1000
   The files live in a directory of their own under /dev/shm (else $TMPDIR), made once and
   removed at exit; nothing else is read or written. Failing to open or read is fine; a crash,
   a leak, a sanitizer report or a broken invariant (abort) is a finding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "itemreader.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static char g_root[4096];                      /* the stand-in for --s3-root */
static char g_object[4200], g_data[4200];      /* ROOT/bkt/object, ROOT/inv/data.csv */

static void remove_files(void)
{
    char dir[4200];
    remove(g_object);
    remove(g_data);
    snprintf(dir, sizeof dir, "%s/bkt", g_root);
    rmdir(dir);
    snprintf(dir, sizeof dir, "%s/inv", g_root);
    rmdir(dir);
    rmdir(g_root);
}

/* The scratch directory, made on the first call. */
static void setup(void)
{
    if (g_root[0])
        return;
    /* /dev/shm when there is one: on a disk, rewriting a file each run costs a
       flush (ext4 writes a truncated file back when it is closed) */
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    snprintf(g_root, sizeof g_root, "%s/aslc-fuzz-itemreader.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(g_root))
        abort();
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/bkt", g_root);
    if (mkdir(dir, 0700) != 0)
        abort();
    snprintf(dir, sizeof dir, "%s/inv", g_root);
    if (mkdir(dir, 0700) != 0)
        abort();
    snprintf(g_object, sizeof g_object, "%s/bkt/object", g_root);
    snprintf(g_data, sizeof g_data, "%s/inv/data.csv", g_root);
    atexit(remove_files);
}

static void write_file(const char *path, const unsigned char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static const char *const delims[] = {"COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB", "NEWLINE", "COMMA", "COMMA"};
    static const long max_items[] = {0, 1, 3, 1000};
    if (size == 0)
        return 0;
    setup();
    int kind = data[0] & 7;
    const unsigned char *payload = data + 1;
    size_t n = size - 1;

    cJSON *config = cJSON_CreateObject();
    cJSON *given = NULL; /* CSVHeaders, when kind 3 */
    const char *type = kind == 1 ? "JSONL" : kind == 4 ? "MANIFEST" : kind == 7 ? "XML"
                     : (kind == 2 || kind == 3 || kind == 6) ? "CSV" : "JSON";
    if (kind != 5)
        cJSON_AddStringToObject(config, "InputType", type);
    if (kind == 2 || kind == 3 || kind == 6) {
        cJSON_AddStringToObject(config, "CSVDelimiter", delims[(data[0] >> 3) & 7]);
        cJSON_AddStringToObject(config, "CSVHeaderLocation", kind == 3 ? "GIVEN" : kind == 6 ? "LAST_ROW" : "FIRST_ROW");
    }
    if (kind == 3) { /* the first line, split at commas, is CSVHeaders */
        const unsigned char *nl = memchr(payload, '\n', n);
        size_t len = nl ? (size_t)(nl - payload) : n;
        given = cJSON_AddArrayToObject(config, "CSVHeaders");
        for (size_t i = 0, start = 0; i <= len; i++)
            if (i == len || payload[i] == ',') {
                char *h = strndup((const char *)payload + start, i - start); /* a NUL ends it early */
                if (!h)
                    abort();
                cJSON_AddItemToArray(given, cJSON_CreateString(h));
                free(h);
                start = i + 1;
            }
        payload += nl ? len + 1 : len;
        n -= nl ? len + 1 : len;
    }
    if (kind == 4) { /* manifest, NUL, data file */
        const unsigned char *nul = memchr(payload, 0, n);
        size_t len = nul ? (size_t)(nul - payload) : n;
        write_file(g_data, nul ? nul + 1 : payload + n, nul ? n - len - 1 : 0);
        n = len;
    }
    write_file(g_object, payload, n);

    long max = max_items[data[0] >> 6];
    char *cause = NULL;
    aslrt_item_source *s = aslrt_item_source_file(g_object, "s3://bkt/object", config, max, g_root, &cause);
    if (!s == !cause)
        abort(); /* a source, or a reason why not: never both, never neither */
    long count = 0;
    int members = -1; /* CSV and MANIFEST items: every one has a member per header */
    for (int rc; s;) {
        cJSON *item = NULL;
        rc = aslrt_item_source_next(s, &item, &cause);
        if (rc < -1 || rc > 1 || (rc == 1) != (item != NULL) || (rc == -1) != (cause != NULL))
            abort();
        if (rc == 0) {
            /* the end stays the end */
            if (aslrt_item_source_next(s, &item, &cause) != 0 || item || cause)
                abort();
            break;
        }
        if (rc < 0)
            break;
        count++;
        if (max > 0 && count > max)
            abort(); /* MaxItems is a limit */
        if (kind != 4 && count > (long)n + 1)
            abort(); /* every item uses up at least one byte of the file */
        if (kind == 2 || kind == 3 || kind == 4) {
            if (!cJSON_IsObject(item))
                abort();
            int k = 0;
            const cJSON *h = given ? given->child : NULL;
            for (const cJSON *m = item->child; m; m = m->next, k++) {
                if (!cJSON_IsString(m) || !m->string)
                    abort(); /* CSV values are strings, keyed */
                if (given && (!h || strcmp(m->string, h->valuestring) != 0))
                    abort(); /* keyed by CSVHeaders, in order */
                if (h)
                    h = h->next;
            }
            if ((members >= 0 && k != members) || (given && h))
                abort();
            members = k;
        }
        char *text = cJSON_PrintUnformatted(item);
        if (!text)
            abort();
        cJSON_free(text);
        cJSON_Delete(item);
        if (count > 100000)
            break; /* a manifest listing one file thousands of times: enough */
    }
    free(cause);
    aslrt_item_source_close(s);
    cJSON_Delete(config);
    return 0;
}
