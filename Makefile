# swns: build, install and test the tools.
#
#   make              build fully static release binaries and the completion files (the default)
#   make completions  write completions/ from the option tables (swns-completions; make does it too)
#   make install      build, then install tools, man pages and completions (root, or sudo make install)
#   make install-files  install what make build made, without building
#   make uninstall    remove exactly what install added
#   make check        run the whole test suite (root for the root-only tests)
#   make bench        compare start-up time and peak memory with util-linux
#   make sanitize     run the suite built with AddressSanitizer and UndefinedBehaviorSanitizer (slow)

PREFIX      ?= /usr/local
DESTDIR     ?=
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

TOOLS := swunshare swnsenter swlsns

SWIFT       ?= swift
# Fully static executables: no dynamic loader work at start-up (see the README's Benchmarks).
# Each tool is linked by lld in the symbol order of link/TOOL.order, so that a run touches few pages (see
# link/generate.py); SwiftPM does not know the file, so build relinks a tool that is older than it.
# -function-sections gives each function a section of its own, which the order file can place.
SWIFT_RELEASE_FLAGS := -c release -Xswiftc -static-executable \
                       -Xswiftc -Xfrontend -Xswiftc -function-sections \
                       -Xswiftc -use-ld=lld -Xlinker --no-warn-symbol-ordering
RELEASEDIR  := .build/release

