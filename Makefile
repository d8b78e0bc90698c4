# memtally: the two commands a new user needs.
#   make run    install missing Debian packages, build, show the overview
#   make test   the same set-up, then every test (ASan + UBSan, -Werror)
# Other targets: build, fuzz, bench, golden-update, hostile, clean.

BUILD      ?= build
TESTBUILD  ?= build-test
FUZZBUILD  ?= build-fuzz
FUZZ_SECONDS ?= 10
MESON      ?= meson
NINJA      ?= ninja

.PHONY: all deps build run test fuzz bench golden-update hostile clean

all: build

deps:
	@bash tools/install-deps.sh

$(BUILD)/build.ninja:
	$(MESON) setup $(BUILD) >/dev/null

build: deps $(BUILD)/build.ninja
	$(NINJA) -C $(BUILD)

run: build
	./$(BUILD)/memtally usage

$(TESTBUILD)/build.ninja:
	$(MESON) setup $(TESTBUILD) -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true >/dev/null

test: deps $(TESTBUILD)/build.ninja
	$(NINJA) -C $(TESTBUILD)
	$(MESON) test -C $(TESTBUILD) --print-errorlogs --num-processes 2 || true
	@bash tools/test-summary.sh $(TESTBUILD)

$(FUZZBUILD)/build.ninja:
	CC=clang $(MESON) setup $(FUZZBUILD) -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false >/dev/null

fuzz: deps $(FUZZBUILD)/build.ninja
	$(NINJA) -C $(FUZZBUILD)
	@bash tools/run-fuzz.sh $(FUZZBUILD) $(FUZZ_SECONDS)

# hostile kernel trees (tools/hostile-trees.py): every line of proc/'s
# files cut, then random mutations, for HOSTILE_SECONDS; HOSTILE_SKIP
# leaves mutation classes out (e.g. fifo,zero,symlink)
HOSTILE_SECONDS ?= 1200
hostile: deps $(TESTBUILD)/build.ninja
	$(NINJA) -C $(TESTBUILD)
	MEMTALLY=$(TESTBUILD)/memtally python3 tools/hostile-trees.py \
		--every-line --seconds $(HOSTILE_SECONDS) --jobs 2 \
		--keep $(TESTBUILD)/hostile-failures

bench: build
	@bash bench/run.sh $(BUILD)

golden-update: build
	@bash tools/update-golden.sh

clean:
	rm -rf $(BUILD) $(TESTBUILD) $(FUZZBUILD)
