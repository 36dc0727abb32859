/* jsonata_fns.c — JSONata's built-in function library (and Step Functions' additions).
 *
 * Each function receives its arguments already checked against its
 * signature (jsonata.c: sig_validate): missing `-` arguments replaced by the
 * context, `a` arguments wrapped into arrays, at least as many entries as
 * the signature has parameters (undefined where none was given). Strings are
 * UTF-8; positions and lengths count Unicode code points, as JSONata does.
 * Number formatting and date/time functions live in jsonata_format.c and
 * jsonata_datetime.c.
 */
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "digest.h"
#include "jsonata_impl.h"

#define ARG(i) ((i) < n ? a[(i)] : jx_undef())
#define UNDEF(v) ((v).t == JT_UNDEF)

/* ------------------------------------------------------------- Unicode */

/* Byte offsets of each code point of s, plus the end: offs[0..len]. */
static size_t *code_points(jctx *c, jval s, size_t *count)
{
    size_t n = aslrt_utf8_len(s.u.s, s.len);
    size_t *offs = jx_alloc(c, sizeof *offs * (n + 1));
    size_t k = 0;
    for (size_t i = 0; i < s.len; i = aslrt_utf8_next(s.u.s, s.len, i))
        offs[k++] = i;
    offs[k] = s.len;
    *count = n;
    return offs;
}

/* --------------------------------------------------------------- helpers */

static jval make_str(jctx *c, const char *s, size_t n)
{
    return jx_strc(c, s, n);
}

static jval concat3(jctx *c, const char *a, size_t an, const char *b, size_t bn, const char *d, size_t dn)
{
    char *s = jx_alloc(c, an + bn + dn + 1);
    memcpy(s, a, an);
    memcpy(s + an, b, bn);
    memcpy(s + an + bn, d, dn);
    return jx_str(s, an + bn + dn);
}

static const char *find(const char *h, size_t hn, const char *nd, size_t nn)
{
    if (nn == 0)
        return h;
    if (nn > hn)
        return NULL;
    return memmem(h, hn, nd, nn);
}

/* JavaScript's Math.round: the nearest integer, halves towards +infinity. */
static double js_round(double x)
{
    double f = floor(x);
    return x - f >= 0.5 ? f + 1 : f;
}

/* JSONata's $round(x, prec): half to even, the shift by 10^prec done on the
   decimal text (as JSONata does) so that 2.675 rounds as written. */
double jx_round_half_even(double x, int prec)
{
    char buf[ASLRT_JSNUM_MAX + 16], tmp[ASLRT_JSNUM_MAX];
    if (prec) {
        aslrt_jsnum_format(x, tmp);
        char *e = strchr(tmp, 'e');
        int ex = 0;
        if (e) {
            ex = atoi(e + 1);
            *e = '\0';
        }
        snprintf(buf, sizeof buf, "%se%d", tmp, ex + prec);
        x = strtod(buf, NULL);
    }
    double r = js_round(x);
    if (fabs(r - x) == 0.5 && fabs(fmod(r, 2)) == 1)
        r -= 1;
    if (prec) {
        aslrt_jsnum_format(r, tmp);
        char *e = strchr(tmp, 'e');
        int ex = 0;
        if (e) {
            ex = atoi(e + 1);
            *e = '\0';
        }
        snprintf(buf, sizeof buf, "%se%d", tmp, ex - prec);
        r = strtod(buf, NULL);
    }
    return r == 0 ? 0 : r;
}

/* A stable merge sort; cmp(a, b) says "b goes first" (JSONata's
   comparator returns true to swap). Arrays of one item come back as is. */
static void msort(jctx *c, jval *v, jval *tmp, int n, int (*cmp)(jctx *, jval, jval, void *), void *ud)
{
    if (n <= 1)
        return;
    int mid = n / 2;
    msort(c, v, tmp, mid, cmp, ud);
    msort(c, v + mid, tmp, n - mid, cmp, ud);
    int i = 0, j = mid, k = 0;
    while (i < mid && j < n) {
        if (cmp(c, v[i], v[j], ud))
            tmp[k++] = v[j++];
        else
            tmp[k++] = v[i++];
    }
    while (i < mid)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, sizeof *v * (size_t)n);
}

jval jx_sort(jctx *c, jval arr, int (*cmp)(jctx *, jval, jval, void *), void *ud)
{
    if (arr.t != JT_ARR || arr.u.a->n <= 1)
        return arr;
    int n = arr.u.a->n;
    jarr *r = jx_arr_new(c, n, 0);
    memcpy(r->v, arr.u.a->v, sizeof *r->v * (size_t)n);
    r->n = n;
    jval *tmp = jx_alloc(c, sizeof *tmp * (size_t)n);
    msort(c, r->v, tmp, n, cmp, ud);
    return jx_arrv(r);
}

/* splitmix64 */
static uint64_t mix_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t rng_next(jctx *c)
{
    return mix_next(jx_rng(c));
}

static double rng_double(uint64_t x)
{
    return (double)(x >> 11) / 9007199254740992.0;
}

/* ------------------------------------------------------------ aggregation */

static jval fn_sum(jctx *c, jval *a, int n)
{
    jval arr = ARG(0);
    if (UNDEF(arr))
        return arr;
    double s = 0;
    for (int i = 0; i < arr.u.a->n; i++)
        s += arr.u.a->v[i].u.n;
    return jx_num(c, s);
}

static jval fn_count(jctx *c, jval *a, int n)
{
    jval arr = ARG(0);
    return jx_num(c, UNDEF(arr) ? 0 : arr.u.a->n);
}

static jval minmax(jctx *c, jval *a, int n, int max)
{
    jval arr = ARG(0);
    if (UNDEF(arr) || arr.u.a->n == 0)
        return jx_undef();
    double m = arr.u.a->v[0].u.n;
    for (int i = 1; i < arr.u.a->n; i++) {
        double x = arr.u.a->v[i].u.n;
        if (max ? x > m : x < m)
            m = x;
    }
    return jx_num(c, m);
}

static jval fn_max(jctx *c, jval *a, int n)
{
    return minmax(c, a, n, 1);
}

static jval fn_min(jctx *c, jval *a, int n)
{
    return minmax(c, a, n, 0);
}

static jval fn_average(jctx *c, jval *a, int n)
{
    jval arr = ARG(0);
    if (UNDEF(arr) || arr.u.a->n == 0)
        return jx_undef();
    double s = 0;
    for (int i = 0; i < arr.u.a->n; i++)
        s += arr.u.a->v[i].u.n;
    return jx_num(c, s / arr.u.a->n);
}

/* ---------------------------------------------------------------- strings */

static jval fn_string(jctx *c, jval *a, int n)
{
    jval p = ARG(1);
    return jx_string(c, ARG(0), p.t == JT_BOOL && p.b);
}

/* $substring(str, start[, length]): by code points; a negative start
   counts from the end (JavaScript's Array.slice). */
