/* The ambiguous-width probe, against a fake terminal: juan runs on a pty
 * whose "terminal" (this program) answers the cursor-position question as
 * a terminal that draws “ wide (column 3) or narrow (column 2) would, or
 * not at all. Wide: the reader shows the notice; narrow: it does not; no
 * answer: the reader still starts (the probe gives up after 200 ms), and
 * the question is asked once, before the screen starts. */
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

/* Run the reader with answer (NULL: none); returns what it printed. */
static char *run(const char *juan, const char *answer, long *startup_ms)
{
    int fd;
    struct winsize ws = {.ws_row = 24, .ws_col = 80};
    pid_t pid = forkpty(&fd, NULL, NULL, &ws);
    if (pid < 0)
        return NULL;
    if (pid == 0) {
        setenv("TERM", "xterm", 1);
        setenv("LC_ALL", "C.UTF-8", 1);
        execl(juan, juan, "--from-start", "samples/interview.txt", (char *)NULL);
        _exit(127);
    }
    size_t cap = 1 << 20, n = 0;
    char *out = calloc(cap, 1);
    long t0 = now_ms();
    int asked = read_until(fd, out, cap, &n, "\x1b[6n", 3000);
    CHECK_MSG(asked, "juan asks for the cursor position");
    if (asked && answer) {
        ssize_t w = write(fd, answer, strlen(answer));
        (void)w;
    }
    /* the status line: the reader is up (a notice too long to share the
       row with the percent has it whole) */
    int up = read_until(fd, out, cap, &n,
                        answer && strstr(answer, ";3R") ? "ambiguous-width" : "min left", 5000);
    *startup_ms = now_ms() - t0;
    CHECK_MSG(up, "the reader starts (answer %s)", answer ? "given" : "none");
    ssize_t w = write(fd, "q", 1);
    (void)w;
    read_until(fd, out, cap, &n, "\x01never", 1000);
    int st;
    kill(pid, SIGTERM);
    waitpid(pid, &st, 0);
    close(fd);
    return out;
}

int main(int argc, char **argv)
{
    const char *juan = argc > 1 ? argv[1] : getenv("JUAN") ? getenv("JUAN") : "./juan";
    long ms;
    char *o = run(juan, "\x1b[24;3R", &ms);
    CHECK_MSG(o && strstr(o, "ambiguous-width"), "wide: the notice");
    /* asked once, and before the screen started (the alternate screen) */
    char *ask = o ? strstr(o, "\x1b[6n") : NULL;
    char *alt = o ? strstr(o, "\x1b[?1049h") : NULL;
    CHECK(ask && !strstr(ask + 1, "\x1b[6n"));
    CHECK_MSG(ask && (!alt || ask < alt), "the probe comes before the screen");
    /* what it printed is erased: \r, the quote, the question, \r, erase line */
    CHECK(o && strstr(o, "\r\xE2\x80\x9C\x1b[6n\r\x1b[K"));
    free(o);
    o = run(juan, "\x1b[24;2R", &ms);
    CHECK_MSG(o && !strstr(o, "ambiguous-width"), "narrow: no notice");
    free(o);
    o = run(juan, NULL, &ms);
    CHECK_MSG(o && !strstr(o, "ambiguous-width"), "no answer: no notice");
    /* the probe waits 200 ms at most; the rest is the reader's start */
    CHECK_MSG(ms < 2000, "no answer: the reader is up after %ld ms", ms);
    free(o);
    /* a key typed before the answer (or with none) is not lost: G goes to
       the end */
    o = run(juan, "G\x1b[24;2R", &ms);
    CHECK_MSG(o && strstr(o, "100%"), "a key typed before the answer: G went to the end");
    free(o);
    o = run(juan, "G", &ms);
    CHECK_MSG(o && strstr(o, "100%"), "a key typed, no answer: G went to the end");
    free(o);
    return T_DONE("test_probe");
}
