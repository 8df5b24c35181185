/* standalone: run a libFuzzer target over files without libFuzzer, so the
 * crashes fuzzing found (tests/fuzz/TARGET/) and the seeds are replayed by
 * `make check` under ASan+UBSan with gcc, on a machine without clang.
 * Arguments: files, or directories of files. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static long runs;

static int one(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 1 << 16, n = 0, k;
    uint8_t *p = malloc(cap);
    while ((k = fread(p + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap)
            p = realloc(p, cap *= 2);
    }
    fclose(f);
    /* an exact-size copy, so that ASan sees a read past the input */
    uint8_t *q = malloc(n ? n : 1);
    memcpy(q, p, n);
    free(p);
    LLVMFuzzerTestOneInput(q, n);
    free(q);
    runs++;
    return 0;
}

int main(int argc, char **argv)
{
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) < 0) {
            perror(argv[i]);
            bad = 1;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            bad |= one(argv[i]) < 0;
            continue;
        }
        DIR *d = opendir(argv[i]);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
                bad |= one(path) < 0;
        }
        if (d)
            closedir(d);
    }
    /* each input that ran to its end is a pass (a crash aborts) */
    printf("%s: %ld passed, %d failed\n", argv[0], runs, bad);
    return bad;
}
