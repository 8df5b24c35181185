#define PCRE2_CODE_UNIT_WIDTH 8
#include "search.h"
#include "chars.h"
#include "encoding.h"
#include "hash.h"
#include "sindex.h"
#include "structure.h"
#include "text.h"
#include "util.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <utf8proc.h>

enum {
    FIRST_PIECE = 64 << 10, /* a search folds this much first ... */
    MAX_PIECE = 1 << 20,    /* ... doubling up to this */
    OVERLAP = 4096          /* folded past a piece, for matches across its end */
};

static int nflags(int flags) { return (flags & SEARCH_NO_TCSC) ? 0 : NORM_TCSC; }

/* The workers a search may use: the cores, at most SEARCH_THREADS; asked
 * once (sysconf reads /sys each time: 10,000 small files searched paid
 * 10,000 opens for it). */
static int g_cpus;
static pthread_once_t g_cpus_once = PTHREAD_ONCE_INIT;
static void count_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    g_cpus = n < 1 ? 1 : n > SEARCH_THREADS ? SEARCH_THREADS : (int)n;
}

void search_init(search_t *S, const char *text, size_t len)
{
    memset(S, 0, sizeof *S);
    S->text = text;
    S->len = len;
    pthread_once(&g_cpus_once, count_cpus);
    S->nthreads = g_cpus;
    for (int i = 0; i < SEARCH_THREADS; i++)
        norm_init(&S->sc[i], 0);
    for (int u = 0; u < 2; u++)
        norm_init(&S->rf[u], 0);
    S->fd = -1;
}

void search_use_file(search_t *S, const char *path, size_t off)
{
    if (S->fd >= 0)
        close(S->fd);
    S->fd = open(path, O_RDONLY | O_CLOEXEC);
    S->fd_off = off;
}

/* Document bytes [a, e), read from the file into *buf when there is one
 * (and it still has them), else the text itself. */
static const char *bytes(const search_t *S, char **buf, size_t *cap, size_t a, size_t e)
{
    if (S->fd < 0 || e - a < 4096)
        return S->text + a;
    grow(buf, cap, e - a, 1);
    size_t got = 0;
    while (got < e - a) {
        ssize_t r = pread(S->fd, *buf + got, e - a - got, (off_t)(S->fd_off + a + got));
        if (r <= 0)
            return S->text + a; /* changed under us: what was loaded */
        got += (size_t)r;
    }
    return *buf;
}

void search_use_pieces(search_t *S, const norm_piece_t *v, size_t n)
{
    S->pieces = v;
    S->npieces = n;
    for (int k = 0; k < 3; k++)
        if (S->have_whole[k])
            norm_reset(&S->whole[k]), S->have_whole[k] = 0;
}

void search_use_index(search_t *S, const char *id)
{
    snprintf(S->id, sizeof S->id, "%s", id);
}

/* Where a regex was too complex: the lines skipped (document offsets of
 * their starts), from every thread of a search. */
typedef struct {
    pthread_mutex_t mu;
    size_t *v, n, cap;
    size_t total, last;
} cx_t;

static void cx_add(const query_t *Q, size_t off)
{
    cx_t *c = Q->cx;
    pthread_mutex_lock(&c->mu);
    grow(&c->v, &c->cap, c->n + 1, sizeof *c->v);
    c->v[c->n++] = off;
    pthread_mutex_unlock(&c->mu);
}

static int is_limit(int rc)
{
    return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
           rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT;
}

const size_t *query_too_complex(const query_t *Q, size_t *n)
{
    const cx_t *c = Q->cx;
    *n = c ? c->n : 0;
    return c ? c->v : NULL;
}

size_t query_too_complex_total(const query_t *Q, size_t *last)
{
    const cx_t *c = Q->cx;
    if (c && c->total)
        *last = c->last;
    return c ? c->total : 0;
}

/* The literal prefilter: each probed character's forms, UTF-8, one after
 * another in forms; character k's are entries [at[k], at[k + 1]) of ends
 * (each form ends at its entry, and starts where the one before ended). */
enum {
    PROBE_CHARS = 3,  /* characters probed, at most */
    PROBE_FORMS = 48, /* forms of one character, at most (not a-z's) */
    PROBE_MAXC = 4 * PROBE_CHARS,
    PROBE_MAXF = PROBE_MAXC * (2 * PROBE_FORMS + 2)
};
typedef struct {
    int n;                  /* characters */
    size_t at[PROBE_MAXC + 1];
    size_t ends[PROBE_MAXF];
    size_t nends;
    buf_t forms;
    int before, after; /* characters of the folded query before and after
                          the first place of character 0 (fold_near);
                          before < 0: none (a line feed or CR in it) */
    size_t dq;         /* that place's byte offset in the folded query */
    int same;          /* every character of the folded query folds alone to
                          itself (norm_kind: NORM_SAME) */
} probe_t;

/* The probed characters' forms, and st_makers', in every codec but UTF-8
 * (codec_raw) at once, for one pass over a file's bytes whose codec is
 * still to be guessed (bytes_may): the forms of one byte by their byte,
 * the longer ones by their first two (a bit set, then a binary search).
 * One pass for all: forty memmem calls over each of 1,000 GB18030
 * articles took a tenth of --grep's time over bench/mklib.py's 10,000. */
enum { SCAN_MAKER = 31 }; /* the slot of a maker */
typedef struct {
    unsigned char b[ENC_FORM_MAX];
    uint8_t n;     /* bytes */
    uint8_t codec; /* enc_guessable's index */
    uint8_t slot;  /* the probed character's index, or SCAN_MAKER */
    uint16_t key;  /* b[0] for a form of one byte, else b[0] << 8 | b[1] */
} sform_t;
typedef struct {
    uint64_t bits[65536 / 64]; /* keys of the forms of 2 bytes or more */
    uint8_t one[256];          /* a form of 1 byte is this byte */
    sform_t *v;                /* by (length > 1, key) */
    size_t n;
    uint32_t full;             /* the slots of every probed character */
} pscan_t;

/* Two characters of the folded query side by side (query_may_match): a
 * text holds a match only where a form of the first is followed by a
 * form of the second, or by what may come between two characters shown
 * or folded side by side (st_may_hide; a character that does not fold
 * alone, or to nothing). Of 9,000 UTF-8 articles of bench/mklib.py 3,178
 * hold 宝 and 玉, 1,915 宝玉: the others are not folded. */
typedef struct {
    probe_t a;       /* the first's forms, one probed character */
    uint32_t c;      /* the first, folded */
    uint32_t b[2 * PROBE_FORMS + 2]; /* the second's forms */
    size_t nb;
    int flags;       /* norm's */
    int partial;     /* a form of the first folds to more than it (㍻ for 平
                        of 平成: the second may be in it): any text may */
    int slot;        /* the first's index among the probe's characters */
} pair_t;

static int sform_cmp(const void *a, const void *b)
{
    const sform_t *x = a, *y = b;
    if ((x->n > 1) != (y->n > 1))
        return (x->n > 1) - (y->n > 1);
    return (x->key > y->key) - (x->key < y->key);
}

/* The first form of v[lo..hi) (sorted) of that length class and key. */
static size_t sform_first(const pscan_t *L, int two, uint16_t key)
{
    size_t lo = 0, hi = L->n;
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        const sform_t *f = &L->v[m];
        if ((f->n > 1) < two || ((f->n > 1) == two && f->key < key))
            lo = m + 1;
        else
            hi = m;
    }
    return lo;
}

/* seen[c]: the slots whose forms in codec c s[0..n) holds. */
static void scan_bytes(const pscan_t *L, const unsigned char *s, size_t n, uint32_t *seen)
{
    for (size_t i = 0; i < n; i++) {
        if (L->one[s[i]])
            for (size_t j = sform_first(L, 0, s[i]); j < L->n && L->v[j].n == 1 &&
                                                     L->v[j].key == s[i]; j++)
                seen[L->v[j].codec] |= 1u << L->v[j].slot;
        if (i + 1 >= n)
            break;
        uint16_t key = (uint16_t)(s[i] << 8 | s[i + 1]);
        if (!(L->bits[key >> 6] >> (key & 63) & 1))
            continue;
        for (size_t j = sform_first(L, 1, key); j < L->n && L->v[j].key == key; j++) {
            const sform_t *f = &L->v[j];
            if (f->n <= n - i && !memcmp(s + i, f->b, f->n))
                seen[f->codec] |= 1u << f->slot;
        }
    }
}

void query_free(query_t *Q)
{
    free(Q->q);
    if (Q->md)
        pcre2_match_data_free(Q->md);
    if (Q->re)
        pcre2_code_free(Q->re);
    if (Q->dfa)
        pcre2_code_free(Q->dfa);
    if (Q->mctx)
        pcre2_match_context_free(Q->mctx);
    if (Q->cx) {
        cx_t *c = Q->cx;
        pthread_mutex_destroy(&c->mu);
        free(c->v);
        free(c);
    }
    if (Q->probe) {
        buf_free(&((probe_t *)Q->probe)->forms);
        free(Q->probe);
    }
    if (Q->pair) {
        buf_free(&((pair_t *)Q->pair)->a.forms);
        free(Q->pair);
    }
    if (Q->lprobe) {
        pscan_t *L = Q->lprobe;
        free(L->v);
        free(L);
    }
    memset(Q, 0, sizeof *Q);
}

/* ---- the literal prefilter (query_may_match) ---------------------------- */


/* Add the forms of folded character c (itself and its pre-images; for a
 * character marks compose into, those of its first, base character too:
 * 𝑥 + U+0301 folds to x́ , and ḉ's base is c) to P as character P->n:
 * 0 when it is not one to probe for. */
static int probe_char(probe_t *P, uint32_t c)
{
    if (c < 0x21 || c == 0xFFFD || ch_space(c) || ch_bin_ctrl(c) || st_shown_made(c) ||
        (c >= 0xAC00 && c <= 0xD7A3) || utf8proc_get_property((utf8proc_int32_t)c)->combining_class)
        return 0;
    uint32_t v[2 * PROBE_FORMS + 2];
    size_t nv = 0, m;
    v[nv++] = c;
    const uint32_t *pre = norm_preimages(c, &m);
    for (size_t i = 0; i < m && nv < 2 * PROBE_FORMS; i++)
        v[nv++] = pre[i];
    utf8proc_int32_t d[8];
    uint8_t u[4];
    utf8proc_ssize_t un = utf8proc_encode_char((utf8proc_int32_t)c, u);
    utf8proc_ssize_t dn = utf8proc_decompose(u, un, d, 8, UTF8PROC_DECOMPOSE);
    if (dn > 1 || (dn == 1 && (uint32_t)d[0] != c)) {
        uint32_t base = (uint32_t)d[0];
        v[nv++] = base;
        pre = norm_preimages(base, &m);
        for (size_t i = 0; i < m && nv < 2 * PROBE_FORMS + 2; i++)
            v[nv++] = pre[i];
    }
    if (nv > PROBE_FORMS)
        return 0; /* (a-z: more than a probe is worth) */
    size_t k = (size_t)P->n;
    P->at[k] = P->nends;
    for (size_t i = 0; i < nv; i++) {
        int dup = 0;
        for (size_t j = 0; j < i; j++)
            dup |= v[j] == v[i];
        if (dup)
            continue;
        un = utf8proc_encode_char((utf8proc_int32_t)v[i], u);
        buf_add(&P->forms, u, (size_t)un);
        P->ends[P->nends++] = P->forms.n;
    }
    P->at[k + 1] = P->nends;
    P->n++;
    return 1;
}

