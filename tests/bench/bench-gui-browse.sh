#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/bench/bench-gui-browse.sh [FILE] [STEPS]
#
# The app on a big checkpoint as a person browses it (issue 12): under
# Xvfb, the first weight is clicked, then Down is pressed STEPS times
# (default 100: every row of the tree in turn, layers and weights, each
# weight's heatmap, statistics and histogram computed as it is shown).
# The window's main-loop probe (ui/graft-window-debug.c, as in the
# ui-main-loop test) lists every delay of the loop of 50 ms or more; the
# app's private memory (RssAnon) is read after the tenth step and at the
# end. Prints the weights shown; for the start and opening and for the
# steps apart, how many delays exceeded 100 ms and the worst; the memory.
#
# FILE defaults to tests/bench/out/llm-deflate/llm-deflate.weights.h5 (the
# 4.4 GB compressed checkpoint, see README.md). Environment: BUILD_DIR
# (default _build); GRAFT_WRAP, a command the app is run under (as
# "perf record -k CLOCK_MONOTONIC -g -o perf.data", whose times then match
# the probe's).
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
build_dir=${BUILD_DIR:-_build}
file=${1:-tests/bench/out/llm-deflate/llm-deflate.weights.h5}
steps=${2:-100}

if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1600x1000x24" "$0" "$@"
fi
[ -s "$file" ] || { echo "bench-gui-browse: $file missing (see tests/bench/README.md)" >&2; exit 1; }

. tests/ui/ui-lib.sh
ui_begin 1 >/dev/null

rss_anon () {
  awk '/^RssAnon:/ { print $2 }' "/proc/$ui_app_pid/status"
}

MALLOC_PERTURB_=0 GSK_RENDERER=cairo ui_start ${GRAFT_WRAP:-} "$build_dir/app/graft" "$file"
wid=$(ui_wait_window 'Graft$')
[ -n "$wid" ] || { echo "bench-gui-browse: no window" >&2; exit 1; }
xdotool windowmove "$wid" 0 0
xdotool windowsize "$wid" 1600 1000
ui_state_wait '^page\tcontent$' 60 || { echo "bench-gui-browse: $file did not open" >&2; exit 1; }
ui_origin "$wid"
t0=$(date +%s.%N)
ui_click $(ui_center_nth target_tree '^kernel$' 1)
ui_state_wait '^busy\t0$' 120
sleep 0.5
# The delays so far are the start, the opening and the first weight's.
opened=$(grep -cP '^stall\t' "$ui_state")
shown=1
rss10=
for i in $(seq "$steps"); do
  xdotool key Down
  sleep 0.3
  ui_state_wait '^busy\t0$' 120
  grep -qP '^selected\ttarget_tree\t.*/(kernel|embeddings|gamma|scale)$' "$ui_state" && shown=$(( shown + 1 ))
  [ "$i" -eq 10 ] && rss10=$(rss_anon)
done
t1=$(date +%s.%N)
rss_end=$(rss_anon)
awk -F '\t' -v rss10="$rss10" -v rss_end="$rss_end" -v secs="$(echo "$t1 - $t0" | bc)" \
    -v steps="$steps" -v opened="$opened" -v shown="$shown" '
  $1 == "stall" { part = $2 <= opened ? 0 : 1; n[part]++; ms = $3 - $4
                  if (ms > worst[part]) worst[part] = ms; if (ms > 100) over[part]++ }
  END {
    printf "%d steps in %.1f s, %d weights shown. Main-loop delays of 50 ms or more (CPU wait of other processes taken out):\n",
           steps, secs, shown
    printf "  start and opening: %d, over 100 ms: %d, worst %d ms\n", n[0], over[0], worst[0]
    printf "  the %d steps: %d, over 100 ms: %d, worst %d ms\n", steps, n[1], over[1], worst[1]
    printf "private memory (RssAnon): %.1f MiB after 10 steps, %.1f MiB after %d\n", rss10 / 1024, rss_end / 1024, steps
  }' "$ui_state"
echo "  the longest (stall, number, ms, of it CPU wait, ms since the window was made):"
grep -P '^stall\t' "$ui_state" | sort -t$'\t' -k3 -n -r | head -5 | sed 's/^/    /'
