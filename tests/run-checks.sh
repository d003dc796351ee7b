#!/usr/bin/env bash
# Runs each make target given on the command line, keeps going after a
# failure so one red suite does not hide the others, and ends with the
# plain summary line CI reads: "N passed, M failed" (one per suite).
set -u
passed=0 failed=0 failed_names=()
for t in "$@"; do
	echo "=== check: $t"
	start=$(date +%s)
	if make --no-print-directory "$t"; then
		passed=$((passed + 1)); r=ok
	else
		failed=$((failed + 1)); failed_names+=("$t"); r=FAILED
	fi
	echo "=== check: $t $r ($(( $(date +%s) - start )) s)"
done
[ "$failed" -gt 0 ] && echo "failed suites: ${failed_names[*]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
