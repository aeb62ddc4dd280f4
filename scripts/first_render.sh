#!/usr/bin/env bash
# First render of a long post (issue 5, target 6: 5 MB in 100 ms), each run in a fresh
# process as the reader lays a post out the first time it is opened: RUNS runs of
# `examples/first_render.rs`, then the min, median and max of each figure.
#
# Usage: scripts/first_render.sh [RUNS [WIDTH [FILE]]]
#        RUNS defaults to 15, WIDTH to 80; FILE to the 5 MB post of generated articles
#        appended that `cargo bench` renders, written to a temp dir and removed after.
# Env:   CARGO_TARGET_DIR (default target).
set -euo pipefail

RUNS=${1:-15}
WIDTH=${2:-80}
FILE=${3:-}
cd "$(dirname "$0")/.."
cargo build --release --quiet --example first_render
BIN=$(realpath "${CARGO_TARGET_DIR:-target}/release/examples/first_render")
if [ -z "$FILE" ]; then
  DIR=$(mktemp -d "${TMPDIR:-/tmp}/kanbao-first.XXXXXX")
  trap 'rm -rf "$DIR"' EXIT
  FILE=$DIR/2026-01-01-appended.md
  "$BIN" --generate "$FILE"
fi

echo "first render of $FILE ($(wc -c <"$FILE") bytes) at width $WIDTH, $RUNS fresh processes," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
OUT=$(for _ in $(seq "$RUNS"); do "$BIN" "$FILE" "$WIDTH"; done)
printf '%-14s %8s %8s %8s\n' "" min median max
# Each line is `name value name value …`: one figure a pair of fields.
for col in $(seq 2 2 "$(head -1 <<<"$OUT" | wc -w)"); do
  name=$(head -1 <<<"$OUT" | cut -d' ' -f$((col - 1)))
  sorted=$(cut -d' ' -f"$col" <<<"$OUT" | sort -g)
  printf '%-14s %8s %8s %8s\n' "$name" "$(head -1 <<<"$sorted")" \
    "$(sed -n "$(((RUNS + 1) / 2))p" <<<"$sorted")" "$(tail -1 <<<"$sorted")"
done
