#ifndef JUAN_CXXLIB_H
#define JUAN_CXXLIB_H
/* cxxlib — OpenCC, uchardet and md4c, loaded on first use (dlopen, by the
 * sonames the Makefile found at build time). OpenCC and uchardet are C++:
 * linked, they and libstdc++ cost ~3 ms at every start, for the many runs
 * that never fold a traditional character or guess an encoding; md4c,
 * linked, cost every start 18 system calls and 8 page faults of loading
 * it (strace, perf), for the documents that are not Markdown. A getter
 * returns the library's functions, or NULL when it cannot be loaded (the
 * caller goes on without it: no t2s folding, no guess, Markdown shown as
 * its lines). Thread-safe. */
#include <md4c.h>
#include <opencc/opencc.h>
#include <uchardet.h>

typedef struct {
    opencc_t (*open)(const char *config);
    char *(*convert_utf8)(opencc_t, const char *, size_t);
    void (*convert_utf8_free)(char *);
    int (*close)(opencc_t);
} cxx_opencc_t;

typedef struct {
    uchardet_t (*create)(void);
    int (*handle_data)(uchardet_t, const char *, size_t);
    void (*data_end)(uchardet_t);
    const char *(*get_charset)(uchardet_t);
    void (*destroy)(uchardet_t);
} cxx_uchardet_t;

typedef int (*cxx_md_parse_t)(const MD_CHAR *text, MD_SIZE size, const MD_PARSER *parser,
                              void *userdata);

const cxx_opencc_t *cxx_opencc(void);
const cxx_uchardet_t *cxx_uchardet(void);
cxx_md_parse_t cxx_md4c(void);

#endif
