#include "report.h"
#include "anchor.h"
#include "text.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* A JSON string: valid UTF-8, escapes for quotes, backslash, controls. */
void report_json_str(FILE *out, const char *s, size_t n)
{
    putc('"', out);
    for (size_t i = 0; i < n;) {
        uint32_t c;
        int k = text_decode(s + i, n - i, &c);
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", (int)c);
        else if (c < 0x20 || c == 0x7F)
            fprintf(out, "\\u%04x", (unsigned)c);
        else if (c == 0xFFFD && k < 3)
            fputs("\xEF\xBF\xBD", out);
        else
            fwrite(s + i, 1, (size_t)k, out);
        i += (size_t)k;
    }
    putc('"', out);
}

void report_safe(FILE *out, const char *s, size_t n)
{
    buf_t b = {0};
    text_sanitize(&b, s, n);
    fwrite(b.p, 1, b.n, out);
    buf_free(&b);
}

static double pct(const structure_t *st, size_t off)
{
    return st->len ? off * 100.0 / (double)st->len : 0.0;
}

/* Line of the front matter's title key, and its offset. */
static size_t fm_title_line(const structure_t *st, size_t *off)
{
    size_t line = 1;
    for (size_t i = 0; i + 6 < st->fm.end; i++) {
        if ((i == 0 || st->text[i - 1] == '\n') &&
            !strncmp(st->text + i, "title:", 6)) {
            *off = i;
            return line;
        }
        if (st->text[i] == '\n')
            line++;
    }
    *off = 0;
    return 1;
}

void report_outline(const structure_t *st, const char *path, int json,
                    FILE *out)
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
            tline = fm_title_line(st, &toff);
        }
    }
    buf_t hb = {0};
    if (json) {
        fputs("{\"file\": ", out);
        report_json_str(out, path, strlen(path));
        fputs(", \"title\": ", out);
        if (title) {
            fputs("{\"title\": ", out);
            report_json_str(out, title, tlen);
            fprintf(out, ", \"level\": 0, \"line\": %zu, \"offset\": %zu, "
                         "\"percent\": %.1f}",
                    tline, toff, pct(st, toff));
        } else {
            fputs("null", out);
        }
        fputs(", \"headings\": [", out);
        for (size_t i = h0; i < st->nheadings; i++) {
            const heading_t *h = &st->headings[i];
            st_heading_text(st, h, &hb);
            fputs(i > h0 ? ",\n  " : "\n  ", out);
            fputs("{\"title\": ", out);
            report_json_str(out, hb.p, hb.n);
            fprintf(out, ", \"level\": %d, \"line\": %zu, \"offset\": %zu, "
                         "\"percent\": %.1f}",
                    h->level, h->line, h->start, pct(st, h->start));
        }
        fputs(st->nheadings > h0 ? "\n]}\n" : "]}\n", out);
    } else {
        if (title) {
            report_safe(out, title, tlen);
            fprintf(out, "  %zu  %.0f%%\n", tline, pct(st, toff));
        }
        for (size_t i = h0; i < st->nheadings; i++) {
            const heading_t *h = &st->headings[i];
            st_heading_text(st, h, &hb);
            for (int k = 0; k < h->level; k++)
                fputs("  ", out);
            report_safe(out, hb.p, hb.n);
            fprintf(out, "  %zu  %.0f%%\n", h->line, pct(st, h->start));
        }
    }
    buf_free(&t);
    buf_free(&hb);
}

void report_speakers(const structure_t *st, const char *path, int json,
                     FILE *out)
{
    if (json) {
        fputs("{\"file\": ", out);
        report_json_str(out, path, strlen(path));
        fputs(", \"speakers\": [", out);
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
        if (json) {
            fputs(k ? ",\n  {\"name\": " : "\n  {\"name\": ", out);
            report_json_str(out, st->text + p->name_off, p->name_len);
            fprintf(out, ", \"turns\": %zu, \"chars\": %zu, \"share\": %.1f, "
                         "\"first_line\": %zu, \"turn_offsets\": [",
                    p->turns, p->chars, share, p->first_line);
            for (size_t i = 0; i < p->turns; i++)
                fprintf(out, i ? ", %zu" : "%zu", p->turn_offsets[i]);
            fputs("]}", out);
        } else {
            report_safe(out, st->text + p->name_off, p->name_len);
            size_t w = text_width(st->text + p->name_off, p->name_len);
            fprintf(out, "%*s  %zu turns  %zu chars  %.1f%%  line %zu\n",
                    (int)(wmax - w), "", p->turns, p->chars, share,
                    p->first_line);
        }
    }
    if (json)
        fputs(st->nspeakers ? "\n]}\n" : "]}\n", out);
}

/* One anchored place: as a JSON object's members, or a text row. */
static void place(const structure_t *st, const anchor_t *a, size_t off,
                  int json, FILE *out)
{
    if (json) {
        fprintf(out, "\"offset\": %zu, \"percent\": %.1f, \"section\": ", off,
                pct(st, off));
        report_json_str(out, a->section, strlen(a->section));
        fputs(", \"quote\": ", out);
        report_json_str(out, a->quote, strlen(a->quote));
        return;
    }
    fprintf(out, "  %3.0f%%  ", pct(st, off));
    if (a->section[0]) {
        fputs("§", out);
        report_safe(out, a->section, strlen(a->section));
        fputs("  ", out);
    }
    fputs("“", out);
    report_safe(out, a->quote, strlen(a->quote));
    fputs("”", out);
}

void report_bookmarks(memory_t *m, const char *path, int json, FILE *out)
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
    if (json) {
        fputs("{\"file\": ", out);
        report_json_str(out, path, strlen(path));
        fputs(", \"position\": ", out);
        if (has) {
            fputs("{", out);
            place(st, &a, off, 1, out);
            fputs("}", out);
        } else {
            fputs("null", out);
        }
        fputs(", \"bookmarks\": [", out);
        for (size_t i = 0; i < n; i++) {
            fputs(i ? ",\n  {\"name\": " : "\n  {\"name\": ", out);
            report_json_str(out, v[i].name, strlen(v[i].name));
            fputs(", \"note\": ", out);
            report_json_str(out, v[i].note, strlen(v[i].note));
            fputs(", ", out);
            place(st, &v[i].at, v[i].at.offset, 1, out);
            fputs("}", out);
        }
        fputs(n ? "\n]}\n" : "]}\n", out);
    } else {
        if (has) {
            fputs("position", out);
            place(st, &a, off, 0, out);
            putc('\n', out);
        }
        for (size_t i = 0; i < n; i++) {
            report_safe(out, v[i].name, strlen(v[i].name));
            place(st, &v[i].at, v[i].at.offset, 0, out);
            if (v[i].note[0]) {
                fputs("  — ", out);
                report_safe(out, v[i].note, strlen(v[i].note));
            }
            putc('\n', out);
        }
    }
    free(v);
}
