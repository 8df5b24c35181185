#include "grep.h"
#include "encoding.h"
#include "memory.h"
#include "report.h"
#include "anchor.h"
#include "doc.h"
#include "files.h"
#include "json.h"
#include "libindex.h"
#include "structure.h"
#include "text.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unigbrk.h>

#define CONTEXT_CHARS 20

/* The context around [a, b): its line, cut at grapheme boundaries about
 * CONTEXT_CHARS characters either side; cut_l, cut_r: text was left out. */
static void context(const char *t, size_t len, size_t a, size_t b, size_t *ca,
                    size_t *cb, int *cut_l, int *cut_r)
{
    size_t ls = a, le = b;
    while (ls > 0 && t[ls - 1] != '\n' && t[ls - 1] != '\r')
        ls--;
    while (le < len && t[le] != '\n' && t[le] != '\r')
        le++;
    /* characters either side, then out to grapheme boundaries */
    size_t s = a;
    for (int k = 0; k < CONTEXT_CHARS && s > ls; k++) {
        s--;
        while (s > ls && utf8_is_cont((unsigned char)t[s]))
            s--;
    }
    size_t e = b;
    for (int k = 0; k < CONTEXT_CHARS && e < le; k++) {
        uint32_t c;
        e += (size_t)text_decode(t + e, le - e, &c);
    }
    size_t n = le - ls;
    char *br = xmalloc(n + 1);
    u8_grapheme_breaks((const uint8_t *)t + ls, n, br);
    while (s > ls && !br[s - ls])
        s--;
    while (e < le && !br[e - ls])
        e++;
    free(br);
    *ca = s;
    *cb = e;
    *cut_l = s > ls;
    *cut_r = e < le;
}

/* The title of the section holding off into b ("" if none). */
static void section_of(const structure_t *st, size_t off, buf_t *b)
{
    b->n = 0;
    buf_add(b, "", 0);
    long h = st_section_at(st, off);
    if (h >= 0)
        st_heading_text(st, &st->headings[h], b);
}

/* Context on one output line, added to o: a line break inside it (a match
 * across a soft line break) shown as a space. */
static void one_line(buf_t *o, const char *s, size_t n)
{
    size_t a = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\n' && s[i] != '\r')
            continue;
        buf_add(o, s + a, i - a);
        if (s[i] == '\n' || i + 1 >= n || s[i + 1] != '\n')
            buf_addc(o, ' ');
        a = i + 1;
    }
    buf_add(o, s + a, n - a);
}

/* Text [a, b) of a Markdown or HTML block as the reader shows it, added to
 * o: its spans' text (markup, block-quote and list markers left out), a
 * literal (an entity, a break) where it stands between them. */
static void shown_spans(buf_t *o, const structure_t *st, const block_t *bk, size_t a,
                        size_t b)
{
    size_t at = bk->start; /* where the source stands: the last text's end */
    for (uint32_t i = bk->span0; i < bk->span0 + bk->nspan; i++) {
        const span_t *sp = &st->spans[i];
        if (sp->kind == SK_TEXT) {
            size_t s = sp->off > a ? sp->off : a;
            size_t e = sp->off + sp->len < b ? sp->off + sp->len : b;
            if (s < e)
                one_line(o, st->text + s, e - s);
            at = sp->off + sp->len;
            continue;
        }
        if (sp->kind == SK_RUBY || at < a || at >= b)
            continue;
        if (sp->kind == SK_LITERAL) {
            one_line(o, st->lit + sp->off, sp->len);
            continue;
        }
        uint32_t k = i + 1; /* a break: only before more text in range */
        while (k < bk->span0 + bk->nspan && st->spans[k].kind != SK_TEXT)
            k++;
        if (k >= bk->span0 + bk->nspan || st->spans[k].off >= b)
            continue;
        if (sp->kind == SK_SOFTBR && /* (as the reader joins it) */
            text_joins_tight(o->p ? o->p : "", o->n, st->text + st->spans[k].off,
                             st->spans[k].len))
            continue;
        buf_addc(o, ' ');
    }
}

/* s[0..n) added to o: on one line (one_line), or raw (its line breaks) */
static void put_text(buf_t *o, const char *s, size_t n, int raw)
{
    if (raw)
        buf_add(o, s, n);
    else
        one_line(o, s, n);
}

