/* main: parse options and dispatch; no text processing happens here. */
#include "doc.h"
#include "dump.h"
#include "layout.h"
#include "memory.h"
#include "anchor.h"
#include "grep.h"
#include "json.h"
#include "report.h"
#include "search.h"
#include "libindex.h"
#include "sindex.h"
#include "structure.h"
#include "term.h"
#include "text.h"
#include "tui.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fputs("Usage: juan [OPTION]... FILE...\n"
          "       juan [OPTION]... [DIR]\n"
          "       cmd | juan [OPTION]...\n"
          "       juan --dump [-w N] [OPTION]... FILE...\n"
          "       juan --outline|--speakers|--bookmarks [--json] FILE...\n"
          "       juan --forget FILE...\n"
          "       juan --grep [-E] [-c] [--json] [--exact|--no-tc-sc] QUERY FILE|DIR...\n"
          "       juan --index [--no-tc-sc] FILE|DIR...\n"
          "Read Chinese and Japanese essays and interviews in the terminal.\n"
          "\n"
          "Modes:\n"
          "      --dump            print the text laid out as the reader shows it\n"
          "      --outline         print the headings: title, level, line, percent\n"
          "      --speakers        print the speakers: turns, characters, share\n"
          "                        (none: \"no speakers found\")\n"
          "      --bookmarks       print the saved position and bookmarks: name,\n"
          "                        percent, section, quote, note\n"
          "      --forget          forget the position and bookmarks of FILE\n"
          "      --grep            print the matches of QUERY: path:line:section:\n"
          "                        context (exit 0: found, 1: none, 2: error)\n"
          "  -E                    --grep: QUERY is a regular expression (PCRE2)\n"
          "  -c                    --grep: print counts\n"
          "      --json            --outline, --speakers, --bookmarks and --grep as\n"
          "                        JSON\n"
          "\n"
          "Options:\n"
          "  -w, --width=N         line width in cells, 10-1000 (default: the\n"
          "                        reader's column 72; --dump: the terminal's\n"
          "                        width, or 80 when not a terminal)\n"
          "      --indent=N        indent of indented paragraphs (and of every\n"
          "                        paragraph of a text without blank lines or\n"
          "                        indents), in ideographic spaces (default 2;\n"
          "                        0 drops indents)\n"
          "      --hang[=N]        --dump: let a closing 。，、． (and 」』”’） after\n"
          "                        it) hang up to N cells (1 or 2, default 2) past\n"
          "                        the width, as the reader does in its margin;\n"
          "                        lines may then be N cells wider (reader:\n"
          "                        --hang=0 turns hanging off)\n"
          "  -e, --encoding=NAME   read FILE as NAME (GB18030, BIG5, SHIFT_JIS,\n"
          "                        UTF-16LE, ...) instead of detecting it\n"
          "      --force           show files that look binary\n"
          "      --format=FORMAT   markdown, html, text or aozora (default: markdown\n"
          "                        for .md, .markdown and files with YAML front\n"
          "                        matter, html for .html, .htm, .xhtml and files\n"
          "                        that start with <!DOCTYPE html> or <html>, aozora\n"
          "                        for Aozora Bunko notation)\n"
          "      --ruby=HOW        hide or paren: Aozora ruby readings left out\n"
          "                        (default) or shown as 漢字（かんじ）\n"
          "      --color=WHEN      auto, always or never: bold headings and\n"
          "                        speakers, emphasis (auto: on a terminal unless\n"
          "                        NO_COLOR is set)\n"
          "      --ambiguous=W     narrow or wide: how the terminal draws East Asian\n"
          "                        ambiguous characters (“ ” … —); skips the probe\n"
          "      --from-start      open at the top, not where you left off\n"
          "      --mouse           scroll with the mouse wheel (off: the terminal\n"
          "                        selects text; W in the reader toggles it)\n"
          "      --index           build the search index of FILE ahead of time\n"
          "                        (with --no-tc-sc: the index such searches read);\n"
          "                        of DIR: the library index that --grep over DIR\n"
          "                        reads to skip files that cannot match\n"
          "      --no-index        search without the persistent index\n"
          "      --exact           search byte for byte (no folding)\n"
          "      --no-tc-sc        search folding case and width, not traditional\n"
          "                        and simplified characters\n"
          "      --state-dir=DIR   keep positions and bookmarks in DIR/state.db\n"
          "                        (default: $JUAN_STATE_DIR, else\n"
          "                        $XDG_STATE_HOME/juan, else ~/.local/state/juan)\n"
          "      --no-state        neither read nor write positions and bookmarks\n"
          "  -h, --help            show this help and exit\n"
          "  -V, --version         show the version and exit\n"
          "\n"
          "FILE may be - for standard input. Without a mode, juan opens the\n"
          "full-screen reader when standard output is a terminal (keys: h in\n"
          "the reader, or man juan), and prints the laid-out text otherwise.\n"
          "juan DIR lists the documents under DIR (.txt .md .markdown .html\n"
          ".htm .xhtml) with your progress; juan alone lists the documents\n"
          "you read.\n"
          "Exit status: 0 if all went well, 2 on any error.\n",
          f);
}

