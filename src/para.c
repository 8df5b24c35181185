#include "para.h"
#include "text.h"

#include <string.h>

/* Start of the line containing off. */
static size_t line_start(const char *t, size_t off)
{
    size_t i = off;
    while (i > 0) {
        char c = t[i - 1];
        if (c == '\n' || c == '\r') {
            /* off sits on the LF of a CRLF: the CR belongs to this line */
            if (c == '\r' && i == off && t[i] == '\n') {
                i--;
                continue;
            }
            break;
        }
        i--;
    }
    return i;
}

/* End of the line content starting at s, and the start of the next line.
 * Reads only as far as the line end (in windows that double), so a file
 * with lone-CR line ends is not scanned to its end for every line. */
static size_t line_end(const char *t, size_t len, size_t s, size_t *next)
{
    size_t from = s, win = 1024;
    for (;;) {
        size_t to = len - from > win ? from + win : len;
        const char *lf = memchr(t + from, '\n', to - from);
        size_t e = lf ? (size_t)(lf - t) : to;
        const char *cr = memchr(t + from, '\r', e - from);
        if (cr) {
            e = (size_t)(cr - t);
            *next = (e + 1 < len && t[e + 1] == '\n') ? e + 2 : e + 1;
            return e;
        }
        if (lf) {
            *next = e + 1;
            return e;
        }
        if (to == len) {
            *next = len;
            return len;
        }
        from = to;
        win *= 2;
    }
}

static int is_blank_line(const char *t, size_t s, size_t e)
{
    return text_skip_blanks(t, s, e) == e;
}

/* Fill p for the paragraph whose first line starts at s. */
static void para_from(const char *t, size_t len, size_t s, para_t *p)
{
    size_t next, e = line_end(t, len, s, &next);
    p->start = s;
    p->end = e;
    p->next = next;
    p->blank = is_blank_line(t, s, e);
    if (!p->blank)
        return;
    while (p->next < len) {
        size_t n2, e2 = line_end(t, len, p->next, &n2);
        if (!is_blank_line(t, p->next, e2))
            break;
        p->end = e2;
        p->next = n2;
    }
}

int para_at(const char *t, size_t len, size_t off, para_t *p)
{
    if (off >= len)
        return 0;
    size_t s = line_start(t, off);
    size_t next, e = line_end(t, len, s, &next);
    if (is_blank_line(t, s, e)) {
        /* walk back to the first blank line of the run */
        while (s > 0) {
            size_t ps = line_start(t, s - 1);
            size_t pn, pe = line_end(t, len, ps, &pn);
            if (!is_blank_line(t, ps, pe))
                break;
            s = ps;
        }
    }
    para_from(t, len, s, p);
    return 1;
}

int para_first(const char *t, size_t len, para_t *p)
{
    if (len == 0)
        return 0;
    para_from(t, len, 0, p);
    return 1;
}

int para_next(const char *t, size_t len, const para_t *cur, para_t *p)
{
    if (cur->next >= len)
        return 0;
    para_from(t, len, cur->next, p);
    return 1;
}

int para_prev(const char *t, size_t len, const para_t *cur, para_t *p)
{
    if (cur->start == 0)
        return 0;
    return para_at(t, len, cur->start - 1, p);
}
