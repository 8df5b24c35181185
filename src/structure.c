/* structure: the public facade of the structure module (the builds, the
 * background build and the provisional protocol, the cursors, the
 * lookups); the scanner, the front ends and the resolution are in
 * st_scan.c, st_plain.c, markdown.c and st_aozora.c (see st_int.h). */
#include "structure.h"
#include "aozora.h"
#include "heuristics.h"
#include "html.h"
#include "st_int.h"
#include "text.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- builds --------------------------------------------------------------- */

/* The background build of a plain text's structure. */
struct st_job {
    bg_task_t task;
    _Atomic int done, stop; /* stop: st_free, the result is not wanted */
};

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcasecmp(s + a - b, suf);
}

int st_is_markdown(const char *text, size_t len, int format, const char *path)
{
    if (format == FMT_AUTO)
        format = (path && (ends_with(path, ".md") || ends_with(path, ".markdown")))
                         || fm_present(text, len)
                     ? FMT_MARKDOWN
                     : FMT_TEXT;
    return format == FMT_MARKDOWN;
}

int st_is_html(const char *text, size_t len, int format, const char *path)
{
    if (len >= UINT32_MAX / 2) /* (spans hold 32-bit offsets; so does gumbo) */
        return 0;
    return format == FMT_HTML ||
           (format == FMT_AUTO && !st_is_markdown(text, len, format, path) &&
            (html_path(path) || html_sniff(text, len)));
}

int st_is_aozora(const char *text, size_t len, int format, const char *path)
{
    if (len >= UINT32_MAX) /* (spans hold 32-bit offsets) */
        return 0;
    return format == FMT_AOZORA ||
           (format == FMT_AUTO && !st_is_markdown(text, len, format, path) &&
            !st_is_html(text, len, format, path) && az_detect(text, len));
}

size_t st_makers(const char *const **v)
{
    static const char *const makers[] = {"&", AZ_GAIJI_OPEN};
    *v = makers;
    return sizeof makers / sizeof *makers;
}

int st_may_make_any(const char *text, size_t n)
{
    const char *const *mk;
    for (size_t i = 0, nm = st_makers(&mk); i < nm; i++)
        if (mem_find(text, n, mk[i], strlen(mk[i])))
            return 1;
    return 0;
}

int st_may_hide(uint32_t c)
{
    switch (c) {
    case '<':    /* an HTML tag */
    case '&':    /* a character reference */
    case 0x85:   /* NEL, U+2028, U+2029: line breaks (a soft one, in */
    case 0x2028: /* Markdown: the next line's indentation and quote */
    case 0x2029: /* marks are passed over too) */
    case 0x300A: /* 《: a ruby reading */
    case 0xFF3B: /* ［: an annotation, ［＃…］ */
    case 0xFF5C: /* ｜: a ruby base starts */
    case 0x203B: /* ※: a gaiji, ※［＃…］ */
    case 0x3014: /* 〔: Aozora's accented Latin, 〔cafe'〕 */
        return 1;
    }
    return c < 0x21; /* controls, line ends, white space (HTML folds it) */
}

int st_shown_made(uint32_t c)
{
    return c == '[' || c == ']' || c == ':' || c == 0x56FE /* 图 */ || c == 0x2014 /* — */;
}

/* Are the blocks built whole (Markdown, Aozora), not found when asked for? */
static int whole(const structure_t *st)
{
    return st->markdown || st->aozora;
}

/* The common start of a build: text, format, front matter. */
static void build_start(structure_t *st, const char *text, size_t len,
                        int format, const char *path)
{
    memset(st, 0, sizeof *st);
    st->priv = xcalloc(1, sizeof *st->priv);
    st->text = text;
    st->len = len;
    st->markdown = st_is_markdown(text, len, format, path);
    st->html = !st->markdown && st_is_html(text, len, format, path);
    st->aozora = !st->markdown && !st->html && st_is_aozora(text, len, format, path);
    if (st->markdown && fm_parse(text, len, &st->fm))
        st->has_fm = 1;
    if (st->html) /* (blocks and spans as Markdown's) */
        st->markdown = 1;
    st->runon = !st->markdown && !st->aozora && st_runs_on(text, len);
}

/* Scan with the format's front end, then resolve; stop: a background
 * build's flag (NULL: none). */
