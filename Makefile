# juan — build, test, install.  `make run` and `make check` are all a new
# user needs: both first run `make deps`, which installs missing Debian
# packages (apt-get as root, sudo otherwise).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man/man1
CC ?= cc

PKGS = ncursesw libutf8proc uchardet opencc sqlite3 libpcre2-8 md4c yaml-0.1 libxxhash gumbo
DEB_PKGS = libncurses-dev libunistring-dev libutf8proc-dev libuchardet-dev \
	libopencc-dev libsqlite3-dev libpcre2-dev libmd4c-dev libyaml-dev libxxhash-dev \
	libgumbo-dev pkg-config tmux sqlite3 python3 perl

# Recursive (=) so pkg-config runs after `deps` has installed it.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(SONAMES)
# Start-up time (issue 7): the C libraries are linked statically when their
# archives are there (Debian's -dev packages have them; fewer objects for
# the dynamic loader), and the two C++ ones, OpenCC and uchardet, and md4c
# (which has no archive) are not linked at all: src/cxxlib.c loads them on
# first use, by soname.
STATIC_PKGS = ncursesw libutf8proc sqlite3 libpcre2-8 yaml-0.1 libxxhash gumbo
soname = $(shell objdump -p "$$(pkg-config --variable=libdir $(1) 2>/dev/null)/lib$(2).so" \
	2>/dev/null | awk '$$1 == "SONAME" {print $$2}')
# (a soname not found: the default in src/cxxlib.c, not "", which dlopen
# takes for the program itself)
sodef = $(if $(2),-D$(1)='"$(2)"')
SONAMES = $(call sodef,OPENCC_SONAME,$(call soname,opencc,opencc)) \
	$(call sodef,UCHARDET_SONAME,$(call soname,uchardet,uchardet)) \
	$(call sodef,MD4C_SONAME,$(call soname,md4c,md4c))
STATIC_L = $(shell pkg-config --libs $(STATIC_PKGS) 2>/dev/null) -lunistring
HAVE_STATIC = $(shell for l in $(patsubst -l%,%,$(filter -l%,$(STATIC_L))); do \
	f=$$($(CC) -print-file-name=lib$$l.a); [ -f "$$f" ] || { echo no; exit; }; \
	done; echo yes)
PRIVATE_L = $(filter-out $(STATIC_L),$(shell pkg-config --libs --static $(STATIC_PKGS) 2>/dev/null))
BSTATIC = -Wl,-Bstatic
BDYNAMIC = -Wl,-Bdynamic
PKG_LIBS = $(if $(filter yes,$(HAVE_STATIC)),$(BSTATIC) $(STATIC_L) $(BDYNAMIC),$(STATIC_L)) \
	-Wl,--as-needed $(PRIVATE_L) -ldl -pthread

# make check, valgrind and fuzz build with one job per core (CI: 2)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

WARN = -Wall -Wextra -Werror
CFLAGS ?= -O2
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS) -D_DEFAULT_SOURCE -D_GNU_SOURCE \
	$(PKG_CFLAGS) -MMD -MP
SAN_CFLAGS = -std=c11 $(WARN) -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all \
	-D_DEFAULT_SOURCE -D_GNU_SOURCE $(PKG_CFLAGS) -MMD -MP

# Tests and fuzz targets see the entry points the headers keep for them
# (#ifdef JUAN_TEST: sindex_reseal, norm_add_ref); the library objects
# hold the definitions, but no module of juan sees the declarations, and
# juan does not carry them: every function and datum of build/rel is a
# section of its own, and the link drops those nothing uses.
TEST_DEFS = -DJUAN_TEST
SECTIONS = -ffunction-sections -fdata-sections