static void try_help(void)
{
    fputs("Try 'juan --help' for more information.\n", stderr);
    exit(2);
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static int terminal_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
        ws.ws_col > 0) {
        int w = ws.ws_col;
        if (w < LAYOUT_MIN_WIDTH)
            w = LAYOUT_MIN_WIDTH;
        if (w > LAYOUT_MAX_WIDTH)
            w = LAYOUT_MAX_WIDTH;
        return w;
    }
    return 80;
}

/* The modes, one at a time (MODE_NONE: the reader, or the text printed
 * when standard output is not a terminal), and their options. */
#define MODES(X)                                                                   \
    X(DUMP, "dump") X(OUTLINE, "outline") X(SPEAKERS, "speakers")                  \
    X(BOOKMARKS, "bookmarks") X(FORGET, "forget") X(INDEX, "index") X(GREP, "grep")
enum {
#define X(m, name) MODE_##m,
    MODES(X)
#undef X
    MODE_NONE,
    NMODES = MODE_NONE
};
static const char *const mode_name[NMODES] = {
#define X(m, name) name,
    MODES(X)
#undef X
};
#define MODE_BIT(m) (1u << (m))
#define ANY_MODE (MODE_BIT(MODE_NONE + 1) - 1)

/* Options that go with some modes only: the modes, and why not others. */
enum { ONLY_E, ONLY_C, ONLY_JSON, ONLY_EXACT, ONLY_NO_INDEX, NONLY };
static const struct {
    const char *opt;
    unsigned modes;
    const char *why;
} only[NONLY] = {
    [ONLY_E] = {"-E", MODE_BIT(MODE_GREP), NULL},
    [ONLY_C] = {"-c", MODE_BIT(MODE_GREP), NULL},
    [ONLY_JSON] = {"--json", MODE_BIT(MODE_OUTLINE) | MODE_BIT(MODE_SPEAKERS) |
                   MODE_BIT(MODE_BOOKMARKS) | MODE_BIT(MODE_GREP), NULL},
    [ONLY_EXACT] = {"--exact", ANY_MODE & ~MODE_BIT(MODE_INDEX), "an exact search reads no index"},
    [ONLY_NO_INDEX] = {"--no-index", ANY_MODE & ~MODE_BIT(MODE_INDEX), NULL},
};

/* "--a, --b and --c" (join "and") or "--a, --b or --c" of the modes in
 * bits, into b. */
static void mode_list(unsigned bits, const char *join, buf_t *b)
{
    int n = 0, total = __builtin_popcount(bits & (MODE_BIT(NMODES) - 1));
    for (int m = 0; m < NMODES; m++) {
        if (!(bits & MODE_BIT(m)))
            continue;
        if (n++)
            buf_adds(b, n == total ? join : ", ");
        buf_adds(b, "--");
        buf_adds(b, mode_name[m]);
    }
}

#define SHORT_OPTS "w:e:hVEc"

/* The long option that getopt_long took for the user's name[0..n): the
 * one of that name, else the first it abbreviates; NULL if none. When
 * others it abbreviates are not the same option (another value or
 * argument), they and the first are marked in amb[] (of as many entries
 * as opts) and *n_amb counts them. */
