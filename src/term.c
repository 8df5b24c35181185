#include "term.h"
#include "util.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t term_quit;

static struct termios saved_tio;
static int saved_fd = -1;
static char rmcup_buf[64];

int term_probe_ambiguous(char *typed, size_t cap, size_t *ntyped)
{
    *ntyped = 0;
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return AMBI_UNKNOWN;
    struct termios old, raw;
    if (tcgetattr(fd, &old) < 0) {
        close(fd);
        return AMBI_UNKNOWN;
    }
    raw = old;
    raw.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
    raw.c_cc[VMIN] = 0;
    raw.c_cc[VTIME] = 0;
    tcsetattr(fd, TCSANOW, &raw);
    /* start of the line, the character, where is the cursor? then erase */
    static const char ask[] = "\r\xE2\x80\x9C\x1b[6n";
    int result = AMBI_UNKNOWN;
    char buf[64];
    size_t n = 0;
    char *ans = NULL, *ans_end = NULL;
    if (write(fd, ask, sizeof ask - 1) == (ssize_t)(sizeof ask - 1)) {
        long long end = now_ms() + 200;
        for (;;) {
            long long left = end - now_ms();
            if (left <= 0 || n >= sizeof buf - 1)
                break;
            struct pollfd p = {.fd = fd, .events = POLLIN};
            if (poll(&p, 1, (int)left) <= 0)
                break;
            ssize_t k = read(fd, buf + n, sizeof buf - 1 - n);
            if (k <= 0)
                break;
            n += (size_t)k;
            buf[n] = '\0';
            /* the answer: ESC [ row ; col R */
            char *e = strstr(buf, "\x1b[");
            int row, col;
            if (e && strchr(e, 'R') && sscanf(e, "\x1b[%d;%dR", &row, &col) == 2) {
                result = col >= 3 ? AMBI_WIDE : AMBI_NARROW;
                ans = e;
                ans_end = strchr(e, 'R') + 1;
                break;
            }
        }
    }
    /* what else was read: keys typed before the reader was up */
    for (size_t i = 0; i < n && *ntyped < cap; i++)
        if (!ans || buf + i < ans || buf + i >= ans_end)
            typed[(*ntyped)++] = buf[i];
    static const char erase[] = "\r\x1b[K";
    if (write(fd, erase, sizeof erase - 1) < 0) {
        /* nothing more to do */
    }
    tcsetattr(fd, TCSANOW, &old);
    close(fd);
    return result;
}

void term_save(int fd)
{
    if (tcgetattr(fd, &saved_tio) == 0)
        saved_fd = fd;
}

void term_rmcup(const char *rmcup)
{
    rmcup_buf[0] = '\0';
    if (rmcup && strlen(rmcup) < sizeof rmcup_buf)
        strcpy(rmcup_buf, rmcup);
}

static void on_quit(int sig)
{
    (void)sig;
    term_quit = 1;
}

static void on_crash(int sig)
{
    static const char reset[] = "\x1b[0m\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1006l";
    ssize_t r = write(STDOUT_FILENO, reset, sizeof reset - 1);
    if (rmcup_buf[0])
        r = write(STDOUT_FILENO, rmcup_buf, strlen(rmcup_buf));
    r = write(STDOUT_FILENO, "\r\n", 2);
    (void)r;
    if (saved_fd >= 0)
        tcsetattr(saved_fd, TCSANOW, &saved_tio);
    signal(sig, SIG_DFL);
    raise(sig);
}

void term_guard(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_quit; /* no SA_RESTART: the key wait returns */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_crash;
    sa.sa_flags = (int)SA_RESETHAND;
    int crash[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < sizeof crash / sizeof *crash; i++)
        sigaction(crash[i], &sa, NULL);
}
