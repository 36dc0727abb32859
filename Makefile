# aslc — an ahead-of-time compiler for the Amazon States Language.
#   make                  build build/aslc and build/libaslrt.a
#   make test [T=TEXT]    the fast tier: unit tests, golden cases in every mode, conformance in jit
#   make check            everything (CI): every mode, the whole corpus, then again under sanitizers
#   make test CC=clang SAN=address,undefined,float-cast-overflow   the fast tier under sanitizers
#                         (own build dir; clang, as gcc's undefined lacks float-cast-overflow)
#   make tsan             the unit tests of concurrent code under ThreadSanitizer (clang)
#   make bench            time every ../shared/bench workflow (BENCH_RUNS=N): build/bench.md,
#                         and aslc serve against its peers: build/bench-serve.md
#   make fuzz FUZZ_SECONDS=N  libFuzzer targets (clang), N seconds each: build/fuzz
#   make install PREFIX=/usr/local   aslc, libaslrt; libjsonata, jsonata.h, jsonata.pc, `jsonata`

# CHANGE THE SETTINGS BELOW TO SUIT YOUR ENVIRONMENT
PREFIX ?= /usr/local
CC ?= cc
OPT ?= -O2 -g
SAN ?=
# END OF SETTINGS

comma := ,
ifeq ($(SAN),)
B := build
else
B := build/san-$(subst $(comma),-,$(SAN))
SANFLAGS := -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings
CFLAGS += -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(SANFLAGS) -MMD -MP $(INC)

# The layers, lowest first (ARCHITECTURE.md). A file sees the headers of its own layer and of
# the layers below it, never above: each layer's objects are compiled with only those include
# paths, so an upward #include does not build. tests/layers.sh proves it with a probe.
json_INC := -Ijson
jsonata_INC := $(json_INC) -Ijsonata
runtime_INC := $(jsonata_INC) -Iruntime -Iruntime/task -Iruntime/map -Iruntime/aws
compiler_INC := $(runtime_INC) -Icompiler -I$(B)
server_INC := $(compiler_INC) -Iserver
$(B)/json/%.o: INC = $(json_INC)
$(B)/jsonata/%.o: INC = $(jsonata_INC)
$(B)/runtime/%.o: INC = $(runtime_INC)
$(B)/server/%.o: INC = $(server_INC) $(SRV_CFLAGS)
INC ?= $(compiler_INC)
LDFLAGS += $(SANFLAGS)
# What a workflow loads at start-up is what it waits for: libcurl (and the thirty libraries it
# needs) is dlopen'd by the first HTTP task (runtime/task/http_handler.c), digests are computed in
# json/digest.c, and pcre2, zlib and libcrypto (SigV4's HMAC, runtime/aws/sigv4.c) are linked
# from their static archives when installed.
static_lib = $(or $(abspath $(filter /%,$(shell $(CC) -print-file-name=lib$(1).a))),-l$(1))
RT_LIBS := -lcjson $(call static_lib,pcre2-8) $(call static_lib,z) $(call static_lib,crypto) -lm -lpthread -ldl
LIBS := $(RT_LIBS) -ltcc -ldl
# aslc serve (server/): HTTP through libmicrohttpd, its store in SQLite.
SRV_CFLAGS := $(shell pkg-config --cflags libmicrohttpd sqlite3 2>/dev/null)
SRV_LIBS := $(or $(shell pkg-config --libs libmicrohttpd sqlite3 2>/dev/null),-lmicrohttpd -lsqlite3)