/* Text [a, b) of the document as one_line shows it (raw: its line
 * breaks kept, of a text without spans), added to o; of an Aozora or
 * HTML text only what is shown of it (its pieces: no reading, no
 * annotation, no tag; a blank line between blocks); of a Markdown block
 * (bk, when it has spans) its shown text. */
static void shown_text(buf_t *o, const structure_t *st, const block_t *bk, const char *t,
                       size_t a, size_t b, int raw)
{
    if (bk && bk->nspan) {
        shown_spans(o, st, bk, a, b);
        return;
    }
    if (!st || !st->pieces) {
        put_text(o, t + a, b - a, raw);
        return;
    }
    size_t lo = 0, hi = st->npieces; /* the first piece that ends after a */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (st->pieces[mid].src + st->pieces[mid].n <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    int any = 0; /* (an HTML block's line ends before its text: none) */
    for (size_t i = lo; i < st->npieces && st->pieces[i].src < b; i++) {
        const norm_piece_t *p = &st->pieces[i];
        size_t nl = 0;
        while (!any && nl < p->n && p->p[nl] == '\n')
            nl++;
        if (!any && p->p != t + p->src && nl == p->n)
            continue;
        any = 1;
        if (p->p != t + p->src) { /* in place of an annotation: whole */
            if (p->src >= a && p->src < b)
                put_text(o, p->p, p->n, raw);
            continue;
        }
        size_t s = p->src > a ? p->src : a, e = p->src + p->n < b ? p->src + p->n : b;
        if (s < e)
            put_text(o, t + s, e - s, raw);
    }
}

static void shown_line(buf_t *o, const structure_t *st, const block_t *bk, const char *t,
                       size_t a, size_t b)
{
    shown_text(o, st, bk, t, a, b, 0);
}

/* Where the last block of raw shown text s[0..n) starts (after its last
 * blank line; 0: none), and where its first one ends (its first blank
 * line; n: none) */
static size_t block_from(const char *s, size_t n)
{
    for (size_t i = n; i >= 2; i--)
        if (s[i - 1] == '\n' && s[i - 2] == '\n')
            return i;
    return 0;
}

static size_t block_to(const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == '\n' && s[i + 1] == '\n')
            return i;
    return n;
}

static int has_text(const char *s, size_t n)
{
    return n && text_skip_blanks(s, 0, n) < n;
}

/* Of a text shown from pieces: is shown text of the same block left out
 * of the context [ca, cb) on its source line, before it (*cut_l) and
 * after it (*cut_r)? (Markup beside it is not: an HTML line's tags made a
 * "…" of nothing; nor another block: a minified page is one line.) */
static void shown_cuts(const structure_t *st, const char *t, size_t len, size_t ca, size_t cb,
                       int *cut_l, int *cut_r)
{
    size_t ls = ca, le = cb;
    while (ls > 0 && t[ls - 1] != '\n' && t[ls - 1] != '\r')
        ls--;
    while (le < len && t[le] != '\n' && t[le] != '\r')
        le++;
    buf_t x = {0};
    if (*cut_l) {
        shown_text(&x, st, NULL, t, ls, ca, 1);
        size_t f = x.n ? block_from(x.p, x.n) : 0;
        *cut_l = has_text(x.p + f, x.n - f);
    }
    x.n = 0;
    if (*cut_r) {
        shown_text(&x, st, NULL, t, cb, le, 1);
        *cut_r = x.n && has_text(x.p, block_to(x.p, x.n));
    }
    buf_free(&x);
}

/* The context [ca, cb) around the match [ma, mb) as the reader shows it:
 * into three parts, before, the match, after (the source line, raw, when
 * the match is in no shown text: inside markup, a link's address). A
 * Markdown block's context is cut from its line as shown (markup does not
 * count): cut_l, cut_r are set again. */
