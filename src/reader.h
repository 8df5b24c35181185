/* reader: what the reader's own files share (tui.c, session.c, draw.c,
 * panels.c, library.c) — not for the rest of juan, which sees tui.h.
 *
 * Contract: one tui_t is the reader: its options and files; the open
 * document with its structure, view, search, memory and reading time; the
 * screen's geometry and colours; the reading state (focus, filter, marks,
 * the last jump and search). Each file owns a part and the others call
 * it: tui.c the screen's life cycle, the keys and the loop; session.c the
 * open document (loading, the memory, the file on disk); draw.c the page,
 * the status line and the sticky header; panels.c the outline, speaker,
 * help and bookmark panels; library.c the library. Where the reader goes
 * is decided by nav (no curses); what it shows comes from view. */
#ifndef JUAN_READER_H
#define JUAN_READER_H
#include "doc.h"
#include "draw.h"
#include "memory.h"
#include "nav.h"
#include "prompt.h"
#include "readtime.h"
#include "search.h"
#include "structure.h"
#include "tui.h"
#include "view.h"

typedef struct tui {
    const tui_opts_t *o;
    char **files;
    int nfiles, cur, rc;
    size_t *filepos; /* 1 + the top of each file left with :n / :p (0: none) */
    /* the open document (session.c) */
    doc_t d;
    structure_t st;
    view_t V;
    int loaded;
    char *title;     /* display bytes, once the structure is known */
    short *spcolor;  /* colour pair of each speaker */
    size_t *turns;   /* every turn start, sorted (session_turns) */
    size_t nturns;
    int have_turns;
    rt_t *rt;        /* reading time left */
    search_t srch;
    store_t *S;
    memory_t mem;
    size_t saved_top;
    long long last_save;
    char unsaved[160];    /* why the last save of the position failed ("":
                             it did not); said on the terminal at quit */
    int keys_since_open;
    int changed;          /* doc_changed() when last looked at (DOC_*) */
    long long changed_at; /* when the file was last looked at */
    long long index_at;   /* when to make the search index in the background
                             (0: done): not for a document opened and left */
    char warn[512];       /* the store's warning, shown once */
    /* the screen (tui.c) */
    int width;       /* the reading column asked for (< and > change it) */
    int col, left, rows, sticky, too_small;
    int hang;        /* cells punctuation hangs right of the column (layout
                        hang: o->hang, or less where the screen ends) */
    int color;
    int mouse;       /* wheel scrolling on (--mouse, W) */
    /* reading state */
    int focus, filter;
    size_t marks[26];
    unsigned marked;
    size_t last_jump;
    int has_jump;
    int at_end;      /* placed by G: the last line stays at the bottom */
    char msg[512];   /* on the status line until the next key */
    size_t resumed;  /* 1 + the offset resumed at, until said (drawn) */
    size_t resumed_sec; /* said before the structure was known: 1 + that
                           offset, whose section the message still lacks */
    size_t resumed_len; /* the message's length then (a key clears it) */
    /* search */
    nav_query_t lastq; /* the last search */
    char *qtyped;      /* ... as typed */
    int qstale;        /* ... made for a document since put away */
    int qdir;          /* its direction */
    int has_query;
    nav_query_t hlt;   /* what the prompt is typing */
    int hl_active;     /* highlight hlt (in the prompt), else lastq */
    match_t last;      /* the last match gone to */
    int has_last;
    hist_t hist;
    match_t *mv;       /* matches on the page */
    size_t mcap;
    /* every match of the last search in scope (texts up to COUNT_MAX):
       the status line's `match 3/17` */
    size_t *mall, nmall, mallcap;
    const char *mall_text; /* ... counted in this text, */
    const nav_query_t *mall_q; /* for this query (0: none counted) */
    int mall_only, mall_ok;
    size_t mall_next;  /* counted up to here (larger texts: when idle) */
    int mall_done;
    size_t mrank;      /* the match gone to: 1-based, 0 unknown */
} tui_t;

/* tui.c */
/* Start the screen (after probing the terminal): NULL when there is none;
 * *tty is the terminal opened for keys when standard input is not one. */
