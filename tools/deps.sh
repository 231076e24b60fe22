#!/usr/bin/env bash
# Installs the Debian packages the suite needs, only those missing, so the
# README's commands work on a fresh Debian 12 machine (as root, or with sudo).
set -euo pipefail

packages=(
	cmake make gcc g++ pkg-config   # build
	libbenchmark-dev                # Google Benchmark 1.7.1 (stress)
	libhwloc-dev                    # topology and thread placement
	libjansson-dev                  # reading benchmark JSON (compare, plot)
	gnuplot-nox                     # plots
	valgrind                        # instruction counts (bench icount)
	spin                            # the second, independent model checker
	clang libclang-rt-14-dev        # libFuzzer target (CI)
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "tools/deps.sh: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
