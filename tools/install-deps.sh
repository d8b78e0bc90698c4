#!/usr/bin/env bash
# Install the Debian 12 packages memtally needs to build, test and benchmark.
# Idempotent: it installs only what is missing and says what it installs.
# Run as root (or with sudo available). Set MEMTALLY_DEPS=build for the
# build-only set.
set -euo pipefail

build_pkgs=(
	gcc make pkg-config meson ninja-build
	libjson-c-dev     # JSON output
	libsmartcols-dev  # text tables (util-linux's table library)
	libarchive-dev    # snapshot files (tar)
	libzstd-dev       # snapshot compression
	libsqlite3-dev    # recordings (record, leaks, report)
	libmicrohttpd-dev # serve: Prometheus metrics over HTTP
	libncurses-dev    # top: the full-screen view
	libbpf-dev        # the eBPF collector's loader (pools --source bpf, top)
	bpftool           # BPF skeletons and vmlinux.h at build time
	clang llvm        # compiling the BPF programs (clang -target bpf)
)
test_pkgs=(
	libcmocka-dev       # unit tests
	clang llvm          # fuzz targets (libFuzzer)
	libclang-rt-14-dev  # sanitizer and fuzzer runtimes for clang
	procps              # slabtop, free: peers in tests and benchmarks
	hyperfine           # benchmarks
	zstd tar            # inspecting snapshots in tests
	prometheus          # live test: a real Prometheus scrapes serve
	chromium            # live test: the HTML report rendered headless
	sqlite3 curl        # history tests and benchmarks
	prometheus-node-exporter # benchmark: the peer of serve
	jq                  # live tests read the JSON views
	tmux                # driving the top screen in tests/live/top.sh
	bpftrace            # bench/bpf.sh: the peers the tracer is measured against
	redis-server redis-tools # bench/bpf.sh redis: a server load for the tracer
	smem                # procs: PSS peer (tests/live/procs.sh, bench/procs.sh)
	vmtouch             # files: page cache peer (bench/files.sh)
	clang-format        # lint: the committed .clang-format is checked
	liburing-dev        # owners: io_uring rings made by the live test
	iproute2 lsof       # owners: the peers ss and lsof (bench/owners.sh)
)

pkgs=("${build_pkgs[@]}")
[ "${MEMTALLY_DEPS:-all}" = build ] || pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#pkgs[@]} packages present"
	exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/memtally-apt.log 2>&1; then
	$SUDO apt-get update -q >>/tmp/memtally-apt.log 2>&1
	$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >>/tmp/memtally-apt.log 2>&1 || {
		echo "install-deps: apt-get failed, see /tmp/memtally-apt.log" >&2
		tail -n 20 /tmp/memtally-apt.log >&2
		exit 1
	}
fi
echo "install-deps: done"