/* Q's pair (pair_t): of the folded query's neighbours that are both
 * probed, the two whose first has the fewest forms. */
static void pair_make(query_t *Q)
{
    pair_t *best = NULL, *R = xcalloc(1, sizeof *R);
    uint32_t prev = 0;
    for (size_t i = 0; i < Q->qn;) {
        uint32_t c;
        i += (size_t)text_decode(Q->q + i, Q->qn - i, &c);
        if (prev) {
            probe_t tb = {0};
            buf_free(&R->a.forms);
            memset(R, 0, sizeof *R);
            if (probe_char(&R->a, prev) && probe_char(&tb, c) &&
                (!best || R->a.nends < best->a.nends)) {
                R->c = prev;
                for (size_t e = 0; e < tb.nends; e++)
                    text_decode(tb.forms.p + (e ? tb.ends[e - 1] : 0),
                                tb.ends[e] - (e ? tb.ends[e - 1] : 0), &R->b[R->nb++]);
                R->flags = nflags(Q->flags);
                pair_t *t = best;
                best = R;
                R = t ? t : xcalloc(1, sizeof *R);
            }
            buf_free(&tb.forms);
        }
        prev = c;
    }
    buf_free(&R->a.forms);
    free(R);
    if (best) {
        const probe_t *P = Q->probe;
        best->slot = -1;
        for (int j = 0; j < P->n && best->slot < 0; j++) {
            size_t a = P->at[j] ? P->ends[P->at[j] - 1] : 0;
            uint32_t c;
            text_decode(P->forms.p + a, P->ends[P->at[j]] - a, &c);
            if (c == best->c)
                best->slot = j;
        }
        for (size_t e = 0; e < best->a.nends; e++) {
            size_t fa = e ? best->a.ends[e - 1] : 0;
            uint32_t fc;
            int whole;
            text_decode(best->a.forms.p + fa, best->a.ends[e] - fa, &fc);
            best->partial |= norm_alone(fc, best->flags, &whole) != best->c || !whole;
        }
    }
    Q->pair = best;
}

/* After a form of R's first character, the characters x, then y (0: the
 * text ends), may make a match: x is a form of the second, or may hide
 * what comes between (st_may_hide), or x or y does not fold alone. */
static int pair_may_follow(const pair_t *R, uint32_t x, uint32_t y)
{
    int whole;
    for (size_t i = 0; i < R->nb; i++)
        if (R->b[i] == x)
            return 1;
    return st_may_hide(x) || !norm_alone(x, R->flags, &whole) ||
           (y && !norm_alone(y, R->flags, &whole));
}

/* Does text[0..n) hold R's first character followed by its second, or by
 * what may hide one (pair_t)? The first's forms are looked for one at a
 * time with mem_find: in one pass with form_at (mem_find_any) the answers
 * were the same but the instructions more (callgrind, --grep --no-index
 * -c 宝国 over a 2.5 MB novel that has 宝 and 国 but no 宝国, looked
 * through whole for 宝's three forms: 7.96 M Ir in all -> 12.30 M,
 * mem_find_any's 32-byte loop 7.0 M against memchr's and mem_find's
 * 3.4 M; 49.25 M -> 55.14 M over four novels, 8.9 MB). */
static int pair_has(const pair_t *R, const char *t, size_t n)
{
    const char *end = t + n;
    if (R->partial)
        return 1;
    for (size_t e = 0; e < R->a.nends; e++) {
        size_t fa = e ? R->a.ends[e - 1] : 0, fl = R->a.ends[e] - fa;
        const char *f = R->a.forms.p + fa;
        for (const char *p = t; (p = mem_find(p, (size_t)(end - p), f, fl)); ) {
            p += fl;
            if (p >= end)
                break;
            uint32_t x, y = 0;
            int k = text_decode(p, (size_t)(end - p), &x);
            if (p + k < end)
                text_decode(p + k, (size_t)(end - p - k), &y);
            if (pair_may_follow(R, x, y))
                return 1;
        }
    }
    return 0;
}

/* Q's prefilter: for a folded literal, up to PROBE_CHARS of its characters
 * (those with the fewest forms); for an exact one, its bytes. */
static void probe_make(query_t *Q)
{
    if (Q->flags & SEARCH_REGEX)
        return;
    if (Q->flags & SEARCH_EXACT) /* (what markup shows: no probe) */
        for (size_t i = 0; i < Q->qn;) {
            uint32_t c;
            i += (size_t)text_decode(Q->q + i, Q->qn - i, &c);
            if (st_shown_made(c))
                return;
        }
    probe_t *P = xcalloc(1, sizeof *P);
    if (Q->flags & SEARCH_EXACT) {
        buf_add(&P->forms, Q->q, Q->qn);
        P->ends[P->nends++] = P->forms.n;
        P->at[1] = 1;
        P->n = 1;
        Q->probe = P;
        return;
    }
    /* every character of the query, then keep the PROBE_CHARS with the
     * fewest forms (the most telling) */
    probe_t *all = xcalloc(1, sizeof *all);
    for (size_t i = 0; i < Q->qn && all->n < PROBE_MAXC;) {
        uint32_t c;
        i += (size_t)text_decode(Q->q + i, Q->qn - i, &c);
        probe_char(all, c);
    }
    int taken[PROBE_MAXC] = {0};
    for (int pick = 0; pick < PROBE_CHARS; pick++) {
        int best = -1;
        for (int k = 0; k < all->n; k++)
            if (!taken[k] && (best < 0 || all->at[k + 1] - all->at[k] <
                                              all->at[best + 1] - all->at[best]))
                best = k;
        if (best < 0)
            break;
        taken[best] = 1;
        P->at[P->n] = P->nends;
        for (size_t e = all->at[best]; e < all->at[best + 1]; e++) {
            size_t a = e ? all->ends[e - 1] : 0;
            buf_add(&P->forms, all->forms.p + a, all->ends[e] - a);
            P->ends[P->nends++] = P->forms.n;
        }
        P->at[++P->n] = P->nends;
    }
    buf_free(&all->forms);
    free(all);
    if (!P->n) {
        buf_free(&P->forms);
        free(P);
        return;
    }
    /* where character 0 stands in the query (fold_near) */
    uint32_t c0;
    text_decode(P->forms.p, P->ends[0], &c0);
    P->before = -1;
    P->same = 1;
    int k = 0;
    for (size_t i = 0; i < Q->qn && !memchr(Q->q, '\r', Q->qn) && !memchr(Q->q, '\n', Q->qn);
         k++) {
        uint32_t c;
        size_t l = (size_t)text_decode(Q->q + i, Q->qn - i, &c);
        if (c == c0 && P->before < 0) {
            P->before = k;
            P->dq = i;
        }
        P->same &= norm_kind(c, nflags(Q->flags)) == NORM_SAME;
        i += l;
    }
    if (P->before >= 0)
        P->after = k - 1 - P->before;
    Q->probe = P;
    pair_make(Q);
}

/* Is codec name's text the bytes as they are (UTF-8, doc.h)? bytes_may
 * probes such bytes themselves (query_may_match), never through the scan,
 * so lprobe_make leaves its forms out: they only made the scan stop where
 * a byte pair began one (--grep --no-index -c 宝国 over 774 UTF-8 files
 * of 4 KB, 73 of them cut inside a character: bytes_may's own
 * instructions 5.07 M -> 4.51 M, callgrind). */
static int codec_raw(const char *name) { return !strcmp(name, "UTF-8"); }

/* Q's probe in the bytes of each codec but UTF-8 (pscan_t, codec_raw):
 * made at its first use (bytes_may), since the converters' first use
 * (iconv's modules loaded) costs 7 % of a search of the 107 MB text, which
 * never needs them. A query is used by one thread at a time (grep's
 * workers make their own). */
static void lprobe_make(query_t *Q)
{
    const probe_t *P = Q->probe;
    /* the same characters, and st_makers', in the bytes of each codec a
     * text may be guessed to be (encoding.h, enc_guessable, enc_forms_in) */
    const char *const *names;
    size_t nc = enc_guessable(&names);
    const char *const *mk;
    size_t nm = st_makers(&mk);
    pscan_t *L = xcalloc(1, sizeof *L);
    size_t cap = 0;
    buf_t rec = {0};
    for (size_t c = 0; c < nc; c++) {
        if (codec_raw(names[c]))
            continue; /* (its bytes probed as they are) */
        for (int k = 0; k <= P->n; k++) {
            rec.n = 0;
            for (size_t i = 0; k == P->n && i < nm; i++) {
                uint32_t v[8];
                size_t nv = 0;
                for (size_t j = 0; mk[i][j] && nv < 8;) {
                    j += (size_t)text_decode(mk[i] + j, strlen(mk[i] + j), &v[nv]);
                    nv++;
                }
                enc_forms_seq_in(c, v, nv, &rec);
            }
            for (size_t e = k < P->n ? P->at[k] : 0; k < P->n && e < P->at[k + 1]; e++) {
                size_t a = e ? P->ends[e - 1] : 0;
                uint32_t cp;
                text_decode(P->forms.p + a, P->ends[e] - a, &cp);
                enc_forms_in(c, cp, &rec);
            }
            for (size_t i = 0; i < rec.n; i += 1 + (unsigned char)rec.p[i]) {
                grow(&L->v, &cap, L->n + 1, sizeof *L->v);
                sform_t *f = &L->v[L->n++];
                f->n = (uint8_t)rec.p[i];
                memcpy(f->b, rec.p + i + 1, f->n);
                f->codec = (uint8_t)c;
                f->slot = (uint8_t)(k == P->n ? SCAN_MAKER : k);
                f->key = f->n > 1 ? (uint16_t)(f->b[0] << 8 | f->b[1]) : f->b[0];
            }
        }
    }
    buf_free(&rec);
    qsort(L->v, L->n, sizeof *L->v, sform_cmp);
    for (size_t i = 0; i < L->n; i++) {
        if (L->v[i].n == 1)
            L->one[L->v[i].b[0]] = 1;
        else
            L->bits[L->v[i].key >> 6] |= 1ULL << (L->v[i].key & 63);
    }
    L->full = (1u << P->n) - 1;
    Q->lprobe = L;
}