JSON_OBJ := $(patsubst %.c,$(B)/%.o,$(wildcard json/*.c))
JSONATA_OBJ := $(patsubst %.c,$(B)/%.o,$(wildcard jsonata/*.c))
RT_SRC := $(wildcard runtime/*.c runtime/*/*.c)
RT_OBJ := $(JSON_OBJ) $(JSONATA_OBJ) $(RT_SRC:%.c=$(B)/%.o)
CC_SRC := $(wildcard compiler/*.c)
CC_OBJ := $(CC_SRC:%.c=$(B)/%.o) $(B)/gen/aslrt_h.o $(B)/gen/aslrt_handler_h.o $(B)/gen/jsonata_ast_h.o
# server/aslc.c is main() of aslc, kept out of the library the unit tests link
SRV_OBJ := $(patsubst %.c,$(B)/%.o,$(filter-out server/aslc.c,$(wildcard server/*.c)))
JSONATA_CLI_OBJ := $(patsubst %.c,$(B)/%.o,$(wildcard jsonata/cli/*.c))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

all: $(B)/aslc $(B)/libaslrt.a $(B)/libjsonata.a $(B)/bin/jsonata

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

# The headers generated programs include, embedded in aslc so that `aslc run` and `aslc build`
# need nothing installed: runtime/NAME.h (or jsonata/NAME.h) becomes asl_NAME_h[] and asl_NAME_h_len.
vpath %.h runtime jsonata
$(B)/gen/%_h.c: %.h
	@mkdir -p $(@D)
	{ echo '/* Generated from $<; do not edit. */'; \
	  echo 'const char asl_$*_h[] = {'; od -An -v -tx1 $< | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0x00 };'; echo 'const unsigned long asl_$*_h_len = sizeof asl_$*_h - 1;'; } > $@
$(B)/gen/%.o: $(B)/gen/%.c
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/libaslrt.a: $(RT_OBJ)
	rm -f $@ && ar rcs $@ $^
$(B)/libaslc.a: $(CC_OBJ)
	rm -f $@ && ar rcs $@ $^
$(B)/libaslsrv.a: $(SRV_OBJ)
	rm -f $@ && ar rcs $@ $^

# libjsonata: JSONata on its own, for any C program (jsonata/jsonata.h). Its json/ and jsonata/
# objects are linked into one object whose only global symbols are jsonata.h's, so that the
# internals (aslrt_*, asl_*, jx_*) cannot clash with a program's names, or with libaslrt's.
JSONATA_API := jsonata_compile jsonata_evaluate jsonata_free
$(B)/libjsonata.a: $(JSON_OBJ) $(JSONATA_OBJ)
	$(CC) -r -nostdlib $^ -o $(B)/libjsonata.o
	objcopy $(addprefix --keep-global-symbol=,$(JSONATA_API)) $(B)/libjsonata.o
	rm -f $@ && ar rcs $@ $(B)/libjsonata.o
# The `jsonata` tool (build/jsonata is the objects' folder, hence bin/): it reads and prints
# JSON with json/'s internals, so it links the objects rather than the library.
JSONATA_LIBS := -lcjson $(call static_lib,pcre2-8) -lm -lpthread
$(B)/bin/jsonata: $(JSONATA_CLI_OBJ) $(JSON_OBJ) $(JSONATA_OBJ)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(JSONATA_LIBS) -o $@

# aslc records how it was built, so that executables it builds link the same way; under
# sanitizers with the same compiler too, as clang's sanitizer runtimes are not gcc's.
$(B)/compiler/aot.o: CFLAGS += -DASLC_SANFLAGS='"$(SANFLAGS)"' -DASLC_RT_LIBS='"$(RT_LIBS)"' \
	$(if $(SAN),-DASLC_CC='"$(CC)"')
$(B)/compiler/aot.o: Makefile
$(B)/aslc: $(B)/server/aslc.o $(B)/libaslsrv.a $(B)/libaslc.a $(B)/libaslrt.a
	$(CC) $(LDFLAGS) $^ $(SRV_LIBS) $(LIBS) -o $@

$(B)/tests/test_%: tests/unit/test_%.c $(B)/libaslc.a $(B)/libaslrt.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $(filter-out %.h %.def,$^) -lcmocka $(LIBS) -o $@

# The server's unit tests (tests/unit/test_srv_*.c) see its layer and link its library.
$(B)/tests/test_srv_%: INC = $(server_INC) $(SRV_CFLAGS)
$(B)/tests/test_srv_%: tests/unit/test_srv_%.c $(B)/libaslsrv.a $(B)/libaslc.a $(B)/libaslrt.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $(filter-out %.h %.def,$^) -lcmocka $(SRV_LIBS) $(LIBS) -o $@

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

# make test: the fast tier, after each change (a few minutes). make check: everything CI runs,
# the fast tier's suites in every mode and the corpus in full, then the whole suite again under
# AddressSanitizer and UndefinedBehaviorSanitizer, built by clang for its float-cast-overflow
# (a double out of an integer's range; gcc's undefined does not check it). T=TEXT runs only the
# suites and golden cases whose name contains TEXT.
T ?=
test: all $(UNIT_BIN)
	@TIER=test T='$(T)' tests/run-all $(B)

check: all $(UNIT_BIN)
	@TIER=check T='$(T)' tests/run-all $(B)
	$(MAKE) test CC=clang SAN=address,undefined,float-cast-overflow T='$(T)'
	$(MAKE) tsan

# The unit tests whose code runs on many threads (executions side by side, the Parallel/Map
# pool, history from branch threads, the server's executor and Map Runs, AWS credentials and
# connections), built by clang under ThreadSanitizer in build/san-thread.
TSAN_TESTS := execution pool history srv_executor srv_map_runs aws_config
tsan:
	$(MAKE) CC=clang SAN=thread $(TSAN_TESTS:%=build/san-thread/tests/test_%)
	@set -e; for t in $(TSAN_TESTS); do echo "== tsan: test_$$t"; build/san-thread/tests/test_$$t; done

# The include paths of one layer, for tests/layers.sh: make -s print-layer-inc LAYER=json
print-layer-inc:
	@echo $($(LAYER)_INC)

# Every workflow of ../shared/bench in interp, jit and aot, next to the hand-written C and
# aws-local-stepfunctions (when installed; bench/README.md): a table in $(B)/bench.md; then the
# server's table in $(B)/bench-serve.md.
BENCH_RUNS ?= 5
BENCH_FLAGS ?=
# aslc serve against moto_server and aws-local-stepfunctions under the same wrk load (bench/serve/)
BENCH_SERVE_SECONDS ?= 10
bench: all
	python3 bench/run.py --aslc $(B)/aslc --out $(B)/bench.md --runs $(BENCH_RUNS) $(BENCH_FLAGS)
	@mkdir -p $(B)/bench
	python3 bench/serve/serve.py --aslc $(B)/aslc --seconds $(BENCH_SERVE_SECONDS) --json $(B)/bench/serve.json \
	  | tee $(B)/bench-serve.md

# libFuzzer targets (fuzz/fuzz_*.c, clang): the libraries built with coverage into build/fuzz,
# then fuzz/run.sh links the targets and runs each for FUZZ_SECONDS, seeded from ../shared.
FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) B=build/fuzz CC=clang OPT='-O1 -g' \
	  SANFLAGS='-fsanitize=fuzzer-no-link,address,undefined,float-cast-overflow -fno-sanitize-recover=all' \
	  build/fuzz/libaslc.a build/fuzz/libaslrt.a
	LIBS='$(LIBS)' fuzz/run.sh build/fuzz $(FUZZ_SECONDS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/aslc $(DESTDIR)$(PREFIX)/include/aslc
	install -m 755 $(B)/aslc $(DESTDIR)$(PREFIX)/bin/aslc
	install -m 644 $(B)/libaslrt.a $(DESTDIR)$(PREFIX)/lib/aslc/libaslrt.a
	install -m 644 runtime/aslrt.h $(DESTDIR)$(PREFIX)/include/aslc/aslrt.h
	install -m 644 jsonata/jsonata_ast.h $(DESTDIR)$(PREFIX)/include/aslc/jsonata_ast.h
	install -m 644 runtime/aslrt_handler.h $(DESTDIR)$(PREFIX)/include/aslc/aslrt_handler.h
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(B)/bin/jsonata $(DESTDIR)$(PREFIX)/bin/jsonata
	install -m 644 $(B)/libjsonata.a $(DESTDIR)$(PREFIX)/lib/libjsonata.a
	install -m 644 jsonata/jsonata.h $(DESTDIR)$(PREFIX)/include/jsonata.h
	sed 's|@PREFIX@|$(PREFIX)|' jsonata/jsonata.pc.in >$(DESTDIR)$(PREFIX)/lib/pkgconfig/jsonata.pc

clean:
	rm -rf build

.PHONY: all unit test check tsan print-layer-inc bench fuzz install clean
-include $(RT_OBJ:.o=.d) $(CC_OBJ:.o=.d) $(SRV_OBJ:.o=.d) $(B)/server/aslc.d $(UNIT_BIN:=.d) $(JSONATA_CLI_OBJ:.o=.d)