static void shown_context(buf_t part[3], const structure_t *st, const char *t, size_t len,
                          size_t ca, size_t ma, size_t mb, size_t cb, int *cut_l, int *cut_r)
{
    block_t bk, *bp = NULL;
    st_cursor_t c;
    if (st->markdown && !st->pieces && st_at(st, ma, &c, &bk) && bk.nspan && bk.start <= ma &&
        ma < bk.end)
        bp = &bk;
    for (int k = 0; k < 3; k++)
        part[k].n = 0;
    shown_line(&part[1], st, bp, t, ma, mb);
    if (bp && !part[1].n) { /* not shown: the source as it is */
        bp = NULL;
        shown_line(&part[1], st, bp, t, ma, mb);
    }
    if (!bp && !st->pieces) {
        shown_line(&part[0], st, bp, t, ca, ma);
        shown_line(&part[2], st, bp, t, mb, cb);
        return;
    }
    if (!bp) {
        /* (HTML, Aozora: the match's block only, as the reader shows it
           apart; a cut only where its shown text was left out; no blank
           shown at either end) */
        buf_t r = {0};
        shown_text(&r, st, NULL, t, ca, ma, 1);
        size_t f = r.n ? block_from(r.p, r.n) : 0;
        if (r.n > f)
            one_line(&part[0], r.p + f, r.n - f);
        int in_l = f > 0;
        r.n = 0;
        shown_text(&r, st, NULL, t, mb, cb, 1);
        size_t e = r.n ? block_to(r.p, r.n) : 0;
        if (e)
            one_line(&part[2], r.p, e);
        int in_r = e < r.n;
        buf_free(&r);
        if (in_l) /* (the block starts within: nothing of it left out) */
            *cut_l = 0;
        if (in_r)
            *cut_r = 0;
        shown_cuts(st, t, len, ca, cb, cut_l, cut_r);
        while (!*cut_r && part[2].n && part[2].p[part[2].n - 1] == ' ')
            part[2].n--;
        size_t s = 0; /* (the spaces line breaks became; an indent stays) */
        while (s < part[0].n && part[0].p[s] == ' ')
            s++;
        if (!*cut_l && s) {
            memmove(part[0].p, part[0].p + s, part[0].n - s);
            part[0].n -= s;
        }
        return;
    }
    size_t ls = ma, le = mb; /* the whole line, shown, then cut */
    while (ls > 0 && t[ls - 1] != '\n' && t[ls - 1] != '\r')
        ls--;
    while (le < len && t[le] != '\n' && t[le] != '\r')
        le++;
    shown_line(&part[0], st, bp, t, ls, ma);
    shown_line(&part[2], st, bp, t, mb, le);
    size_t s = text_skip_blanks(part[0].p ? part[0].p : "", 0, part[0].n);
    buf_t all = {0};
    buf_adds(&all, ""); /* (a part may be empty, its p NULL: never copied from) */
    if (part[0].n > s)
        buf_add(&all, part[0].p + s, part[0].n - s);
    size_t a = all.n, b = a + part[1].n;
    if (part[1].n)
        buf_add(&all, part[1].p, part[1].n);
    if (part[2].n)
        buf_add(&all, part[2].p, part[2].n);
    context(all.p, all.n, a, b, &ca, &cb, cut_l, cut_r);
    part[0].n = part[2].n = 0;
    buf_add(&part[0], all.p + ca, a - ca);
    buf_add(&part[2], all.p + b, cb - b);
    buf_free(&all);
}

/* Where a file's messages go: stderr at once (NULL), or, for a file
 * searched on a worker, kept with the length of its output so far, so
 * that they are said in order when its output is written. */
typedef struct {
    FILE *out;   /* the file's output (a memory stream) */
    buf_t msgs;  /* records: size_t at (output bytes before), text, '\0' */
} gsink_t;

static void gmsg(gsink_t *k, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!k) {
        char m[PATH_MAX + 512];
        vsnprintf(m, sizeof m, fmt, ap);
        va_end(ap);
        msg("%s", m);
        return;
    }
    char m[PATH_MAX + 512];
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    fflush(k->out);
    size_t at = (size_t)ftell(k->out);
    buf_add(&k->msgs, (const char *)&at, sizeof at);
    buf_add(&k->msgs, m, strlen(m) + 1);
}