/* Where the first form of P's character k in s[0..n) starts, or NULL:
 * one form with mem_find, up to MEM_FIND_MAX at once with mem_find_any
 * (util.h), more with memmem one by one. --grep -c 宝玉 over the 107 MB
 * novel text: 0.27 s of CPU, against 0.34 s with glibc's memmem form
 * after form (medians of 9 pairs); 0.91x that with mem_find_any, against
 * the 16-byte first-and-last-byte loop this had inline. */
static const char *form_at(const probe_t *P, int k, const char *s, size_t n)
{
    size_t e0 = P->at[k], nf = P->at[k + 1] - e0;
    const char *best = NULL;
    if (nf > MEM_FIND_MAX) {
        for (size_t e = e0; e < e0 + nf; e++) {
            size_t a = e ? P->ends[e - 1] : 0;
            const char *p = memmem(s, best ? (size_t)(best - s) : n, P->forms.p + a,
                                   P->ends[e] - a);
            if (p)
                best = p;
        }
        return best;
    }
    const char *f[MEM_FIND_MAX];
    size_t len[MEM_FIND_MAX];
    if (!nf)
        return NULL;
    if (nf == 1) {
        size_t a = e0 ? P->ends[e0 - 1] : 0;
        return mem_find(s, n, P->forms.p + a, P->ends[e0] - a);
    }
    for (size_t i = 0; i < nf; i++) {
        size_t a = e0 + i ? P->ends[e0 + i - 1] : 0;
        f[i] = P->forms.p + a;
        len[i] = P->ends[e0 + i] - a;
    }
    return mem_find_any(s, n, f, len, nf);
}

/* Does s[0..n) hold a form of each of P's characters (from character k0
 * on)? */
static int probe_has_from(const probe_t *P, int k0, const char *s, size_t n)
{
    for (int k = k0; k < P->n; k++)
        if (!form_at(P, k, s, n))
            return 0;
    return 1;
}

static int probe_has(const probe_t *P, const char *s, size_t n)
{
    return probe_has_from(P, 0, s, n);
}

/* query_may_match_bytes; shown: query_may_match_file's, where what markup
 * makes when shown (st_makers) lets a text through as well */
/* The places in s[0..end) of the forms in codec k of the scan's slot
 * (a probed character, or SCAN_MAKER), form after form: places_next
 * gives the next, its form's length in *len, or NULL. */
typedef struct {
    const pscan_t *L;
    size_t k, i;
    unsigned slot;
    const unsigned char *s, *end, *p;
} places_t;

static const unsigned char *places_next(places_t *w, size_t *len)
{
    for (; w->i < w->L->n; w->i++, w->p = w->s) {
        const sform_t *f = &w->L->v[w->i];
        if (f->codec != w->k || f->slot != w->slot)
            continue;
        const unsigned char *p = (const unsigned char *)mem_find(
            (const char *)w->p, (size_t)(w->end - w->p), (const char *)f->b, f->n);
        if (p) {
            w->p = p + 1;
            *len = f->n;
            return p;
        }
    }
    return NULL;
}

/* pair_has for bytes s[0..n) read in codec k (enc_guessable's; its scan
 * found forms of every probed character in them): where the pair's first
 * character's form is in that codec, the one or two characters after it
 * are read there (enc_decode_few), not the whole text converted: 1 when
 * they may make a match (pair_may_follow), or when that cannot be told.
 * Of bench/mklib.py's 1,000 GB18030 articles, 627 hold the bytes of 宝's
 * and 玉's forms: all were converted (--grep -c 宝玉 over the 10,000:
 * GB18030's converter 215 of 776 million instructions, callgrind). A
 * form read across two characters is none, and reading after it may say
 * 1: never 0 where the text has the pair. */
static int pair_in_codec(const query_t *Q, const pscan_t *L, size_t k, const unsigned char *s,
                         size_t n)
{
    const pair_t *R = Q->pair;
    if (R->slot < 0 || R->partial)
        return 1;
    places_t w = {.L = L, .k = k, .slot = (unsigned)R->slot, .s = s, .end = s + n, .p = s};
    size_t len;
    for (const unsigned char *p; (p = places_next(&w, &len));) {
        const unsigned char *q = p + len;
        if (q >= w.end)
            continue;
        uint32_t cp[2];
        int got = enc_decode_few(k, q, (size_t)(w.end - q), cp, 2);
        if (got <= 0 || pair_may_follow(R, cp[0], got > 1 ? cp[1] : 0))
            return 1;
    }
    return 0;
}

/* Do bytes s[0..n) hold a maker (st_makers) in codec k: where the scan
 * found a form of one, its characters read there (enc_decode_few) are
 * the maker's? A maker's form in a codec is the form of its longest
 * prefix that fits (ENC_FORM_MAX: ※ of ※［＃ in CP950, the bytes of a
 * common GBK punctuation mark): 944 of bench/mklib.py's 1,000 GB18030
 * articles were converted as CP950 for it. 1 too when that cannot be
 * told. */
static int maker_in_codec(const pscan_t *L, size_t k, const unsigned char *s, size_t n)
{
    const char *const *mk;
    size_t nm = st_makers(&mk), len;
    places_t w = {.L = L, .k = k, .slot = SCAN_MAKER, .s = s, .end = s + n, .p = s};
    for (const unsigned char *p; (p = places_next(&w, &len));) {
        uint32_t cp[4];
        int got = enc_decode_few(k, p, (size_t)(w.end - p), cp, 4);
        if (got < 0)
            return 1;
        for (size_t m = 0; m < nm; m++) {
            int same = 1, j = 0;
            for (size_t b = 0; mk[m][b] && same; j++) {
                uint32_t c;
                b += (size_t)text_decode(mk[m] + b, strlen(mk[m] + b), &c);
                same = j < got && cp[j] == c; /* (got < 4: the text ends) */
            }
            if (same)
                return 1;
        }
    }
    return 0;
}

static int bytes_may(const query_t *Q, const unsigned char *s, size_t n, int shown)
{
    if (!Q->probe)
        return 1;
    if (!Q->lprobe)
        lprobe_make((query_t *)Q);
    const pscan_t *L = Q->lprobe;
    const char *const *names;
    size_t nc = enc_guessable(&names);
    uint32_t seen[64] = {0};
    if (nc > sizeof seen / sizeof *seen)
        return 1;
    /* as UTF-8 the bytes are the text (doc.h): probed as they are (an
     * exact query's bytes need not be a character's forms: 0xFA) */
    if ((shown && st_may_make_any((const char *)s, n)) || query_may_match(Q, (const char *)s, n))
        return 1;
    scan_bytes(L, s, n, seen);
    for (size_t c = 0; c < nc; c++) {
        if (codec_raw(names[c]))
            continue; /* (above) */
        /* a codec in which the bytes hold a form of each character (or of
         * a maker): the text they would be if guessed to be in it is made
         * and probed. A form met across two characters is none: of 1,000
         * GB18030 articles 627 hold 宝's and 玉's bytes, 240 the
         * characters, one 宝玉. Converting costs a tenth of uchardet's
         * guess, and is done only where the characters read after the
         * first of the pair's forms (pair_in_codec) or at a maker's
         * (maker_in_codec) let the text through: of those 1,000, 1
         * converted, not 952 (--grep -c 宝玉 over the library: 776 -> 581
         * million instructions, callgrind). */
        int maker = shown && seen[c] >> SCAN_MAKER & 1 && maker_in_codec(L, c, s, n);
        if (!maker && ((seen[c] & L->full) != L->full ||
                       (Q->pair && !pair_in_codec(Q, L, c, s, n))))
            continue;
        enc_result_t r = {0};
        if (enc_convert(names[c], s, n, &r) < 0)
            return 1;
        int yes = (shown && st_may_make_any(r.text, r.len)) || query_may_match(Q, r.text, r.len);
        free(r.text);
        enc_result_free(&r);
        if (yes)
            return 1;
    }
    return 0;
}

int query_may_match_bytes(const query_t *Q, const unsigned char *s, size_t n)
{
    return bytes_may(Q, s, n, 0);
}

int query_may_match(const query_t *Q, const char *text, size_t len)
{
    return !Q->probe || (probe_has(Q->probe, text, len) &&
                         (!Q->pair || pair_has(Q->pair, text, len)));
}

int query_may_match_file(const query_t *Q, const unsigned char *s, size_t n, int utf8)
{
    if (!utf8)
        return bytes_may(Q, s, n, 1);
    return st_may_make_any((const char *)s, n) || query_may_match(Q, (const char *)s, n);
}

/* ---- candidate lines: a literal folded only where it may be ------------ */

/* Which lines a search with Q folds, as the key its pieces are kept by
 * (search_t.pkey): 0, every line (a regex, which may match across a line
 * end; a query that holds a line feed or has no prefilter); else the
 * folded query's hash: only what fold_near takes, so such a piece
 * serves only searches for the same query again. */
static uint64_t lines_key(const query_t *Q)
{
    if (Q->re || !Q->probe || (Q->flags & SEARCH_EXACT) || memchr(Q->q, '\n', Q->qn))
        return 0;
    uint64_t h = hash64_seed(Q->q, Q->qn, (uint64_t)Q->flags);
    return h ? h : 1;
}

/* The forms of P's character 0 in t[0..n), found in order from places
 * that only grow (fold_near, count_lines). form_at looks for each form
 * from where it is asked; a character of more forms than mem_find_any
 * takes at once (MEM_FIND_MAX: the comma, 7 forms of ， and more) was so
 * looked for again through the rest of the piece at every place found:
 * --grep --no-index -c ， over 20 MB of the novels took 19 s (old lines
 * a place) and minutes (a window a place). Here each such form's next
 * place is kept and looked for again only once passed, so each form's
 * bytes are read once. */
typedef struct {
    const probe_t *P;
    const char *t;
    size_t n, nf;
    size_t looked[2 * PROBE_FORMS + 2]; /* looked for from here (SIZE_MAX: not yet) */
    size_t next[2 * PROBE_FORMS + 2];   /* and found here first (SIZE_MAX: none) */
} forms_t;