SCREEN *tui_screen_start(tui_t *T, FILE **tty);
void tui_screen_end(SCREEN *scr, FILE *tty);
/* Read the document loaded until q (or a signal); then put it away. */
void tui_read(tui_t *T);
void tui_geometry(tui_t *T, int width); /* after a resize or < > */
/* The status line's notice that the terminal draws “ ” … — wide. */
void tui_ambiguous_notice(tui_t *T);
void tui_mouse(tui_t *T); /* tell the terminal T->mouse (wheel reports or none) */
void tui_go(tui_t *T, size_t off);      /* a jump ('' comes back) */
void tui_top_range(tui_t *T, size_t *s, size_t *e); /* the top line */
/* A line typed on the status line over the page (search: highlighting as
 * typed, and kept in the history); NULL when cancelled. */
char *tui_prompt(tui_t *T, const char *label, int search);
/* The same, the line starting from init (editable). */
char *tui_prompt_from(tui_t *T, const char *label, int search, const char *init);

/* session.c */
/* (The store is opened here, before the text: on a thread of its own
 * beside loading the text and starting curses, opening a document and
 * quitting took 5-10% longer on a 2-vCPU virtual machine, whose idle
 * processor took a median 0.75 ms to start the thread (0.08-2 ms), about
 * what the store's whole opening costs: 0.6 ms cold. Paired medians of
 * 61, bench/pty.c, the 107 MB text.) */
void session_init(tui_t *T, const tui_opts_t *o);
void session_free(tui_t *T);
/* Open file i (the last document is put away); on failure *err says why
 * and the document shown stays. */
int session_load(tui_t *T, int i, char *err, size_t errn);
void session_unload(tui_t *T); /* saves the position */
void session_learn(tui_t *T);  /* what the built structure tells: title, colours */
void session_title(tui_t *T, buf_t *b); /* the title, or the file name */
/* After a resume: "resumed at PCT% (§…)" on the status line (PCT: the
 * percentage it shows); nothing otherwise. Before the structure is known
 * (a large text: the resume does not wait for it) "resumed at PCT%", and
 * session_resumed_section() adds " (§…)" once it is, while that message
 * is still shown: 1 when it did (redraw). */
void session_say_resumed(tui_t *T, int pct);
/* w (the store's warning) on the status line before what is there, both
 * kept ("W; WHAT WAS THERE"; the status line cuts what does not fit). */
void session_say_first(tui_t *T, const char *w);
int session_resumed_section(tui_t *T);
void session_turns(tui_t *T);  /* T->turns (waits for the structure) */
/* Save the place (unless forced: only when it moved since the last save);
 * T->unsaved says why it was not saved, until a later save is. */
void session_save(tui_t *T, int force);
/* Idle work: save the place now and then, start the search index, look at
 * the file on disk, take a large file's identity once hashed. Returns 1
 * when the page must be drawn again. */
int session_idle(tui_t *T);
void session_first_search(tui_t *T); /* its index, if there is one */
/* The last search, made again for this document when it was made for
 * another (:n, R: its @NAME and #N name this document's speakers and
 * sections); NULL when there is none, or (!wait) when that needs the
 * structure still being built. A search this document cannot take (no
 * such speaker) gives NULL, and when waited for is dropped, its message
 * in T->msg. */
nav_query_t *session_last_query(tui_t *T, int wait);
void session_reload(tui_t *T);
void session_switch(tui_t *T, int dir);
/* File i could not be opened (err: doc_error's "path: reason"): said on
 * the status line in words that fit it, "skipped 2/3 NAME: reason" (or
 * "cannot open 2/3 NAME: reason" when the file shown stayed). */
void session_skipped(tui_t *T, int i, const char *err, int stayed);

/* draw.c */
void draw_page(tui_t *T);
void draw_colors(tui_t *T);          /* start colours (T->color) */
void draw_speaker_colors(tui_t *T);  /* T->spcolor */
void draw_speaker_name(const tui_t *T, int k, buf_t *b);

/* panels.c */
void panel_outline(tui_t *T);
void panel_speakers(tui_t *T);
void panel_help(tui_t *T);
void panel_bookmarks(tui_t *T);
void bookmark_add(tui_t *T);

#endif
