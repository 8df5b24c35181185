#include "json.h"
#include "chars.h"
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *first, *sep, *last; /* before the first element, between
                                       two, after the last */
} layouts[] = {
    [JSON_INLINE] = {"", ", ", ""},
    [JSON_LINES] = {"\n  ", ",\n  ", "\n"},
    [JSON_DOCS] = {"\n", "\n,\n", "\n"},
};

void json_init(json_t *J, FILE *out)
{
    memset(J, 0, sizeof *J);
    J->out = out;
}

/* Before a value or a key: what its container puts there. */
static void before(json_t *J)
{
    if (J->keyed) {
        J->keyed = 0;
        return;
    }
    if (J->depth > 0) {
        int d = J->depth - 1;
        fputs(J->n[d]++ ? layouts[J->layout[d]].sep : layouts[J->layout[d]].first, J->out);
    }
}

/* After a value: a top-level one ends its line. */
static void after(json_t *J)
{
    if (J->depth == 0)
        putc('\n', J->out);
}

static void open_(json_t *J, int layout, char open, char close)
{
    before(J);
    if (J->depth >= JSON_DEPTH)
        abort(); /* nested deeper than any output of juan */
    J->layout[J->depth] = (unsigned char)layout;
    J->close[J->depth] = close;
    J->n[J->depth] = 0;
    J->depth++;
    putc(open, J->out);
}

void json_object(json_t *J, int layout)
{
    open_(J, layout, '{', '}');
}

void json_array(json_t *J, int layout)
{
    open_(J, layout, '[', ']');
}

void json_end(json_t *J)
{
    if (J->depth == 0)
        abort();
    int d = --J->depth;
    if (J->n[d])
        fputs(layouts[J->layout[d]].last, J->out);
    putc(J->close[d], J->out);
    after(J);
}

/* Escaped as \uXXXX: the C0 controls and DEL, and what the reader shows
 * as <U+XXXX> or drops (chars.h CH_ESCAPE, CH_DROP): the C1 controls (CSI
 * U+009B, OSC U+009D), bidi controls, other invisible format characters,
 * U+2028/9. A JSON reader gets the same string; a terminal that shows the
 * output raw gets no control sequence and no reordering. */
static int escaped(uint32_t c)
{
    if (c < 0x20 || c == 0x7F)
        return 1;
    return c >= 0x80 && ch_is(c, CH_ESCAPE | CH_DROP);
}

/* s[0..n) quoted: valid UTF-8, the quote, backslash and the characters
 * escaped() gives escaped (past the BMP as a surrogate pair). */
static void quoted(FILE *out, const char *s, size_t n)
{
    putc('"', out);
    for (size_t i = 0; i < n;) {
        uint32_t c;
        int k = text_decode(s + i, n - i, &c);
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", (int)c);
        else if (utf8_invalid(c, k)) /* an invalid byte */
            fputs("\xEF\xBF\xBD", out);
        else if (escaped(c) && c > 0xFFFF)
            fprintf(out, "\\u%04x\\u%04x", 0xD800 + ((c - 0x10000) >> 10),
                    0xDC00 + ((c - 0x10000) & 0x3FF));
        else if (escaped(c))
            fprintf(out, "\\u%04x", (unsigned)c);
        else
            fwrite(s + i, 1, (size_t)k, out);
        i += (size_t)k;
    }
    putc('"', out);
}

void json_key(json_t *J, const char *key)
{
    before(J);
    quoted(J->out, key, strlen(key));
    fputs(": ", J->out);
    J->keyed = 1;
}

void json_str(json_t *J, const char *s, size_t n)
{
    before(J);
    quoted(J->out, s, n);
    after(J);
}

void json_strz(json_t *J, const char *s)
{
    json_str(J, s, strlen(s));
}

void json_int(json_t *J, long long v)
{
    before(J);
    fprintf(J->out, "%lld", v);
    after(J);
}

void json_real(json_t *J, double v, int decimals)
{
    before(J);
    fprintf(J->out, "%.*f", decimals, v);
    after(J);
}

void json_null(json_t *J)
{
    before(J);
    fputs("null", J->out);
    after(J);
}