static const struct option *long_opt(const struct option *opts, const char *name, size_t n,
                                     unsigned char *amb, int *n_amb)
{
    const struct option *first = NULL;
    *n_amb = 0;
    for (const struct option *p = opts; p->name; p++)
        if (strlen(p->name) == n && !strncmp(p->name, name, n))
            return p;
    for (const struct option *p = opts; p->name; p++) {
        if (strncmp(p->name, name, n))
            continue;
        if (!first) {
            first = p;
        } else if (p->has_arg != first->has_arg || p->val != first->val) {
            *n_amb += !amb[first - opts] + 1;
            amb[first - opts] = amb[p - opts] = 1;
        }
    }
    return first;
}

/* getopt_long's complaint (c: what it returned, '?' or ':', with optind
 * and optopt as it left them) in its words, with the user's text made
 * terminal-safe: opterr is 0, as getopt would print it raw. Stops. */
static void bad_option(int c, char *const argv[], const struct option *opts, size_t nopts)
{
    /* the element an error of a long option is about (optind is past it);
       one of a short option may still be at optind */
    const char *el = argv[optind - 1];
    int short_ok = optopt > 0 && optopt < 256 && optopt != ':' && strchr(SHORT_OPTS, optopt);
    /* '?' of a valid short option's value: a long option given an argument */
    int is_long = c == ':' ? !strncmp(el, "--", 2) : optopt == 0 || optopt >= 256 || short_ok;
    if (!is_long) {
        char ch[2] = {(char)optopt, '\0'};
        if (c == ':')
            msg("option requires an argument -- '%s'", safe_path(ch));
        else
            msg("invalid option -- '%s'", safe_path(ch));
        try_help();
    }
    const char *name = el + 2;
    unsigned char *amb = xcalloc(nopts, 1);
    int n_amb;
    const struct option *o = long_opt(opts, name, strcspn(name, "="), amb, &n_amb);
    if (n_amb) {
        buf_t b = {0};
        buf_adds(&b, "option '");
        buf_adds(&b, safe_path(el));
        buf_adds(&b, "' is ambiguous; possibilities:");
        for (size_t i = 0; i < nopts; i++)
            if (amb[i]) {
                buf_adds(&b, " '--");
                buf_adds(&b, opts[i].name);
                buf_adds(&b, "'");
            }
        msg("%s", b.p);
        buf_free(&b);
    } else if (!o || optopt == 0) {
        msg("unrecognized option '%s'", safe_path(el));
    } else if (c == ':') {
        msg("option '--%s' requires an argument", o->name);
    } else {
        msg("option '--%s' doesn't allow an argument", o->name);
    }
    free(amb);
    try_help();
}

/* A second mode: say which modes exclude each other, and stop. */
static void modes_clash(void)
{
    buf_t b = {0};
    mode_list(ANY_MODE, " and ", &b);
    msg("%s exclude each other", b.p);
    try_help();
}

/* Stop when an option given (the bits of `given`: ONLY_*) does not go
 * with the mode. */
static void check_only(unsigned given, int mode)
{
    for (int i = 0; i < NONLY; i++) {
        if (!(given & (1u << i)) || (only[i].modes & MODE_BIT(mode)))
            continue;
        buf_t b = {0};
        if (__builtin_popcount(only[i].modes) * 2 > __builtin_popcount(ANY_MODE)) {
            buf_adds(&b, " does not go with ");
            mode_list(ANY_MODE & ~only[i].modes, " or ", &b);
        } else {
            buf_adds(&b, " goes with ");
            mode_list(only[i].modes, " or ", &b);
        }
        msg("%s%s%s%s%s", only[i].opt, b.p, only[i].why ? " (" : "",
            only[i].why ? only[i].why : "", only[i].why ? ")" : "");
        try_help();
    }
}

/* --color=WHEN (1 always, 0 never, -1 auto): auto is on for a terminal
 * unless NO_COLOR is set or TERM is dumb. */
static int colour(int when)
{
    if (when >= 0)
        return when;
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
    return isatty(STDOUT_FILENO) && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
}

/* Is out still good, all written (flushed)? If not, say why, once (not
 * EPIPE: whoever read the pipe has gone), and return 0. A write that
 * failed before (stdio then drops the buffer) left its errno: callers set
 * errno to 0 before they write. */
static int out_ok(FILE *out)
{
    static int said;
    int before = errno;
    errno = 0;
    if (fflush(out) == 0 && !ferror(out))
        return 1;
    if (!errno)
        errno = before ? before : EIO;
    if (!said++ && errno != EPIPE)
        msg("write error: %s", strerror(errno));
    return 0;
}