static void forms_init(forms_t *F, const probe_t *P, const char *t, size_t n)
{
    F->P = P;
    F->t = t;
    F->n = n;
    F->nf = P->at[1] - P->at[0];
    if (F->nf > sizeof F->looked / sizeof *F->looked)
        F->nf = 0; /* (never: probe_char keeps fewer) */
    for (size_t e = 0; e < F->nf; e++)
        F->looked[e] = SIZE_MAX;
}

/* The first form at or after from, or NULL. */
static const char *forms_next(forms_t *F, size_t from)
{
    const probe_t *P = F->P;
    if (F->nf <= MEM_FIND_MAX) /* (one pass over them all) */
        return from < F->n ? form_at(P, 0, F->t + from, F->n - from) : NULL;
    size_t best = SIZE_MAX;
    for (size_t e = 0; e < F->nf; e++) {
        if (F->looked[e] == SIZE_MAX || F->looked[e] > from || F->next[e] < from) {
            size_t a = e ? P->ends[e - 1] : 0;
            const char *p = from < F->n ? memmem(F->t + from, F->n - from, P->forms.p + a,
                                                 P->ends[e] - a)
                                        : NULL;
            F->looked[e] = from;
            F->next[e] = p ? (size_t)(p - F->t) : SIZE_MAX;
        }
        if (F->next[e] < best)
            best = F->next[e];
    }
    return best == SIZE_MAX ? NULL : F->t + best;
}

/* Does c fold alone, to something (norm_kind), so that a cluster
 * boundary lies between it and a neighbour that does too? */
static int alone(uint32_t c, int fl)
{
    return norm_kind(c, fl) != 0;
}

/* The start of the window fold_near folds for a form of P's character 0
 * at x (a line or piece of t starts at lo): P->before characters back
 * from x, each folding alone, after one that does (or at lo); or
 * SIZE_MAX. Each folds to one character or more, so the window holds the
 * folded query's start wherever its character 0 is x's. */
static size_t window_start(const char *t, size_t lo, size_t x, int before, int fl)
{
    for (int k = 0;; k++) {
        if (x == lo)
            return x;
        size_t y = utf8_back(t, lo, x - 1);
        uint32_t c;
        int l = utf8_decode(t + y, x - y, &c);
        if (utf8_invalid(c, l) || y + (size_t)l != x || !alone(c, fl))
            return SIZE_MAX;
        if (k == before)
            return x; /* (c, before it, folds alone) */
        x = y;
    }
}

/* The end of that window: the character at x and P->after more, each
 * folding alone, then one more (so that a match never ends where the
 * window does: there norm_src is the next one's start) up to one folding
 * alone too; or the line's end, with its CR, LF or CRLF (a cluster
 * boundary after it: UAX #29 GB4), or n; or SIZE_MAX. */
static size_t window_end(const char *t, size_t n, size_t x, int after, int fl)
{
    for (int k = 0;; k++) {
        if (x >= n)
            return n;
        if (t[x] == '\n' || t[x] == '\r')
            return x + 1 + (t[x] == '\r' && x + 1 < n && t[x + 1] == '\n');
        uint32_t c;
        int l = utf8_decode(t + x, n - x, &c);
        if (utf8_invalid(c, l) || !alone(c, fl))
            return SIZE_MAX;
        if (k == after + 2)
            return x;
        x += (size_t)l;
    }
}

/* A fold from a to go after N's text, which ends at folded: from the
 * line end before a, when a starts a line after a gap (a line passed
 * unfolded, or text between windows), so that no match runs across the
 * gap (the query holds no CR or LF; they end clusters). */
static size_t after_break(const char *t, size_t a, size_t folded)
{
    if (a > folded && t[a - 1] == '\n')
        a--;
    if (a > folded && t[a - 1] == '\r')
        a--;
    return a;
}

/* Fold into N only what of t[0..n) (a piece: it starts and ends at a
 * cluster boundary) may hold a match of the literal P was made of: where
 * a form of P's character 0 is, a window from P->before characters before
 * it to P->after characters after it, cut where clusters break (between
 * characters that fold alone), each at its own offsets (the map has gaps:
 * norm_fold of an offset in one is the next window's first folded byte).
 * A window folds as it does in the whole text, and every match of the
 * folded text holds character 0 in a form the window of which covers it
 * (windows that meet are folded as one), so N holds every match the whole
 * text folded holds, where it holds it; a match cannot run across a gap
 * (it would start at a character 0 whose window did not end there).
 * Where a window cannot be cut so (a mark, a character that does not fold
 * alone, invalid bytes), its line is folded whole if it holds a form of
 * each of P's characters (a literal without a line feed matches inside
 * one line, and a line folds alike alone: a line feed ends a cluster).
 * A fold after a gap that starts a line starts at the line end before
 * it (after_break), so that no match runs across the gap there either.
 * The literal's bytes looked for first and only what is near them
 * matched is GNU grep's and ripgrep's way. The 107 MB novel text, 宝玉
 * (82,000 玉 in it): whole lines folded were a fifth of the text, windows
 * are a few characters each (callgrind over 20 MB of it, the search
 * stepped match by match: 167 M instructions -> 85 M). */
static void fold_near(norm_t *N, const probe_t *P, const char *t, size_t n)
{
    size_t done = 0;   /* folded or passed up to here (a cluster boundary) */
    size_t folded = 0; /* N's text ends here (before done: a line passed) */
    size_t from = 0;   /* the next form looked for from here */
    int fl = N->flags;
    const char *c;
    forms_t F;
    forms_init(&F, P, t, n);
    while (from < n && (c = forms_next(&F, from))) {
        size_t x = (size_t)(c - t), a, b = SIZE_MAX;
        from = utf8_next(t, x + 1, n);
        if (x < done && folded == done) { /* in a window folded: it runs on */
            b = P->before < 0 ? SIZE_MAX : window_end(t, n, x, P->after, fl);
            if (b != SIZE_MAX && b > done) {
                norm_add(N, t + done, b - done, done);
                done = folded = b;
            }
            if (b != SIZE_MAX)
                continue;
        }
        const char *ls = x > done ? memrchr(t + done, '\n', x - done) : NULL;
        size_t lo = ls ? (size_t)(ls - t) + 1 : done;
        if (b == SIZE_MAX && x >= done) {
            a = P->before < 0 ? SIZE_MAX : window_start(t, lo, x, P->before, fl);
            b = a == SIZE_MAX ? a : window_end(t, n, x, P->after, fl);
            if (b != SIZE_MAX) {
                a = after_break(t, a, folded);
                norm_add(N, t + a, b - a, a);
                done = folded = b;
                continue;
            }
        }
        /* the rest of x's line, when it holds a form of each character */
        const char *le = memchr(t + x, '\n', n - x);
        b = le ? (size_t)(le - t) + 1 : n;
        size_t l0 = lo; /* (a window folded before on this line: from its start) */
        if (lo == done && done > 0 && t[done - 1] != '\n') {
            ls = memrchr(t, '\n', done);
            l0 = ls ? (size_t)(ls - t) + 1 : 0;
        }
        if (probe_has_from(P, 1, t + l0, b - l0)) {
            lo = after_break(t, lo, folded);
            norm_add(N, t + lo, b - lo, lo);
            folded = b;
        }
        done = from = b;
    }
}

/* An ASCII letter (of a folded query: lower case) */
static int latin(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A soft line break in Markdown source: the line's end, the next line's
 * indentation and block-quote marks (SOFT_BR), as the reader joins them */
#define SOFT_BR "[ \\t]*\\r?\\n[ \\t]*(?:>[ \\t]*)*"

/* The folded query as a pattern that also matches across soft line
 * breaks (SEARCH_SOFTBR), as the reader shows them: a break may stand
 * where the query has nothing, except between two Latin letters (the
 * reader shows hello⏎world as "hello world"; between two CJK characters
 * it shows nothing, text_joins_tight). The folded query cannot tell more: its
 * ， ？ ２ are ASCII's , ? 2, and the reader joins 好吗？⏎（笑） and
 * ２０２⏎４年 with nothing (only fullwidth letters, ＮＨ⏎Ｋ, are missed).
 * A space in the query matches spaces and tabs or a break (never a blank
 * line: another paragraph). 1 when it differs from the literal. */
static int soft_pattern(query_t *Q)
{
    buf_t p = {0};
    const unsigned char *s = (const unsigned char *)Q->q;
    for (size_t i = 0; i < Q->qn;) {
        uint32_t c;
        int l = text_decode((const char *)s + i, Q->qn - i, &c);
        i += (size_t)l;
        if (c == ' ' || c == '\t') {
            while (i < Q->qn && (s[i] == ' ' || s[i] == '\t'))
                i++;
            buf_adds(&p, "(?:" SOFT_BR "|[ \\t]+)");
            continue;
        }
        char e[24];
        snprintf(e, sizeof e, "\\x{%X}", (unsigned)c);
        buf_adds(&p, e);
        if (i < Q->qn && s[i] != ' ' && s[i] != '\t' && !(latin(c) && latin(s[i])))
            buf_adds(&p, "(?:" SOFT_BR ")?");
    }
    free(Q->q);
    Q->q = p.p ? p.p : xstrdup("");
    Q->qn = p.n;
    return 1;
}

/* Leftmost-longest, as grep -E: where a pattern may stop at a shorter
 * match than it could (an alternation, a lazy quantifier: PCRE2 takes the
 * first that matches), the longest match at the same start, from PCRE2's
 * DFA matcher anchored there; else (or when the DFA cannot run the
 * pattern: a back reference) the end PCRE2 found. */
static size_t longest(const query_t *Q, const char *hay, size_t hn, size_t a, size_t b)
{
    if (!Q->dfa)
        return b;
    /* up to the end of b's line: PCRE2 checks the UTF-8 it is given */
    const char *nl = b < hn ? memchr(hay + b, '\n', hn - b < 65536 ? hn - b : 65536) : NULL;
    size_t e = nl ? (size_t)(nl - hay) + 1 : hn;
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    int ws[256];
    int rc = pcre2_dfa_match(Q->dfa, (PCRE2_SPTR)hay, e, a, PCRE2_ANCHORED, md, Q->mctx, ws,
                             sizeof ws / sizeof *ws);
    if (rc >= 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        if (ov[0] == a && ov[1] > b)
            b = ov[1];
    }
    pcre2_match_data_free(md);
    return b;
}

/* 1 when the pattern has an alternation or a lazy quantifier (outside a
 * class; an escaped character is skipped). */
static int may_stop_short(const char *p, size_t n)
{
    int cls = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\\') {
            i++;
            continue;
        }
        if (cls) {
            cls = p[i] != ']';
            continue;
        }
        if (p[i] == '[') {
            cls = 1;
            if (i + 1 < n && p[i + 1] == '^')
                i++;
            if (i + 1 < n && p[i + 1] == ']')
                i++;
        } else if (p[i] == '|' ||
                   (p[i] == '?' && i > 0 && strchr("*+?}", p[i - 1]))) {
            return 1;
        }
    }
    return 0;
}

