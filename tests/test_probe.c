/* The ambiguous-width probe, against a fake terminal: juan runs on a pty
 * whose "terminal" (this program) answers the cursor-position question as
 * a terminal that draws “ wide (column 3) or narrow (column 2) would, or
 * not at all, and 100 ms late, as over a slow link. The probe never delays
 * the first screen: the first screen is up before the answer is sent;
 * keys typed before the answer, and with it, work; the answer is neither
 * shown nor taken for keys. Wide: the reader shows the notice; narrow: it
 * does not; no answer: none; on a first opening ever the notice waits
 * behind "h: help" and comes with the next key. The question is asked
 * once, in the reader's screen, and what it printed is cleared by the
 * first screen. Prints the median time to the first screen with the late
 * answer and with --ambiguous=narrow (no probe). */
#include "t.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Read from fd into out (appending) until `want` appears or ms pass. */
static int read_until(int fd, char *out, size_t cap, size_t *n, const char *want, long ms)
{
    long end = now_ms() + ms;
    while (!memmem(out, *n, want, strlen(want))) {
        long left = end - now_ms();
        if (left <= 0)
            return 0;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, (int)left) <= 0)
            continue;
        ssize_t k = read(fd, out + *n, cap - 1 - *n);
        if (k <= 0)
            return 0;
        *n += (size_t)k;
        out[*n] = 0;
        if (*n >= cap - 1)
            return 0;
    }
    return 1;
}

/* Run the reader; `answer` (NULL: none) is sent `delay` ms after the
 * question is read, with `after` right behind it (in the same write);
 * `before` is typed once the first screen is up, before the answer, and
 * the run waits for `before_seen` then. Waits for `want` at the end.
 * Returns what the reader printed; *first_ms: start to first screen;
 * *first_before: the first screen was read before the answer was sent;
 * *ans_at: where in the output the answer was sent. */
/* The first screen: the text's first words (samples/interview.txt) */
#define FIRST "\xE6\xB2\x88\xE7\x9F\xA5\xE8\xBF\x9C" /* 沈知远 */

/* state: the state directory (a first opening ever when it is new); NULL:
 * --no-state, so that nothing else is on the status line (a store's
 * warning, or the first opening's "h: help", is shown before the notice,
 * which then waits for a key) */
typedef struct {
    const char *opt, *answer, *after, *before, *before_seen, *want, *state;
    long delay;
    long first_ms;
    int first_before, up;
    size_t ans_at;
} run_t;

/* Is want in s[0..n) as the screen shows it: the bytes with the terminal's
 * control sequences (CSI ... final byte, ESC and one byte) left out, so a
 * word ncurses drew in two pieces is still found. */
static int has_text(const char *s, size_t n, const char *want)
{
    char *t = malloc(n + 1);
    size_t m = 0;
    for (size_t i = 0; t && i < n; i++) {
        if (s[i] == '\x1b' && i + 1 < n && s[i + 1] == '[') {
            for (i += 2; i < n && !(s[i] >= 0x40 && s[i] <= 0x7E); i++)
                ;
            continue;
        }
        if (s[i] == '\x1b') {
            i++;
            continue;
        }
        t[m++] = s[i];
    }
    int found = t && memmem(t, m, want, strlen(want)) != NULL;
    free(t);
    return found;
}

static char *run(const char *juan, run_t *R)
{
    int fd;
    struct winsize ws = {.ws_row = 24, .ws_col = 80};
    pid_t pid = forkpty(&fd, NULL, NULL, &ws);
    if (pid < 0)
        return NULL;
    if (pid == 0) {
        setenv("TERM", "xterm", 1);
        setenv("LC_ALL", "C.UTF-8", 1);
        const char *argv[8];
        int k = 0;
        argv[k++] = juan;
        if (R->opt)
            argv[k++] = R->opt;
        if (R->state)
            setenv("JUAN_STATE_DIR", R->state, 1);
        else
            argv[k++] = "--no-state";
        argv[k++] = "--from-start";
        argv[k++] = "samples/interview.txt";
        argv[k] = NULL;
        execv(juan, (char *const *)argv);
        _exit(127);
    }
    size_t cap = 1 << 20, n = 0;
    char *out = calloc(cap, 1);
    long t0 = now_ms();
    long ask_at = -1, first_at = -1;
    int answered = 0, typed = 0;
    R->first_before = 0;
    R->ans_at = 0;
    R->up = 0;
    /* read, answering when it is time, until the end's text */
    for (long end = t0 + 5000; now_ms() < end;) {
        if (ask_at < 0 && memmem(out, n, "\x1b[6n", 4))
            ask_at = now_ms();
        if (first_at < 0 && memmem(out, n, FIRST, strlen(FIRST))) {
            first_at = now_ms();
            R->first_ms = first_at - t0;
        }
        if (first_at >= 0 && R->before && !typed) {
            ssize_t w = write(fd, R->before, strlen(R->before));
            (void)w;
            typed = 1;
            int seen = read_until(fd, out, cap, &n, R->before_seen, 3000);
            CHECK_MSG(seen, "a key typed before the answer works (%s)", R->before_seen);
            continue;
        }
        if (ask_at >= 0 && !answered && R->answer && now_ms() >= ask_at + R->delay) {
            char msg[64];
            snprintf(msg, sizeof msg, "%s%s", R->answer, R->after ? R->after : "");
            R->first_before = first_at >= 0;
            R->ans_at = n;
            ssize_t w = write(fd, msg, strlen(msg));
            (void)w;
            answered = 1;
        }
        if ((answered || !R->answer) && first_at >= 0 && (!R->before || typed) &&
            has_text(out + R->ans_at, n - R->ans_at, R->want)) {
            R->up = 1;
            break;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 5) <= 0)
            continue;
        ssize_t k = read(fd, out + n, cap - 1 - n);
        if (k <= 0)
            break;
        n += (size_t)k;
        out[n] = 0;
    }
    /* quiet for a moment: whatever the answer made the reader do is read */
    read_until(fd, out, cap, &n, "\x01never", 150);
    ssize_t w = write(fd, "q", 1);
    (void)w;
    int st;
    for (long end = now_ms() + 2000; now_ms() < end;) { /* until it exits */
        if (waitpid(pid, &st, WNOHANG) == pid) {
            pid = 0;
            break;
        }
        read_until(fd, out, cap, &n, "\x01never", 20);
    }
    if (pid) {
        kill(pid, SIGTERM);
        waitpid(pid, &st, 0);
    }
    close(fd);
    return out;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* The answer's text anywhere in what was printed after it was sent. */