static jval fn_substring(jctx *c, jval *a, int n)
{
    jval s = ARG(0), st = ARG(1), ln = ARG(2);
    if (UNDEF(s))
        return s;
    if (UNDEF(st) && !UNDEF(ln))
        return jx_strz(""); /* JavaScript: slice(undefined, NaN) */
    size_t len;
    size_t *offs = code_points(c, s, &len);
    double L = (double)len;
    double start = UNDEF(st) ? 0 : trunc(st.u.n);
    if (L + start < 0)
        start = 0;
    double end = L;
    if (!UNDEF(ln)) {
        double l = trunc(ln.u.n);
        if (ln.u.n <= 0)
            return jx_strz("");
        end = start >= 0 ? start + l : L + start + l;
    }
    if (start < 0)
        start = fmax(L + start, 0);
    else
        start = fmin(start, L);
    if (end < 0)
        end = fmax(L + end, 0);
    else
        end = fmin(end, L);
    if (end <= start)
        return jx_strz("");
    size_t b = offs[(size_t)start], e = offs[(size_t)end];
    return make_str(c, s.u.s + b, e - b);
}

static jval fn_substring_before(jctx *c, jval *a, int n)
{
    jval s = ARG(0), t = ARG(1);
    if (UNDEF(s))
        return s;
    if (t.t != JT_STR)
        return s;
    const char *p = find(s.u.s, s.len, t.u.s, t.len);
    return p ? make_str(c, s.u.s, (size_t)(p - s.u.s)) : s;
}

static jval fn_substring_after(jctx *c, jval *a, int n)
{
    (void)c;
    jval s = ARG(0), t = ARG(1);
    if (UNDEF(s))
        return s;
    if (t.t != JT_STR)
        return s;
    const char *p = find(s.u.s, s.len, t.u.s, t.len);
    if (!p)
        return s;
    size_t off = (size_t)(p - s.u.s) + t.len;
    return jx_str(s.u.s + off, s.len - off);
}