int query_set(query_t *Q, const char *q, size_t n, int flags, char *err, size_t errn)
{
    query_free(Q);
    Q->flags = flags;
    err[0] = '\0';
    if (n == 0) {
        snprintf(err, errn, "empty query");
        return -1;
    }
    if (flags & SEARCH_EXACT) {
        Q->q = xmalloc(n + 1);
        memcpy(Q->q, q, n);
        Q->q[n] = '\0';
        Q->qn = n;
        probe_make(Q);
    } else {
        norm_t N;
        norm_init(&N, nflags(flags));
        norm_add(&N, q, n, 0);
        Q->q = xstrdup(N.out.p);
        Q->qn = N.out.n;
        norm_free(&N);
        probe_make(Q); /* (of the literal, before a pattern is made of it) */
        int soft = (flags & SEARCH_SOFTBR) && !(flags & SEARCH_REGEX);
        if (!(flags & SEARCH_REGEX))
            Q->ngrams = sindex_grams(Q->q, Q->qn, !soft, Q->grams);
        if (soft && soft_pattern(Q))
            flags |= SEARCH_REGEX; /* compiled below; Q->flags keeps the query's */
    }
    if (flags & SEARCH_REGEX) {
        int code;
        PCRE2_SIZE at;
        Q->re = pcre2_compile((PCRE2_SPTR)Q->q, Q->qn, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                              &code, &at, NULL);
        if (!Q->re) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(code, msg, sizeof msg);
            snprintf(err, errn, "invalid regex: %s (at %zu)", (const char *)msg, (size_t)at);
            query_free(Q);
            return -1;
        }
        if (!getenv("JUAN_NO_JIT")) /* (valgrind cannot follow JIT code) */
            pcre2_jit_compile(Q->re, PCRE2_JIT_COMPLETE); /* when it can: else interpreted */
        Q->md = pcre2_match_data_create_from_pattern(Q->re, NULL);
        if ((Q->flags & SEARCH_REGEX) && may_stop_short(Q->q, Q->qn)) /* (DFA: no INVALID_UTF) */
            Q->dfa = pcre2_compile((PCRE2_SPTR)Q->q, Q->qn, PCRE2_UTF, &code, &at, NULL);
        pcre2_match_context *mc = pcre2_match_context_create(NULL);
        if (mc) { /* the limits, deliberately (search.h) */
            pcre2_set_match_limit(mc, SEARCH_MATCH_LIMIT);
            pcre2_set_depth_limit(mc, SEARCH_DEPTH_LIMIT);
            pcre2_set_heap_limit(mc, SEARCH_HEAP_LIMIT);
        }
        Q->mctx = mc;
        cx_t *c = xmalloc(sizeof *c);
        memset(c, 0, sizeof *c);
        pthread_mutex_init(&c->mu, NULL);
        Q->cx = c;
    }
    return 0;
}

/* A regex from byte i of hay that reached a limit: matched again a line
 * at a time, up to the line that reaches it, which is skipped (its start
 * added to *skip, of hay). PCRE2's result for the line that matches, or
 * for the rest of hay after the one skipped (*i there). */
static int line_by_line(const query_t *Q, void *md, const char *hay, size_t hn, size_t *i,
                        size_t **skip, size_t *nskip, size_t *skipcap)
{
    size_t ls = *i;
    for (;;) {
        const char *nl = ls < hn ? memchr(hay + ls, '\n', hn - ls) : NULL;
        size_t le = nl ? (size_t)(nl - hay) + 1 : hn;
        int rc = pcre2_match(Q->re, (PCRE2_SPTR)hay, le, ls, 0, md, Q->mctx);
        if (rc >= 0 || (!is_limit(rc) && le >= hn)) {
            *i = ls;
            return rc;
        }
        if (is_limit(rc)) {
            const char *p = ls ? memrchr(hay, '\n', ls) : NULL; /* its line's start */
            grow(skip, skipcap, *nskip + 1, sizeof **skip);
            (*skip)[(*nskip)++] = p ? (size_t)(p - hay) + 1 : 0;
            *i = le;
            return le >= hn ? PCRE2_ERROR_NOMATCH
                            : pcre2_match(Q->re, (PCRE2_SPTR)hay, hn, le, 0, md, Q->mctx);
        }
        ls = le;
    }
}

/* First match at or after byte i of hay; 1 and [*a, *b) or 0. md: the
 * caller's match data (one per thread). A line where a regex reaches a
 * PCRE2 limit is skipped, its start (of hay) added to *skip. */
static int next_in(const query_t *Q, void *md, const char *hay, size_t hn, size_t i,
                   size_t *a, size_t *b, size_t **skip, size_t *nskip, size_t *skipcap)
{
    if (Q->re) {
        while (i <= hn) {
            int rc = pcre2_match(Q->re, (PCRE2_SPTR)hay, hn, i, 0, md, Q->mctx);
            while (is_limit(rc)) /* (the rest may reach one again) */
                rc = line_by_line(Q, md, hay, hn, &i, skip, nskip, skipcap);
            if (rc < 0)
                return 0;
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            if (ov[1] > ov[0]) { /* empty matches find nothing */
                *a = ov[0];
                *b = longest(Q, hay, hn, ov[0], ov[1]);
                return 1;
            }
            i = utf8_next(hay, ov[0] + 1, hn);
        }
        return 0;
    }
    if (Q->qn > hn || i > hn - Q->qn)
        return 0;
    const char *p = memmem(hay + i, hn - i, Q->q, Q->qn);
    if (!p)
        return 0;
    *a = (size_t)(p - hay);
    *b = *a + Q->qn;
    return 1;
}

/* A folded match [x, y) of N as document bytes. */
static match_t to_doc(const norm_t *N, size_t x, size_t y)
{
    match_t m = {norm_src(N, x), norm_src(N, y)};
    if (m.b <= m.a) /* inside one cluster's folding (ß → ss, "s") */
        m.b = norm_src(N, norm_fold(N, m.a + 1));
    return m;
}

/* Matches of Q in the folded hay of N (a piece or a whole index) starting
 * in document bytes [lo, hi): the first (dir > 0) or the last. fa, fb:
 * the folded range to look in. N's map is of offsets from base (a piece
 * of a text of any size: the map's are 32-bit); find_rel's lo, hi and
 * match are too. */
static int find_rel(const query_t *Q, void *md, const norm_t *N, size_t base, size_t fa,
                    size_t fb, size_t lo, size_t hi, int dir, match_t *m);

static int find_in(const query_t *Q, void *md, const norm_t *N, size_t base, size_t fa,
                   size_t fb, size_t lo, size_t hi, int dir, match_t *m)
{
    if (hi <= base)
        return 0;
    if (!find_rel(Q, md, N, base, fa, fb, lo > base ? lo - base : 0, hi - base, dir, m))
        return 0;
    m->a += base;
    m->b += base;
    return 1;
}

/* The last match: forward through windows growing back from hi. */
static int find_last(const query_t *Q, void *md, const norm_t *N, size_t base, size_t fa,
                     size_t fb, size_t lo, size_t hi, match_t *m)
{
    size_t top = norm_fold(N, hi), start = norm_fold(N, lo) > fa ? norm_fold(N, lo) : fa;
    for (size_t w = 4096;; w *= 4) {
        size_t i = utf8_back(N->out.p, start, top > start + w ? top - w : start);
        size_t l2 = norm_src(N, i) > lo ? norm_src(N, i) : lo;
        if (find_rel(Q, md, N, base, i, fb, l2, hi, 0, m))
            return 1;
        if (i == start)
            return 0;
    }
}

static int find_rel(const query_t *Q, void *md, const norm_t *N, size_t base, size_t fa,
                    size_t fb, size_t lo, size_t hi, int dir, match_t *m)
{
    if (dir < 0)
        return find_last(Q, md, N, base, fa, fb, lo, hi, m);
    size_t i = norm_fold(N, lo) > fa ? norm_fold(N, lo) : fa, x, y;
    int found = 0;
    size_t *sk = NULL, nsk = 0, skcap = 0; /* lines skipped: too complex */
    while (next_in(Q, md, N->out.p, fb, i, &x, &y, &sk, &nsk, &skcap)) {
        match_t t = to_doc(N, x, y);
        if (t.a >= hi)
            break;
        if (t.a >= lo) {
            *m = t;
            found = 1;
            if (dir > 0)
                break; /* dir 0: the last */
        }
        i = utf8_next(N->out.p, y > x ? y : x + 1, fb); /* matches do not overlap */
    }
    for (size_t k = 0; k < nsk; k++)
        cx_add(Q, base + norm_src(N, sk[k]));
    free(sk);
    return found;
}

/* ---- without an index: pieces folded as the search goes --------------- */

typedef struct {
    search_t *S;
    const query_t *Q;
    norm_t *N;
    int slot;
    size_t a, b, e; /* folded: document bytes [a, e); its own: [a, b) */
    size_t lo, hi; /* matches starting in [lo, hi) */
    uint64_t key;  /* lines_key: 0 folds them all */
    int dir, found;
    match_t m;
} piece_t;

static void *piece_run(void *arg)
{
    piece_t *p = arg;
    norm_reset(p->N);
    p->N->flags = nflags(p->Q->flags);
    const char *t = bytes(p->S, &p->S->rb[p->slot], &p->S->rbcap[p->slot], p->a, p->e);
    if (p->key) /* (offsets from a) */
        fold_near(p->N, p->Q->probe, t, p->e - p->a);
    else
        norm_add(p->N, t, p->e - p->a, 0);
    void *md = p->Q->re ? pcre2_match_data_create_from_pattern(p->Q->re, NULL) : NULL;
    p->found = find_in(p->Q, md, p->N, p->a, 0, p->N->out.n, p->lo, p->hi, p->dir, &p->m);
    if (md)
        pcre2_match_data_free(md);
    return NULL;
}

/* A boundary at or after x where a piece may end (a line end near x, else
 * a cluster boundary), beyond `after`. */
static size_t piece_end(const search_t *S, int fl, size_t x, size_t after)
{
    if (x >= S->len)
        return S->len;
    size_t span = S->len - x < 4096 ? S->len - x : 4096;
    const char *nl = memchr(S->text + x, '\n', span);
    if (nl)
        return (size_t)(nl - S->text) + 1;
    size_t b = norm_boundary(S->text, S->len, x, fl);
    if (b <= after) /* no boundary found near: the next character */
        b = utf8_next(S->text, x, S->len);
    return b;
}

