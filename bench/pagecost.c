/* pagecost: what this machine charges for a page of memory touched for
 * the first time (the fault, the zeroed page, its mapping), in
 * microseconds: the median of 9 rounds of 500 fresh anonymous pages.
 * Opening a document is mostly such first touches (curses' three screens,
 * SQLite's start, the binary's pages), so the opening rows of make bench
 * move with it from machine to machine: 1.7 us a page on one machine of
 * this project's, 10 us on another (a virtual machine whose page tables
 * are shadowed). Usage: pagecost; prints "MICROSECONDS". */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

enum { PAGES = 500, ROUNDS = 9 };

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(void)
{
    long ps = sysconf(_SC_PAGESIZE);
    double t[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        size_t len = (size_t)PAGES * (size_t)ps;
        volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            perror("pagecost: mmap");
            return 1;
        }
        double t0 = now();
        for (size_t i = 0; i < PAGES; i++)
            p[i * (size_t)ps] = 1;
        t[r] = (now() - t0) * 1e6 / PAGES;
        munmap((void *)p, len);
    }
    qsort(t, ROUNDS, sizeof *t, cmp);
    printf("%.1f\n", t[ROUNDS / 2]);
    return 0;
}
