# Thin wrapper: the build is meson's. Every target that builds installs the
# Debian packages it needs first (scripts/deps.sh, quiet when all present).
BUILD ?= build
MESON_OPTS ?=

.PHONY: all deps build check demo bench interop fuzz clean install

all: build

deps:
	@sh scripts/deps.sh

$(BUILD)/build.ninja:
	@sh scripts/deps.sh
	meson setup $(BUILD) $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	@meson compile -C $(BUILD)

check: build
	@python3 tests/run-check.py $(BUILD)

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
