/* test_libindex: the library-wide search index (libindex.h) only narrows:
 * --grep over a directory answers as --no-index does, for ten queries (a
 * traditional-form one and a regex among them), after a file is edited,
 * renamed, deleted, after the index is damaged, and while two searches and
 * a refresh run at once; and it does narrow (files ruled out). The library
 * is written here (never ../shared text). */
#include "files.h"
#include "grep.h"
#include "libindex.h"
#include "search.h"
#include "structure.h"
#include "t.h"
#include "util.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char root[256], lib[300], cache[300];

static void put(const char *rel, const char *text, size_t n)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", lib, rel);
    FILE *f = fopen(p, "wb");
    if (f) {
        fwrite(text, 1, n, f);
        fclose(f);
    }
}

static void puts_file(const char *rel, const char *text)
{
    put(rel, text, strlen(text));
}

/* The library: articles of a few lines, one in five with 寶玉, one in
 * seven with 創新 or 创新, English now and then, and a file of each kind
 * search reads differently. */
static void make_library(void)
{
    char p[512];
    snprintf(p, sizeof p, "%s/sub", lib);
    mkdir(lib, 0700);
    mkdir(p, 0700);
    for (int i = 0; i < 40; i++) {
        buf_t b = {0};
        char line[256];
        for (int k = 0; k < 6; k++) {
            snprintf(line, sizeof line, "第%d段 今天天气很好，我们去公园散步。\n", k + i);
            buf_adds(&b, line);
            if (i % 5 == 0)
                buf_adds(&b, "寶玉看书，黛玉看花。\n");
            if (i % 7 == 0)
                buf_adds(&b, i % 2 ? "企业要創新。\n" : "企业要创新。\n");
            if (i % 9 == 0)
                buf_adds(&b, "The quick brown Fox jumps.\n");
        }
        char name[64];
        snprintf(name, sizeof name, "%sa%02d.txt", i % 3 ? "" : "sub/", i);
        put(name, b.p, b.n);
        buf_free(&b);
    }
    /* Markdown: 宝玉 across a soft line break, in a quote */
    puts_file("notes.md", "# 笔记\n\n> 今天宝\n> 玉来了，说起創\n> 新。\n");
    /* Aozora notation: the reading left out, 漢字 found across it */
    puts_file("aozora.txt", "吾輩は猫である\n\n漢《かん》字を書く。｜東京《とうきょう》へ行く。\n"
                            "［＃ここから２字下げ］\n本文です。\n［＃ここで字下げ終わり］\n");
    /* HTML: the markup is not text */
    puts_file("page.html", "<!DOCTYPE html><html><body><p>宝<b>玉</b>说话</p>"
                           "<p class=\"quick\">网页</p></body></html>");
    /* GB18030: 宝玉 and 创新 */
    static const char gb[] = "\xb1\xa6\xd3\xf1\xba\xcd\xb4\xb4\xd0\xc2\xa3\xac"
                             "\xbd\xf1\xcc\xec\xcc\xec\xc6\xf8\xba\xdc\xba\xc3\xa1\xa3\n";
    put("gb.txt", gb, sizeof gb - 1);
    /* binary: not read by either */
    char bin[2048];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (char)i;
    put("bin.txt", bin, sizeof bin);
}

/* grep_run's output (and status) as one string. */
static char *grep_out(const char *q, int flags, int count, int no_index)
{
    char *p = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&p, &n);
    char *paths[] = {lib};
    grep_opts_t o = {.flags = flags, .count = count, .no_index = no_index,
                     .format = FMT_AUTO};
    fflush(stderr); /* (bin.txt's message, said each time: not shown) */
    int e = dup(2), nul = open("/dev/null", O_WRONLY);
    dup2(nul, 2);
    int rc = grep_run(q, paths, 1, &o, f);
    fflush(stderr);
    dup2(e, 2);
    close(e);
    close(nul);
    fprintf(f, "rc=%d\n", rc);
    fclose(f);
    return p;
}