/* Lines counted from *at (on line *line) up to offset to: LF, CRLF, CR. */
static void count_lines(const doc_t *d, size_t *at, size_t *line, size_t to)
{
    for (; *at < to; (*at)++)
        if (d->text[*at] == '\n' ||
            (d->text[*at] == '\r' && (*at + 1 >= d->len || d->text[*at + 1] != '\n')))
            (*line)++;
}

/* -c: a document's count. */
static void put_count(const char *path, long count, const grep_opts_t *o, int many,
                      json_t *J, FILE *out)
{
    if (o->count && J) {
        json_object(J, JSON_INLINE);
        json_key(J, "file");
        json_strz(J, path);
        json_key(J, "count");
        json_int(J, count);
        json_end(J);
    } else if (o->count) {
        if (many) {
            report_safe(out, path, strlen(path));
            putc(':', out);
        }
        fprintf(out, "%ld\n", count);
    }
}

/* ---- files that cannot hold the query, told from their bytes --------- */

/* doc_opts_t.may_hold for a search over many files (arg: the query): a
 * file whose bytes cannot hold a match even as shown (query_may_match_file)
 * is not read as text (not guessed, converted, folded, or judged binary:
 * ripgrep's literal prefilter; 10,000 articles of 1-5 KB, one in ten
 * GB18030: 宝玉 searched in 0.43 s of CPU, against 0.97 s). */
static int may_hold(const void *arg, const unsigned char *s, size_t n, int utf8)
{
    return query_may_match_file(arg, s, n, utf8);
}

/* Search one document; returns its match count, or -1 on an error. J:
 * the JSON array of matches or counts (NULL: text). *cx set when a line
 * was too complex for the regex (said on stderr; the search goes on).
 * none: the library index shows it holds no match (not read: 0). */
