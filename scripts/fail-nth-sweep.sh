#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Scenario-level fail-nth: run each scenario once per allocation point of
# its run (softiommu run --fail-nth-sweep), each on a fresh machine in a
# fresh process, and report how many failure points each has and how many
# were swept.  A point fails on a crash (or a sanitizer report), a leak, a
# WARN the scenario does not fire without the injection (docs/
# scenario-language.md, "Allocation failures", lists the exceptions), or
# broken invariants; the scenarios' expects are not judged.
#
# usage: scripts/fail-nth-sweep.sh [-b BUILD_DIR] [-k K] [FILE...]
#   FILEs      default: every scenarios/*.scn
#   -k K       every K-th point (default 1: all of them; CI uses 5)
#   -b DIR     the build to use (default build; build-asan finds memory
#              errors: set ASAN_OPTIONS as scripts/test.sh does)
set -uo pipefail
cd "$(dirname "$0")/.."

build=build
step=1
while getopts b:k:h opt; do
	case $opt in
	b) build=$OPTARG ;;
	k) step=$OPTARG ;;
	*) sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -eq 0 ]; then
	set -- scenarios/*.scn
fi
exe=$build/tools/softiommu/softiommu
if [ ! -x "$exe" ]; then
	echo "fail-nth-sweep: $exe not built (scripts/build.sh)" >&2
	exit 2
fi

out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT
status=0
for f in "$@"; do
	"$exe" run --virtual-clock --fail-nth-sweep="$step" "$f" 2>&1 |
		grep -v '^\[' | tee -a "$out"
	st=${PIPESTATUS[0]}
	[ "$st" -gt "$status" ] && status=$st
done
# "fail-nth FILE: N allocation points, M swept (every K): P with problems"
awk '/^fail-nth .*allocation points/ {
	n++; points += $3; swept += $6
	for (i = 7; i < NF; i++)
		if ($(i + 1) == "with" && $(i + 2) ~ /^problems/)
			bad += $i
} END {
	printf "fail-nth sweep: %d scenario(s), %d allocation points, %d swept, %d with problems\n",
		n, points, swept, bad
}' "$out"
exit $status
