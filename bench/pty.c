/* pty: run a terminal program in a pseudo-terminal, type a key script at
 * it, and wait for it to exit; print "SECONDS PEAK_RSS_KB EXIT" like
 * runstat (wall-clock from start to exit, the program's own peak RSS from
 * wait4). The program's output is read and thrown away.
 * Usage: pty COLS ROWS SCRIPT CMD [ARG]...
 * SCRIPT is typed as it is, with \r (Enter), \e (Escape), \\ and \{; it is
 * typed at once (the program reads it when it is ready), except where it
 * holds {Q} (wait until the program has drawn something and then been
 * quiet for 30 ms) or {W=N} (the same wait, then make the terminal N
 * columns wide: SIGWINCH). */
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

static int master = -1;
static long seen; /* bytes of output read */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Read what is there within ms; 0 when nothing came (or the end). */
static int drain(int ms)
{
    struct pollfd p = {master, POLLIN, 0};
    if (poll(&p, 1, ms) <= 0)
        return 0;
    char buf[65536];
    ssize_t n = read(master, buf, sizeof buf);
    if (n > 0)
        seen += n;
    return n > 0;
}

/* Wait until the program has drawn something and then stayed quiet. */
static void quiet(void)
{
    while (!seen && drain(1000))
        ;
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
    const char *s = argv[3];
    char buf[4096];
    size_t n = 0;
    for (; *s; s++) {
        if (*s == '{' && (s[1] == 'Q' || (s[1] == 'W' && s[2] == '='))) {
            type(buf, n);
            n = 0;
            quiet();
            if (s[1] == 'W') {
                ws.ws_col = (unsigned short)atoi(s + 3);
                ioctl(master, TIOCSWINSZ, &ws);
                kill(pid, SIGWINCH);
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