/* Unicode case mapping through the C.UTF-8 locale, made once. */
static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void make_utf8_locale(void)
{
    utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/* Unicode's unconditional special casings that expand (SpecialCasing.txt),
   as JavaScript's toUpperCase applies them. */
static const struct {
    unsigned cp;
    const char *upper;
} k_special_upper[] = {
    {0xDF, "SS"},     {0x149, "\xCA\xBCN"}, {0x1F0, "J\xCC\x8C"}, {0xFB00, "FF"}, {0xFB01, "FI"},
    {0xFB02, "FL"},   {0xFB03, "FFI"},      {0xFB04, "FFL"},      {0xFB05, "ST"}, {0xFB06, "ST"},
    {0x587, "\xD4\xB5\xD5\x92"},
};

static int is_cased(unsigned cp)
{
    return cp < 0x80 ? ((cp | 32) >= 'a' && (cp | 32) <= 'z') : utf8_locale && iswalpha_l((wint_t)cp, utf8_locale);
}

static jval change_case(jctx *c, jval s, int upper)
{
    if (UNDEF(s))
        return s;
    pthread_once(&utf8_once, make_utf8_locale);
    char *out = jx_alloc(c, (size_t)s.len * 3 + 4), *o = out;
    unsigned prev = 0;
    for (size_t i = 0; i < s.len;) {
        unsigned cp = aslrt_utf8_decode(s.u.s, s.len, &i);
        unsigned m = cp;
        const char *special = NULL;
        if (upper) {
            for (size_t k = 0; k < sizeof k_special_upper / sizeof k_special_upper[0]; k++)
                if (k_special_upper[k].cp == cp)
                    special = k_special_upper[k].upper;
        } else if (cp == 0x130) {
            special = "i\xCC\x87"; /* İ -> i + combining dot above */
        } else if (cp == 0x3A3) {
            /* final sigma: after a letter, not before one */
            size_t j = i;
            unsigned next = j < s.len ? aslrt_utf8_decode(s.u.s, s.len, &j) : 0;
            if (is_cased(prev) && !is_cased(next))
                special = "\xCF\x82";
        }
        prev = cp;
        if (special) {
            size_t k = strlen(special);
            memcpy(o, special, k);
            o += k;
            continue;
        }
        if (cp < 0x80)
            m = upper ? (cp >= 'a' && cp <= 'z' ? cp - 32 : cp) : (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
        else if (utf8_locale)
            m = (unsigned)(upper ? towupper_l((wint_t)cp, utf8_locale) : towlower_l((wint_t)cp, utf8_locale));
        o += aslrt_utf8_put(o, m);
    }
    *o = '\0';
    return jx_str(out, (size_t)(o - out));
}

static jval fn_uppercase(jctx *c, jval *a, int n)
{
    return change_case(c, ARG(0), 1);
}

static jval fn_lowercase(jctx *c, jval *a, int n)
{
    return change_case(c, ARG(0), 0);
}

static jval fn_length(jctx *c, jval *a, int n)
{
    jval s = ARG(0);
    if (UNDEF(s))
        return s;
    return jx_num(c, (double)aslrt_utf8_len(s.u.s, s.len));
}

/* $trim: runs of space, tab, CR, LF become one space; no space at the ends. */
static jval fn_trim(jctx *c, jval *a, int n)
{
    jval s = ARG(0);
    if (UNDEF(s))
        return s;
    char *out = jx_alloc(c, s.len + 1), *o = out;
    for (size_t i = 0; i < s.len; i++) {
        char ch = s.u.s[i];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            if (o == out || o[-1] != ' ')
                *o++ = ' ';
        } else {
            *o++ = ch;
        }
    }
    char *b = out;
    if (o > b && *b == ' ')
        b++;
    if (o > b && o[-1] == ' ')
        o--;
    *o = '\0';
    return jx_str(b, (size_t)(o - b));
}

static jval fn_pad(jctx *c, jval *a, int n)
{
    jval s = ARG(0), w = ARG(1), ch = ARG(2);
    if (UNDEF(s))
        return s;
    if (ch.t != JT_STR || ch.len == 0)
        ch = jx_strz(" ");
    double width = UNDEF(w) ? 0 : trunc(w.u.n);
    double padlen = fabs(width) - (double)aslrt_utf8_len(s.u.s, s.len);
    if (padlen <= 0)
        return s;
    if (padlen > 1e8)
        jx_fail(c, "D3141: $pad(): the width is too large");
    /* padLength copies of char, then cut to padLength code points */
    size_t clen;
    size_t *coffs = code_points(c, ch, &clen);
    size_t need = (size_t)padlen, bytes = 0;
    for (size_t k = 0; k < need; k++)
        bytes += coffs[(k % clen) + 1] - coffs[k % clen];
    char *pad = jx_alloc(c, bytes + 1), *o = pad;
    for (size_t k = 0; k < need; k++) {
        size_t b = coffs[k % clen], e = coffs[(k % clen) + 1];
        memcpy(o, ch.u.s + b, e - b);
        o += e - b;
    }
    return width > 0 ? concat3(c, s.u.s, s.len, pad, bytes, "", 0) : concat3(c, pad, bytes, s.u.s, s.len, "", 0);
}

/* The limit argument of $split, $match and $replace: no limit when it is
   undefined; negative, the function's error `what` "must evaluate to a
   positive number". */
static double limit_arg(jctx *c, jval lim, const char *what)
{
    if (UNDEF(lim))
        return INFINITY;
    if (lim.u.n < 0)
        jx_fail(c, "%s must evaluate to a positive number", what);
    return lim.u.n;
}

/* The capture groups of match m, in order, as an array ("groups" in the
   objects $match returns and $replace passes to a function). */
static jval match_groups(jctx *c, const jmatch *m)
{
    jarr *g = jx_arr_new(c, m->ngroups, 0);
    for (int i = 0; i < m->ngroups; i++)
        g->v[g->n++] = m->groups[i];
    return jx_arrv(g);
}

static jval fn_contains(jctx *c, jval *a, int n)
{
    jval s = ARG(0), t = ARG(1);
    if (UNDEF(s))
        return s;
    if (t.t == JT_STR)
        return jx_bool(find(s.u.s, s.len, t.u.s, t.len) != NULL);
    if (t.t != JT_FN)
        return jx_bool(0);
    jmatch m;
    jx_match_first(c, t, s, &m);
    return jx_bool(m.found);
}

static jval fn_split(jctx *c, jval *a, int n)
{
    jval s = ARG(0), sep = ARG(1);
    if (UNDEF(s))
        return s;
    double limit = floor(limit_arg(c, ARG(2), "D3020: Third argument of split function"));
    jarr *r = jx_arr_new(c, 0, 0);
    if (limit == 0)
        return jx_arrv(r);
    if (sep.t == JT_STR) {
        if (sep.len == 0) {
            for (size_t i = 0; i < s.len && r->n < limit;) {
                size_t e = aslrt_utf8_next(s.u.s, s.len, i);
                jx_arr_push(c, r, make_str(c, s.u.s + i, e - i));
                i = e;
            }
            return jx_arrv(r);
        }
        size_t pos = 0;
        for (;;) {
            if (r->n >= limit)
                break;
            const char *p = find(s.u.s + pos, s.len - pos, sep.u.s, sep.len);
            if (!p) {
                jx_arr_push(c, r, make_str(c, s.u.s + pos, s.len - pos));
                break;
            }
            jx_arr_push(c, r, make_str(c, s.u.s + pos, (size_t)(p - s.u.s) - pos));
            pos = (size_t)(p - s.u.s) + sep.len;
        }
        return jx_arrv(r);
    }
    jmatch m;
    jx_match_first(c, sep, s, &m);
    if (!m.found) {
        jx_arr_push(c, r, s);
        return jx_arrv(r);
    }
    size_t start = 0;
    int count = 0;
    while (m.found && count < limit) {
        size_t ms = m.start < start ? start : m.start;
        jx_arr_push(c, r, make_str(c, s.u.s + start, ms - start));
        start = m.end;
        jx_match_next(c, sep, s, &m);
        count++;
    }
    if (count < limit)
        jx_arr_push(c, r, make_str(c, s.u.s + start, s.len - start));
    return jx_arrv(r);
}

static jval fn_join(jctx *c, jval *a, int n)
{
    jval arr = ARG(0), sep = ARG(1);
    if (UNDEF(arr))
        return arr;
    if (sep.t != JT_STR)
        sep = jx_strz("");
    size_t total = 0;
    for (int i = 0; i < arr.u.a->n; i++)
        total += arr.u.a->v[i].len + (i ? sep.len : 0);
    char *out = jx_alloc(c, total + 1), *o = out;
    for (int i = 0; i < arr.u.a->n; i++) {
        if (i) {
            memcpy(o, sep.u.s, sep.len);
            o += sep.len;
        }
        memcpy(o, arr.u.a->v[i].u.s, arr.u.a->v[i].len);
        o += arr.u.a->v[i].len;
    }
    return jx_str(out, total);
}

static jval fn_match(jctx *c, jval *a, int n)
{
    jval s = ARG(0), re = ARG(1);
    if (UNDEF(s))
        return s;
    double limit = limit_arg(c, ARG(2), "D3040: Third argument of match function");
    jarr *r = jx_arr_new(c, 0, JA_SEQ);
    if (limit <= 0)
        return jx_arrv(r);
    jmatch m;
    jx_match_first(c, re, s, &m);
    for (int count = 0; m.found && count < limit; count++) {
        jobj *o = jx_obj_new(c, 3);
        jx_obj_set(c, o, "match", m.match);
        jx_obj_set(c, o, "index", jx_num(c, jx_u16_index(s.u.s, m.start)));
        jx_obj_set(c, o, "groups", match_groups(c, &m));
        jx_arr_push(c, r, jx_objv(o));
        jx_match_next(c, re, s, &m);
    }
    return jx_arrv(r);
}

/* The replacement text for one match: $0 the match, $n a group ($ followed
   by as many digits as the group count allows), $$ a dollar. */
static jval expand(jctx *c, jval rep, const jmatch *m)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    const char *s = rep.u.s;
    size_t pos = 0, n = rep.len;
    while (pos < n) {
        const char *d = memchr(s + pos, '$', n - pos);
        if (!d)
            break;
        size_t idx = (size_t)(d - s);
        jx_buf_add(c, &buf, &len, &cap, s + pos, idx - pos);
        pos = idx + 1;
        char ch = pos < n ? s[pos] : '\0';
        if (ch == '$') {
            jx_buf_add(c, &buf, &len, &cap, "$", 1);
            pos++;
        } else if (ch == '0') {
            jx_buf_add(c, &buf, &len, &cap, m->match.u.s, m->match.len);
            pos++;
        } else {
            int maxd = m->ngroups == 0 ? 1 : (int)floor(log10((double)m->ngroups)) + 1;
            int k = 0, val = 0;
            while (k < maxd && pos + (size_t)k < n && s[pos + k] >= '0' && s[pos + k] <= '9')
                val = val * 10 + (s[pos + k++] - '0');
            if (k > 1 && val > m->ngroups) {
                k--;
                val /= 10;
            }
            if (k == 0) {
                jx_buf_add(c, &buf, &len, &cap, "$", 1);
            } else {
                if (m->ngroups > 0 && val >= 1 && val <= m->ngroups && m->groups[val - 1].t == JT_STR)
                    jx_buf_add(c, &buf, &len, &cap, m->groups[val - 1].u.s, m->groups[val - 1].len);
                char num[16];
                pos += (size_t)snprintf(num, sizeof num, "%d", val);
            }
        }
    }
    jx_buf_add(c, &buf, &len, &cap, s + pos, n - pos);
    return jx_str(buf ? buf : "", len);
}

