#include "report.h"
#include "anchor.h"
#include "json.h"
#include "text.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void report_safe(FILE *out, const char *s, size_t n)
{
    buf_t b = {0};
    text_sanitize(&b, s, n);
    fwrite(b.p, 1, b.n, out);
    buf_free(&b);
}

#define REPORT_QUOTE 32 /* characters of a place's quote */

static double pct(const structure_t *st, size_t off)
{
    return st->len ? off * 100.0 / (double)st->len : 0.0;
}

/* A heading as a JSON object: title, level, line, offset, percent. */
static void heading_json(json_t *J, const structure_t *st, const char *title, size_t tlen,
                         int level, size_t line, size_t off)
{
    json_object(J, JSON_INLINE);
    json_key(J, "title");
    json_str(J, title, tlen);
    json_key(J, "level");
    json_int(J, level);
    json_key(J, "line");
    json_int(J, (long long)line);
    json_key(J, "offset");
    json_int(J, (long long)off);
    json_key(J, "percent");
    json_real(J, pct(st, off), 1);
    json_end(J);
}

void report_outline(const structure_t *st, const char *path, json_t *J, FILE *out)
{
    buf_t t = {0};
    const char *title = NULL;
    size_t tlen = 0, tline = 0, toff = 0;
    size_t h0 = 0;
    if (st_title(st, &t)) {
        title = t.p;
        tlen = t.n;
        if (st->nheadings && st->headings[0].level == 0) { /* a heading */
            tline = st->headings[0].line;
            toff = st->headings[0].start;
            h0 = 1;
        } else { /* the front matter's */
            tline = st->fm.title_line;
            toff = st->fm.title_off;
        }
    }
    buf_t hb = {0};
    if (J) {
        json_object(J, JSON_INLINE);
        json_key(J, "file");
        json_strz(J, path);
        json_key(J, "title");
        if (title)
            heading_json(J, st, title, tlen, 0, tline, toff);
        else
            json_null(J);
        json_key(J, "headings");
        json_array(J, JSON_LINES);
        for (size_t i = h0; i < st->nheadings; i++) {
            const heading_t *h = &st->headings[i];
            st_heading_text(st, h, &hb);
            heading_json(J, st, hb.p, hb.n, h->level, h->line, h->start);
        }
        json_end(J);
        json_end(J);
    } else {
        if (title) {
            report_safe(out, title, tlen);
            fprintf(out, "  %zu  %d%%\n", tline, anchor_percent(toff, st->len));
        }
        for (size_t i = h0; i < st->nheadings; i++) {
            const heading_t *h = &st->headings[i];
            st_heading_text(st, h, &hb);
            for (int k = 0; k < h->level; k++)
                fputs("  ", out);
            report_safe(out, hb.p, hb.n);
            fprintf(out, "  %zu  %d%%\n", h->line, anchor_percent(h->start, st->len));
        }
    }
    buf_free(&t);
    buf_free(&hb);
}

size_t report_speakers(const structure_t *st, const char *path, json_t *J, FILE *out)
{
    if (J) {
        json_object(J, JSON_INLINE);
        json_key(J, "file");
        json_strz(J, path);
        json_key(J, "speakers");
        json_array(J, JSON_LINES);
    }
    size_t wmax = 0;
    for (size_t k = 0; k < st->nspeakers; k++) {
        size_t w = text_width(st->text + st->speakers[k].name_off,
                              st->speakers[k].name_len);
        wmax = w > wmax ? w : wmax;
    }
    for (size_t k = 0; k < st->nspeakers; k++) {
        const speaker_t *p = &st->speakers[k];
        double share = st->total_chars ? p->chars * 100.0 / (double)st->total_chars
                                        : 0.0;
        if (J) {
            json_object(J, JSON_INLINE);
            json_key(J, "name");
            json_str(J, st->text + p->name_off, p->name_len);
            json_key(J, "turns");
            json_int(J, (long long)p->turns);
            json_key(J, "chars");
            json_int(J, (long long)p->chars);
            json_key(J, "share");
            json_real(J, share, 1);
            json_key(J, "first_line");
            json_int(J, (long long)p->first_line);
            json_key(J, "turn_offsets");
            json_array(J, JSON_INLINE);
            for (size_t i = 0; i < p->turns; i++)
                json_int(J, (long long)p->turn_offsets[i]);
            json_end(J);
            json_end(J);
        } else {
            report_safe(out, st->text + p->name_off, p->name_len);
            size_t w = text_width(st->text + p->name_off, p->name_len);
            fprintf(out, "%*s  %zu turn%s  %zu char%s  %.1f%%  line %zu\n",
                    (int)(wmax - w), "", p->turns, p->turns == 1 ? "" : "s",
                    p->chars, p->chars == 1 ? "" : "s", share, p->first_line);
        }
    }
    if (J) {
        json_end(J);
        json_end(J);
    }
    return st->nspeakers;
}

/* One anchored place: as members of an open JSON object, or a text row. */
static void place(const structure_t *st, const anchor_t *a, size_t off, json_t *J,
                  FILE *out)
{
    if (J) {
        json_key(J, "offset");
        json_int(J, (long long)off);
        json_key(J, "percent");
        json_real(J, pct(st, off), 1);
        json_key(J, "section");
        json_strz(J, a->section);
        json_key(J, "quote");
        json_strz(J, a->quote);
        return;
    }
    fprintf(out, "  %3d%%  ", anchor_percent(off, st->len));
    if (a->section[0]) {
        fputs("§", out);
        report_safe(out, a->section, strlen(a->section));
        fputs("  ", out);
    }
    buf_t q = {0}; /* one line, as the reader shows it */
    anchor_show(st, off, REPORT_QUOTE, &q);
    fputs("“", out);
    report_safe(out, q.p, q.n);
    fputs("”", out);
    buf_free(&q);
}

void report_bookmarks(memory_t *m, const char *path, json_t *J, FILE *out)
{
    const structure_t *st = m->st;
    size_t off;
    int exact;
    anchor_t a;
    int has = mem_position(m, &off, &exact);
    if (has)
        anchor_make(st, off, &a);
    bookmark_t *v;
    size_t n = mem_bookmarks(m, &v);
    if (J) {
        json_object(J, JSON_INLINE);
        json_key(J, "file");
        json_strz(J, path);
        json_key(J, "position");
        if (has) {
            json_object(J, JSON_INLINE);
            place(st, &a, off, J, out);
            json_end(J);
        } else {
            json_null(J);
        }
        json_key(J, "bookmarks");
        json_array(J, JSON_LINES);
        for (size_t i = 0; i < n; i++) {
            json_object(J, JSON_INLINE);
            json_key(J, "name");
            json_strz(J, v[i].name);
            json_key(J, "note");
            json_strz(J, v[i].note);
            place(st, &v[i].at, v[i].at.offset, J, out);
            json_end(J);
        }
        json_end(J);
        json_end(J);
    } else {
        if (has) {
            fputs("position", out);
            place(st, &a, off, NULL, out);
            putc('\n', out);
        }
        for (size_t i = 0; i < n; i++) {
            report_safe(out, v[i].name, strlen(v[i].name));
            place(st, &v[i].at, v[i].at.offset, NULL, out);
            if (v[i].note[0]) {
                fputs("  — ", out);
                report_safe(out, v[i].note, strlen(v[i].note));
            }
            putc('\n', out);
        }
    }
    free(v);
}