static long grep_file(const char *path, query_t *Qs, const grep_opts_t *o,
                      int many, json_t *J, FILE *out, int *cx, gsink_t *sink, int none)
{
    if (none) {
        put_count(path, 0, o, many, J, out);
        return 0;
    }
    doc_t d;
    doc_opts_t dopt = o->dopt;
    if (many) {
        dopt.may_hold = may_hold;
        dopt.arg = &Qs[0];
    }
    int r = doc_open(&d, path, &dopt);
    if (r == DOC_SKIPPED) {
        doc_close(&d);
        put_count(path, 0, o, many, J, out);
        return 0;
    }
    if (r != DOC_OK) {
        char e[PATH_MAX + 128];
        gmsg(sink, "%s", doc_error(&d, r, e, sizeof e));
        doc_close(&d);
        return -1;
    }
    /* Markdown: the query that also matches across soft line breaks */
    int html = st_is_html(d.text, d.len, o->format, path);
    query_t *Q = &Qs[Qs[1].q && (html || st_is_markdown(d.text, d.len, o->format, path))];
    structure_t st; /* for section titles: built at the first match shown */
    int have_st = 0;
    search_t S;
    search_init(&S, d.text, d.len);
    if (doc_mapped(&d))
        search_use_file(&S, path, d.bom);
    int shown = html || st_is_aozora(d.text, d.len, o->format, path);
    if (shown) { /* searched as shown */
        st_build(&st, d.text, d.len, o->format, path);
        have_st = 1;
        search_use_pieces(&S, st.pieces, st.npieces);
    }
    /* a text that cannot hold a match is not folded (the text, not what is
     * shown of it: an entity, a gaiji annotation may stand for a character).
     * Over many files a UTF-8 text here was probed already (may_hold, on
     * the same bytes): skipping this second look saved nothing measurable
     * (10,000 files of bench/mklib.py, 1,916 of them with 宝玉, --grep
     * --no-index -c 宝玉: 0.39 s of CPU either way, 1.03x (0.76-1.42x)
     * over 9 paired runs at load 10, wall 1.00x; before the pair probe
     * 0.66 s, 1.00x (0.94-1.08x); the files read are folded, which costs
     * far more than a memmem over them),
     * so the one check stays for every text, converted or not. */
    int cannot = !shown && !query_may_match(Q, d.text, d.len);
    if (!cannot && !o->no_index && !(o->flags & SEARCH_EXACT)) {
        char id[48];
        ident_doc(path, &d, id);
        search_use_index(&S, id);
        search_prepare(&S, o->flags); /* made by the first search */
    }
    long count = 0;
    size_t line = 1, line_at = 0, from = 0;
    match_t m;
    buf_t sec = {0}, part[3] = {{0}};
    errno = 0; /* a write that fails leaves its own (the caller's ferror check) */
    /* -c of a literal: counted at once, not match by match */
    long counted = o->count && !cannot ? search_count(&S, Q) : -1;
    if (counted >= 0)
        count = counted;
    while (!cannot && counted < 0) {
        int found = search_find(&S, Q, from, 1, &m);
        size_t nsk;
        const size_t *sk = query_too_complex(Q, &nsk);
        for (size_t k = 0; k < nsk; k++) { /* skipped before the match */
            count_lines(&d, &line_at, &line, sk[k]);
            gmsg(sink, "%s: regular expression too complex at line %zu", safe_path(path), line);
            *cx = 1;
        }
        if (!found)
            break;
        count++;
        from = m.b > m.a ? m.b : m.a + 1; /* matches do not overlap (grep -o) */
        if (o->count)
            continue;
        count_lines(&d, &line_at, &line, m.a);
        if (!have_st) {
            st_build(&st, d.text, d.len, o->format, path);
            have_st = 1;
        }
        section_of(&st, m.a, &sec);
        size_t ca, cb;
        int cl, cr;
        context(d.text, d.len, m.a, m.b, &ca, &cb, &cl, &cr);
        shown_context(part, &st, d.text, d.len, ca, m.a, m.b, cb, &cl, &cr);
        if (J) {
            json_object(J, JSON_INLINE);
            json_key(J, "file");
            json_strz(J, path);
            json_key(J, "line");
            json_int(J, (long long)line);
            json_key(J, "offset");
            json_int(J, (long long)m.a);
            json_key(J, "end");
            json_int(J, (long long)m.b);
            json_key(J, "section");
            json_str(J, sec.p, sec.n);
            json_key(J, "match");
            json_str(J, d.text + m.a, m.b - m.a);
            json_key(J, "context");
            buf_add(&part[0], part[1].p, part[1].n);
            buf_add(&part[0], part[2].p, part[2].n);
            json_str(J, part[0].p, part[0].n);
            json_end(J);
            continue;
        }
        report_safe(out, path, strlen(path));
        fprintf(out, ":%zu:", line);
        report_safe(out, sec.p, sec.n);
        fputs(": ", out);
        if (cl)
            fputs("…", out);
        report_safe(out, part[0].p, part[0].n);
        if (o->color)
            fputs("\x1b[1;31m", out);
        report_safe(out, part[1].p, part[1].n);
        if (o->color)
            fputs("\x1b[0m", out);
        report_safe(out, part[2].p, part[2].n);
        if (cr)
            fputs("…", out);
        putc('\n', out);
    }
    put_count(path, count, o, many, J, out);
    buf_free(&sec);
    for (int k = 0; k < 3; k++)
        buf_free(&part[k]);
    search_free(&S);
    if (have_st)
        st_free(&st);
    doc_close(&d);
    return count;
}

/* ---- files searched on a few workers, output in the given order ------- */

enum {
    GREP_THREADS = 4,
    GREP_AHEAD = 1024, /* files searched ahead of output */
    GREP_BATCH = 32   /* files a worker takes at a time */
};

typedef struct {
    char *obuf;
    size_t on;
    gsink_t k;
    long count;
    int cx, done;
} gjob_t;

typedef struct {
    char **list;
    size_t nl, next, emitted;
    const char *query;
    query_t *Q; /* the main thread's (a worker compiles its own) */
    const grep_opts_t *o;
    int many;
    const unsigned char *none;
    gjob_t *jobs;
    pthread_mutex_t mu;
    pthread_cond_t done, room; /* a job is done; the output moved on */
    size_t awaited;            /* the job the output waits for (+1; 0: none) */
    int nroom;                 /* workers waiting for room */
} pool_t;