static jval fn_replace(jctx *c, jval *a, int n)
{
    jval s = ARG(0), pat = ARG(1), rep = ARG(2);
    if (UNDEF(s))
        return s;
    if (pat.t == JT_STR && pat.len == 0)
        jx_fail(c, "D3010: Second argument of replace function cannot be an empty string");
    double limit = limit_arg(c, ARG(3), "D3011: Fourth argument of replace function");
    if (limit <= 0)
        return s;
    char *buf = NULL;
    size_t len = 0, cap = 0, pos = 0;
    int count = 0;
    if (pat.t == JT_STR) {
        jval r = rep.t == JT_STR ? rep : jx_string(c, rep, 0);
        for (;;) {
            const char *p = count < limit ? find(s.u.s + pos, s.len - pos, pat.u.s, pat.len) : NULL;
            if (!p)
                break;
            size_t idx = (size_t)(p - s.u.s);
            jx_buf_add(c, &buf, &len, &cap, s.u.s + pos, idx - pos);
            if (!UNDEF(r))
                jx_buf_add(c, &buf, &len, &cap, r.u.s, r.len);
            pos = idx + pat.len;
            count++;
        }
        jx_buf_add(c, &buf, &len, &cap, s.u.s + pos, s.len - pos);
        return jx_str(buf, len);
    }
    jmatch m;
    jx_match_first(c, pat, s, &m);
    if (!m.found)
        return s;
    while (m.found && count < limit) {
        size_t ms = m.start < pos ? pos : m.start;
        jx_buf_add(c, &buf, &len, &cap, s.u.s + pos, ms - pos);
        jval with;
        if (rep.t == JT_STR) {
            with = expand(c, rep, &m);
        } else {
            jobj *o = jx_obj_new(c, 4);
            jx_obj_set(c, o, "match", m.match);
            jx_obj_set(c, o, "start", jx_num(c, jx_u16_index(s.u.s, m.start)));
            jx_obj_set(c, o, "end", jx_num(c, jx_u16_index(s.u.s, m.end)));
            jx_obj_set(c, o, "groups", match_groups(c, &m));
            jval mo = jx_objv(o);
            with = jx_apply(c, rep, &mo, 1, jx_null(), "replace");
        }
        if (with.t != JT_STR)
            jx_fail(c, "D3012: Attempted to replace a matched string with a non-string value");
        jx_buf_add(c, &buf, &len, &cap, with.u.s, with.len);
        pos = m.start + m.match.len;
        if (pos > s.len)
            pos = s.len;
        count++;
        jx_match_next(c, pat, s, &m);
    }
    jx_buf_add(c, &buf, &len, &cap, s.u.s + pos, s.len - pos);
    return jx_str(buf, len);
}

static const char k_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* $base64encode: each character's low byte (Node's "binary" encoding),
   base64 with padding. */
static jval fn_base64encode(jctx *c, jval *a, int n)
{
    jval s = ARG(0);
    if (UNDEF(s))
        return s;
    unsigned char *bytes = jx_alloc(c, s.len + 1);
    size_t nb = 0;
    for (size_t i = 0; i < s.len;) {
        unsigned cp = aslrt_utf8_decode(s.u.s, s.len, &i);
        if (cp >= 0x10000) { /* two UTF-16 units */
            unsigned v = cp - 0x10000;
            bytes[nb++] = (unsigned char)((0xD800 + (v >> 10)) & 0xFF);
            bytes[nb++] = (unsigned char)((0xDC00 + (v & 0x3FF)) & 0xFF);
        } else {
            bytes[nb++] = (unsigned char)(cp & 0xFF);
        }
    }
    char *out = jx_alloc(c, (nb + 2) / 3 * 4 + 1), *o = out;
    for (size_t i = 0; i < nb; i += 3) {
        unsigned v = (unsigned)bytes[i] << 16 | (i + 1 < nb ? (unsigned)bytes[i + 1] << 8 : 0) |
                     (i + 2 < nb ? bytes[i + 2] : 0);
        *o++ = k_b64[(v >> 18) & 63];
        *o++ = k_b64[(v >> 12) & 63];
        *o++ = i + 1 < nb ? k_b64[(v >> 6) & 63] : '=';
        *o++ = i + 2 < nb ? k_b64[v & 63] : '=';
    }
    *o = '\0';
    return jx_str(out, (size_t)(o - out));
}

/* $base64decode: the bytes, each one character (U+0000..U+00FF). Characters
   outside the alphabet are skipped, as Node does. */
static jval fn_base64decode(jctx *c, jval *a, int n)
{
    jval s = ARG(0);
    if (UNDEF(s))
        return s;
    char *out = jx_alloc(c, s.len * 2 + 4), *o = out;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < s.len; i++) {
        char ch = s.u.s[i];
        if (ch == '=')
            break;
        const char *p = ch == '-' ? k_b64 + 62 : ch == '_' ? k_b64 + 63 : strchr(k_b64, ch);
        if (!p || !ch)
            continue;
        acc = acc << 6 | (unsigned)(p - k_b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            o += aslrt_utf8_put(o, (acc >> bits) & 0xFF);
        }
    }
    *o = '\0';
    return jx_str(out, (size_t)(o - out));
}

/* encodeURIComponent / encodeURI: UTF-8 bytes as %XX except the unreserved
   characters (and, for a whole URL, the reserved ones too). */
static jval url_encode(jctx *c, jval s, int component, const char *fname)
{
    if (UNDEF(s))
        return s;
    static const char unreserved[] = "-_.!~*'()";
    static const char reserved[] = ";,/?:@&=+$#";
    char *out = jx_alloc(c, s.len * 3 + 1), *o = out;
    for (size_t i = 0; i < s.len;) {
        size_t st = i;
        unsigned cp = aslrt_utf8_decode(s.u.s, s.len, &i);
        if (cp == 0xFFFD && !(i - st == 3 && (unsigned char)s.u.s[st] == 0xEF))
            jx_fail(c, "D3140: Malformed URL passed to $%s(): %s", fname, jx_show(c, s));
        unsigned char ch = (unsigned char)s.u.s[st];
        if (cp < 0x80 && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                          strchr(unreserved, ch) || (!component && strchr(reserved, ch)))) {
            *o++ = (char)ch;
        } else {
            for (size_t k = st; k < i; k++)
                o += sprintf(o, "%%%02X", (unsigned char)s.u.s[k]);
        }
    }
    *o = '\0';
    return jx_str(out, (size_t)(o - out));
}

