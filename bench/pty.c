/* pty: run a terminal program in a pseudo-terminal, type a key script at
 * it, and wait for it to exit; print "SECONDS PEAK_RSS_KB EXIT" like
 * runstat (wall-clock from start to exit, the program's own peak RSS from
 * wait4). The program's output is read and thrown away.
 * Usage: pty COLS ROWS SCRIPT CMD [ARG]...
 * SCRIPT is typed as it is, with \r (Enter), \e (Escape), \\ and \{; it is
 * typed at once (the program reads it when it is ready), except where it
 * holds {Q} (wait until the program has drawn something since the keys
 * before, or the last resize, and then been quiet for 30 ms) or {W=N}
 * (the same wait, then make the terminal N columns wide: SIGWINCH), or
 * {S=MS} (sleep MS milliseconds, reading its output). With PTY_REFLOW=FILE, the time from each
 * {W=N} to the last byte of the redraw that follows it (ms) is appended
 * to FILE, a line each. With PTY_ANSWER=MS, the terminal answers each
 * cursor-position request (ESC[6n) MS milliseconds late, as over a slow
 * link, as a terminal that draws the probe's “ narrow (ESC[ROWS;2R). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static int master = -1;
static long seen;    /* bytes of output read */
static double last;  /* when the last of it came */
static double answer_ms = -1; /* PTY_ANSWER: the late answer, or none */
static double answer_at;      /* when the pending answer is due (0: none) */
static int rows;
static char tail[4];          /* the output's last bytes: ESC[6n across reads */

static void answer_due(void)
{
    if (answer_at <= 0 || now() < answer_at)
        return;
    answer_at = 0;
    char a[32];
    int k = snprintf(a, sizeof a, "\033[%d;2R", rows);
    if (write(master, a, (size_t)k) < 0) {
        /* the program is gone: nobody to answer */
    }
}

static void look_for_question(const char *buf, ssize_t n)
{
    if (answer_ms < 0)
        return;
    for (ssize_t i = 0; i < n; i++) {
        memmove(tail, tail + 1, 3);
        tail[3] = buf[i];
        if (!memcmp(tail, "\033[6n", 4) && answer_at <= 0)
            answer_at = now() + answer_ms / 1e3;
    }
}


/* Read what is there within ms; 0 when nothing came (or the end). */
static int drain(int ms)
{
    double end = now() + ms / 1e3;
    for (;;) {
        answer_due();
        int wait = (int)((end - now()) * 1e3 + 0.5);
        if (wait < 0)
            wait = 0;
        if (answer_at > 0) { /* wake for the answer when it is due */
            int due = (int)((answer_at - now()) * 1e3) + 1;
            if (due < wait)
                wait = due > 0 ? due : 0;
        }
        struct pollfd p = {master, POLLIN, 0};
        if (poll(&p, 1, wait) > 0)
            break;
        if (now() >= end) {
            answer_due();
            return 0;
        }
    }
    char buf[65536];
    ssize_t n = read(master, buf, sizeof buf);
    if (n > 0) {
        seen += n;
        last = now();
        look_for_question(buf, n);
    }
    answer_due();
    return n > 0;
}

/* Wait until the program has drawn something since `since` bytes (at
 * most 5 s) and then stayed quiet for 30 ms. */
static void quiet(long since)
{
    double t = now();
    while (seen <= since && now() - t < 5)
        drain(100);
    while (drain(30))
        ;
}

static void type(const char *s, size_t n)
{
    while (n) {
        ssize_t k = write(master, s, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return;
        s += k;
        n -= (size_t)k;
        drain(0); /* keep its output flowing */
    }
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fputs("usage: pty COLS ROWS SCRIPT CMD [ARG]...\n", stderr);
        return 2;
    }
    struct winsize ws = {.ws_col = (unsigned short)atoi(argv[1]),
                         .ws_row = (unsigned short)atoi(argv[2])};
    rows = ws.ws_row;
    if (getenv("PTY_ANSWER"))
        answer_ms = atof(getenv("PTY_ANSWER"));
    double t0 = now();
    pid_t pid = forkpty(&master, NULL, NULL, &ws);
    if (pid < 0) {
        perror("pty: forkpty");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[4], argv + 4);
        _exit(127);
    }
    const char *s = argv[3], *rf = getenv("PTY_REFLOW");
    char buf[4096];
    size_t n = 0;
    double resized = 0;
    long mark = 0; /* output seen before the last keys or resize */
    for (; *s; s++) {
        if (*s == '{' && s[1] == 'S' && s[2] == '=') { /* {S=MS}: sleep, reading */
            type(buf, n);
            n = 0;
            double t = now(), ms = atof(s + 3) / 1e3;
            while (now() - t < ms)
                drain(5);
            while (*s && *s != '}')
                s++;
            if (!*s)
                break;
            continue;
        }
        if (*s == '{' && (s[1] == 'Q' || (s[1] == 'W' && s[2] == '='))) {
            if (n)
                mark = seen;
            type(buf, n);
            n = 0;
            quiet(mark);
            if (resized > 0 && rf) { /* the redraw after the last resize */
                FILE *f = fopen(rf, "a");
                if (f) {
                    fprintf(f, "%.1f\n", (last - resized) * 1e3);
                    fclose(f);
                }
                resized = 0;
            }
            if (s[1] == 'W') {
                ws.ws_col = (unsigned short)atoi(s + 3);
                ioctl(master, TIOCSWINSZ, &ws);
                kill(pid, SIGWINCH);
                resized = now();
                mark = seen;
            }
            while (*s && *s != '}')
                s++;
            if (!*s)
                break;
            continue;
        }
        char c = *s;
        if (c == '\\' && s[1]) {
            s++;
            c = *s == 'r' ? '\r' : *s == 'e' ? '\033' : *s == 'n' ? '\n' : *s;
        }
        if (n < sizeof buf)
            buf[n++] = c;
    }
    type(buf, n);
    /* until it exits: keep reading, so that it never blocks on output */
    int st = 0;
    struct rusage ru;
    for (;;) {
        pid_t w = wait4(pid, &st, WNOHANG, &ru);
        if (w == pid)
            break;
        if (w < 0) {
            perror("pty: wait4");
            return 2;
        }
        drain(5);
    }
    double t1 = now();
    printf("%.4f %ld %d\n", t1 - t0, ru.ru_maxrss,
           WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
    return 0;
}
