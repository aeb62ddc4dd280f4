#!/usr/bin/env bash
# Scale check (issue 5, targets 1–3): builds kanbao, generates an N-post corpus, warms the
# page cache, then measures against baselines taken in the same run:
#   1. time to first screen: the TUI at 120x40 in tmux, until a post row is on screen
#      (and, for information, until the status line says loading is done); run 1 starts
#      with an empty cache directory, later runs show what the run before remembered;
#   2. `kanbao check` (all loaded and indexed) vs `find … | xargs cat` (reading the files);
#   3. peak RSS of `kanbao check` vs the corpus bytes (`du -sb`).
#
# Usage: scripts/scale.sh [N [DIR]]     (N defaults to 100000; DIR to a temp dir, removed
#        at the end; a DIR made by an earlier run with the same N is reused)
# Needs: cargo; hyperfine (else `date` timing), tmux and GNU time (/usr/bin/time) for
# targets 1 and 3 (Debian: apt-get install -y hyperfine tmux time).
# Env: RUNS (timed runs per command, default 5), SEED (corpus seed, default 1),
#      CARGO_TARGET_DIR (default target).
set -euo pipefail

N=${1:-100000}
DIR=${2:-}
RUNS=${RUNS:-5}
SEED=${SEED:-1}
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}

echo "== building (release)" >&2
cargo build --release --quiet --bin kanbao --example gen_corpus
BIN=$(realpath "$TARGET/release/kanbao")
GEN=$(realpath "$TARGET/release/examples/gen_corpus")

