#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Golden test: run softiommu, compare its exit status and its whole output
# (stdout and stderr) with the expected ones.
# usage: golden.sh [--stdin FILE] EXPECTED_STATUS EXPECTED_OUTPUT SOFTIOMMU ARGS...
# SIO_UPDATE_GOLDEN=1 rewrites EXPECTED_OUTPUT instead of comparing.
stdin=/dev/null
if [ "$1" = "--stdin" ]; then
	stdin=$2
	shift 2
fi
want_status=$1
want_out=$2
shift 2
out=$(mktemp) || exit 99
# Call-trace lines (addresses) and source line numbers of WARN sites change
# from build to build: drop the former, blank the latter.
SIO_LOG_CLOCK=virtual "$@" <"$stdin" >"$out.raw" 2>&1
status=$?
sed -e '/^\[ *[0-9.]*\]  [^ ]/d' \
    -e 's/\(\.[ch]\):[0-9][0-9]*)/\1:N)/g' "$out.raw" >"$out"
rm -f "$out.raw"
if [ -n "$SIO_UPDATE_GOLDEN" ]; then
	cp "$out" "$want_out"
	rm -f "$out"
	echo "updated $want_out"
	exit 0
fi
rc=0
if [ "$status" != "$want_status" ]; then
	echo "exit status $status, expected $want_status"
	rc=1
fi
if ! diff -u "$want_out" "$out"; then
	echo "output differs from $want_out"
	rc=1
fi
rm -f "$out"
exit $rc
