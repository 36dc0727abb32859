/* diag.c — collecting and printing diagnostics: `FILE: /JSON/Pointer: message`. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "utf8.h"
#include "xalloc.h"

/* out NULL means stderr. */
void asl_diag_init(asl_diag *d, const char *file, FILE *out)
{
    d->file = file;
    d->out = out ? out : stderr;
    d->nerrors = 0;
    d->nwarnings = 0;
    d->sink = NULL;
    d->sink_ctx = NULL;
}

void asl_diag_init_sink(asl_diag *d, const char *file, asl_diag_sink *sink, void *ctx)
{
    asl_diag_init(d, file, NULL);
    d->sink = sink;
    d->sink_ctx = ctx;
}

static void line_add_clean(asl_buf *l, const char *s)
{
    asl_buf_add_clean(l, s, strlen(s));
}

/* How many bytes of s (n bytes) a message shows before "...": all of them
   up to ASL_DIAG_SHOW_MAX, else a prefix that leaves room for the "...". */
static size_t excerpt_len(const char *s, size_t n)
{
    return n <= ASL_DIAG_SHOW_MAX ? n : aslrt_utf8_cut(s, n, ASL_DIAG_SHOW_MAX - 3);
}

const char *asl_diag_excerpt(asl_arena *a, const char *s)
{
    size_t n = strlen(s), cut = excerpt_len(s, n);
    if (cut == n)
        return s;
    char *out = asl_arena_alloc(a, cut + 4);
    memcpy(out, s, cut);
    memcpy(out + cut, "...", 4);
    return out;
}

/* Appends a JSON pointer with each long reference token (a state name, a
   key) cut short: a megabyte-long state name must not make a megabyte-long
   line, and the tokens before and after it still say where. */
static void line_add_pointer(asl_buf *l, const char *p)
{
    while (*p) {
        size_t n = strcspn(p + 1, "/") + 1; /* the '/' and the token */
        size_t cut = excerpt_len(p + 1, n - 1) + 1;
        if (cut < n && cut > 1 && p[cut - 1] == '~')
            cut--; /* not half of a "~0" or "~1" escape */
        asl_buf_add_clean(l, p, cut);
        if (cut < n)
            asl_buf_add(l, "...", 3);
        p += n;
    }
}

/* The one place a diagnostic line is printed: FILE: [POINTER: ][warning: ]message.
   The pointer "" (the document itself) is left out. */
static void emit(asl_diag *d, const char *pointer, const char *kind, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    char *msg = aslrt_xmalloc(n > 0 ? (size_t)n + 1 : 1);
    if (n > 0)
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
    else
        msg[0] = 0;
    if (d->sink) {
        d->sink(d->sink_ctx, kind != NULL, pointer, msg);
        free(msg);
        return;
    }
    /* The line is put together first, so that it reaches the stream in one
       write: stderr is unbuffered, and a byte-by-byte line would cost a
       system call per character. */
    asl_buf l = { 0 };
    line_add_clean(&l, d->file ? d->file : "-");
    asl_buf_add(&l, ": ", 2);
    if (pointer && *pointer) {
        line_add_pointer(&l, pointer);
        asl_buf_add(&l, ": ", 2);
    }
    if (kind)
        asl_buf_add(&l, kind, strlen(kind));
    line_add_clean(&l, msg);
    asl_buf_add(&l, "\n", 1);
    fwrite(l.data, 1, l.len, d->out);
    asl_buf_free(&l);
    free(msg);
}

/* Errors make `aslc check` exit 2; they are counted in d->nerrors. */
void asl_diag_error(asl_diag *d, const char *pointer, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(d, pointer, NULL, fmt, ap);
    va_end(ap);
    d->nerrors++;
}

/* Warnings are printed and counted but do not stop compilation. */
void asl_diag_warning(asl_diag *d, const char *pointer, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(d, pointer, "warning: ", fmt, ap);
    va_end(ap);
    d->nwarnings++;
}

/* File-level errors (no pointer). */
void asl_diag_plain(asl_diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(d, NULL, NULL, fmt, ap);
    va_end(ap);
    d->nerrors++;
}

