# Mado build. One Makefile, pkg-config for dependencies.
#   make            build build/mado
#   make SANITIZE=1 build with AddressSanitizer + UBSan into build-san/
#   make test       deps + sanitized build + every test (ends with "N passed, N failed")
#   make run        deps + build + demo workspace + serve
#   make bench      benchmarks under bench/ (print figures)
#   make fuzz       run each libFuzzer target for FUZZ_SECONDS
#   make lint       banned functions and compiler-checked hygiene
#   make deps       install the Debian packages (idempotent)

PKGS     := gmime-3.0 sqlite3 libsodium gumbo jansson libmicrohttpd libpcre2-8 libcurl
CC       ?= cc
SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD    ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
OPT      := -O1 -g
else
BUILD    ?= build
SANFLAGS :=
OPT      := -O2 -g
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# What `mado ingest` (one process per mail, the MTA path) pays at exec
# grows with each shared library: these small ones are linked in, and
# libmicrohttpd (with GnuTLS and six more) is loaded by `mado serve` only
# (src/http/mhd_load.c). docs/benchmarks.md has the figures.
STATIC_PKGS := sqlite3 libsodium gumbo jansson
DLOPEN_PKGS := libmicrohttpd libcurl
# GMime, GObject, GLib and PCRE2 are linked in too, without GMime's crypto,
# GIO and IDN back-ends (src/mail/gmime_init.c says why), so no GPGME, GIO,
# libmount, libblkid, libselinux, libidn2 nor libunistring is loaded.
GMIME_PKGS  := gmime-3.0 libpcre2-8
GMIME_LIBS  := -lgmime-3.0 -lgobject-2.0 -lglib-2.0 -lffi -lpcre2-8 -lz
PKG_LIBS   := $(shell pkg-config --libs $(filter-out $(STATIC_PKGS) $(DLOPEN_PKGS) $(GMIME_PKGS),$(PKGS)) 2>/dev/null) \
              -Wl,-Bstatic $(GMIME_LIBS) $(shell pkg-config --libs $(STATIC_PKGS) 2>/dev/null) -Wl,-Bdynamic
WARN     := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wformat=2 -Wno-format-truncation -Wvla
CFLAGS   += -std=gnu11 $(OPT) $(WARN) $(SANFLAGS) -D_GNU_SOURCE -Isrc $(PKG_CFLAGS) -DMADO_GMIME_TRIMMED
# Packed relative relocations (DT_RELR, glibc >= 2.36): the loader applies
# ~5000 of them at each exec of mado, ~2 ms per process as RELA entries.
LDFLAGS  += $(SANFLAGS) -Wl,-O1 -Wl,--as-needed -Wl,-z,pack-relative-relocs
LDLIBS   += $(PKG_LIBS) -lm -lpthread
# Tests may run a real HTTP peer of their own (a webhook receiver) and link
# libmicrohttpd directly; mado itself loads it at `serve`.
TEST_LIBS := $(shell pkg-config --libs libmicrohttpd 2>/dev/null)

LIB_SRC  := $(filter-out src/main.c,$(shell find src -name '*.c' | sort))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
MIGRATIONS := $(sort $(wildcard src/store/migrations/*.sql))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c tests/golden/*.c))
UNIT_BIN := $(UNIT_SRC:tests/%.c=$(BUILD)/tests/%)
GEN_BIN  := $(BUILD)/bench/gen_mail
BENCH_SRC := $(sort $(wildcard bench/*.c))
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/*.c))

.PHONY: all deps test run bench fuzz lint clean tests-build print-pkgs
all: $(BUILD)/mado

# The pkg-config names, for scripts that build outside make (scripts/fuzz.sh).
print-pkgs:
	@echo $(PKGS)

deps:
	@./scripts/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# Migrations are compiled into the binary so that a workspace never depends
# on files next to the executable.
$(BUILD)/migrations.c: $(MIGRATIONS) scripts/embed-migrations.sh
	@mkdir -p $(dir $@)
	@./scripts/embed-migrations.sh $(MIGRATIONS) > $@
$(BUILD)/migrations.o: $(BUILD)/migrations.c
	@$(CC) $(CFLAGS) -c $< -o $@

# The web UI (web/, Preact + TypeScript) is built by Vite only when a file
# under web/ changed, then compiled into the binary (docs/ui.md).
WEB_SRC := $(shell find web -path web/node_modules -prune -o -path web/dist -prune -o -type f -print 2>/dev/null)
web/dist/.stamp: $(WEB_SRC) scripts/build-web.sh
	@./scripts/build-web.sh
$(BUILD)/webassets.c: web/dist/.stamp scripts/embed-web.sh
	@mkdir -p $(dir $@)
	@./scripts/embed-web.sh web/dist > $@.tmp && mv $@.tmp $@
$(BUILD)/webassets.o: $(BUILD)/webassets.c
	@$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libmado.a: $(LIB_OBJ) $(BUILD)/migrations.o
	@rm -f $@
	@ar rcs $@ $^

$(BUILD)/mado: $(BUILD)/src/main.o $(BUILD)/webassets.o $(BUILD)/libmado.a
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/%.c tests/tap.h $(BUILD)/libmado.a
	@mkdir -p $(dir $@)
	@echo "  TEST    $<"
	@$(CC) $(CFLAGS) -Itests -o $@ $< $(BUILD)/libmado.a $(LDFLAGS) $(LDLIBS) $(TEST_LIBS)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libmado.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libmado.a $(LDFLAGS) $(LDLIBS)

# Fuzz targets replay their corpus in `make test` through a small driver
# (tests/fuzz/replay.c) so that replay runs under the same sanitizers.
$(BUILD)/fuzz-replay/%: tests/fuzz/%.c tests/fuzz/replay.c $(BUILD)/libmado.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< tests/fuzz/replay.c $(BUILD)/libmado.a $(LDFLAGS) $(LDLIBS)

FUZZ_NAMES := $(filter-out replay,$(FUZZ_SRC:tests/fuzz/%.c=%))
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(BUILD)/fuzz-replay/%)

tests-build: $(BUILD)/mado $(UNIT_BIN) $(FUZZ_REPLAY) $(GEN_BIN)

test: deps
	@$(MAKE) --no-print-directory SANITIZE=1 tests-build
	@./tests/run.sh build-san

run: deps all
	@./scripts/run.sh $(BUILD)/mado

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@./bench/run.sh $(BUILD)
	@$(BUILD)/bench/triggers 50 1000
	@if [ -x bench/api_wrk.sh ]; then ./bench/api_wrk.sh $(BUILD); fi
	@if [ -x bench/ui.sh ]; then ./bench/ui.sh $(BUILD); fi
	@if [ -x bench/sla.sh ]; then ./bench/sla.sh $(BUILD); fi
	@./bench/outbox.sh $(BUILD)

FUZZ_SECONDS ?= 60
fuzz: deps
	@./scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_NAMES)

lint:
	@./scripts/lint.sh

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
