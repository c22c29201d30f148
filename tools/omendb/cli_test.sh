#!/usr/bin/env bash
# `omendb sql` end to end: the per-query memory bound (explicit, default auto, refused sizes).
# Usage: cli_test.sh path/to/omendb
set -uo pipefail
omendb=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# 200k sorted rows of 100-byte strings: about 25 MB held at once.
query="SELECT count(*) FROM (SELECT g, repeat('x', 100) AS r FROM generate_series(1, 200000) g
       ORDER BY r) s"

out=$("$omendb" sql --data "$dir/d" --query-memory 1MB "$query" 2>&1)
rc=$?
[ $rc -eq 1 ] || fail "--query-memory 1MB: exit $rc, want 1: $out"
grep -q "SQLSTATE 53200" <<<"$out" || fail "--query-memory 1MB: no 53200 in: $out"

out=$("$omendb" sql --data "$dir/d" --format csv "$query" 2>&1)
rc=$?
[ $rc -eq 0 ] || fail "default (auto) bound: exit $rc: $out"
grep -qx "200000" <<<"$out" || fail "default (auto) bound: want 200000 in: $out"

out=$(OMENDB_QUERY_MEMORY=0 "$omendb" sql --data "$dir/d" --format csv "$query" 2>&1)
[ $? -eq 0 ] || fail "--query-memory 0 (from the environment): $out"

out=$("$omendb" sql --data "$dir/d" --query-memory 12XB "SELECT 1" 2>&1)
rc=$?
[ $rc -ne 0 ] || fail "--query-memory 12XB was accepted"
grep -q "not a byte size: 12XB" <<<"$out" || fail "--query-memory 12XB: $out"
echo "ok"