/* The piece kept from an earlier search that holds match starts at a, for
 * a search that folds the lines of key (lines_key): one with all of them
 * folded serves every search. */
static int kept(const search_t *S, int fl, uint64_t key, size_t a)
{
    for (int u = 0; u < SEARCH_THREADS; u++)
        if (S->pb[u] && S->pfl[u] == fl && (!S->pkey[u] || S->pkey[u] == key) &&
            S->pa[u] <= a && a < S->pb[u])
            return u;
    return -1;
}

static void keep(search_t *S, int u, int fl, uint64_t key, size_t a, size_t b)
{
    S->pa[u] = a;
    S->pb[u] = b;
    S->pfl[u] = fl;
    S->pkey[u] = key;
}

/* A forward search without an index: workers (this thread and nthreads-1
 * more) take the next piece in order until one holds a match and every
 * piece before it is done. */
typedef struct {
    search_t *S;
    const query_t *Q;
    int fl;
    uint64_t key; /* lines_key */
    size_t from, bound, over;
    pthread_mutex_t mu;
    size_t next, size;    /* the next piece starts at next */
    long taken, best;     /* pieces handed out; the first with a match */
    match_t m;
} queue_t;

typedef struct {
    queue_t *q;
    int slot;
    pthread_t th;
} worker_t;

static void *worker_run(void *arg)
{
    worker_t *wk = arg;
    queue_t *q = wk->q;
    search_t *S = q->S;
    for (;;) {
        pthread_mutex_lock(&q->mu);
        if (q->next >= q->bound || q->next >= S->len || (q->best >= 0 && q->taken > q->best)) {
            pthread_mutex_unlock(&q->mu);
            return NULL;
        }
        long k = q->taken++;
        size_t a = q->next, size = q->size;
        size_t b = piece_end(S, q->fl, a + size < S->len ? a + size : S->len, a);
        q->next = b;
        q->size = size < MAX_PIECE / 4 ? size * 4 : MAX_PIECE;
        pthread_mutex_unlock(&q->mu);
        size_t e = piece_end(S, q->fl, b + q->over < S->len ? b + q->over : S->len, b);
        S->pb[wk->slot] = 0;
        piece_t w = {.S = S, .Q = q->Q, .N = &S->sc[wk->slot], .slot = wk->slot, .a = a,
                     .b = b, .e = e, .lo = q->from, .hi = b < q->bound ? b : q->bound,
                     .key = q->key, .dir = 1};
        piece_run(&w);
        keep(S, wk->slot, q->fl, q->key, a, b);
        if (w.found) {
            pthread_mutex_lock(&q->mu);
            if (q->best < 0 || k < q->best) {
                q->best = k;
                q->m = w.m;
            }
            pthread_mutex_unlock(&q->mu);
        }
    }
}

static int stream_fwd(search_t *S, const query_t *Q, size_t from, size_t bound, match_t *m)
{
    int fl = nflags(Q->flags), t;
    uint64_t key = lines_key(Q);
    size_t a = from;
    int reused = 0;
    while (a < bound && (t = kept(S, fl, key, a)) >= 0) {
        size_t hi = S->pb[t] < bound ? S->pb[t] : bound;
        if (find_in(Q, Q->md, &S->sc[t], S->pa[t], 0, S->sc[t].out.n, from, hi, 1, m))
            return 1;
        a = S->pb[t];
        reused = 1;
    }
    if (!reused)
        a = norm_boundary(S->text, S->len, from, fl);
    if (a >= bound || a >= S->len)
        return 0;
    /* on from pieces kept (a search stepping through its matches, grep's):
     * the largest pieces at once, one for each worker (from FIRST_PIECE,
     * the first would be done before the second was well begun) */
    queue_t q = {.S = S, .Q = Q, .fl = fl, .key = key, .from = from, .bound = bound,
                 .over = OVERLAP + 4 * Q->qn, .next = a,
                 .size = reused ? MAX_PIECE : FIRST_PIECE, .best = -1};
    pthread_mutex_init(&q.mu, NULL);
    worker_t w[SEARCH_THREADS];
    /* helpers only for a long way (a match is most often near) */
    int nt = bound - a > 4 * (size_t)FIRST_PIECE ? S->nthreads : 1;
    for (int i = 0; i < nt; i++) {
        w[i] = (worker_t){.q = &q, .slot = i};
        if (i && pthread_create(&w[i].th, NULL, worker_run, &w[i]) != 0)
            nt = i;
    }
    worker_run(&w[0]);
    for (int i = 1; i < nt; i++)
        pthread_join(w[i].th, NULL);
    pthread_mutex_destroy(&q.mu);
    if (q.best >= 0)
        *m = q.m;
    return q.best >= 0;
}

static int stream_bwd(search_t *S, const query_t *Q, size_t from, size_t bound, match_t *m)
{
    int fl = nflags(Q->flags);
    uint64_t key = lines_key(Q);
    size_t b = from < S->len ? from : S->len, size = FIRST_PIECE;
    size_t over = OVERLAP + 4 * Q->qn;
    int t;
    while (b > bound && (t = kept(S, fl, key, b - 1)) >= 0) { /* pieces folded before */
        size_t lo = S->pa[t] > bound ? S->pa[t] : bound;
        if (find_in(Q, Q->md, &S->sc[t], S->pa[t], 0, S->sc[t].out.n, lo, b, -1, m))
            return 1;
        b = S->pa[t];
    }
    while (b > bound) {
        size_t a = norm_boundary(S->text, S->len, b > size ? b - size : 0, fl);
        if (a < bound)
            a = norm_boundary(S->text, S->len, bound, fl);
        size_t e = piece_end(S, fl, b + over < S->len ? b + over : S->len, b);
        piece_t w = {.S = S, .Q = Q, .N = &S->sc[0], .slot = 0, .a = a, .b = b, .e = e,
                     .lo = bound, .hi = b, .key = key, .dir = -1};
        S->pb[0] = 0;
        piece_run(&w);
        keep(S, 0, fl, key, a, b);
        if (w.found) {
            *m = w.m;
            return 1;
        }
        if (a == 0 || a <= bound || a >= b)
            break;
        b = a;
        if (size < MAX_PIECE)
            size *= 2;
    }
    return 0;
}

/* ---- a text in pieces (search_use_pieces) ----------------------------- */

/* The pieces folded for Q: once for each folding, and kept. */
static const norm_t *whole(search_t *S, const query_t *Q)
{
    int k = (Q->flags & SEARCH_EXACT) ? 2 : (Q->flags & SEARCH_NO_TCSC) ? 1 : 0;
    norm_t *N = &S->whole[k];
    if (S->have_whole[k])
        return N;
    if (!N->out.p)
        norm_init(N, 0);
    N->flags = nflags(Q->flags);
    for (size_t i = 0; i < S->npieces; i++) {
        const norm_piece_t *p = &S->pieces[i];
        if (k < 2) {
            norm_add(N, p->p, p->n, p->src);
        } else { /* as they are: a segment each */
            grow(&N->seg, &N->scap, N->nseg + 1, sizeof *N->seg);
            N->seg[N->nseg++] = (nseg_t){(uint32_t)N->out.n, (uint32_t)p->src, 0, 0};
            buf_add(&N->out, p->p, p->n);
        }
    }
    S->have_whole[k] = 1;
    return N;
}

/* Document offset off, or when it is between pieces (in a reading, an
 * annotation) the start of the next piece: the map of the folded pieces
 * is exact only inside them. */
static size_t in_pieces(const search_t *S, size_t off)
{
    size_t lo = 0, hi = S->npieces; /* the first piece starting after off */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (S->pieces[mid].src <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && off < S->pieces[lo - 1].src + S->pieces[lo - 1].n)
        return off;
    return lo < S->npieces ? S->pieces[lo].src : off;
}

/* ---- with an index ------------------------------------------------------ */

struct build_job {
    pthread_t thread;
    search_t *S;
    int k;
    _Atomic int cancel;
    volatile int done;
};

static int build(search_t *S, int k, const _Atomic int *cancel);

/* The index of folding k when there is a sound one (opened on first use;
 * one made on a thread is taken once the thread is done). */
static sindex_t *index_of(search_t *S, int k)
{
    struct build_job *j = S->job;
    if (j && j->k == k && __atomic_load_n(&j->done, __ATOMIC_ACQUIRE)) {
        pthread_join(j->thread, NULL);
        free(j);
        S->job = NULL;
        S->tried[k] = 0;
    }
    if (!S->ix[k] && !S->tried[k] && S->id[0]) {
        S->tried[k] = 1;
        char *path = sindex_path(S->id, k ? 0 : NORM_TCSC);
        if (path)
            S->ix[k] = sindex_open(path, S->len, k ? 0 : NORM_TCSC);
        free(path);
    }
    return S->ix[k];
}

/* A damaged block: the index is dropped (searches go on without it) and
 * made again by the next search_prepare. */
static void drop(search_t *S, int k)
{
    for (int u = 0; u < 2; u++)
        if (S->rfix[u] == S->ix[k])
            S->rfk[u] = 0, S->rfix[u] = NULL;
    sindex_close(S->ix[k]);
    S->ix[k] = NULL;
    S->tried[k] = 0;
    char *path = sindex_path(S->id, k ? 0 : NORM_TCSC);
    if (path)
        unlink(path);
    free(path);
}

/* Block k of the index folded again, for its exact map; NULL when it
 * does not fold to what the index holds (the index is then not used). */
static const norm_t *refold(search_t *S, sindex_t *ix, size_t k)
{
    for (int u = 0; u < 2; u++)
        if (S->rfix[u] == ix && S->rfk[u] == k + 1) {
            S->rflast = u;
            return &S->rf[u];
        }
    int u = !S->rfk[0] ? 0 : !S->rfk[1] ? 1 : S->rflast ^ 1; /* keep the one just used */
    S->rflast = u;
    size_t sa, sb, fa, fb, tn;
    sindex_block(ix, k, &sa, &sb, &fa, &fb);
    const char *t = sindex_text(ix, &tn);
    norm_t *N = &S->rf[u];
    norm_reset(N);
    N->flags = S->rffl;
    norm_add(N, S->text + sa, sb - sa, 0); /* (offsets from sa) */
    S->rfix[u] = ix;
    S->rfk[u] = k + 1;
    if (N->out.n != fb - fa || memcmp(N->out.p, t + fa, fb - fa)) {
        S->rfk[u] = 0;
        return NULL;
    }
    return N;
}

/* An offset through the index: document -> folded (to_src 0) or folded
 * -> document (1); -1: damaged. */
