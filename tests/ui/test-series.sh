#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/ui/test-series.sh GRAFT SERIES_DIR
#
# The training-run view as a user reaches it: `graft FOLDER` opens the
# fixture run, typing in the filter leaves dense2/kernel alone, and a real
# click on the last point of its "Δ first" plot opens step-4 as a transfer
# from step-0 (so the heatmap's Δ view shows the drift) with dense2/kernel
# selected. Screenshots go to $GRAFT_TEST_SHOTS when it is set. TAP output.
set -uo pipefail

graft=$1
series=$2
shots=${GRAFT_TEST_SHOTS:-}

echo "1..4"
if [ -z "${DISPLAY:-}" ] || ! command -v xdotool >/dev/null 2>&1 || ! command -v import >/dev/null 2>&1; then
  for i in 1 2 3 4; do echo "ok $i # SKIP no X display, xdotool or ImageMagick"; done
  exit 0
fi

tmp=$(mktemp -d)
app_pid=
cleanup () {
  if [ -n "$app_pid" ]; then
    kill "$app_pid" 2>/dev/null
    wait "$app_pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

cp -r "$series" "$tmp/run"
XDG_STATE_HOME=$tmp/state "$graft" "$tmp/run" >"$tmp/log" 2>&1 &
app_pid=$!
wid=
for _ in $(seq 100); do
  wid=$(xdotool search --name '^Training Run · run — Graft$' 2>/dev/null | head -n1)
  [ -n "$wid" ] && break
  sleep 0.1
done
if [ -z "$wid" ]; then
  echo "not ok 1 - the training-run window did not appear"; sed 's/^/# /' "$tmp/log"
  exit 1
fi
echo "ok 1 - graft FOLDER opens the training-run view"
sleep 2
eval "$(xdotool getwindowgeometry --shell "$wid")"
[ -n "$shots" ] && import -window root "$shots/series.png"

# The filter has the focus: type into it.
xdotool type --delay 30 "dense2/kernel"
sleep 1
[ -n "$shots" ] && import -window root "$shots/series-filtered.png"
import -window root "$tmp/screen.png"
# Only one row of plots is left: count rows of the plots' grey backgrounds
# down the first plot's column.
rows=$(convert "$tmp/screen.png" -crop "1x$((HEIGHT - 60))+$((X + 40))+$((Y + 60))" txt:- 2>/dev/null |
       awk -F'[(),]' 'NR > 1 && $3 == $4 && $4 == $5 && $3 > 210 && $3 < 225 { y = $2 + 0; if (last == "" || y - last > 8) n++; last = y } END { print n + 0 }')
if [ "$rows" -eq 1 ]; then
  echo "ok 2 - the filter leaves one weight's plots"
else
  echo "not ok 2 - the filter leaves $rows rows of plots"
  exit 1
fi

# Its plots: five cells across the window less 12 px margins; "Δ first" is
# the third; its last point is at the cell's right end. The row of plots
# starts below the search entry, the status line and the weight's name.
plot_y=$(convert "$tmp/screen.png" -crop "1x$((HEIGHT - 60))+$((X + 40))+$((Y + 60))" txt:- 2>/dev/null |
         awk -F'[(),]' 'NR > 1 && $3 == $4 && $4 == $5 && $3 > 210 && $3 < 225 { print $2 + 0; exit }')
cell=$(( (WIDTH - 24) / 5 ))
xdotool mousemove --sync $((X + 12 + 3 * cell - 8)) $((Y + 60 + plot_y + 15)) click 1
target=
for _ in $(seq 100); do
  target=$(xdotool search --name '^step-4\.weights\.h5 — Graft$' 2>/dev/null | head -n1)
  [ -n "$target" ] && break
  sleep 0.1
done
if [ -n "$target" ]; then
  echo "ok 3 - clicking the last point of Δ first opened step-4"
else
  echo "not ok 3 - no window for step-4 appeared"
  exit 1
fi
sleep 2.5
[ -n "$shots" ] && import -window root "$shots/series-opened.png"

# In transfer mode the target tree is the middle pane; dense2/kernel is its
# row 3 (dense1, kernel, bias, dense2, kernel…): row 4, selected.
eval "$(xdotool getwindowgeometry --shell "$target")"
# The selection's blue, focused (53, 132, 228) or in a window without focus
# (211, 228, 249): clearly bluer than red, unlike a white row.
pixel=$(import -window root -depth 8 -crop "1x1+$((X + 420))+$((Y + 161 + 4 * 20))" txt:- 2>/dev/null |
        tail -n1 | sed -n 's/.*srgb(\([0-9]*\),\([0-9]*\),\([0-9]*\)).*/\1 \2 \3/p')
if printf '%s\n' "$pixel" | awk '{ exit !($3 > 200 && $3 - $1 > 25) }'; then
  echo "ok 4 - step-4 opened as a transfer from step-0 with dense2/kernel selected"
else
  echo "not ok 4 - dense2/kernel is not selected in the opened window (rgb $pixel)"
  exit 1
fi
