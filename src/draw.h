/* draw: putting bytes on the reader's screen (curses).
 *
 * Contract: draw_bytes() puts display bytes — already terminal-safe, as
 * render and text_sanitize make them — from column x, never past column
 * xmax (exclusive): each character with the zero-width ones after it as
 * one cell group, a character that does not fit whole left out, so a wide
 * character is never cut. draw_safe() first makes outside text (a title, a
 * query, a file name) terminal-safe. Both return the column after. The
 * reader's page, status line and sticky header (draw.c) are drawn with
 * them; reader.h has those. */
#ifndef JUAN_DRAW_H
#define JUAN_DRAW_H
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1 /* get_wch, cchar_t */
#endif
#include <curses.h>
#include "util.h"
#include <stddef.h>

int draw_bytes(int y, int x, int xmax, const char *s, size_t n, attr_t at, short pair);
int draw_safe(int y, int x, int xmax, const char *s, size_t n, attr_t at, short pair);
/* Append s[0..n) made terminal-safe to b, cut to at most cells (whole
 * clusters, "…" where cut; also when more: the text went on), padded with
 * blanks to cells when pad. Returns the cells used. (No curses.) */
int draw_fit(buf_t *b, const char *s, size_t n, int cells, int more, int pad);

#endif