TMUX_CMD=() OWN_DIR="" CACHE_DIR=""
cleanup() {
  if [ ${#TMUX_CMD[@]} -gt 0 ]; then "${TMUX_CMD[@]}" kill-server 2>/dev/null || true; fi
  if [ -n "$OWN_DIR" ]; then rm -rf "$OWN_DIR"; fi
  if [ -n "$CACHE_DIR" ]; then rm -rf "$CACHE_DIR"; fi
}
trap cleanup EXIT
if [ -z "$DIR" ]; then
  DIR=$(mktemp -d "${TMPDIR:-/tmp}/kanbao-scale.XXXXXX")
  OWN_DIR=$DIR
fi
MARK="$DIR/.scale-corpus"
if [ -f "$MARK" ] && [ "$(cat "$MARK")" = "$N $SEED" ]; then
  echo "== reusing the corpus in $DIR ($N posts, seed $SEED)" >&2
else
  if [ -n "$(ls -A "$DIR" 2>/dev/null)" ] && [ ! -f "$MARK" ]; then
    echo "scale.sh: $DIR is not empty and was not made by this script" >&2
    exit 2
  fi
  rm -rf "$DIR/_posts" "$DIR/old_post"
  echo "== generating $N posts in $DIR" >&2
  "$GEN" "$DIR" "$N" "$SEED" >&2
  echo "$N $SEED" >"$MARK"
fi

BYTES=$(du -sb "$DIR" | cut -f1)
FILES=$(find "$DIR" -name '*.md' | wc -l)
BASE_CMD="find '$DIR' -name '*.md' -print0 | xargs -0 cat >/dev/null"
CHECK_CMD="'$BIN' check '$DIR' >/dev/null"

echo "== warming the page cache" >&2
for _ in 1 2; do bash -c "$BASE_CMD"; done
"$BIN" check "$DIR" >/dev/null || true

# Seconds for one run of a shell command.
once() {
  local t0 t1
  t0=$(date +%s.%N)
  bash -c "$1" || true
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "== timing: reading the files vs kanbao check ($RUNS runs each)" >&2
if command -v hyperfine >/dev/null; then
  CSV=$(mktemp)
  hyperfine --style basic --warmup 1 --runs "$RUNS" -i --export-csv "$CSV" \
    -n baseline "$BASE_CMD" -n check "$CHECK_CMD" >&2
  # command,mean,stddev,median,user,system,min,max
  T_BASE=$(awk -F, '$1 == "baseline" { printf "%.3f", $4 }' "$CSV")
  T_CHECK=$(awk -F, '$1 == "check" { printf "%.3f", $4 }' "$CSV")
  # CPU seconds (user + system, means): unlike wall time, not stretched by other load.
  C_BASE=$(awk -F, '$1 == "baseline" { printf "%.3f", $5 + $6 }' "$CSV")
  C_CHECK=$(awk -F, '$1 == "check" { printf "%.3f", $5 + $6 }' "$CSV")
  rm -f "$CSV"
  HOW="hyperfine median of $RUNS"
else
  T_BASE=$(for _ in $(seq "$RUNS"); do once "$BASE_CMD"; done | median)
  T_CHECK=$(for _ in $(seq "$RUNS"); do once "$CHECK_CMD"; done | median)
  C_BASE="" C_CHECK=""
  HOW="date median of $RUNS"
fi
LOAD_LINE=$("$BIN" check "$DIR" | grep -E '^(posts|categories|load time):' | tr -s ' ' | paste -sd ';' - || true)

RSS_KB=""
if [ -x /usr/bin/time ]; then
  echo "== peak RSS of kanbao check" >&2
  RSS_KB=$( { /usr/bin/time -v "$BIN" check "$DIR" >/dev/null; } 2>&1 |
    awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }') || true
else
  echo "scale.sh: /usr/bin/time missing (apt-get install -y time): no RSS figure" >&2
fi

T_FIRST="" T_DONE="" T_COLD=""
if command -v tmux >/dev/null; then
  echo "== time to first screen (tmux 120x40, $RUNS runs)" >&2
  firsts=() dones=()
  # A cache directory of our own: run 1 finds nothing remembered (a first start), later
  # runs show the newest posts remembered by the run before, as a user's next start does.
  CACHE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kanbao-scale-cache.XXXXXX")
  # A server of our own (its own socket), kept up by a holder session between runs.
  TMUX_CMD=(tmux -L "kanbao-scale-$$" -f /dev/null)
  "${TMUX_CMD[@]}" new-session -d -s hold -x 120 -y 40 "sleep 100000"
  for r in $(seq "$RUNS"); do
    S="run$r"
    "${TMUX_CMD[@]}" new-session -d -s "$S" -x 120 -y 40 "bash --norc --noprofile"
    sleep 0.3
    t0=$(date +%s.%N)
    "${TMUX_CMD[@]}" send-keys -t "$S" "XDG_CACHE_HOME='$CACHE_DIR' exec '$BIN' '$DIR'" Enter
    first="" done_=""
    for _ in $(seq 3000); do
      screen=$("${TMUX_CMD[@]}" capture-pane -p -t "$S" 2>/dev/null || true)
      now=$(date +%s.%N)
      # A post row in the middle pane: `│MM-DD title` or `│MM-DD HH:MM title`.
      if [ -z "$first" ] && grep -qE '│[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2})? [ ★]?[^ ]' <<<"$screen"; then
        first=$(awk -v a="$t0" -v b="$now" 'BEGIN { printf "%.3f", b - a }')
      fi
      # The status line changes from `Loading… N of M posts (P%)` to `N posts · U unread · …`.
      if [ -n "$first" ] && grep -qE '^ [0-9]+ posts · [0-9]+ unread' <<<"$screen"; then
        done_=$(awk -v a="$t0" -v b="$now" 'BEGIN { printf "%.3f", b - a }')
        break
      fi
      sleep 0.002
    done
    "${TMUX_CMD[@]}" send-keys -t "$S" q
    sleep 0.2
    "${TMUX_CMD[@]}" kill-session -t "$S" 2>/dev/null || true
    if [ "$r" = 1 ]; then
      T_COLD=$first
    elif [ -n "$first" ]; then
      firsts+=("$first")
    fi
    [ -n "$done_" ] && dones+=("$done_")
    echo "   run $r: first post row ${first:-?} s, loading done ${done_:-?} s" >&2
  done
  "${TMUX_CMD[@]}" kill-server 2>/dev/null || true
  [ ${#firsts[@]} -gt 0 ] && T_FIRST=$(printf '%s\n' "${firsts[@]}" | median)
  [ ${#dones[@]} -gt 0 ] && T_DONE=$(printf '%s\n' "${dones[@]}" | median)
else
  echo "scale.sh: tmux missing (apt-get install -y tmux): no first-screen figure" >&2
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2fx", a / b }'; }
verdict() { awk -v v="$1" -v g="$2" 'BEGIN { if (v == "" || v == "-") print "-"; else print ((v + 0 <= g) ? "met" : "MISSED") }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f MB", k / 1e6 }'; }

R_LOAD=$(ratio "$T_CHECK" "$T_BASE")
R_RSS=""
[ -n "$RSS_KB" ] && R_RSS=$(ratio "$((RSS_KB * 1024))" "$BYTES")

echo
echo "kanbao scale check: $N posts, $FILES files, $(mb "$BYTES") ($BYTES bytes), $(nproc) cores," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg); $HOW"
echo "kanbao check says: $LOAD_LINE"
printf '%-34s | %-9s | %-24s | %-7s | %-8s | %s\n' target measured baseline ratio goal verdict
printf '%-34s-|-%-9s-|-%-24s-|-%-7s-|-%-8s-|-%s\n' "$(printf -- '-%.0s' {1..34})" --------- \
  ------------------------ ------- -------- -------
printf '%-34s | %-9s | %-24s | %-7s | %-8s | %s\n' "1. first post row (TUI, runs 2..)" \
  "${T_FIRST:--} s" "-" "-" "<= 0.3 s" "$(verdict "${T_FIRST:--}" 0.3)"
printf '%-34s | %-9s | %-24s | %-7s | %-8s | %s\n' "   (run 1, nothing remembered)" \
  "${T_COLD:--} s" "-" "-" "<= 0.3 s" "$(verdict "${T_COLD:--}" 0.3)"
printf '%-34s | %-9s | %-24s | %-7s | %-8s | %s\n' "   (all loaded, status line; info)" \
  "${T_DONE:--} s" "find|xargs cat $T_BASE s" "$(ratio "$T_DONE" "$T_BASE")" "-" "-"
printf '%-34s | %-9s | %-24s | %-7s | %-8s | %s\n' "2. all loaded+indexed (check)" \
  "$T_CHECK s" "find|xargs cat $T_BASE s" "$R_LOAD" "<= 1.0x" "$(verdict "${R_LOAD%x}" 1.0)"
printf '%-34s | %-9s | %-24s | %-7s | %-8s | %s\n' "   (same, CPU time user+sys; info)" \
  "${C_CHECK:--} s" "find|xargs cat ${C_BASE:--} s" "$(ratio "$C_CHECK" "$C_BASE")" "-" "-"
printf '%-34s | %-9s | %-24s | %-7s | %-8s | %s\n' "3. peak RSS (check)" \
  "$([ -n "$RSS_KB" ] && mb "$((RSS_KB * 1024))" || echo -)" "corpus $(mb "$BYTES")" \
  "${R_RSS:--}" "<= 1.5x" "$(verdict "${R_RSS%x}" 1.5)"