MAN1     := $(wildcard man/*.1)
MAN8     := $(wildcard man/*.8)
# The completion files are not written by hand: swns-completions writes them from the option
# tables, the namespace kinds, the lsns columns and libcap's capability names (make completions).
BASHCOMP := $(TOOLS:%=completions/%.bash)
ZSHCOMP  := $(TOOLS:%=completions/_%)
FISHCOMP := $(TOOLS:%=completions/%.fish)

# The folders install-files creates are listed here, so that uninstall removes exactly those too
# (and not a folder such as /usr/local/bin that was there before).
DIRLIST     := $(DESTDIR)$(PREFIX)/share/swns/installed-folders
DIRS        := $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) \
               $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR) $(dir $(DIRLIST))

# Every file install writes, so that uninstall removes exactly these.
INSTALLED := $(TOOLS:%=$(DESTDIR)$(BINDIR)/%) \
             $(MAN1:man/%=$(DESTDIR)$(MANDIR)/man1/%) \
             $(MAN8:man/%=$(DESTDIR)$(MANDIR)/man8/%) \
             $(BASHCOMP:completions/%.bash=$(DESTDIR)$(BASHCOMPDIR)/%) \
             $(ZSHCOMP:completions/%=$(DESTDIR)$(ZSHCOMPDIR)/%) \
             $(FISHCOMP:completions/%=$(DESTDIR)$(FISHCOMPDIR)/%)

SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT_INSTALL := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends

.PHONY: build deps completions install install-files uninstall check bench sanitize
.DEFAULT_GOAL := build

# libcap.a for the static link (pkg-config finds its flags); newuidmap/newgidmap for
# unprivileged block maps (--map-users, --map-auto). Nothing happens when both are present.
deps:
	@if ! pkg-config --exists libcap 2>/dev/null || ! ls /usr/lib/*/libcap.a >/dev/null 2>&1; then \
		echo 'installing libcap-dev'; \
		$(SUDO) apt-get update && $(APT_INSTALL) libcap-dev pkg-config; \
	fi
	@if ! command -v newuidmap >/dev/null 2>&1; then \
		echo 'installing uidmap'; \
		$(SUDO) apt-get update && $(APT_INSTALL) uidmap; \
	fi

build: deps
	@set -e; for tool in $(TOOLS); do \
		order="link/$$tool.order"; \
		if [ -f $$order ] && [ $$order -nt $(RELEASEDIR)/$$tool ]; then rm -f $(RELEASEDIR)/$$tool; fi; \
		flags="$(SWIFT_RELEASE_FLAGS)"; \
		if [ -f $$order ]; then flags="$$flags -Xlinker --symbol-ordering-file=$(CURDIR)/$$order"; fi; \
		echo "$(SWIFT) build $$flags --product $$tool"; \
		$(SWIFT) build $$flags --product $$tool; \
	done
	@$(MAKE) --no-print-directory completions

# The completion files, written by swns-completions from the tables of the sources as they are.
completions: deps
	$(SWIFT) build $(SWIFT_RELEASE_FLAGS) --product swns-completions
	@mkdir -p completions
	$(RELEASEDIR)/swns-completions completions

install: build
	@$(MAKE) --no-print-directory install-files

# The files alone, from release binaries already built (make build): the installation tests use this.
install-files:
	@set -e; \
	for file in $(TOOLS:%=$(RELEASEDIR)/%) $(BASHCOMP) $(ZSHCOMP) $(FISHCOMP); do \
		test -f $$file || { echo "$$file is missing: run make build" >&2; exit 1; }; \
	done; \
	created=$$(cat $(DIRLIST) 2>/dev/null || true); \
	for dir in $(DIRS); do \
		missing=$$dir; \
		while [ ! -d "$$missing" ]; do created="$$created $$missing"; missing=$$(dirname "$$missing"); done; \
		install -d $$dir; \
	done; \
	printf '%s\n' $$created | awk 'NF && !seen[$$0]++' > $(DIRLIST); \
	for tool in $(TOOLS); do \
		install -D -m 0755 $(RELEASEDIR)/$$tool $(DESTDIR)$(BINDIR)/$$tool; \
	done; \
	for page in $(MAN1); do \
		install -D -m 0644 $$page $(DESTDIR)$(MANDIR)/man1/$${page#man/}; \
	done; \
	for page in $(MAN8); do \
		install -D -m 0644 $$page $(DESTDIR)$(MANDIR)/man8/$${page#man/}; \
	done; \
	for file in $(BASHCOMP); do \
		name=$${file#completions/}; \
		install -D -m 0644 $$file $(DESTDIR)$(BASHCOMPDIR)/$${name%.bash}; \
	done; \
	for file in $(ZSHCOMP); do \
		install -D -m 0644 $$file $(DESTDIR)$(ZSHCOMPDIR)/$${file#completions/}; \
	done; \
	for file in $(FISHCOMP); do \
		install -D -m 0644 $$file $(DESTDIR)$(FISHCOMPDIR)/$${file#completions/}; \
	done; \
	printf 'installed %s\n' $(INSTALLED)
	@set -e; for tool in $(TOOLS); do $(DESTDIR)$(BINDIR)/$$tool --version; done
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then \
		echo '# swunshare --uts --hostname swns-demo hostname'; \
		$(BINDIR)/swunshare --uts --hostname swns-demo hostname; \
		echo '# swunshare --uts --hostname swns-target sleep 5 & swnsenter -t $$! -u hostname'; \
		$(BINDIR)/swunshare --uts --hostname swns-target sleep 5 & target=$$!; sleep 0.3; \
		$(BINDIR)/swnsenter -t $$target -u hostname; kill $$target; \
		echo '# swlsns -t uts'; \
		$(BINDIR)/swlsns -t uts; \
	fi

uninstall:
	rm -f $(INSTALLED)
	@if [ -f $(DIRLIST) ]; then \
		folders=$$(awk '{ print length, $$0 }' $(DIRLIST) | sort -rn | cut -d' ' -f2-); \
		rm -f $(DIRLIST); \
		for dir in $$folders; do rmdir --ignore-fail-on-non-empty "$$dir" 2>/dev/null || true; done; \
	fi

# The release binaries first: the installation tests stage and inspect them.
check: build
	$(SWIFT) test

# The suite with AddressSanitizer in the Swift code and AddressSanitizer and UndefinedBehaviorSanitizer in
# the C shim (Swift on Linux has no -sanitize=undefined), in .build-sanitize. Leak checking is off: it
# cannot follow the tools into new pid namespaces, and a tool that fails exits by design. Slow.
SANITIZE_FLAGS := --build-path .build-sanitize -Xswiftc -sanitize=address -Xcc -fsanitize=address,undefined
sanitize: deps
	$(SWIFT) build $(SANITIZE_FLAGS) --build-tests
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		$(SWIFT) test $(SANITIZE_FLAGS)

bench: build
	python3 bench/startup.py --pair unshare; status=$$?; \
	python3 bench/startup.py --pair nsenter || status=1; \
	for pair in lsns lsns-json lsns-net; do \
		python3 bench/startup.py --pair $$pair --runs 30 --warmup 3 --memory-runs 5 || status=1; \
	done; \
	python3 bench/watch.py --runs 5 || status=1; exit $$status
