#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The README's test command: build and run the whole suite three times —
# a normal build, an ASan+UBSan build, and a TSan build of the stress
# tests — then print one line "N passed, N failed, N skipped" counting
# every test case (TAP subtests) of every run.
set -uo pipefail
cd "$(dirname "$0")/.."

total_pass=0 total_fail=0 total_skip=0 status=0
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS="suppressions=$PWD/tests/tsan.supp:halt_on_error=1:second_deadlock_stack=1"

run_flavour() {
	local flavour=$1 dir log
	echo "== $flavour build"
	if ! dir=$(scripts/build.sh "$flavour"); then
		echo "== $flavour: BUILD FAILED"
		total_fail=$((total_fail + 1))
		status=1
		return
	fi
	log="$dir/meson-logs/testlog.txt"
	if meson test -C "$dir" --print-errorlogs --num-processes 2 >"$dir/test-output.txt" 2>&1; then
		:
	else
		status=1
		tail -n 60 "$dir/test-output.txt"
	fi
	grep -E '^ *[0-9]+/[0-9]+ ' "$dir/test-output.txt" | grep -vE ' OK |SKIP' | sed 's/^/   /' || true
	# Count TAP results (one line per test case) in the whole test log; a
	# test() that is not TAP (scenario runs) counts as one case.
	read -r p f s < <(python3 scripts/count-results.py "$dir")
	echo "== $flavour: $p passed, $f failed, $s skipped"
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f)); total_skip=$((total_skip + s))
	[ "$f" -eq 0 ] || status=1
}

flavours=${SIO_TEST_FLAVOURS:-"normal asan tsan"}
for fl in $flavours; do
	run_flavour "$fl"
done

echo "$total_pass passed, $total_fail failed, $total_skip skipped"
exit $status