static int hexval(char ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* decodeURIComponent / decodeURI: %XX sequences must form UTF-8;
   decodeURI leaves the escapes of reserved characters alone. */
static jval url_decode(jctx *c, jval s, int component, const char *fname)
{
    if (UNDEF(s))
        return s;
    static const char reserved[] = ";,/?:@&=+$#";
    char *out = jx_alloc(c, s.len + 1), *o = out;
    for (size_t i = 0; i < s.len;) {
        if (s.u.s[i] != '%') {
            *o++ = s.u.s[i++];
            continue;
        }
        unsigned char bytes[4];
        int nb = 0, need = 1;
        size_t st = i;
        while (nb < need) {
            if (i + 2 >= s.len)
                goto bad;
            if (s.u.s[i] != '%' || hexval(s.u.s[i + 1]) < 0 || hexval(s.u.s[i + 2]) < 0)
                goto bad;
            unsigned char b = (unsigned char)(hexval(s.u.s[i + 1]) * 16 + hexval(s.u.s[i + 2]));
            if (nb == 0) {
                need = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
                if (!need)
                    goto bad;
            } else if ((b & 0xC0) != 0x80) {
                goto bad;
            }
            bytes[nb++] = b;
            i += 3;
        }
        if (need == 1 && !component && strchr(reserved, bytes[0]) && bytes[0]) {
            memcpy(o, s.u.s + st, 3);
            o += 3;
        } else {
            memcpy(o, bytes, (size_t)nb);
            o += nb;
        }
    }
    *o = '\0';
    return jx_str(out, (size_t)(o - out));
bad:
    jx_fail(c, "D3140: Malformed URL passed to $%s(): %s", fname, jx_show(c, s));
}

static jval fn_encode_url_component(jctx *c, jval *a, int n)
{
    return url_encode(c, ARG(0), 1, "encodeUrlComponent");
}

static jval fn_encode_url(jctx *c, jval *a, int n)
{
    return url_encode(c, ARG(0), 0, "encodeUrl");
}

static jval fn_decode_url_component(jctx *c, jval *a, int n)
{
    return url_decode(c, ARG(0), 1, "decodeUrlComponent");
}

static jval fn_decode_url(jctx *c, jval *a, int n)
{
    return url_decode(c, ARG(0), 0, "decodeUrl");
}

/* --------------------------------------------------------------- numbers */

/* $number: numbers as is; strings in JSON number syntax (or 0x/0o/0b
   integers); booleans 1/0; anything else D3030. */
static jval fn_number(jctx *c, jval *a, int n)
{
    jval v = ARG(0);
    switch (v.t) {
    case JT_UNDEF: return v;
    case JT_NUM: return v;
    case JT_BOOL: return jx_num(c, v.b);
    case JT_STR: {
        const char *s = v.u.s, *p = s;
        if (*p == '-')
            p++;
        if (*p >= '0' && *p <= '9') {
            while (*p >= '0' && *p <= '9')
                p++;
            if (*p == '.') {
                p++;
                if (!(*p >= '0' && *p <= '9'))
                    goto bad;
                while (*p >= '0' && *p <= '9')
                    p++;
            }
            if (*p == 'e' || *p == 'E') {
                p++;
                if (*p == '+' || *p == '-')
                    p++;
                if (!(*p >= '0' && *p <= '9'))
                    goto bad;
                while (*p >= '0' && *p <= '9')
                    p++;
            }
            if (*p == '\0' && (size_t)(p - s) == v.len) {
                double d = strtod(s, NULL);
                if (isfinite(d))
                    return jx_num(c, d);
            }
        }
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || s[1] == 'o' || s[1] == 'O' || s[1] == 'b' || s[1] == 'B') &&
            s[2]) {
            int base = (s[1] | 32) == 'x' ? 16 : (s[1] | 32) == 'o' ? 8 : 2;
            double d = 0;
            for (p = s + 2; *p; p++) {
                int dv = hexval(*p);
                if (dv < 0 || dv >= base)
                    goto bad;
                d = d * base + dv;
            }
            return jx_num(c, d);
        }
        break;
    }
    default: break;
    }
bad:
    jx_fail(c, "D3030: Unable to cast value to a number: %s", jx_show(c, v));
}

static jval fn_floor(jctx *c, jval *a, int n)
{
    jval v = ARG(0);
    return UNDEF(v) ? v : jx_num(c, floor(v.u.n));
}

static jval fn_ceil(jctx *c, jval *a, int n)
{
    jval v = ARG(0);
    return UNDEF(v) ? v : jx_num(c, ceil(v.u.n));
}

static jval fn_abs(jctx *c, jval *a, int n)
{
    jval v = ARG(0);
    return UNDEF(v) ? v : jx_num(c, fabs(v.u.n));
}

/* $round(x[, precision]). Past 1000 places either way every precision gives
   what 1000 gives (a nonzero double shifted 1000 places up is Infinity, so
   JSONata returns NaN, our D1001; shifted down it is 0), so the precision is
   clamped there: 1e10 must not reach an int, nor overflow the exponent sum. */
static jval fn_round(jctx *c, jval *a, int n)
{
    jval v = ARG(0), p = ARG(1);
    if (UNDEF(v))
        return v;
    return jx_num(c, jx_round_half_even(v.u.n, UNDEF(p) ? 0 : (int)aslrt_num_clamp(p.u.n, -1000, 1000)));
}

static jval fn_sqrt(jctx *c, jval *a, int n)
{
    jval v = ARG(0);
    if (UNDEF(v))
        return v;
    if (v.u.n < 0)
        jx_fail(c, "D3060: The sqrt function cannot be applied to a negative number: %s", jx_show(c, v));
    return jx_num(c, sqrt(v.u.n));
}

static jval fn_power(jctx *c, jval *a, int n)
{
    jval b = ARG(0), e = ARG(1);
    if (UNDEF(b))
        return b;
    double r = pow(b.u.n, e.u.n);
    if (!isfinite(r))
        jx_fail(c, "D3061: The power function has resulted in a value that cannot be represented as a JSON number: "
                   "base=%s, exponent=%s", jx_show(c, b), jx_show(c, e));
    return jx_num(c, r);
}

/* $random([seed]): 0 <= x < 1; a seed (Step Functions) makes it repeatable. */
static jval fn_random(jctx *c, jval *a, int n)
{
    jval seed = ARG(0);
    if (!UNDEF(seed)) {
        double s = floor(seed.u.n);
        uint64_t state = (uint64_t)(int64_t)fmod(s, 9.2e18);
        return jx_num(c, rng_double(mix_next(&state)));
    }
    return jx_num(c, rng_double(rng_next(c)));
}

/* --------------------------------------------------------------- boolean */

static jval fn_boolean(jctx *c, jval *a, int n)
{
    jval v = ARG(0);
    return UNDEF(v) ? v : jx_bool(jx_truthy(c, v));
}

static jval fn_not(jctx *c, jval *a, int n)
{
    jval v = ARG(0);
    return UNDEF(v) ? v : jx_bool(!jx_truthy(c, v));
}

static jval fn_exists(jctx *c, jval *a, int n)
{
    (void)c;
    return jx_bool(!UNDEF(ARG(0)));
}

/* ----------------------------------------------------------- higher order */