static long long ix_map(search_t *S, sindex_t *ix, size_t x, int to_src)
{
    size_t k = sindex_find_block(ix, x, to_src), sa, sb, fa, fb;
    sindex_block(ix, k, &sa, &sb, &fa, &fb);
    if (x >= (to_src ? fb : sb))
        return (long long)(to_src ? sb : fb);
    const norm_t *N = refold(S, ix, k);
    if (!N)
        return -1;
    return (long long)(to_src ? sa + norm_src(N, x - fa) : fa + norm_fold(N, x - sa));
}
#define ix_fold(S, ix, off) ix_map(S, ix, off, 0)
#define ix_src(S, ix, x) ix_map(S, ix, x, 1)

/* Matches in the index's folded text t[wa..we) starting before `until`
 * whose document start is in [lo, hi): the first (dir > 0) or the last
 * (dir 0: of those from wa on). 1 found, 0 not, -1 damaged. */
static int ix_scan(search_t *S, sindex_t *ix, const query_t *Q, const char *t, size_t wa,
                   size_t we, size_t until, size_t lo, size_t hi, int dir, match_t *m)
{
    long long f = ix_fold(S, ix, lo);
    if (f < 0)
        return -1;
    if ((size_t)f > wa)
        wa = (size_t)f;
    if (dir < 0) { /* the last: windows growing back from hi */
        long long top = ix_fold(S, ix, hi);
        if (top < 0)
            return -1;
        size_t e = (size_t)top < until ? (size_t)top : until;
        for (size_t w = 4096;; w *= 4) {
            size_t i = utf8_back(t, wa, e > wa + w ? e - w : wa);
            int r = ix_scan(S, ix, Q, t, i, we, until, lo, hi, 0, m);
            if (r || i == wa)
                return r;
        }
    }
    size_t i = wa, x, y;
    int found = 0;
    size_t *sk = NULL, nsk = 0, skcap = 0; /* lines skipped: too complex */
    while (next_in(Q, Q->md, t, we, i, &x, &y, &sk, &nsk, &skcap) && x < until) {
        long long a = ix_src(S, ix, x), b = ix_src(S, ix, y);
        if (a < 0 || b < 0) {
            free(sk);
            return -1;
        }
        if ((size_t)a >= hi)
            break;
        if ((size_t)a >= lo) {
            m->a = (size_t)a;
            m->b = (size_t)b;
            if (m->b <= m->a) { /* inside one cluster's folding */
                long long g = ix_fold(S, ix, m->a + 1), e = g < 0 ? -1 : ix_src(S, ix, (size_t)g);
                if (e < 0) {
                    free(sk);
                    return -1;
                }
                m->b = (size_t)e;
            }
            found = 1;
            if (dir > 0)
                break;
        }
        i = utf8_next(t, y > x ? y : x + 1, we); /* matches do not overlap */
    }
    for (size_t k = 0; k < nsk; k++) {
        long long a = ix_src(S, ix, sk[k]);
        if (a < 0) {
            free(sk);
            return -1;
        }
        cx_add(Q, (size_t)a);
    }
    free(sk);
    return found;
}

/* 1 found, 0 not, -1 the index is damaged. */
static int index_find(search_t *S, sindex_t *ix, const query_t *Q, size_t from, size_t bound,
                      int dir, match_t *m)
{
    size_t lo = dir > 0 ? from : bound, hi = dir > 0 ? bound : from, tn;
    const char *t = sindex_text(ix, &tn);
    size_t nb = sindex_blocks(ix);
    if (!nb || lo >= hi)
        return 0;
    size_t ka = sindex_find_block(ix, lo, 0), kb = sindex_find_block(ix, hi - 1, 0);
    size_t sa, sb, fa, fb;
    if (Q->re) { /* every block from lo to hi and the next: a regex has no grams */
        for (size_t k = ka; k <= kb + 1; k++)
            if (!sindex_block_ok(ix, k))
                return -1;
        sindex_block(ix, ka, &sa, &sb, &fa, &fb);
        size_t wa = fa;
        sindex_block(ix, kb + 1 < nb ? kb + 1 : kb, &sa, &sb, &fa, &fb);
        return ix_scan(S, ix, Q, t, wa, fb, fb, lo, hi, dir, m);
    }
    for (size_t i = 0; i <= kb - ka; i++) {
        size_t k = dir > 0 ? ka + i : kb - i;
        if (!sindex_may_have(ix, k, Q->grams, Q->ngrams))
            continue;
        if (!sindex_block_ok(ix, k) || !sindex_block_ok(ix, k + 1))
            return -1;
        sindex_block(ix, k, &sa, &sb, &fa, &fb);
        size_t we = fb + Q->qn < tn ? fb + Q->qn : tn;
        int r = ix_scan(S, ix, Q, t, fa, we, fb, lo, hi, dir, m);
        if (r)
            return r;
    }
    return 0;
}

static int find_within(search_t *S, query_t *Q, size_t from, size_t bound, int dir,
                       match_t *m)
{
    if (from > S->len)
        from = S->len;
    if (bound > S->len)
        bound = S->len;
    if (S->pieces && S->len < UINT32_MAX / 2) { /* (the map's offsets are 32-bit) */
        const norm_t *N = whole(S, Q);
        size_t lo = in_pieces(S, dir > 0 ? from : bound), hi = dir > 0 ? bound : from;
        return lo < hi && find_in(Q, Q->md, N, 0, 0, N->out.n, lo, hi, dir, m);
    }
    if (Q->flags & SEARCH_EXACT) { /* bytes as they are */
        norm_t raw = {.out = {(char *)S->text, S->len, S->len}};
        nseg_t one = {0, 0, 0, 0};
        raw.seg = &one;
        raw.nseg = 1;
        size_t lo = dir > 0 ? from : bound, hi = dir > 0 ? bound : from;
        return find_in(Q, Q->md, &raw, 0, 0, S->len, lo, hi, dir, m);
    }
    int k = (Q->flags & SEARCH_NO_TCSC) ? 1 : 0;
    sindex_t *ix = index_of(S, k);
    if (ix) {
        S->rffl = nflags(Q->flags);
        int r = index_find(S, ix, Q, from, bound, dir, m);
        if (sindex_lost(ix)) /* truncated under us: what it read were zeros */
            r = -1;
        if (r >= 0)
            return r;
        drop(S, k);
    }
    return dir > 0 ? stream_fwd(S, Q, from, bound, m) : stream_bwd(S, Q, from, bound, m);
}