static const struct {
    const char *q;
    int flags;
} queries[] = {
    {"宝玉", 0},           {"創新", 0},        {"黛玉看", 0},   {"fox", 0},
    {"不在这里", 0},       {"漢字", 0},        {"宝.", SEARCH_REGEX},
    {"the quick", 0},      {"今天", SEARCH_NO_TCSC}, {"quick", 0},
};
enum { NQ = sizeof queries / sizeof *queries };

/* Every query, counts and lines, with the index as without. */
static void same_answers(const char *when)
{
    for (int i = 0; i < NQ; i++)
        for (int c = 0; c < 2; c++) {
            char *a = grep_out(queries[i].q, queries[i].flags, c, 0);
            char *b = grep_out(queries[i].q, queries[i].flags, c, 1);
            CHECK_MSG(!strcmp(a, b), "%s: %s%s: with the index:\n%s\nwithout:\n%s", when,
                      c ? "-c " : "", queries[i].q, a, b);
            free(a);
            free(b);
        }
}

/* How many files the index rules out for q (-1: it cannot tell). */
static long ruled_out(const char *q, int flags)
{
    char **v;
    size_t n = files_under(lib, &v, NULL, NULL);
    unsigned char *skip = calloc(n + 1, 1);
    long r = libindex_narrow(lib, v, n, q, flags, skip);
    free(skip);
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    return r;
}

static int count_in(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    int k = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t l = strlen(e->d_name), s = strlen(suffix);
        k += l >= s && !strcmp(e->d_name + l - s, suffix);
    }
    if (d)
        closedir(d);
    return k;
}