static void scan_resolve(structure_t *st, const _Atomic int *stop)
{
    stx_scan_t sc;
    memset(&sc, 0, sizeof sc);
    sc.st = st;
    sc.stop = stop;
    if (st->html)
        stx_scan_html(&sc);
    else if (st->markdown)
        stx_scan_markdown(&sc);
    else if (st->aozora)
        stx_scan_aozora(&sc);
    else
        stx_scan_plain(&sc);
    stx_resolve(&sc);
    free(sc.ev);
}

void st_build(structure_t *st, const char *text, size_t len, int format,
              const char *path)
{
    build_start(st, text, len, format, path);
    scan_resolve(st, NULL);
}

static void *build_thread(void *arg)
{
    structure_t *st = arg;
    struct st_job *j = st->priv->job;
    if (!bg_gate(&j->stop))
        return NULL;
    scan_resolve(st, &j->stop);
    j->done = 1;
    return NULL;
}

void st_build_async(structure_t *st, const char *text, size_t len, int format,
                    const char *path)
{
    build_start(st, text, len, format, path);
    if (whole(st)) { /* small, and parsed whole: no thread */
        scan_resolve(st, NULL);
        return;
    }
    struct st_job *j = xmalloc(sizeof *j);
    j->done = 0;
    j->stop = 0;
    st->priv->job = j;
    if (bg_start(&j->task, build_thread, st) != 0) {
        free(j);
        st->priv->job = NULL;
        scan_resolve(st, NULL);
    }
}

int st_ready(const structure_t *st)
{
    struct st_job *j = st->priv ? st->priv->job : NULL;
    if (j && j->done)
        st_wait(st);
    return !st->priv || st->priv->job == NULL;
}

void st_wait(const structure_t *st)
{
    struct st_job *j = st->priv ? st->priv->job : NULL;
    if (!j)
        return;
    if (j->stop)
        bg_stop(&j->task);
    else
        bg_finish(&j->task);
    free(j);
    st->priv->job = NULL;
}

/* A background build still running? */
static int building(const structure_t *st)
{
    return st->priv && st->priv->job && !st->priv->job->done;
}

void st_show_soon(structure_t *st)
{
    if (st->priv)
        __atomic_store_n(&st->priv->soon, 1, __ATOMIC_RELAXED);
}

int st_take_provisional(structure_t *st)
{
    if (!st->priv || !st->priv->provisional || !st_ready(st))
        return 0;
    st->priv->provisional = 0;
    return 1;
}

void st_free(structure_t *st)
{
    struct st_priv *pv = st->priv;
    if (pv) {
        if (pv->job)
            pv->job->stop = 1;
        st_wait(st);
        free(pv->turn_at);
        free(pv->turn_who);
        free(pv->turn_hang);
        free(pv);
    }
    fm_free(&st->fm);
    for (size_t k = 0; k < st->nspeakers; k++)
        free(st->speakers[k].turn_offsets);
    free(st->speakers);
    free(st->headings);
    free(st->blocks);
    free(st->spans);
    free(st->lit);
    free(st->pieces);
    memset(st, 0, sizeof *st);
}

/* ---- cursors -------------------------------------------------------------- */

/* Put the cursor on plain-text paragraph p and give its block: decided
 * from p itself while a background build runs (when `local`), else from
 * the finished structure. */
static void plain_at(const structure_t *st, st_cursor_t *c, const para_t *p,
                     int local, int first, block_t *b)
{
    c->next = p->next;
    c->start = p->start;
    int run = building(st);
    if (c->soon && run) { /* for now: from itself */
        if (!stx_local_block(st, p, first, b)) {
            b->kind = BK_PARA;
            b->level = 0;
        }
        st->priv->provisional = 1;
        return;
    }
    c->soon = 0;
    if (local && run && st->priv->soon && !stx_local_block(st, p, first, b)) {
        /* the first paragraph that needs the structure: from here on, for now */
        b->kind = BK_PARA;
        b->level = 0;
        c->soon = 1;
        st->priv->provisional = 1;
        return;
    }
    if (!local || !st->priv->job || !stx_local_block(st, p, first, b)) {
        st_wait(st);
        stx_plain_block(st, p, b);
    }
}

int st_first(const structure_t *st, st_cursor_t *c, block_t *b)
{
    memset(c, 0, sizeof *c);
    if (whole(st)) {
        if (st->nblocks == 0)
            return 0;
        *b = st->blocks[0];
        return 1;
    }
    para_t p;
    if (!para_first(st->text, st->len, &p))
        return 0;
    plain_at(st, c, &p, 1, 1, b);
    return 1;
}