SRC = $(wildcard src/*.c)
LIB_SRC = $(filter-out src/main.c,$(SRC))
TEST_SRC = $(wildcard tests/test_*.c)
TESTS = $(patsubst tests/%.c,%,$(TEST_SRC))
FUZZ_SRC = $(wildcard fuzz/fuzz_*.c)
FUZZ_TARGETS = $(patsubst fuzz/%.c,%,$(FUZZ_SRC))

OBJ = $(patsubst src/%.c,build/rel/%.o,$(SRC))
LIB_OBJ = $(patsubst src/%.c,build/rel/%.o,$(LIB_SRC))
SAN_OBJ = $(patsubst src/%.c,build/san/%.o,$(SRC))
SAN_LIB_OBJ = $(patsubst src/%.c,build/san/%.o,$(LIB_SRC))

.PHONY: all deps check test run install uninstall bench clean golden fuzz fuzz-deps valgrind preimage
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory juan

deps:
	@missing=""; \
	command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"; \
	for p in $(PKGS); do \
	  pkg-config --exists $$p 2>/dev/null || missing="$$missing $$p"; \
	done; \
	[ -e /usr/include/unilbrk.h ] || missing="$$missing libunistring"; \
	command -v tmux >/dev/null 2>&1 || missing="$$missing tmux"; \
	command -v sqlite3 >/dev/null 2>&1 || missing="$$missing sqlite3"; \
	if [ -n "$$missing" ]; then \
	  echo "juan: missing build dependencies:$$missing" >&2; \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; \
	  else \
	    echo "juan: cannot install packages (not root, no sudo). Run:" >&2; \
	    echo "  sudo apt-get install -y $(DEB_PKGS)" >&2; exit 1; \
	  fi; \
	  echo "juan: installing: $(DEB_PKGS)" >&2; \
	  $$sudo apt-get update -qq >&2 && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	    $(DEB_PKGS) >&2 || { echo "juan: apt-get failed. Run:" >&2; \
	    echo "  sudo apt-get install -y $(DEB_PKGS)" >&2; exit 1; }; \
	fi

juan: $(OBJ)
	$(CC) $(ALL_CFLAGS) -Wl,--gc-sections -o $@ $(OBJ) $(PKG_LIBS)

build/rel/%.o: src/%.c | build/rel
	$(CC) $(ALL_CFLAGS) $(SECTIONS) -c -o $@ $<

build/san/%.o: src/%.c | build/san
	$(CC) $(SAN_CFLAGS) -c -o $@ $<

build/rel build/san build/tests build/gen:
	@mkdir -p $@

build/juan-san: $(SAN_OBJ) | build/san
	$(CC) $(SAN_CFLAGS) -o $@ $(SAN_OBJ) $(PKG_LIBS)

# src/preimage.inc, the fold pre-images of search's literal prefilter, is
# generated from the fold itself (utf8proc, OpenCC), src/t2s.inc, the
# fold's traditional -> simplified table, from OpenCC, and src/encalt.inc,
# the codecs' second byte forms, from iconv, and src/chclass.inc, the
# character classes of the BMP, from chars.c's lists and libunistring:
# `make preimage` after any of them changes (test_norm, test_encoding and
# test_chars fail until then)
build/gen/mkpreimage: gen/mkpreimage.c $(LIB_OBJ) | build/gen
	$(CC) $(ALL_CFLAGS) $(TEST_DEFS) -Isrc -o $@ $< $(LIB_OBJ) $(PKG_LIBS)
build/gen/mkchclass: gen/mkchclass.c $(LIB_OBJ) | build/gen
	$(CC) $(ALL_CFLAGS) $(TEST_DEFS) -Isrc -o $@ $< $(LIB_OBJ) $(PKG_LIBS)

preimage: build/gen/mkchclass
	build/gen/mkchclass >src/chclass.inc.tmp && mv src/chclass.inc.tmp src/chclass.inc
	$(MAKE) build/gen/mkpreimage
	build/gen/mkpreimage >src/preimage.inc.tmp && mv src/preimage.inc.tmp src/preimage.inc
	build/gen/mkpreimage alt >src/encalt.inc.tmp && mv src/encalt.inc.tmp src/encalt.inc
	build/gen/mkpreimage t2s >src/t2s.inc.tmp && mv src/t2s.inc.tmp src/t2s.inc

build/tests/linewidth: tests/linewidth.c | build/tests
	$(CC) $(ALL_CFLAGS) -o $@ $<

build/tests/%: tests/%.c tests/t.h $(LIB_OBJ) | build/tests
	$(CC) $(ALL_CFLAGS) $(TEST_DEFS) -Isrc -o $@ $< $(LIB_OBJ) $(PKG_LIBS)

build/tests/%-san: tests/%.c tests/t.h $(SAN_LIB_OBJ) | build/tests
	$(CC) $(SAN_CFLAGS) $(TEST_DEFS) -Isrc -o $@ $< $(SAN_LIB_OBJ) $(PKG_LIBS)

# the fuzz targets without libFuzzer (fuzz/standalone.c), with gcc under
# ASan+UBSan: make check replays the seeds and tests/fuzz/TARGET/ with them
build/tests/%-replay: fuzz/%.c fuzz/standalone.c $(SAN_LIB_OBJ) | build/tests
	$(CC) $(SAN_CFLAGS) $(TEST_DEFS) -Isrc -o $@ $< fuzz/standalone.c $(SAN_LIB_OBJ) $(PKG_LIBS)

test-bins: juan build/juan-san build/tests/linewidth \
	$(addprefix build/tests/,$(TESTS)) \
	$(addsuffix -san,$(addprefix build/tests/,$(TESTS))) \
	$(addsuffix -replay,$(addprefix build/tests/,$(FUZZ_TARGETS)))

# ---- fuzzing: libFuzzer targets (fuzz/fuzz_*.c), clang, ASan+UBSan -------------
# `make fuzz FUZZ_SECONDS=N` runs each target for N seconds (fuzz/run.sh),
# two at a time: 45 s keeps the 9 targets (5 rounds) within 4 minutes
# (CI gives each 24 s: its 2 minutes).
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 45
FUZZ_CFLAGS = -std=c11 -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all \
	-D_DEFAULT_SOURCE -D_GNU_SOURCE $(PKG_CFLAGS) -Isrc
FUZZ_LIB_OBJ = $(patsubst src/%.c,build/fuzz/%.o,$(LIB_SRC))

.SECONDARY: $(FUZZ_LIB_OBJ)

build/fuzz:
	@mkdir -p $@

build/fuzz/%.o: src/%.c | build/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<

build/fuzz/fuzz_%: fuzz/fuzz_%.c $(FUZZ_LIB_OBJ) | build/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(TEST_DEFS) -fsanitize=fuzzer,address,undefined -o $@ $< \
	$(FUZZ_LIB_OBJ) $(PKG_LIBS)

fuzz-deps:
	@if ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { (void)d; return (int)n * 0; }' | \
	  $(FUZZ_CC) -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1; then \
	  echo "juan: installing clang (libFuzzer)" >&2; \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo apt-get update -qq >&2; \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq clang >&2 || exit 1; \
	  v=$$($(FUZZ_CC) -dumpversion | cut -d. -f1); \
	  echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { (void)d; return (int)n * 0; }' | \
	    $(FUZZ_CC) -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1 || \
	    DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq libclang-rt-$$v-dev >&2 || exit 1; \
	fi

# valgrind (memcheck) over the tests that do not drive curses: every unit
# test and juan's batch modes on the samples; any error or definite leak
# fails. PCRE2's JIT is off under it (JUAN_NO_JIT: valgrind cannot follow
# JIT code); tests/valgrind.supp holds the loader's known false positive.
valgrind: deps
	@command -v valgrind >/dev/null 2>&1 || { echo "juan: installing valgrind" >&2; \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq valgrind >&2 || \
	  { $$sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive \
	    $$sudo apt-get install -y -qq valgrind >&2; } || exit 1; }
	@$(MAKE) --no-print-directory -j$(JOBS) juan $(addprefix build/tests/,$(TESTS))
	@bash tests/valgrind.sh

fuzz: deps fuzz-deps
	@$(MAKE) --no-print-directory -j$(JOBS) juan $(addprefix build/fuzz/,$(FUZZ_TARGETS))
	@bash fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

check: deps
	@$(MAKE) --no-print-directory -j$(JOBS) test-bins
	@bash tests/run.sh

test: check

run: deps
	@$(MAKE) --no-print-directory juan
	./juan samples/interview.txt

golden: juan
	bash tests/golden.sh --update

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)
	install -m 755 juan $(DESTDIR)$(BINDIR)/juan
	install -m 644 man/juan.1 $(DESTDIR)$(MANDIR)/juan.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/juan $(DESTDIR)$(MANDIR)/juan.1

bench: deps
	@$(MAKE) --no-print-directory juan
	@bash bench/run.sh

clean:
	rm -rf build juan

-include $(wildcard build/*/*.d)

# bench/libidx: FTS5 against libindex's file (issue 19), on a directory
build/bench/libidx: bench/libidx.c $(LIB_OBJ)
	@mkdir -p build/bench
	$(CC) $(ALL_CFLAGS) $(TEST_DEFS) -Isrc -o $@ $< $(LIB_OBJ) $(PKG_LIBS)
