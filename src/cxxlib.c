#include "cxxlib.h"

#include <dlfcn.h>
#include <pthread.h>

#ifndef OPENCC_SONAME
#define OPENCC_SONAME "libopencc.so.1.1"
#endif
#ifndef UCHARDET_SONAME
#define UCHARDET_SONAME "libuchardet.so.0"
#endif
#ifndef MD4C_SONAME
#define MD4C_SONAME "libmd4c.so.0"
#endif

static pthread_once_t once_cc = PTHREAD_ONCE_INIT, once_ud = PTHREAD_ONCE_INIT,
                      once_md = PTHREAD_ONCE_INIT;
static cxx_md_parse_t md_parse_fn;
static cxx_opencc_t cc;
static cxx_uchardet_t ud;
static int have_cc, have_ud;

/* every symbol, or none (a pointer from dlsym is stored as the function
 * type: POSIX guarantees the conversion) */
#define SYM(h, dst, name) (*(void **)&(dst) = dlsym(h, name)) != NULL

static void load_cc(void)
{
    void *h = dlopen(OPENCC_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (h && SYM(h, cc.open, "opencc_open") && SYM(h, cc.convert_utf8, "opencc_convert_utf8") &&
        SYM(h, cc.convert_utf8_free, "opencc_convert_utf8_free") && SYM(h, cc.close, "opencc_close"))
        have_cc = 1;
}

static void load_ud(void)
{
    void *h = dlopen(UCHARDET_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (h && SYM(h, ud.create, "uchardet_new") && SYM(h, ud.handle_data, "uchardet_handle_data") &&
        SYM(h, ud.data_end, "uchardet_data_end") &&
        SYM(h, ud.get_charset, "uchardet_get_charset") && SYM(h, ud.destroy, "uchardet_delete"))
        have_ud = 1;
}

static void load_md(void)
{
    void *h = dlopen(MD4C_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (h && !(SYM(h, md_parse_fn, "md_parse")))
        md_parse_fn = NULL;
}

cxx_md_parse_t cxx_md4c(void)
{
    pthread_once(&once_md, load_md);
    return md_parse_fn;
}

const cxx_opencc_t *cxx_opencc(void)
{
    pthread_once(&once_cc, load_cc);
    return have_cc ? &cc : NULL;
}

const cxx_uchardet_t *cxx_uchardet(void)
{
    pthread_once(&once_ud, load_ud);
    return have_ud ? &ud : NULL;
}