int st_next(const structure_t *st, st_cursor_t *c, block_t *b)
{
    if (whole(st)) {
        if (++c->i >= st->nblocks)
            return 0;
        *b = st->blocks[c->i];
        return 1;
    }
    if (c->next >= st->len)
        return 0;
    para_t p;
    para_at(st->text, st->len, c->next, &p);
    plain_at(st, c, &p, 1, 0, b);
    return 1;
}

/* st_at and st_prev: provisional blocks (st_show_soon, a build runs)? */
static int soon(const structure_t *st)
{
    return building(st) && st->priv->soon;
}

int st_prev(const structure_t *st, st_cursor_t *c, block_t *b)
{
    if (soon(st))
        c->soon = 1;
    else
        st_wait(st);
    if (whole(st)) {
        if (c->i == 0 || c->i > st->nblocks)
            return 0;
        *b = st->blocks[--c->i];
        return 1;
    }
    para_t cur, p;
    if (!para_at(st->text, st->len, c->start, &cur) ||
        !para_prev(st->text, st->len, &cur, &p))
        return 0;
    plain_at(st, c, &p, 0, 0, b);
    return 1;
}

int st_at(const structure_t *st, size_t off, st_cursor_t *c, block_t *b)
{
    int later = soon(st);
    if (!later)
        st_wait(st);
    memset(c, 0, sizeof *c);
    c->soon = later;
    if (off >= st->len)
        return 0;
    if (whole(st)) {
        size_t lo = 0, hi = st->nblocks; /* last block starting <= off */
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (st->blocks[mid].start <= off)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == 0)
            return st->nblocks ? (*b = st->blocks[0], 1) : 0;
        c->i = lo - 1;
        *b = st->blocks[c->i];
        return 1;
    }
    para_t p;
    if (!para_at(st->text, st->len, off, &p))
        return 0;
    plain_at(st, c, &p, 0, 0, b);
    return 1;
}

/* ---- lookups -------------------------------------------------------------- */

/* The text of a block's spans (markup and ruby readings left out; a line
 * break is a space) added to b: whether it has any spans. */
static int spans_text(const structure_t *st, const block_t *bk, buf_t *b)
{
    for (uint32_t i = bk->span0; i < bk->span0 + bk->nspan; i++) {
        const span_t *sp = &st->spans[i];
        if (sp->kind == SK_TEXT)
            buf_add(b, st->text + sp->off, sp->len);
        else if (sp->kind == SK_LITERAL)
            buf_add(b, st->lit + sp->off, sp->len);
        else if (sp->kind != SK_RUBY)
            buf_addc(b, ' ');
    }
    return bk->nspan != 0;
}

void st_heading_text(const structure_t *st, const heading_t *h, buf_t *b)
{
    b->n = 0;
    buf_add(b, "", 0);
    if (h->block >= 0 && whole(st) && spans_text(st, &st->blocks[h->block], b))
        return;
    buf_add(b, st->text + h->tstart, h->tend - h->tstart);
}

void st_block_text(const structure_t *st, const block_t *bk, buf_t *b)
{
    b->n = 0;
    buf_add(b, "", 0);
    if (spans_text(st, bk, b))
        return;
    size_t s = text_skip_blanks(st->text, bk->start, bk->end);
    buf_add(b, st->text + s, text_trim_blanks(st->text, s, bk->end) - s);
}

int st_speaker_find(const structure_t *st, const char *name, size_t n)
{
    st_wait(st);
    for (size_t k = 0; k < st->nspeakers; k++)
        if (speaker_same(st->text + st->speakers[k].name_off,
                         st->speakers[k].name_len, name, n))
            return (int)k;
    return -1;
}

long st_section_at(const structure_t *st, size_t off)
{
    st_wait(st);
    size_t lo = 0, hi = st->nheadings; /* the first heading after off */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (st->headings[mid].start <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    while (lo > 0 && st->headings[lo - 1].level == 0)
        lo--;
    return lo ? (long)lo - 1 : -1;
}

int st_title(const structure_t *st, buf_t *b)
{
    st_wait(st);
    b->n = 0;
    buf_add(b, "", 0);
    if (st->has_fm && st->fm.title) {
        buf_adds(b, st->fm.title);
        return 1;
    }
    if (st->nheadings && st->headings[0].level == 0) {
        st_heading_text(st, &st->headings[0], b);
        return 1;
    }
    return 0;
}
