#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Configure (once) and build one flavour.  Usage: build.sh [normal|asan|tsan]
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-normal}
case "$flavour" in
normal) dir=build;      opts=(-Dwerror=true) ;;
asan)   dir=build-asan; opts=(-Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false) ;;
# gcc 12's -Wtsan only notes that TSan does not model atomic_thread_fence;
# the project's fences (seqlock readers, the flush queue's full barrier) are
# deliberate and the TSan runs must still be clean.
tsan)   dir=build-tsan; opts=(-Dwerror=true -Db_sanitize=thread -Dstress_only=true -Db_lundef=false -Dc_args=-Wno-tsan) ;;
*) echo "usage: $0 [normal|asan|tsan]" >&2; exit 2 ;;
esac
if [ ! -f "$dir/build.ninja" ]; then
	meson setup "$dir" "${opts[@]}" >/dev/null
fi
ninja -C "$dir" >/dev/null
echo "$dir"