/* RFC 6901 §3: a reference token escapes '~' as "~0" and '/' as "~1". */
char *asl_ptr_join(asl_arena *a, const char *pointer, const char *token)
{
    size_t plen = strlen(pointer), extra = 0;
    for (const char *t = token; *t; t++)
        extra += (*t == '~' || *t == '/');
    char *out = asl_arena_alloc(a, plen + 1 + strlen(token) + extra + 1);
    char *o = out;
    memcpy(o, pointer, plen);
    o += plen;
    *o++ = '/';
    for (const char *t = token; *t; t++) {
        if (*t == '~') {
            *o++ = '~';
            *o++ = '0';
        } else if (*t == '/') {
            *o++ = '~';
            *o++ = '1';
        } else {
            *o++ = *t;
        }
    }
    *o = 0;
    return out;
}

/* Array indexes need no escaping. */
char *asl_ptr_index(asl_arena *a, const char *pointer, int index)
{
    return asl_arena_printf(a, "%s/%d", pointer, index);
}

/* Edit distance between a and b: Levenshtein's insertions, deletions and
   substitutions, plus swapping two adjacent characters as one edit (the
   "optimal string alignment" variant), so that "Tsak" is one edit from
   "Task".  Gives up, returning limit + 1, as soon as the distance must
   exceed limit.  Three rows of len(b) + 1 cells. */
static size_t edit_distance(const char *a, size_t na, const char *b, size_t nb, size_t limit)
{
    size_t *rows = malloc(3 * (nb + 1) * sizeof *rows);
    if (!rows)
        return limit + 1;
    size_t *prev2 = rows, *prev = rows + nb + 1, *cur = rows + 2 * (nb + 1);
    size_t prev_min = 0;
    for (size_t j = 0; j <= nb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= na; i++) {
        cur[0] = i;
        size_t row_min = cur[0];
        for (size_t j = 1; j <= nb; j++) {
            size_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
            if (best < row_min)
                row_min = best;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
        /* A swap reaches back two rows, so both must be out of reach. */
        if (row_min > limit && prev_min > limit) {
            free(rows);
            return limit + 1;
        }
        prev_min = row_min;
    }
    size_t d = prev[nb];
    free(rows);
    return d;
}

/* ASCII case-insensitive equality: "next" is surely "Next". */
static int equal_ignoring_case(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

/* A candidate is suggested when it equals word but for case, or else when
   it is the nearest by edit distance and at most max(1, len(word) / 3) edits
   away: "OutOfStok" -> "OutOfStock", "Tsak" -> "Task", but "Zed" suggests
   nothing for "A".  Failing that, a field that word (4 characters or more)
   begins: "Timeout" -> "TimeoutSeconds".
   Ties go to the earlier candidate. */
const char *asl_did_you_mean(const char *word, const char *const *candidates, int n)
{
    if (!word)
        return NULL;
    for (int i = 0; i < n; i++)
        if (candidates[i] && equal_ignoring_case(word, candidates[i]))
            return candidates[i];
    size_t len = strlen(word);
    size_t limit = len / 3 > 1 ? len / 3 : 1;
    if (len > 1000)  /* a 10 KB name is no typo; keep the quadratic cost bounded */
        return NULL;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (int i = 0; i < n; i++) {
        if (!candidates[i])
            continue;
        size_t clen = strlen(candidates[i]);
        size_t diff = clen > len ? clen - len : len - clen;
        if (diff >= best_d || clen > 1000)
            continue;
        size_t d = edit_distance(word, len, candidates[i], clen, best_d - 1);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    if (best || len < 4)
        return best;
    /* The shortest candidate word begins, if every other such candidate
       begins with it too: "Timeout" gives "TimeoutSeconds" (not ...Path),
       "Tolerated" nothing (ToleratedFailureCount or ...Percentage?). */
    for (int i = 0; i < n; i++)
        if (candidates[i] && strncmp(candidates[i], word, len) == 0 &&
            (!best || strlen(candidates[i]) < strlen(best)))
            best = candidates[i];
    for (int i = 0; best && i < n; i++)
        if (candidates[i] && strncmp(candidates[i], word, len) == 0 &&
            strncmp(candidates[i], best, strlen(best)) != 0)
            return NULL;
    return best;
}
