# frg: non-recursive Makefile, out-of-tree build, automatic header dependencies.
#   make            build library, driver, tests          make run    default deck
#   make test       whole test suite                      make bench  benchmarks
#   make deps       install missing Debian packages       V=1         show commands
#   BUILD=dir       another build folder                  SANITIZE=1  address+undefined sanitizers
#   make install    frg, tools, jobscripts, decks, frgpy under PREFIX (/usr/local; DESTDIR=...); compiles nothing
# A cluster's own PETSc or SUNDIALS: PETSC_DIR/PETSC_ARCH, SUNDIALS_DIR.
.DELETE_ON_ERROR:
.SUFFIXES:
SHELL := /bin/bash

comma    := ,
BUILD    ?= build
NP       ?= 1
PREFIX   ?= /usr/local
Q        := $(if $(V),,@)
CC       := mpicc
PYTHON   := /usr/bin/python3

ifneq ($(PETSC_DIR),)
export PKG_CONFIG_PATH := $(PETSC_DIR)/$(PETSC_ARCH)/lib/pkgconfig:$(PETSC_DIR)/lib/pkgconfig:$(PKG_CONFIG_PATH)
endif
SUNDIALS_INC := $(if $(SUNDIALS_DIR),-I$(SUNDIALS_DIR)/include)
SUNDIALS_LIB := $(if $(SUNDIALS_DIR),-L$(SUNDIALS_DIR)/lib -Wl$(comma)-rpath$(comma)$(SUNDIALS_DIR)/lib)

# Recursively expanded on purpose: evaluated when a recipe runs, after 'deps' installed pkg-config files.
PKGS      = PETSc muparser hdf5-openmpi gsl
CFLAGS_PKG = $(shell pkg-config --cflags $(PKGS))
LIBS_PKG   = $(shell pkg-config --libs $(PKGS))
SANFLAGS  := $(if $(SANITIZE),-fsanitize=address$(comma)undefined -fno-omit-frame-pointer)
OPT       ?= -O3 -march=x86-64-v2
CFLAGS    := -std=c11 $(OPT) -g -Wall -Wextra -Werror -Wno-unused-parameter -MMD -MP -Iinclude $(SUNDIALS_INC) $(SANFLAGS)
SUNLIBS   := -lsundials_cvode -lsundials_arkode -lsundials_nvecpetsc -lsundials_sunnonlinsolpetscsnes -lsundials_generic
LDLIBS     = $(SUNDIALS_LIB) $(SUNLIBS) $(LIBS_PKG) -lstdc++ -lm

LIB_SRC   := $(sort $(wildcard src/*/*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
LIB       := $(BUILD)/lib/libfrg.a
BIN       := $(BUILD)/bin/frg
CORE      := $(BUILD)/libexec/frg-core
UNIT_SRC  := $(sort $(wildcard tests/unit/*.c tests/tools/*.c))
UNIT_BIN  := $(UNIT_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(sort $(wildcard bench/*.c))
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all deps ensure-deps run test bench format clean help install
all: $(BIN) $(CORE) $(UNIT_BIN) $(BENCH_BIN)

help:
	@sed -n '2,8p' Makefile

# Order-only prerequisite of every compile: installs Debian packages only when something is missing.
ensure-deps:
	$(Q)tools/deps.sh ensure
deps:
	$(Q)tools/deps.sh ensure

$(BUILD)/obj/%.o: %.c | ensure-deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC  $<")
	$(Q)$(CC) $(CFLAGS) $(CFLAGS_PKG) -c $< -o $@

# Build facts for -version and /provenance (git commit, dirty tree, compiler, flags): the header is
# regenerated on every make but replaced only when a fact changed, so only buildinfo.c recompiles.
GEN := $(BUILD)/gen
.PHONY: FORCE
$(GEN)/frg_build.h: FORCE
	@mkdir -p $(@D)
	$(Q)tools/build-info.sh "$(CC)" "$(CFLAGS)" >$@.tmp && { cmp -s $@.tmp $@ || mv $@.tmp $@; }; rm -f $@.tmp
$(BUILD)/obj/src/io/buildinfo.o: $(GEN)/frg_build.h
$(BUILD)/obj/src/io/buildinfo.o: CFLAGS += -I$(GEN)

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

$(CORE): $(BUILD)/obj/src/frg.o $(LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD  $@")
	$(Q)$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)

# bin/frg: the launcher (src/launcher.c), static and without sanitizers: it only blocks SIGTERM/SIGUSR1
# and becomes $(CORE), so that a signal during the core's dynamic loading is kept.
$(BIN): src/launcher.c | $(CORE)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD  $@")
	$(Q)cc -std=c11 -O2 -Wall -Wextra -Werror -static -o $@ $<

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)

run: all
	$(Q)tools/run-default.sh $(BUILD) $(NP)

# T=PREFIX: only the tests whose name starts with PREFIX
test: all
	$(Q)BUILD=$(BUILD) FRG_SANITIZE="$(SANITIZE)" FRG_OPT="$(OPT)" tests/run.sh $(T)

# Builds only when frg is missing, so that 'sudo make install' after 'make' compiles nothing as root.
install:
	$(Q)[ -x $(BIN) ] && [ -x $(CORE) ] || $(MAKE) --no-print-directory $(BIN) $(CORE)
	$(Q)tools/install.sh "$(PREFIX)" "$(BUILD)"

bench: all
	$(Q)BUILD=$(BUILD) bench/run.sh

format:
	$(Q)clang-format -i $(LIB_SRC) src/frg.c $(wildcard include/*.h include/frg/*.h tests/unit/*.c tests/tools/*.c bench/*.c)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