static int cmp_off(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

int search_find_within(search_t *S, query_t *Q, size_t from, size_t bound, int dir,
                       match_t *m)
{
    if (!Q->q)
        return 0;
    cx_t *c = Q->cx;
    if (c)
        c->n = 0;
    int r = find_within(S, Q, from, bound, dir, m);
    if (c && c->n) { /* in order, once, those before the match (or the bound) */
        qsort(c->v, c->n, sizeof *c->v, cmp_off);
        size_t end = dir > 0 ? (r ? m->a : bound) : (from > S->len ? S->len : from);
        size_t start = dir > 0 || !r ? 0 : m->b, n = 0;
        for (size_t k = 0; k < c->n; k++)
            if (c->v[k] < end && c->v[k] >= start && (!n || c->v[k] != c->v[n - 1]))
                c->v[n++] = c->v[k];
        c->n = n;
        c->total += n;
        if (n)
            c->last = c->v[dir > 0 ? 0 : n - 1]; /* the nearest where it started */
    }
    return r;
}

int search_find(search_t *S, query_t *Q, size_t from, int dir, match_t *m)
{
    return search_find_within(S, Q, from, dir > 0 ? S->len : 0, dir, m);
}

size_t search_range(search_t *S, query_t *Q, size_t lo, size_t hi, match_t **v, size_t *cap)
{
    size_t n = 0;
    if (!Q->q)
        return 0;
    size_t from = lo > 256 ? lo - 256 : 0; /* a match may start before lo */
    match_t m;
    while (from < hi && search_find_within(S, Q, from, hi, 1, &m)) {
        if (m.b > lo) {
            grow(v, cap, n + 1, sizeof **v);
            (*v)[n++] = m;
        }
        from = m.b > m.a ? m.b : m.a + 1; /* matches do not overlap */
    }
    return n;
}

/* ---- counting (grep -c) ------------------------------------------------ */

/* Is there a cluster boundary at x of t[0..n): at either end, at a line
 * end, or between two characters that fold alone? (x is a character
 * boundary; the character before it folds alone, or is CR or LF.) */
static int edge(const char *t, size_t n, size_t x, int fl)
{
    if (x == 0 || x >= n || t[x] == '\n' || t[x] == '\r' || t[x - 1] == '\n')
        return 1;
    uint32_t c, d;
    int l = utf8_decode(t + x, n - x, &c);
    size_t y = utf8_back(t, 0, x - 1);
    int k = utf8_decode(t + y, x - y, &d);
    return !utf8_invalid(c, l) && !utf8_invalid(d, k) && y + (size_t)k == x && alone(c, fl) &&
           alone(d, fl);
}

/* Does t[a..b) hold only characters that fold alone to themselves (its
 * own search form)? */
static int all_same(const char *t, size_t a, size_t b, int fl)
{
    while (a < b) {
        uint32_t c;
        int l = utf8_decode(t + a, b - a, &c);
        if (utf8_invalid(c, l) || norm_kind(c, fl) != NORM_SAME)
            return 0;
        a += (size_t)l;
    }
    return 1;
}

/* Count into *count the matches of L's folded text (of document bytes
 * from base) that start at or after *prev, each from the end of the one
 * before (*prev moved on), as search_find stepping so finds them. */
static void count_folded(const query_t *Q, const norm_t *L, size_t base, size_t *prev,
                         long *count)
{
    for (const char *p = L->out.p;
         (p = memmem(p, L->out.n - (size_t)(p - L->out.p), Q->q, Q->qn)); p++) {
        size_t x = (size_t)(p - L->out.p);
        match_t m = to_doc(L, x, x + Q->qn);
        if (base + m.a >= *prev) {
            (*count)++;
            *prev = base + (m.b > m.a ? m.b : m.a + 1);
        }
    }
}

/* The matches of literal Q in t[0..n) (whole lines: none runs past n),
 * of document bytes from base. Where a form of P's character 0 is: when
 * the query's characters and their neighbours fold alone to themselves
 * (most CJK text: the text is its own search form there), the query's
 * bytes are compared with the text's in place, nothing folded; else the
 * window fold_near would fold is folded into L, or the line (a mark, a
 * character that does not fold alone), and its matches counted. Matches
 * do not overlap, each from the end of the one before, as grep -o's.
 * (A window's matches start after the ones counted before it, and before
 * those of a later form's: every match's form of character 0 is at its
 * own offset from its start, and the window holds it.) */
static long count_lines(const query_t *Q, norm_t *L, const char *t, size_t n, size_t base)
{
    const probe_t *P = Q->probe;
    int fl = L->flags;
    long count = 0;
    size_t from = 0, prev = 0, lo = 0, seen = 0, skip = 0;
    const char *c;
    forms_t F;
    forms_init(&F, P, t, n);
    while (from < n && (c = forms_next(&F, from))) {
        size_t x = (size_t)(c - t);
        from = utf8_next(t, x + 1, n);
        if (x < skip) /* (in a line counted whole) */
            continue;
        if (P->same && x >= P->dq && x - P->dq + Q->qn <= n) {
            size_t a = x - P->dq, b = a + Q->qn;
            if (edge(t, n, a, fl) && edge(t, n, b, fl)) {
                if (!memcmp(t + a, Q->q, Q->qn)) {
                    if (base + a >= prev) {
                        count++;
                        prev = base + b;
                    }
                    continue;
                }
                if (all_same(t, a, b, fl))
                    continue; /* the text is its own form here: no match */
            }
        }
        const char *ls = x > seen ? memrchr(t + seen, '\n', x - seen) : NULL;
        if (ls)
            lo = (size_t)(ls - t) + 1;
        seen = x;
        size_t a = window_start(t, lo, x, P->before, fl);
        size_t b = a == SIZE_MAX ? a : window_end(t, n, x, P->after, fl);
        if (b == SIZE_MAX) { /* the line, whole */
            const char *le = memchr(t + x, '\n', n - x);
            a = lo;
            b = le ? (size_t)(le - t) + 1 : n;
            skip = from = b;
        }
        norm_reset(L);
        L->flags = fl;
        norm_add(L, t + a, b - a, a);
        count_folded(Q, L, base, &prev, &count);
    }
    return count;
}

/* A counter's share of the text: [a, b), in lines. */
typedef struct {
    search_t *S;
    const query_t *Q;
    int slot;
    size_t a, b;
    long count;
    pthread_t th;
    int started;
} counter_t;

static void *count_run(void *arg)
{
    counter_t *k = arg;
    search_t *S = k->S;
    norm_t L;
    norm_init(&L, nflags(k->Q->flags));
    for (size_t a = k->a; a < k->b;) {
        const char *nl = a + MAX_PIECE < k->b ? memchr(S->text + a + MAX_PIECE, '\n',
                                                       k->b - a - MAX_PIECE)
                                              : NULL;
        size_t b = nl ? (size_t)(nl - S->text) + 1 : k->b;
        /* (a line of many MB: read in place, not copied whole) */
        const char *t = b - a > 4 * (size_t)MAX_PIECE
                            ? S->text + a
                            : bytes(S, &S->rb[k->slot], &S->rbcap[k->slot], a, b);
        k->count += count_lines(k->Q, &L, t, b - a, a);
        a = b;
    }
    norm_free(&L);
    return NULL;
}

long search_count(search_t *S, query_t *Q)
{
    const probe_t *P = Q->probe;
    if (!Q->q || Q->re || !P || P->before < 0 || (Q->flags & SEARCH_EXACT) || S->pieces ||
        index_of(S, (Q->flags & SEARCH_NO_TCSC) ? 1 : 0))
        return -1;
    /* on every core for a long text, in shares cut at line ends */
    int nt = S->len > 4 * (size_t)MAX_PIECE ? S->nthreads : 1;
    counter_t k[SEARCH_THREADS];
    size_t a = 0;
    for (int i = 0; i < nt; i++) {
        size_t b = i + 1 == nt ? S->len : S->len / (size_t)nt * (size_t)(i + 1);
        const char *nl = b < S->len && b > a ? memchr(S->text + b, '\n', S->len - b) : NULL;
        if (i + 1 < nt)
            b = nl ? (size_t)(nl - S->text) + 1 : S->len;
        if (b < a)
            b = a;
        k[i] = (counter_t){.S = S, .Q = Q, .slot = i, .a = a, .b = b};
        a = b;
    }
    for (int i = 1; i < nt; i++)
        k[i].started = pthread_create(&k[i].th, NULL, count_run, &k[i]) == 0;
    for (int i = 0; i < nt; i++)
        if (i == 0 || !k[i].started)
            count_run(&k[i]);
    long total = 0;
    for (int i = 0; i < nt; i++) {
        if (k[i].started)
            pthread_join(k[i].th, NULL);
        total += k[i].count;
    }
    return total;
}

/* ---- making the index --------------------------------------------------- */

enum { MAX_ROWS = MAX_PIECE / SIX_BLOCK + 2 };

typedef struct {
    const search_t *S;
    norm_t *N;
    char *buf;   /* the builder's own read buffer */
    size_t cap;
    int fl;
    size_t a, b;                     /* document bytes folded */
    size_t rows, sa[MAX_ROWS + 1], fa[MAX_ROWS + 1]; /* its blocks */
    pthread_t th;
} fold_t;

/* Fold [a, b) as blocks of about SIX_BLOCK document bytes. */
static void *fold_run(void *arg)
{
    fold_t *f = arg;
    norm_reset(f->N);
    f->rows = 0;
    size_t x = f->a;
    const char *t = bytes(f->S, &f->buf, &f->cap, f->a, f->b); /* t[0]: offset a */
    while (x < f->b && f->rows < MAX_ROWS) {
        size_t y = f->rows + 1 == MAX_ROWS ? f->b
                   : piece_end(f->S, f->fl, x + SIX_BLOCK < f->b ? x + SIX_BLOCK : f->b, x);
        if (y > f->b)
            y = f->b;
        f->sa[f->rows] = x;
        f->fa[f->rows] = f->N->out.n;
        f->rows++;
        norm_add(f->N, t + (x - f->a), y - x, x - f->a); /* (only its text is used) */
        x = y;
    }
    f->sa[f->rows] = f->b;
    f->fa[f->rows] = f->N->out.n;
    return NULL;
}

/* Fold the whole text into the index file of folding k; 0 or -1. */
static int build(search_t *S, int k, const _Atomic int *cancel)
{
    int fl = k ? 0 : NORM_TCSC;
    char *path = sindex_path(S->id, fl);
    sindex_w *w = path ? sindex_create(path, S->len, fl) : NULL;
    free(path);
    if (!w)
        return -1;
    norm_t P[SEARCH_THREADS];
    fold_t *f = xmalloc(SEARCH_THREADS * sizeof *f);
    memset(f, 0, SEARCH_THREADS * sizeof *f);
    for (int t = 0; t < S->nthreads; t++)
        norm_init(&P[t], fl);
    int ok = 1;
    size_t a = 0;
    while (ok && a < S->len && !(cancel && *cancel)) {
        int n = 0;
        for (; n < S->nthreads && a < S->len; n++) {
            size_t b = piece_end(S, fl, a + MAX_PIECE < S->len ? a + MAX_PIECE : S->len, a);
            f[n].S = S, f[n].N = &P[n], f[n].fl = fl, f[n].a = a, f[n].b = b;
            a = b;
        }
        for (int t = 1; t < n; t++)
            if (pthread_create(&f[t].th, NULL, fold_run, &f[t]) != 0)
                fold_run(&f[t]), f[t].th = 0;
        fold_run(&f[0]);
        for (int t = 1; t < n; t++)
            if (f[t].th)
                pthread_join(f[t].th, NULL);
        for (int t = 0; t < n && ok; t++)
            for (size_t r = 0; r < f[t].rows && ok; r++)
                ok = sindex_put(w, f[t].sa[r], f[t].sa[r + 1], P[t].out.p + f[t].fa[r],
                                f[t].fa[r + 1] - f[t].fa[r]) == 0;
    }
    for (int t = 0; t < S->nthreads; t++)
        norm_free(&P[t]);
    for (int t = 0; t < SEARCH_THREADS; t++)
        free(f[t].buf);
    free(f);
    if (!ok || (cancel && *cancel)) {
        sindex_abort(w);
        return -1;
    }
    return sindex_finish(w);
}

static void join_job(search_t *S, int cancel)
{
    struct build_job *j = S->job;
    if (!j)
        return;
    if (cancel) {
        j->cancel = 1;
        bg_stop_join(j->thread);
    } else {
        bg_join(j->thread);
    }
    S->tried[j->k] = 0;
    free(j);
    S->job = NULL;
}

int search_prepare(search_t *S, int flags)
{
    join_job(S, 0);
    if ((flags & SEARCH_EXACT) || !S->id[0] || S->pieces)
        return 0;
    int k = (flags & SEARCH_NO_TCSC) ? 1 : 0;
    if (index_of(S, k))
        return SEARCH_INDEX_OPENED;
    if (build(S, k, NULL) == 0) {
        S->tried[k] = 0;
        if (index_of(S, k))
            return SEARCH_INDEX_MADE;
    }
    return 0;
}

char *search_index_path(const search_t *S, int flags)
{
    return S->id[0] ? sindex_path(S->id, nflags(flags)) : NULL;
}

static void *build_thread(void *arg)
{
    struct build_job *j = arg;
    if (!bg_gate(&j->cancel)) {
        __atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
        return NULL;
    }
    thread_background(15); /* behind the reader and its searches */
    int k = j->k, fl = k ? 0 : NORM_TCSC;
    char *path = sindex_path(j->S->id, fl);
    sindex_t *ix = path ? sindex_open(path, j->S->len, fl) : NULL;
    free(path);
    if (ix)
        sindex_close(ix);
    else
        build(j->S, k, &j->cancel);
    __atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

void search_prepare_async(search_t *S, int flags)
{
    int k = (flags & SEARCH_NO_TCSC) ? 1 : 0;
    if (S->job || (flags & SEARCH_EXACT) || !S->id[0] || S->ix[k] ||
        S->pieces)
        return;
    struct build_job *j = xmalloc(sizeof *j);
    memset(j, 0, sizeof *j);
    j->S = S;
    j->k = k;
    S->job = j;
    if (pthread_create(&j->thread, NULL, build_thread, j) != 0) {
        free(j);
        S->job = NULL;
    }
}

void search_free(search_t *S)
{
    join_job(S, 1);
    for (int k = 0; k < 2; k++)
        sindex_close(S->ix[k]);
    for (int i = 0; i < SEARCH_THREADS; i++)
        norm_free(&S->sc[i]);
    for (int u = 0; u < 2; u++)
        norm_free(&S->rf[u]);
    for (int k = 0; k < 3; k++)
        norm_free(&S->whole[k]);
    for (int k = 0; k < SEARCH_THREADS; k++)
        free(S->rb[k]);
    if (S->fd >= 0)
        close(S->fd);
    memset(S, 0, sizeof *S);
    S->fd = -1;
}