static int shown(const char *o, const run_t *R)
{
    return o && (strstr(o + R->ans_at, "24;3R") || strstr(o + R->ans_at, "24;2R"));
}

int main(int argc, char **argv)
{
    const char *juan = argc > 1 ? argv[1] : getenv("JUAN") ? getenv("JUAN") : "./juan";
    /* wide, 100 ms late: the first screen first, then the notice */
    run_t R = {.answer = "\x1b[24;3R", .delay = 100, .want = "ambiguous-width"};
    char *o = run(juan, &R);
    CHECK_MSG(R.up, "wide: the notice");
    CHECK_MSG(R.first_before, "wide: the first screen is up before the answer is sent");
    CHECK_MSG(!shown(o, &R), "wide: the answer is not shown");
    /* asked once, in the reader's screen, and cleared by its first draw */
    char *ask = o ? strstr(o, "\x1b[6n") : NULL;
    char *alt = o ? strstr(o, "\x1b[?1049h") : NULL;
    CHECK(ask && !strstr(ask + 1, "\x1b[6n"));
    CHECK_MSG(ask && alt && alt < ask, "the probe is asked in the reader's screen");
    CHECK_MSG(ask && !memcmp(ask - 10, "\x1b[24;1H\xE2\x80\x9C", 10) && strstr(ask, "\x1b[2J"),
              "the quote on the last row, the question, then the screen cleared");
    free(o);
    /* narrow: no notice; a key sent with the answer is a key */
    R = (run_t){.answer = "\x1b[24;2R", .after = "G", .delay = 100, .want = "100%"};
    o = run(juan, &R);
    CHECK_MSG(R.up, "narrow: G sent right behind the answer went to the end");
    CHECK_MSG(o && !strstr(o, "ambiguous-width"), "narrow: no notice");
    CHECK_MSG(!shown(o, &R), "narrow: the answer is not shown");
    free(o);
    /* no answer: the reader is up, no notice */
    R = (run_t){.want = "min left"};
    o = run(juan, &R);
    CHECK_MSG(R.up, "no answer: the reader is up");
    CHECK_MSG(o && !strstr(o, "ambiguous-width"), "no answer: no notice");
    free(o);
    /* a key typed before the answer is not lost: G goes to the end; the
       late answer then still gives the notice */
    R = (run_t){.answer = "\x1b[24;3R", .delay = 100, .before = "G", .before_seen = "100%",
                .want = "ambiguous-width"};
    o = run(juan, &R);
    CHECK_MSG(R.up, "a key typed before the answer, then the wide answer: the notice");
    CHECK_MSG(!shown(o, &R), "the answer after a key is not shown");
    free(o);
    /* a first opening ever: "h: help" is on the status line; the notice
       waits behind it and comes with the next key (sent with the answer) */
    char dir[] = "/tmp/juan-test-probe-XXXXXX";
    if (mkdtemp(dir)) {
        R = (run_t){.answer = "\x1b[24;3R", .after = "j", .delay = 100, .state = dir,
                    .want = "ambiguous-width"};
        o = run(juan, &R);
        CHECK_MSG(o && has_text(o, R.ans_at, "h: help"), "a first opening: h: help first");
        CHECK_MSG(R.up, "a first opening: the notice after the next key");
        free(o);
        char cmd[64];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        CHECK_MSG(system(cmd) == 0, "the state directory removed");
    } else {
        CHECK_MSG(0, "mkdtemp");
    }
    /* --ambiguous=narrow: no question */
    R = (run_t){.opt = "--ambiguous=narrow", .want = "min left"};
    o = run(juan, &R);
    CHECK_MSG(R.up && o && !strstr(o, "\x1b[6n"), "--ambiguous=narrow: not asked");
    free(o);
    /* the first screen with a 100 ms-late answer and with no probe */
    enum { RUNS = 7 };
    long late[RUNS], none[RUNS];
    for (int i = 0; i < RUNS; i++) {
        R = (run_t){.answer = "\x1b[24;2R", .delay = 100, .want = FIRST};
        free(run(juan, &R));
        late[i] = R.first_ms;
        R = (run_t){.opt = "--ambiguous=narrow", .want = FIRST};
        free(run(juan, &R));
        none[i] = R.first_ms;
    }
    qsort(late, RUNS, sizeof *late, cmp_long);
    qsort(none, RUNS, sizeof *none, cmp_long);
    fprintf(stderr, "first screen: %ld ms with the probe answered 100 ms late, %ld ms without "
                    "the probe (medians of %d)\n", late[RUNS / 2], none[RUNS / 2], RUNS);
    return T_DONE("test_probe");
}