int main(void)
{
    snprintf(root, sizeof root, "/tmp/test_libindex.XXXXXX");
    if (!mkdtemp(root))
        return 2;
    snprintf(lib, sizeof lib, "%s/lib", root);
    snprintf(cache, sizeof cache, "%s/cache", root);
    setenv("JUAN_CACHE_DIR", cache, 1);
    make_library();

    /* no index yet: nothing to narrow with */
    CHECK(ruled_out("宝玉", 0) == LIX_NO_NARROW);
    /* files just written are listed but not trusted (their times may not
     * yet tell a later edit) */
    lix_stats_t st;
    CHECK(libindex_update(lib, 2, &st) == 0);
    CHECK(st.files == 45);
    CHECK(st.indexed == 0);
    CHECK(ruled_out("宝玉", 0) == 0);
    /* a directory search makes no per-document index */
    same_answers("nothing indexed");
    CHECK(count_in(cache, ".idx") == 0);
    sleep(LIX_RACY_S + 1);
    CHECK(libindex_update(lib, 2, &st) == 0);
    CHECK_MSG(st.indexed == 44, "%zu indexed", st.indexed); /* not bin.txt */
    CHECK(st.read == 45 && st.reused == 0);
    char file[600];
    char *ip = libindex_path(lib);
    CHECK(ip != NULL);
    snprintf(file, sizeof file, "%s", ip ? ip : "");
    free(ip);

    /* it narrows: 宝玉 is in 8 articles and 3 other files of 45 */
    long r = ruled_out("宝玉", 0);
    CHECK_MSG(r == 45 - 8 - 3 - 1, "宝玉: %ld ruled out", r);
    CHECK(ruled_out("創新", 0) == ruled_out("创新", 0));
    CHECK(ruled_out("不在这里", 0) == 44);
    CHECK(ruled_out("宝.", SEARCH_REGEX) == LIX_NO_NARROW);
    CHECK(ruled_out("宝玉", SEARCH_EXACT) == LIX_NO_NARROW);
    CHECK(ruled_out(" ", 0) == LIX_NO_NARROW);
    /* below the indexed directory: its index is used */
    {
        char sub[400], **v;
        snprintf(sub, sizeof sub, "%s/sub", lib);
        size_t n = files_under(sub, &v, NULL, NULL);
        unsigned char *skip = calloc(n + 1, 1);
        CHECK(libindex_narrow(sub, v, n, "不在这里", 0, skip) == (long)n);
        free(skip);
        for (size_t i = 0; i < n; i++)
            free(v[i]);
        free(v);
    }
    same_answers("indexed");

    /* edited (the query now in a file ruled out before), renamed, deleted */
    char p1[600], p2[600];
    snprintf(p1, sizeof p1, "%s/a01.txt", lib);
    FILE *f = fopen(p1, "a");
    if (f) {
        fputs("不在这里，宝玉。\n", f);
        fclose(f);
    }
    snprintf(p1, sizeof p1, "%s/a05.txt", lib);
    snprintf(p2, sizeof p2, "%s/moved.txt", lib);
    CHECK(rename(p1, p2) == 0);
    snprintf(p1, sizeof p1, "%s/sub/a00.txt", lib);
    CHECK(unlink(p1) == 0);
    same_answers("edited, renamed, deleted");
    char *a = grep_out("不在这里", 0, 1, 0);
    CHECK(strstr(a, "a01.txt:1\n") != NULL);
    free(a);
    sleep(LIX_RACY_S + 1);
    CHECK(libindex_update(lib, 1, &st) == 0);
    CHECK_MSG(st.files == 44 && st.indexed == 43, "%zu files %zu indexed", st.files, st.indexed);
    /* the edited file read again, the moved one taken over by its text */
    CHECK_MSG(st.read == 3 && st.reused == 42, "%zu read, %zu reused", st.read, st.reused);
    CHECK(ruled_out("不在这里", 0) == 42);
    same_answers("refreshed");

    /* damaged: set aside, never used; the next --index makes a new one */
    int fd = open(file, O_RDWR);
    CHECK(fd >= 0);
    struct stat sb;
    fstat(fd, &sb);
    char x = 0;
    pread(fd, &x, 1, sb.st_size / 2);
    x ^= 0x55;
    pwrite(fd, &x, 1, sb.st_size / 2);
    close(fd);
    fflush(stderr);
    CHECK(ruled_out("宝玉", 0) == LIX_NO_NARROW);
    char bad[700];
    snprintf(bad, sizeof bad, "%s.bad", file);
    CHECK(access(bad, F_OK) == 0);
    CHECK(access(file, F_OK) != 0);
    same_answers("damaged");
    CHECK(libindex_update(lib, 2, &st) == 0);
    CHECK(st.read == 44 && st.indexed == 43);
    /* truncated */
    CHECK(truncate(file, 100) == 0);
    CHECK(ruled_out("宝玉", 0) == LIX_NO_NARROW);
    CHECK(libindex_update(lib, 2, &st) == 0);
    CHECK(ruled_out("不在这里", 0) == 42);

    /* two searches and a refresh at once: every search answers right */
    char *want[NQ];
    for (int i = 0; i < NQ; i++)
        want[i] = grep_out(queries[i].q, queries[i].flags, 1, 1);
    pid_t kid[2];
    for (int k = 0; k < 2; k++) {
        kid[k] = fork();
        if (kid[k] == 0) {
            int wrong = 0;
            for (int round = 0; round < 3; round++)
                for (int i = 0; i < NQ; i++) {
                    char *g = grep_out(queries[i].q, queries[i].flags, 1, 0);
                    wrong += strcmp(g, want[i]) != 0;
                    free(g);
                }
            _exit(wrong ? 1 : 0);
        }
    }
    for (int k = 0; k < 3; k++) {
        unlink(file);
        CHECK(libindex_update(lib, 1, &st) == 0);
    }
    for (int k = 0; k < 2; k++) {
        int status = -1;
        waitpid(kid[k], &status, 0);
        CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "search %d during a refresh",
                  k);
    }
    for (int i = 0; i < NQ; i++)
        free(want[i]);
    CHECK(count_in(cache, ".idx") == 0);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0)
        t_fail++;
    return T_DONE("test_libindex");
}