/* --index: make or check the search index of d (no structure needed);
 * returns 0 or 2. */
static int index_doc(const char *path, doc_t *d, int search_flags, FILE *out)
{
    int rc = 0;
    search_t S;
    search_init(&S, d->text, d->len);
    char id[48];
    ident_doc(path, d, id);
    search_use_index(&S, id);
    int made = search_prepare(&S, search_flags);
    if (made == SEARCH_INDEX_MADE)
        fprintf(out, "%s: indexed\n", safe_path(path));
    else if (made == SEARCH_INDEX_OPENED)
        fprintf(out, "%s: index up to date\n", safe_path(path));
    else {
        char *ip = search_index_path(&S, search_flags), why[160];
        char *c = sindex_dir_refused(why, sizeof why);
        if (c)
            msg("%s: cannot write the index: not using the cache directory %s: %s",
                safe_path(path), safe_path(c), why);
        else
            msg("%s: cannot write the index %s", safe_path(path), ip ? safe_path(ip) : "");
        free(c);
        free(ip);
        rc = 2;
    }
    search_free(&S);
    return rc;
}

/* --index DIR: make or refresh the library index of DIR (libindex.h),
 * which is made with the default encoding and format; returns 0 or 2. */
static int index_library(const char *dir, const doc_opts_t *dopt, int format, FILE *out)
{
    if (dopt->encoding || format != FMT_AUTO) {
        msg("%s: the library index is made with the encodings detected and the formats "
            "decided by the files (no --encoding, --format)", safe_path(dir));
        return 2;
    }
    long long t0 = now_ms();
    lix_stats_t st;
    if (libindex_update(dir, 0, &st) < 0)
        return 2;
    fprintf(out, "%s: library index: %zu files, %zu indexed (%zu read, %zu kept), "
            "%.1f MB for %.1f MB of text, %.2f s\n",
            safe_path(dir), st.files, st.indexed, st.read, st.reused, st.bytes / 1e6,
            st.text / 1e6, (double)(now_ms() - t0) / 1000);
    return st.unread ? 2 : 0; /* (each said: libindex_update) */
}

