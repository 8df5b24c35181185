/* tui: the full-screen reader (ncursesw).
 *
 * Contract: tui_run() shows the documents in a reading column centred on
 * the screen, with the lines the view gives (so at width N it shows what
 * `--dump -w N --hang=H` prints, H the cells right of the column, up to
 * the --hang asked for: 2 unless given), a status line, a sticky section header, outline,
 * speaker and help panels, search with a prompt that takes input-method
 * text, marks and a speaker filter (keys: the help screen, README.md,
 * man/juan.1). Its position is a byte offset (view), so resizes and width
 * changes keep the top line. It draws only display bytes the layout has
 * made terminal-safe, never parses text itself, and restores the terminal
 * on every exit (term). Returns the exit status (0, or 2 when a document
 * could not be opened), or -1 when no screen could be started (then the
 * caller prints instead). */
#ifndef JUAN_TUI_H
#define JUAN_TUI_H
#include "doc.h"

typedef struct {
    int width;     /* reading column in cells (the screen may be narrower) */
    int indent;    /* as --indent */
    int format;    /* FMT_* */
    int color;     /* 0: attributes only (NO_COLOR, --color=never) */
    int ambiguous; /* AMBI_*: AMBI_UNKNOWN probes the terminal */
    const char *state_dir; /* NULL: the default (store) */
    int no_state;  /* keep no positions or bookmarks */
    int from_start; /* do not resume */
    int search_flags; /* SEARCH_EXACT, SEARCH_NO_TCSC */
    int no_index;  /* search without the persistent index */
    int ruby;      /* RUBY_*: as --ruby */
    int mouse;     /* as --mouse: wheel scrolling (W toggles it) */
    int hang;      /* as --hang: cells a closing 。，、 may hang right of
                      the column, where the screen has them (0..2) */
    doc_opts_t dopt;
} tui_opts_t;

int tui_run(char **files, int nfiles, const tui_opts_t *o);
/* The library: the .txt/.md/.markdown files under dir (recursively, by
 * path), or (dir NULL) the documents read before, most recent first; each
 * with title, size, progress and last-read time. Enter reads one (q comes
 * back), / filters, d forgets one's memory, q quits. */
int tui_library(const char *dir, const tui_opts_t *o);

#endif
