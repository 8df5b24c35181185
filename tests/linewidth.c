/* linewidth N: count the lines of stdin wider than N cells, measured with
 * libc wcwidth() in C.UTF-8 (independently of juan's own code). */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    if (!setlocale(LC_ALL, "C.UTF-8"))
        return 2;
    long max = strtol(argv[1], NULL, 10), bad = 0;
    char line[1 << 16];
    while (fgets(line, sizeof line, stdin)) {
        mbstate_t st = {0};
        const char *p = line;
        long w = 0;
        wchar_t c;
        size_t k;
        while (*p && *p != '\n' && (k = mbrtowc(&c, p, 8, &st)) > 0 &&
               k < (size_t)-2) {
            int cw = wcwidth(c);
            w += cw > 0 ? cw : 0;
            p += k;
        }
        if (w > max)
            bad++;
    }
    printf("%ld\n", bad);
    return 0;
}