/* Search file i into its job's memory stream. */
static void run_job(pool_t *P, query_t *Q, size_t i)
{
    gjob_t *j = &P->jobs[i];
    j->k.out = open_memstream(&j->obuf, &j->on);
    if (!j->k.out) { /* said as a file that could not be read */
        size_t at = 0;
        buf_add(&j->k.msgs, (const char *)&at, sizeof at);
        buf_add(&j->k.msgs, "out of memory", sizeof "out of memory");
        j->count = -1;
        return;
    }
    j->count = grep_file(P->list[i], Q, P->o, P->many, NULL, j->k.out, &j->cx, &j->k, P->none[i]);
    fclose(j->k.out);
    j->k.out = NULL;
}

static void *worker(void *arg)
{
    pool_t *P = arg;
    query_t Q[2]; /* its own: a query keeps state while it searches */
    memset(Q, 0, sizeof Q);
    char err[300];
    query_set(&Q[0], P->query, strlen(P->query), P->o->flags, err, sizeof err);
    if (P->Q[1].q)
        query_set(&Q[1], P->query, strlen(P->query), P->o->flags | SEARCH_SOFTBR, err,
                  sizeof err);
    pthread_mutex_lock(&P->mu);
    for (;;) {
        while (P->next < P->nl && P->next >= P->emitted + GREP_AHEAD) {
            P->nroom++;
            pthread_cond_wait(&P->room, &P->mu);
            P->nroom--;
        }
        if (P->next >= P->nl)
            break;
        /* a few files at a time, and the output woken only when it waits
         * for one of them: a lock and a wake-up per file cost 10 % of the
         * time over 10,000 small files */
        size_t i = P->next, k = GREP_BATCH;
        if (k > P->nl - i)
            k = P->nl - i;
        if (k > P->emitted + GREP_AHEAD - i)
            k = P->emitted + GREP_AHEAD - i;
        P->next += k;
        pthread_mutex_unlock(&P->mu);
        for (size_t b = 0; b < k; b++)
            run_job(P, Q, i + b);
        pthread_mutex_lock(&P->mu);
        for (size_t b = 0; b < k; b++)
            P->jobs[i + b].done = 1;
        if (P->awaited > i && P->awaited <= i + k)
            pthread_cond_signal(&P->done);
    }
    pthread_mutex_unlock(&P->mu);
    query_free(&Q[0]);
    query_free(&Q[1]);
    return NULL;
}

/* A job's output and messages, in the order the file said them. */
static void emit_job(gjob_t *j, FILE *out)
{
    size_t at = 0, r = 0;
    while (r < j->k.msgs.n) {
        size_t to;
        memcpy(&to, j->k.msgs.p + r, sizeof to);
        const char *m = j->k.msgs.p + r + sizeof to;
        fwrite(j->obuf + at, 1, to - at, out);
        at = to;
        fflush(out);
        msg("%s", m);
        r += sizeof to + strlen(m) + 1;
    }
    fwrite(j->obuf + at, 1, j->on - at, out);
    free(j->obuf);
    buf_free(&j->k.msgs);
}

/* Workers for nl files: 1 (searched here, in turn) for one file, JSON
 * (one array), or a search that may use or make indexes; else up to
 * GREP_THREADS, one per core; JUAN_GREP_THREADS=N sets it (1: none). */
