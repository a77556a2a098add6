# Thin wrapper: the build is meson's. Every target that builds installs the
# Debian packages it needs first (scripts/deps.sh, quiet when all present).
BUILD ?= build
ASAN_BUILD ?= $(BUILD)-asan
MESON_OPTS ?=
SANITIZE_OPTS = -Db_sanitize=address,undefined -Db_lundef=false \
	-Dc_args=-fno-sanitize-recover=undefined

.PHONY: all deps build check demo bench interop fuzz clean install

all: build

deps:
	@sh scripts/deps.sh

$(BUILD)/build.ninja:
	@sh scripts/deps.sh
	meson setup $(BUILD) $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	@meson compile -C $(BUILD)

# Every test in the normal build, then the unit and process tests again
# under AddressSanitizer and UndefinedBehaviorSanitizer.
check: build
	@test -f $(ASAN_BUILD)/build.ninja || meson setup $(ASAN_BUILD) $(MESON_OPTS) $(SANITIZE_OPTS)
	@meson compile -C $(ASAN_BUILD)
	@python3 tests/run-check.py $(BUILD) --sanitized $(ASAN_BUILD)

demo: build
	@bash scripts/demo.sh $(BUILD)

bench: build
	@sh bench/run.sh $(BUILD)

interop: build
	@python3 tests/run-check.py $(BUILD) --suite interop

fuzz: build
	@sh tests/fuzz/run.sh long $(BUILD)

clean:
	rm -rf $(BUILD)