static jval fn_map(jctx *c, jval *a, int n)
{
    jval arr = ARG(0), f = ARG(1);
    if (UNDEF(arr))
        return arr;
    jarr *r = jx_arr_new(c, arr.u.a->n, JA_SEQ);
    for (int i = 0; i < arr.u.a->n; i++) {
        jval v = jx_call_hof(c, f, arr.u.a->v[i], jx_num(c, i), arr);
        if (!UNDEF(v))
            jx_arr_push(c, r, v);
    }
    return jx_arrv(r);
}

static jval fn_filter(jctx *c, jval *a, int n)
{
    jval arr = ARG(0), f = ARG(1);
    if (UNDEF(arr))
        return arr;
    jarr *r = jx_arr_new(c, 0, JA_SEQ);
    for (int i = 0; i < arr.u.a->n; i++)
        if (jx_truthy(c, jx_call_hof(c, f, arr.u.a->v[i], jx_num(c, i), arr)))
            jx_arr_push(c, r, arr.u.a->v[i]);
    return jx_arrv(r);
}

static jval fn_single(jctx *c, jval *a, int n)
{
    jval arr = ARG(0), f = ARG(1);
    if (UNDEF(arr))
        return arr;
    int found = 0;
    jval r = jx_undef();
    for (int i = 0; i < arr.u.a->n; i++) {
        int ok = UNDEF(f) || jx_truthy(c, jx_call_hof(c, f, arr.u.a->v[i], jx_num(c, i), arr));
        if (!ok)
            continue;
        if (found)
            jx_fail(c, "D3138: The $single() function expected exactly 1 matching result.  Instead it matched more.");
        found = 1;
        r = arr.u.a->v[i];
    }
    if (!found)
        jx_fail(c, "D3139: The $single() function expected exactly 1 matching result.  Instead it matched 0.");
    return r;
}

static jval fn_reduce(jctx *c, jval *a, int n)
{
    jval arr = ARG(0), f = ARG(1), init = ARG(2);
    if (UNDEF(arr))
        return arr;
    int ar = jx_arity(f.u.f);
    if (ar < 2)
        jx_fail(c, "D3050: The second argument of reduce function must be a function with at least two arguments");
    int i = 0;
    jval acc = init;
    if (UNDEF(init) && arr.u.a->n > 0) {
        acc = arr.u.a->v[0];
        i = 1;
    }
    for (; i < arr.u.a->n; i++) {
        jval args[4] = {acc, arr.u.a->v[i], jx_num(c, i), arr};
        acc = jx_apply(c, f, args, ar >= 4 ? 4 : ar >= 3 ? 3 : 2, jx_null(), NULL);
    }
    return acc;
}

static jval fn_sift(jctx *c, jval *a, int n)
{
    jval o = ARG(0), f = ARG(1);
    if (UNDEF(o) || o.t != JT_OBJ)
        return jx_undef();
    jobj *r = jx_obj_new(c, 0);
    for (int i = 0; i < o.u.o->n; i++)
        if (jx_truthy(c, jx_call_hof(c, f, o.u.o->v[i], jx_strz(o.u.o->k[i]), o)))
            jx_obj_set(c, r, o.u.o->k[i], o.u.o->v[i]);
    return r->n ? jx_objv(r) : jx_undef();
}

static jval fn_each(jctx *c, jval *a, int n)
{
    jval o = ARG(0), f = ARG(1);
    if (UNDEF(o) || o.t != JT_OBJ)
        return jx_undef();
    jarr *r = jx_arr_new(c, o.u.o->n, JA_SEQ);
    for (int i = 0; i < o.u.o->n; i++) {
        jval v = jx_call_hof(c, f, o.u.o->v[i], jx_strz(o.u.o->k[i]), o);
        if (!UNDEF(v))
            jx_arr_push(c, r, v);
    }
    return jx_arrv(r);
}

/* JavaScript truthiness, for comparator functions. */
static int js_truthy(jval v)
{
    switch (v.t) {
    case JT_UNDEF:
    case JT_NULL: return 0;
    case JT_BOOL: return v.b;
    case JT_NUM: return v.u.n != 0 && !isnan(v.u.n);
    case JT_STR: return v.len > 0;
    default: return 1;
    }
}

static int cmp_default(jctx *c, jval x, jval y, void *ud)
{
    (void)c;
    (void)ud;
    if (x.t == JT_NUM)
        return x.u.n > y.u.n;
    size_t m = x.len < y.len ? x.len : y.len;
    int r = memcmp(x.u.s, y.u.s, m);
    return r > 0 || (r == 0 && x.len > y.len);
}

static int cmp_fn(jctx *c, jval x, jval y, void *ud)
{
    jval args[2] = {x, y};
    return js_truthy(jx_apply(c, *(jval *)ud, args, 2, jx_null(), NULL));
}

static jval fn_sort(jctx *c, jval *a, int n)
{
    jval arr = ARG(0), f = ARG(1);
    if (UNDEF(arr))
        return arr;
    if (arr.u.a->n <= 1)
        return arr;
    if (UNDEF(f)) {
        int nums = 1, strs = 1;
        for (int i = 0; i < arr.u.a->n; i++) {
            nums &= arr.u.a->v[i].t == JT_NUM;
            strs &= arr.u.a->v[i].t == JT_STR;
        }
        if (!nums && !strs)
            jx_fail(c, "D3070: The single argument form of the sort function can only be applied to an array of "
                       "strings or an array of numbers.  Use the second argument to specify a comparison function");
        return jx_sort(c, arr, cmp_default, NULL);
    }
    return jx_sort(c, arr, cmp_fn, &f);
}

/* ----------------------------------------------------- arrays and objects */

static jval fn_append(jctx *c, jval *a, int n)
{
    return jx_append(c, ARG(0), ARG(1));
}

static jval fn_reverse(jctx *c, jval *a, int n)
{
    jval arr = ARG(0);
    if (UNDEF(arr) || arr.u.a->n <= 1)
        return arr;
    jarr *r = jx_arr_new(c, arr.u.a->n, 0);
    for (int i = arr.u.a->n - 1; i >= 0; i--)
        r->v[r->n++] = arr.u.a->v[i];
    return jx_arrv(r);
}

static jval fn_shuffle(jctx *c, jval *a, int n)
{
    jval arr = ARG(0);
    if (UNDEF(arr) || arr.u.a->n <= 1)
        return arr;
    jarr *r = jx_arr_new(c, arr.u.a->n, 0);
    memcpy(r->v, arr.u.a->v, sizeof *r->v * (size_t)arr.u.a->n);
    r->n = arr.u.a->n;
    for (int i = r->n - 1; i > 0; i--) {
        int j = (int)(rng_next(c) % (uint64_t)(i + 1));
        jval t = r->v[i];
        r->v[i] = r->v[j];
        r->v[j] = t;
    }
    return jx_arrv(r);
}