static int grep_threads(const grep_opts_t *o, size_t nl)
{
    if (nl < 2 || o->json || !(o->no_index || (o->flags & SEARCH_EXACT)))
        return 1;
    const char *e = getenv("JUAN_GREP_THREADS");
    long n = e && *e ? strtol(e, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
    if (n > GREP_THREADS)
        n = GREP_THREADS;
    return n < 1 ? 1 : (int)n;
}

int grep_run(const char *query, char **paths, int n, const grep_opts_t *o, FILE *out)
{
    query_t Q[2]; /* as given; for Markdown, across soft line breaks */
    memset(Q, 0, sizeof Q);
    char err[300];
    if (query_set(&Q[0], query, strlen(query), o->flags, err, sizeof err) < 0) {
        msg("%s", err);
        return 2;
    }
    if (!(o->flags & (SEARCH_REGEX | SEARCH_EXACT)))
        query_set(&Q[1], query, strlen(query), o->flags | SEARCH_SOFTBR, err, sizeof err);
    /* the documents: files as given, directories' text files */
    char **list = NULL;
    size_t nl = 0, cap = 0;
    int rc_err = 0, cx = 0, dirs = 0;
    size_t unread = 0; /* directories that could not be read (said) */
    size_t *at = xmalloc(((size_t)n + 1) * sizeof *at); /* where each path's files start */
    for (int i = 0; i < n; i++) {
        at[i] = nl;
        struct stat sb;
        if (stat(paths[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
            char **v;
            size_t k = files_under(paths[i], &v, files_say, &unread);
            dirs = 1;
            grow(&list, &cap, nl + k + 1, sizeof *list);
            if (k) /* (none: v is NULL) */
                memcpy(list + nl, v, k * sizeof *v);
            nl += k;
            free(v);
        } else {
            grow(&list, &cap, nl + 1, sizeof *list);
            list[nl++] = xstrdup(paths[i]);
        }
    }
    at[n] = nl;
    if (unread)
        rc_err = 1;
    /* paths shown (as grep -r does): several operands or a directory,
       however many files they turn out to hold */
    int many = n > 1 || dirs;
    /* a directory or several files: no per-document index (sindex) is
     * read or made, and the library index (libindex.h) spares reading the
     * files it shows cannot match */
    unsigned char *none = xcalloc(nl + 1, 1);
    for (int i = 0; i < n && !o->no_index && !o->dopt.encoding && o->format == FMT_AUTO; i++)
        if (at[i + 1] - at[i] > 1 || (at[i + 1] > at[i] && strcmp(list[at[i]], paths[i])))
            libindex_narrow(paths[i], list + at[i], at[i + 1] - at[i], query, o->flags,
                            none + at[i]);
    free(at);
    grep_opts_t om = *o;
    if (many)
        om.no_index = 1;
    o = &om;
    long total = 0;
    json_t J;
    json_init(&J, out);
    if (o->json)
        json_array(&J, JSON_LINES);
    int nt = grep_threads(o, nl);
    if (nt > 1) {
        pool_t P = {.list = list, .nl = nl, .query = query, .Q = Q, .o = o, .many = many,
                    .none = none};
        pthread_mutex_init(&P.mu, NULL);
        pthread_cond_init(&P.done, NULL);
        pthread_cond_init(&P.room, NULL);
        P.jobs = xcalloc(nl, sizeof *P.jobs);
        doc_guard_signals(); /* once, before the workers open documents */
        pthread_t th[GREP_THREADS];
        int started = 0;
        for (int t = 0; t < nt; t++)
            if (pthread_create(&th[started], NULL, worker, &P) == 0)
                started++;
        for (size_t i = 0; i < nl; i++) {
            gjob_t *j = &P.jobs[i];
            pthread_mutex_lock(&P.mu);
            /* waits for a batch to come (no worker: searched here) */
            while (!j->done && started) {
                size_t w = i + GREP_BATCH < nl ? i + GREP_BATCH : nl - 1;
                P.awaited = (P.jobs[w].done ? i : w) + 1;
                pthread_cond_wait(&P.done, &P.mu);
            }
            P.awaited = 0;
            pthread_mutex_unlock(&P.mu);
            if (!j->done)
                run_job(&P, Q, i);
            emit_job(j, out);
            if (j->count < 0 || j->cx)
                rc_err = 1;
            if (j->count >= 0)
                total += j->count;
            pthread_mutex_lock(&P.mu);
            P.emitted = i + 1;
            if (P.nroom)
                pthread_cond_broadcast(&P.room);
            pthread_mutex_unlock(&P.mu);
        }
        for (int t = 0; t < started; t++)
            pthread_join(th[t], NULL);
        free(P.jobs);
        pthread_mutex_destroy(&P.mu);
        pthread_cond_destroy(&P.done);
        pthread_cond_destroy(&P.room);
    }
    for (size_t i = 0; nt <= 1 && i < nl; i++) {
        long c = grep_file(list[i], Q, o, many, o->json ? &J : NULL, out, &cx, NULL,
                           none[i]);
        if (c < 0 || cx)
            rc_err = 1;
        if (c >= 0)
            total += c;
    }
    if (o->json)
        json_end(&J);
    files_free(list, nl);
    free(none);
    query_free(&Q[0]);
    query_free(&Q[1]);
    return rc_err ? 2 : total ? 0 : 1;
}
