/* Line breaking at random widths, with the foundation issue's invariants
 * checked on every line: no line wider than the width (measured anew),
 * lines contiguous over the paragraph, nothing lost (the lines are the
 * sanitised paragraph, less the blanks that hang at breaks), no break
 * inside a grapheme cluster, no line starting with closing punctuation or
 * small kana nor ending with opening punctuation (except at an emergency
 * break, which only a run wider than the line may cause, and before a
 * mandatory break: VT, FF, NEL, U+2028, U+2029); with hanging
 * punctuation, a line wider than the width by at most the hang, and then
 * ending with a mark that may hang. Byte 0: width, byte 1: indent and
 * options (bits 0-1 indent, 2 verbatim, 3-4 hang 0-2); the rest is cut
 * into paragraphs at line ends. */
#include "chars.h"
#include "layout.h"
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

static const uint32_t NO_START[] = {
    0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF01, 0xFF1F, 0xFF09, 0x300D, 0x300F,
    0x3011, 0x300B, 0x3009, 0xFF3D, 0xFF5D, 0x3015, 0x201D, 0x2019, 0x30FB, 0x30FC, 0x3041,
    0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085, 0x3087, 0x308E, 0x30A1, 0x30A3,
    0x30A5, 0x30A7, 0x30A9, 0x30C3, 0x30E3, 0x30E5, 0x30E7, 0x30EE, 0x30F5, 0x30F6, 0x31F0,
    0x31F1, 0x31F7, 0x31FF, 0xFF67, 0xFF6F, 0xFF6C, 0xFF5E, 0xFF0F};
static const uint32_t NO_END[] = {0xFF08, 0x300C, 0x300E, 0x3010, 0x300A, 0x3008,
                                  0xFF3B, 0xFF5B, 0x3014, 0x201C, 0x2018, 0xFF0F};

static int in(uint32_t c, const uint32_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == c)
            return 1;
    return 0;
}

static layout_t L;
static buf_t cat, all;

static void check(const char *p, size_t n, int w, int indent, int verbatim, int hang)
{
    layout_opts_t o = {.width = w, .indent = indent, .flags = verbatim ? LO_VERBATIM : 0,
                       .hang = hang};
    layout_para(&L, p, 0, n, &o);
    const unit_t *u = L.t.u;
    cat.n = 0;
    REQUIRE(L.nv >= 1);
    for (size_t i = 0; i < L.nv; i++) {
        const vline_t *v = &L.v[i];
        const char *s;
        size_t k = layout_line_bytes(&L, i, &s);
        int lw = (int)text_width(s, k) + v->indent;
        REQUIRE(lw <= w + hang && v->hung <= hang);
        if (lw > w) /* what is past the width hangs: a closing mark */
            REQUIRE(v->u1 > v->u0 && ch_is(u[v->u1 - 1].cp, CH_HANG | CH_HANG_AFTER));
        REQUIRE(i || v->start == 0);
        REQUIRE(i + 1 == L.nv ? v->end == n : v->end == L.v[i + 1].start);
        REQUIRE(v->u0 <= v->u1 && v->u1 <= L.t.n);
        buf_add(&cat, s, k);
        if (i + 1 == L.nv)
            continue;
        if (v->flags & VL_EMERGENCY) {
            size_t a0 = v->u0, a1 = L.v[i + 1].u0;
            while (a1 < L.t.n && !(u[a1].flags & U_BREAK))
                a1++;
            int run = 0;
            for (size_t x = a0; x < a1; x++)
                run += u[x].w;
            while (a1 > a0 && (u[a1 - 1].flags & U_SPACE))
                run -= u[--a1].w;
            REQUIRE(run > w - v->indent); /* no needless emergency break */
            continue;
        }
        REQUIRE(u[L.v[i + 1].u0].flags & U_CLUSTER);
        if (u[L.v[i + 1].u0].flags & U_MANDATORY)
            continue; /* VT, FF, NEL, U+2028/9: a break no rule may move */
        REQUIRE(!in(u[L.v[i + 1].u0].cp, NO_START, sizeof NO_START / sizeof *NO_START));
        if (v->u1 > v->u0)
            REQUIRE(!in(u[v->u1 - 1].cp, NO_END, sizeof NO_END / sizeof *NO_END));
    }
    if (verbatim || indent)
        return; /* indents change the leading blanks */
    all.n = 0;
    size_t a = text_skip_blanks(p, 0, n); /* leading blanks: dropped (indent 0) */
    text_sanitize(&all, p + a, n - a);
    size_t x = 0, y = 0;
    while (x < cat.n || y < all.n) {
        if (x < cat.n && y < all.n && cat.p[x] == all.p[y])
            x++, y++;
        else if (y < all.n && (all.p[y] == ' ' || all.p[y] == '\t'))
            y++; /* a blank that hangs at a break */
        else if (y + 3 <= all.n && !memcmp(all.p + y, "\xE3\x80\x80", 3))
            y += 3;
        else
            abort(); /* text lost or changed */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    int w = LAYOUT_MIN_WIDTH + data[0] % 111;
    int indent = data[1] % 4, verbatim = (data[1] >> 2) & 1, hang = (data[1] >> 3) % 4 % 3;
    const char *p = (const char *)data + 2;
    size_t n = size - 2, a = 0;
    while (a <= n) {
        size_t e = a;
        while (e < n && p[e] != '\n' && p[e] != '\r')
            e++;
        check(p + a, e - a, w, indent, verbatim, hang);
        a = e + 1;
    }
    return 0;
}