static jval fn_distinct(jctx *c, jval *a, int n)
{
    jval arr = ARG(0);
    if (UNDEF(arr) || arr.t != JT_ARR || arr.u.a->n <= 1)
        return arr;
    jarr *r = jx_arr_new(c, 0, arr.u.a->flags & JA_SEQ);
    for (int i = 0; i < arr.u.a->n; i++) {
        int seen = 0;
        for (int k = 0; k < r->n && !seen; k++)
            seen = jx_deep_equal(c, arr.u.a->v[i], r->v[k], 0);
        if (!seen)
            jx_arr_push(c, r, arr.u.a->v[i]);
    }
    return jx_arrv(r);
}

static jval fn_zip(jctx *c, jval *a, int n)
{
    int len = n > 0 ? 1 << 30 : 0;
    for (int i = 0; i < n; i++) {
        int l = a[i].t == JT_ARR ? a[i].u.a->n : 0;
        if (l < len)
            len = l;
    }
    jarr *r = jx_arr_new(c, len, 0);
    for (int k = 0; k < len; k++) {
        jarr *t = jx_arr_new(c, n, 0);
        for (int i = 0; i < n; i++)
            t->v[t->n++] = a[i].u.a->v[k];
        r->v[r->n++] = jx_arrv(t);
    }
    return jx_arrv(r);
}

/* Collects the keys of v (an object, or the objects in an array) in seen. */
static void keys_of(jctx *c, jval v, jobj *seen)
{
    if (v.t == JT_ARR) {
        for (int i = 0; i < v.u.a->n; i++)
            keys_of(c, v.u.a->v[i], seen);
    } else if (v.t == JT_OBJ) {
        for (int i = 0; i < v.u.o->n; i++)
            jx_obj_set(c, seen, v.u.o->k[i], jx_bool(1));
    }
}

/* $keys: an object's keys; for an array, the keys of all its objects
   merged (one object's order, as JavaScript lists a merged object's). */
static jval fn_keys(jctx *c, jval *a, int n)
{
    jval v = ARG(0);
    jobj *seen = jx_obj_new(c, 0);
    keys_of(c, v, seen);
    jarr *r = jx_arr_new(c, seen->n, JA_SEQ);
    for (int i = 0; i < seen->n; i++)
        r->v[r->n++] = jx_strz(seen->k[i]);
    return jx_arrv(r);
}

static jval fn_lookup(jctx *c, jval *a, int n)
{
    jval k = ARG(1);
    if (k.t != JT_STR)
        return jx_undef();
    return jx_lookup(c, ARG(0), k.u.s);
}

static jval fn_spread(jctx *c, jval *a, int n)
{
    jval v = ARG(0);
    if (v.t == JT_ARR) {
        jval r = jx_arrv(jx_arr_new(c, 0, JA_SEQ));
        for (int i = 0; i < v.u.a->n; i++) {
            jval one = v.u.a->v[i];
            r = jx_append(c, r, fn_spread(c, &one, 1));
        }
        return r;
    }
    if (v.t == JT_OBJ) {
        jarr *r = jx_arr_new(c, v.u.o->n, JA_SEQ);
        for (int i = 0; i < v.u.o->n; i++) {
            jobj *o = jx_obj_new(c, 1);
            jx_obj_set(c, o, v.u.o->k[i], v.u.o->v[i]);
            r->v[r->n++] = jx_objv(o);
        }
        return jx_arrv(r);
    }
    return v;
}

static jval fn_merge(jctx *c, jval *a, int n)
{
    jval arr = ARG(0);
    if (UNDEF(arr))
        return arr;
    jobj *r = jx_obj_new(c, 0);
    for (int i = 0; i < arr.u.a->n; i++) {
        jval o = arr.u.a->v[i];
        for (int k = 0; o.t == JT_OBJ && k < o.u.o->n; k++)
            jx_obj_set(c, r, o.u.o->k[k], o.u.o->v[k]);
    }
    return jx_objv(r);
}

static jval fn_type(jctx *c, jval *a, int n)
{
    (void)c;
    switch (ARG(0).t) {
    case JT_UNDEF: return jx_undef();
    case JT_NULL: return jx_strz("null");
    case JT_NUM: return jx_strz("number");
    case JT_STR: return jx_strz("string");
    case JT_BOOL: return jx_strz("boolean");
    case JT_ARR: return jx_strz("array");
    case JT_FN: return jx_strz("function");
    default: return jx_strz("object");
    }
}

static jval fn_error(jctx *c, jval *a, int n)
{
    jval m = ARG(0);
    jx_fail(c, "D3137: %s", m.t == JT_STR && m.len ? m.u.s : "$error() function evaluated");
}

static jval fn_assert(jctx *c, jval *a, int n)
{
    jval cond = ARG(0), m = ARG(1);
    if (!(cond.t == JT_BOOL && cond.b))
        jx_fail(c, "D3141: %s", m.t == JT_STR && m.len ? m.u.s : "$assert() statement failed");
    return jx_undef();
}

static jval fn_clone(jctx *c, jval *a, int n)
{
    return jx_clone(c, ARG(0), 0);
}

/* ------------------------------------------------- Step Functions' additions */

/* $partition(array, size): consecutive chunks of `size` items. */
static jval fn_partition(jctx *c, jval *a, int n)
{
    jval arr = ARG(0), sz = ARG(1);
    if (UNDEF(arr))
        return arr;
    double size = floor(sz.u.n);
    if (!(size >= 1))
        jx_fail(c, "D3141: $partition(): the size must be a positive integer, got %s", jx_show(c, sz));
    int k = (int)fmin(size, 1 << 30);
    jarr *r = jx_arr_new(c, 0, 0);
    for (int i = 0; i < arr.u.a->n; i += k) {
        int m = arr.u.a->n - i < k ? arr.u.a->n - i : k;
        jarr *chunk = jx_arr_new(c, m, 0);
        memcpy(chunk->v, arr.u.a->v + i, sizeof *chunk->v * (size_t)m);
        chunk->n = m;
        jx_arr_push(c, r, jx_arrv(chunk));
    }
    return jx_arrv(r);
}

/* $range(start, end[, step]): start, start+step, ... up to end inclusive;
   a sequence, so one item collapses to that item. */
static jval fn_range(jctx *c, jval *a, int n)
{
    jval s = ARG(0), e = ARG(1), st = ARG(2);
    if (UNDEF(s) || UNDEF(e))
        return jx_undef();
    double start = floor(s.u.n), end = floor(e.u.n), step = UNDEF(st) ? 1 : floor(st.u.n);
    if (step == 0)
        jx_fail(c, "D3141: $range(): the step must not be 0");
    double count = floor((end - start) / step) + 1;
    if (count < 0)
        count = 0;
    if (count > JX_MAX_RANGE)
        jx_fail(c, "D2014: The size of the sequence allocated by $range must not exceed 1e7.  Attempted to allocate "
                   "%.0f.", count);
    jarr *r = jx_arr_new(c, (int)count, JA_SEQ);
    for (int i = 0; i < (int)count; i++)
        r->v[r->n++] = jx_num(c, start + i * step);
    return jx_arrv(r);
}