/* Show one file in `mode`; returns 0 or 2 (write errors: out_ok). */
static int process_file(const char *path, const doc_opts_t *dopt,
                        const dump_opts_t *o, int format, int mode, int search_flags,
                        json_t *J, store_t *S, FILE *out)
{
    struct stat sb;
    if (mode == MODE_INDEX && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return index_library(path, dopt, format, out);
    doc_t d;
    int r = doc_open(&d, path, dopt);
    int rc = 0;
    if (r != DOC_OK) {
        char e[PATH_MAX + 128];
        msg("%s", doc_error(&d, r, e, sizeof e));
        rc = 2;
    } else if (mode == MODE_INDEX && st_is_aozora(d.text, d.len, format, path)) {
        /* searched as shown, in pieces, without an index (search.h) */
        fprintf(out, "%s: not indexed (Aozora notation: searched without an index)\n",
                safe_path(path));
    } else if (mode == MODE_INDEX && st_is_html(d.text, d.len, format, path)) {
        fprintf(out, "%s: not indexed (HTML: searched without an index)\n",
                safe_path(path));
    } else if (mode == MODE_INDEX) {
        errno = 0; /* (out_ok) */
        rc = index_doc(path, &d, search_flags, out);
    } else {
        structure_t st;
        /* --dump starts printing while the structure is still built */
        if (mode == MODE_DUMP)
            st_build_async(&st, d.text, d.len, format, path);
        else
            st_build(&st, d.text, d.len, format, path);
        errno = 0; /* (out_ok) */
        if (mode == MODE_DUMP)
            dump_doc(&d, &st, o, out);
        else if (mode == MODE_OUTLINE)
            report_outline(&st, path, J, out);
        else if (mode == MODE_SPEAKERS && !report_speakers(&st, path, J, out) && !J) {
            /* none: said where the user looks, never as data on a pipe */
            if (isatty(fileno(out)))
                fputs("no speakers found\n", out);
            else {
                fflush(out);
                msg("%s: no speakers found", safe_path(path));
            }
        }
        else if (mode == MODE_BOOKMARKS || mode == MODE_FORGET) {
            memory_t m;
            mem_open(&m, S, &d, &st, path, 0);
            if (mode == MODE_BOOKMARKS)
                report_bookmarks(&m, path, J, out);
            else if (store_forget(S, m.id) == 0)
                fprintf(out, "forgot %s\n", safe_path(path));
            else {
                rc = 2;
                if (store_failure(S))
                    msg("%s: cannot forget: %s", safe_path(path), store_failure(S));
            }
            const char *w = store_warning(S);
            if (w)
                msg("%s", w);
            mem_close(&m);
        }
        st_free(&st);
    }
    doc_close(&d);
    return rc;
}

/* Are system error messages C's (the locale that decides them, LC_ALL, else
 * LC_MESSAGES, else LANG, is unset, C, POSIX or C.*, and no LANGUAGE)? Then
 * LC_MESSAGES is left as C, as setlocale would make it, and its files are
 * not read: opening a text, its first screen and q 1.7% faster (paired
 * medians of 301, bench/pty.c). */
static int c_messages(void)
{
    const char *v = getenv("LANGUAGE");
    if (v && *v)
        return 0;
    const char *names[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        v = getenv(names[i]);
        if (v && *v)
            return !strcmp(v, "C") || !strcmp(v, "POSIX") || !strncmp(v, "C.", 2);
    }
    return 1;
}

int main(int argc, char **argv)
{
    /* the character set, and the language of system error messages; not
       LC_NUMERIC (--json's numbers keep their '.') nor the rest (unused,
       and loading every category is most of a millisecond) */
    setlocale(LC_CTYPE, "");
    if (!c_messages())
        setlocale(LC_MESSAGES, "");
    /* a file grown past `ulimit -f` (an index, the state): a write that
       fails, handled where it is made, not the end of the process */
    signal(SIGXFSZ, SIG_IGN);
    if (text_init_locale() < 0) {
        msg("no UTF-8 locale is available (tried the user's, C.UTF-8)");
        return 2;
    }
    enum {
        OPT_INDENT = 256, OPT_FORCE, OPT_FORMAT, OPT_COLOR, OPT_JSON, OPT_AMBIGUOUS,
        OPT_STATE_DIR, OPT_NO_STATE, OPT_FROM_START, OPT_MOUSE, OPT_EXACT, OPT_NO_TCSC, OPT_NO_INDEX,
        OPT_RUBY, OPT_HANG,
        OPT_MODE /* + MODE_*: the modes */
    };
    static const struct option opts[] = {
#define X(m, name) {name, no_argument, NULL, OPT_MODE + MODE_##m},
        MODES(X)
#undef X
        {"width", required_argument, NULL, 'w'},
        {"indent", required_argument, NULL, OPT_INDENT},
        {"hang", optional_argument, NULL, OPT_HANG},
        {"encoding", required_argument, NULL, 'e'},
        {"force", no_argument, NULL, OPT_FORCE},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"ruby", required_argument, NULL, OPT_RUBY},
        {"color", required_argument, NULL, OPT_COLOR},
        {"colour", required_argument, NULL, OPT_COLOR},
        {"json", no_argument, NULL, OPT_JSON},
        {"ambiguous", required_argument, NULL, OPT_AMBIGUOUS},
        {"state-dir", required_argument, NULL, OPT_STATE_DIR},
        {"no-state", no_argument, NULL, OPT_NO_STATE},
        {"from-start", no_argument, NULL, OPT_FROM_START},
        {"mouse", no_argument, NULL, OPT_MOUSE},
        {"exact", no_argument, NULL, OPT_EXACT},
        {"no-index", no_argument, NULL, OPT_NO_INDEX},
        {"no-tc-sc", no_argument, NULL, OPT_NO_TCSC},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int width = 0, mode = MODE_NONE, json = 0, format = FMT_AUTO;
    int color = -1; /* auto */
    int ambiguous = AMBI_UNKNOWN;
    const char *state_dir = NULL;
    int no_state = 0, from_start = 0, search_flags = 0, count = 0, mouse = 0;
    int no_index = 0;
    layout_opts_t lopt = {.width = 80, .indent = 2, .hang = -1}; /* -1: not given */
    doc_opts_t dopt = {0};
    int c;
    opterr = 0; /* its messages would show the user's text raw: bad_option */
    while ((c = getopt_long(argc, argv, ":" SHORT_OPTS, opts, NULL)) != -1) {
        if (c >= OPT_MODE && c < OPT_MODE + NMODES) {
            if (mode != MODE_NONE && mode != c - OPT_MODE)
                modes_clash();
            mode = c - OPT_MODE;
            continue;
        }
        switch (c) {
        case OPT_JSON:
            json = 1;
            break;
        case OPT_STATE_DIR:
            state_dir = optarg;
            break;
        case OPT_NO_STATE:
            no_state = 1;
            break;
        case OPT_FROM_START:
            from_start = 1;
            break;
        case OPT_MOUSE:
            mouse = 1;
            break;
        case OPT_EXACT:
            search_flags |= SEARCH_EXACT;
            break;
        case OPT_NO_INDEX:
            no_index = 1;
            break;
        case 'E':
            search_flags |= SEARCH_REGEX;
            break;
        case 'c':
            count = 1;
            break;
        case OPT_NO_TCSC:
            search_flags |= SEARCH_NO_TCSC;
            break;
        case OPT_AMBIGUOUS:
            if (!strcmp(optarg, "narrow"))
                ambiguous = AMBI_NARROW;
            else if (!strcmp(optarg, "wide"))
                ambiguous = AMBI_WIDE;
            else {
                msg("invalid ambiguous width '%s' (expected narrow or wide)",
                    safe_path(optarg));
                try_help();
            }
            break;
        case OPT_FORMAT:
            if (!strcmp(optarg, "markdown") || !strcmp(optarg, "md"))
                format = FMT_MARKDOWN;
            else if (!strcmp(optarg, "text"))
                format = FMT_TEXT;
            else if (!strcmp(optarg, "aozora"))
                format = FMT_AOZORA;
            else if (!strcmp(optarg, "html"))
                format = FMT_HTML;
            else {
                msg("invalid format '%s' (expected markdown, html, text or aozora)",
                    safe_path(optarg));
                try_help();
            }
            break;
        case OPT_RUBY:
            if (!strcmp(optarg, "hide") || !strcmp(optarg, "paren"))
                lopt.ruby = !strcmp(optarg, "paren") ? RUBY_PAREN : RUBY_HIDE;
            else {
                msg("invalid ruby '%s' (expected hide or paren)", safe_path(optarg));
                try_help();
            }
            break;
        case OPT_COLOR:
            if (!strcmp(optarg, "always"))
                color = 1;
            else if (!strcmp(optarg, "never"))
                color = 0;
            else if (!strcmp(optarg, "auto"))
                color = -1;
            else {
                msg("invalid color '%s' (expected auto, always or never)",
                    safe_path(optarg));
                try_help();
            }
            break;
        case 'w':
            if (parse_int(optarg, LAYOUT_MIN_WIDTH, LAYOUT_MAX_WIDTH, &width)) {
                msg("invalid width '%s' (expected %d to %d)", safe_path(optarg),
                    LAYOUT_MIN_WIDTH, LAYOUT_MAX_WIDTH);
                try_help();
            }
            break;
        case OPT_INDENT:
            if (parse_int(optarg, 0, LAYOUT_MAX_INDENT, &lopt.indent)) {
                msg("invalid indent '%s' (expected 0 to %d)", safe_path(optarg),
                    LAYOUT_MAX_INDENT);
                try_help();
            }
            break;
        case OPT_HANG:
            lopt.hang = LAYOUT_MAX_HANG;
            if (optarg && parse_int(optarg, 0, LAYOUT_MAX_HANG, &lopt.hang)) {
                msg("invalid hang '%s' (expected 0 to %d)", safe_path(optarg),
                    LAYOUT_MAX_HANG);
                try_help();
            }
            break;
        case 'e':
            dopt.encoding = optarg;
            if (!enc_canonical(optarg)) {
                msg("unknown encoding '%s'", safe_path(optarg));
                try_help();
            }
            break;
        case OPT_FORCE:
            dopt.force = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("juan %s\n", JUAN_VERSION);
            return 0;
        default:
            bad_option(c, argv, opts, sizeof opts / sizeof *opts - 1);
        }
    }
    check_only((search_flags & SEARCH_REGEX ? 1u << ONLY_E : 0) | (count ? 1u << ONLY_C : 0) |
                   (json ? 1u << ONLY_JSON : 0) | (search_flags & SEARCH_EXACT ? 1u << ONLY_EXACT : 0) |
                   (no_index ? 1u << ONLY_NO_INDEX : 0),
               mode);
    if (no_index)
        sindex_dir_off(); /* nothing read or written under the cache */
    if (mode == MODE_GREP) {
        if (optind >= argc) {
            msg("--grep needs a QUERY and a FILE or DIR");
            try_help();
        }
        const char *query = argv[optind++];
        if (optind >= argc) {
            msg("--grep needs a FILE or DIR after the query");
            try_help();
        }
        grep_opts_t go = {.flags = search_flags, .count = count, .json = json,
                          .color = colour(color), .format = format, .dopt = dopt,
                          .no_index = no_index};
        static char gbuf[1 << 16];
        setvbuf(stdout, gbuf, _IOFBF, sizeof gbuf);
        int rc = grep_run(query, argv + optind, argc - optind, &go, stdout);
        return out_ok(stdout) ? rc : 2;
    }
    int nomode = mode == MODE_NONE, reader = nomode && isatty(STDOUT_FILENO);
    if (nomode)
        mode = MODE_DUMP;
    static char *stdin_only[] = {"-", NULL};
    char **files = argv + optind;
    int nfiles = argc - optind;
    if (nfiles == 0 && nomode && !isatty(STDIN_FILENO)) {
        files = stdin_only; /* cmd | juan */
        nfiles = 1;
    }
    struct stat sb;
    int want_library = nomode && (nfiles == 0 || (nfiles == 1 && stat(files[0], &sb) == 0 &&
                                                  S_ISDIR(sb.st_mode)));
    int library = reader && want_library;
    if (nfiles == 0 && !want_library) { /* (bare juan, no terminal: said below) */
        msg("no file given");
        try_help();
    }
    const char *term = getenv("TERM");
    if (reader && (!term || !*term || !strcmp(term, "dumb")))
        reader = 0; /* no screen to draw on: print */
    if (want_library && !reader) { /* the library cannot be printed: say why */
        msg("%s%sthe library needs a terminal (%s); to search a directory: juan --grep "
            "QUERY DIR",
            nfiles ? safe_path(files[0]) : "", nfiles ? ": " : "",
            !isatty(STDOUT_FILENO) ? "standard output is not one" : "TERM is dumb or unset");
        return 2;
    }
    if (reader) {
        tui_opts_t to = {.width = width ? width : 72, .indent = lopt.indent,
                         .format = format, .color = colour(color),
                         .ambiguous = ambiguous, .dopt = dopt,
                         .state_dir = state_dir, .no_state = no_state,
                         .from_start = from_start, .search_flags = search_flags,
                         .no_index = no_index, .ruby = lopt.ruby, .mouse = mouse,
                         .hang = lopt.hang < 0 ? LAYOUT_MAX_HANG : lopt.hang};
        int r = library ? tui_library(nfiles ? files[0] : NULL, &to)
                        : tui_run(files, nfiles, &to);
        if (r >= 0)
            return r;
        msg("cannot start the reader on terminal type '%s'; printing instead",
            safe_path(term));
    }
    lopt.width = width ? width : terminal_width();
    if (lopt.hang < 0) /* --dump keeps within the width unless asked */
        lopt.hang = 0;

    FILE *out = stdout;
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    dump_opts_t dop = {.lo = lopt, .color = colour(color)};
    store_t *S = NULL;
    if (mode == MODE_BOOKMARKS || mode == MODE_FORGET) {
        char warn[512];
        S = no_state ? NULL : store_open(state_dir, warn, sizeof warn);
        if (!S) {
            msg("%s", no_state ? "--no-state: no positions or bookmarks to show"
                               : warn);
            return 2;
        }
        if (warn[0])
            msg("%s", warn);
    }
    int rc = 0, many = nfiles > 1;
    json_t J, *jp = json ? &J : NULL;
    json_init(&J, out);
    if (jp && many)
        json_array(jp, JSON_DOCS);
    for (int i = 0; i < nfiles; i++) {
        if (many && !jp)
            fprintf(out, "%s==> %s <==\n", i > 0 ? "\n" : "",
                    safe_path(files[i]));
        int r = process_file(files[i], &dopt, &dop, format, mode, search_flags, jp, S, out);
        if (r)
            rc = r;
        if (!out_ok(out)) { /* nothing more can be written */
            rc = 2;
            break;
        }
    }
    if (jp && many)
        json_end(jp);
    store_close(S);
    return out_ok(out) ? rc : 2;
}