/* $hash(string[, algorithm]): lowercase hex digest; MD5, SHA-1, SHA-256
   (the default), SHA-384 or SHA-512. */
static jval fn_hash(jctx *c, jval *a, int n)
{
    jval s = ARG(0), alg = ARG(1);
    if (UNDEF(s))
        return s;
    const char *name = alg.t == JT_STR ? alg.u.s : "SHA-256";
    int md = aslrt_digest_alg(name);
    if (md < 0)
        jx_fail(c, "D3141: $hash(): unknown algorithm %s (use MD5, SHA-1, SHA-256, SHA-384 or SHA-512)",
                jx_show(c, alg));
    unsigned char dig[ASLRT_DIGEST_MAX];
    size_t len = aslrt_digest_once(md, s.u.s, s.len, dig);
    char *hex = jx_alloc(c, 2 * len + 1);
    for (size_t i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", dig[i]);
    return jx_str(hex, 2 * len);
}

static jval fn_uuid(jctx *c, jval *a, int n)
{
    (void)a;
    (void)n;
    uint64_t x = rng_next(c), y = rng_next(c);
    unsigned char b[16];
    memcpy(b, &x, 8);
    memcpy(b + 8, &y, 8);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    char *s = jx_alloc(c, 37);
    snprintf(s, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
             b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return jx_str(s, 36);
}

/* $parse(text): the JSON value text holds. */
static jval fn_parse(jctx *c, jval *a, int n)
{
    jval s = ARG(0);
    if (UNDEF(s))
        return s;
    jval v;
    if (jx_parse_json(c, s.u.s, s.len, &v) != 0)
        jx_fail(c, "D3141: $parse(): the string is not valid JSON: %s", jx_show(c, s));
    return v;
}

/* ----------------------------------------------------------------- table */

/* Sorted by name for bsearch. */
const jbuiltin jx_builtins[] = {
    {"abs", "<n-:n>", 1, fn_abs},
    {"append", "<xx:a>", 2, fn_append},
    {"assert", "<bs?:x>", 2, fn_assert},
    {"average", "<a<n>:n>", 1, fn_average},
    {"base64decode", "<s-:s>", 1, fn_base64decode},
    {"base64encode", "<s-:s>", 1, fn_base64encode},
    {"boolean", "<x-:b>", 1, fn_boolean},
    {"ceil", "<n-:n>", 1, fn_ceil},
    {"clone", "<(oa)-:o>", 1, fn_clone},
    {"contains", "<s-(sf):b>", 2, fn_contains},
    {"count", "<a:n>", 1, fn_count},
    {"decodeUrl", "<s-:s>", 1, fn_decode_url},
    {"decodeUrlComponent", "<s-:s>", 1, fn_decode_url_component},
    {"distinct", "<x:x>", 1, fn_distinct},
    {"each", "<o-f:a>", 2, fn_each},
    {"encodeUrl", "<s-:s>", 1, fn_encode_url},
    {"encodeUrlComponent", "<s-:s>", 1, fn_encode_url_component},
    {"error", "<s?:x>", 1, fn_error},
    {"exists", "<x:b>", 1, fn_exists},
    {"filter", "<af>", 2, fn_filter},
    {"floor", "<n-:n>", 1, fn_floor},
    {"formatBase", "<n-n?:s>", 2, jx_fn_format_base},
    {"formatInteger", "<n-s:s>", 2, jx_fn_format_integer},
    {"formatNumber", "<n-so?:s>", 3, jx_fn_format_number},
    {"fromMillis", "<n-s?s?:s>", 3, jx_fn_from_millis},
    {"hash", "<s-s?:s>", 2, fn_hash},
    {"join", "<a<s>s?:s>", 2, fn_join},
    {"keys", "<x-:a<s>>", 1, fn_keys},
    {"length", "<s-:n>", 1, fn_length},
    {"lookup", "<x-s:x>", 2, fn_lookup},
    {"lowercase", "<s-:s>", 1, fn_lowercase},
    {"map", "<af>", 2, fn_map},
    {"match", "<s-f<s:o>n?:a<o>>", 3, fn_match},
    {"max", "<a<n>:n>", 1, fn_max},
    {"merge", "<a<o>:o>", 1, fn_merge},
    {"millis", "<:n>", 0, jx_fn_millis},
    {"min", "<a<n>:n>", 1, fn_min},
    {"not", "<x-:b>", 1, fn_not},
    {"now", "<s?s?:s>", 2, jx_fn_now},
    {"number", "<(nsb)-:n>", 1, fn_number},
    {"pad", "<s-ns?:s>", 3, fn_pad},
    {"parse", "<s-:j>", 1, fn_parse},
    {"parseInteger", "<s-s:n>", 2, jx_fn_parse_integer},
    {"partition", "<an:a>", 2, fn_partition},
    {"power", "<n-n:n>", 2, fn_power},
    {"random", "<n?:n>", 0, fn_random},
    {"range", "<nnn?:a>", 3, fn_range},
    {"reduce", "<afj?:j>", 3, fn_reduce},
    {"replace", "<s-(sf)(sf)n?:s>", 4, fn_replace},
    {"reverse", "<a:a>", 1, fn_reverse},
    {"round", "<n-n?:n>", 2, fn_round},
    {"shuffle", "<a:a>", 1, fn_shuffle},
    {"sift", "<o-f?:o>", 2, fn_sift},
    {"single", "<af?>", 2, fn_single},
    {"sort", "<af?:a>", 2, fn_sort},
    {"split", "<s-(sf)n?:a<s>>", 3, fn_split},
    {"spread", "<x-:a<o>>", 1, fn_spread},
    {"sqrt", "<n-:n>", 1, fn_sqrt},
    {"string", "<x-b?:s>", 1, fn_string},
    {"substring", "<s-nn?:s>", 3, fn_substring},
    {"substringAfter", "<s-s:s>", 2, fn_substring_after},
    {"substringBefore", "<s-s:s>", 2, fn_substring_before},
    {"sum", "<a<n>:n>", 1, fn_sum},
    {"toMillis", "<s-s?:n>", 2, jx_fn_to_millis},
    {"trim", "<s-:s>", 1, fn_trim},
    {"type", "<x:s>", 1, fn_type},
    {"uppercase", "<s-:s>", 1, fn_uppercase},
    {"uuid", "<:s>", 0, fn_uuid},
    {"zip", "<a+>", 0, fn_zip},
};
const int jx_nbuiltins = (int)(sizeof jx_builtins / sizeof jx_builtins[0]);

static int cmp_name(const void *k, const void *e)
{
    return strcmp(k, ((const jbuiltin *)e)->name);
}

int jx_builtin_find(const char *name)
{
    const jbuiltin *b = bsearch(name, jx_builtins, (size_t)jx_nbuiltins, sizeof *jx_builtins, cmp_name);
    return b ? (int)(b - jx_builtins) : -1;
}
