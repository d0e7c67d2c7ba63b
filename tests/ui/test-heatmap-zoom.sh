#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/ui/test-heatmap-zoom.sh GRAFT DATA_DIR
#
# The heatmap's zoom as a user drives it (issue 15, defects 1 and 2):
# opens seq_conv.keras (conv1/kernel is shown as a grid of filters), clicks
# the + button with a real pointer, fits with the fit button, zooms in with
# Ctrl + wheel up over the heatmap, presses + on the keyboard right after
# (no click in the heatmap first), and zooms out with Ctrl + wheel down
# until it stops at the whole kernel. GRAFT_DEBUG_HEATMAP makes the panel
# print, for every frame, the zoom window ("extent=rows,cols of=rows,cols")
# and where its buttons are in the window. TAP output.
set -uo pipefail

graft=$1
data=$2

. "$(dirname "$0")/ui-lib.sh"
ui_begin 6

cp "$data/seq_conv.keras" "$ui_tmp/model.keras"
GRAFT_DEBUG_HEATMAP=1 ui_start "$graft" "$ui_tmp/model.keras"
wid=$(ui_wait_window '^model\.keras — Graft$')
if [ -z "$wid" ]; then
  echo "not ok 1 - the window did not appear"; sed 's/^/# /' "$ui_tmp/log"
  exit 1
fi

# The number of frames drawn so far, and the last frame's field $1.
frames () { grep -c '^heatmap-debug:' "$ui_tmp/log"; }
field () { grep '^heatmap-debug:' "$ui_tmp/log" | tail -n1 | tr ' ' '\n' | sed -n "s/^$1=//p"; }
# Waits (up to 10 s) for a frame after frame $1.
wait_frame () {
  for _ in $(seq 100); do
    [ "$(frames)" -gt "$1" ] && { sleep 0.2; return 0; }
    sleep 0.1
  done
  return 1
}
# The zoom window's rows, and the slice's.
rows () { field extent | cut -d, -f1; }
all_rows () { field of | cut -d, -f1; }
centre () { field "$1" | awk -F, -v x="$X" -v y="$Y" '{ print x + $1 + int($3 / 2), y + $2 + int($4 / 2) }'; }

if ! wait_frame 0; then
  echo "not ok 1 - no heatmap was drawn"; sed 's/^/# /' "$ui_tmp/log"
  exit 1
fi
echo "ok 1 - the window appeared with conv1/kernel drawn"
eval "$(xdotool getwindowgeometry --shell "$wid")"
full=$(all_rows)

n=$(frames)
xdotool mousemove --sync $(centre zoom-in) click 1
if wait_frame "$n" && awk -v a="$(rows)" -v b="$full" 'BEGIN { exit !(a < b) }'; then
  echo "ok 2 - the + button zooms in ($(rows) of $full rows)"
else
  echo "not ok 2 - the + button did nothing (rows $(rows) of $full)"
fi

n=$(frames)
xdotool mousemove --sync $(centre zoom-fit) click 1
if wait_frame "$n" && [ "$(rows)" = "$full" ]; then
  echo "ok 3 - the fit button shows the whole kernel"
else
  echo "not ok 3 - after fit, rows $(rows) of $full"
fi

n=$(frames)
xdotool mousemove --sync $(centre view)
xdotool keydown ctrl click 4 keyup ctrl
if wait_frame "$n" && awk -v a="$(rows)" -v b="$full" 'BEGIN { exit !(a < b) }'; then
  echo "ok 4 - Ctrl + wheel up zooms in ($(rows) of $full rows)"
else
  echo "not ok 4 - Ctrl + wheel up did not zoom in (rows $(rows) of $full)"
fi

before=$(rows)
n=$(frames)
xdotool key plus
if wait_frame "$n" && awk -v a="$(rows)" -v b="$before" 'BEGIN { exit !(a < b) }'; then
  echo "ok 5 - + on the keyboard zooms in right after a Ctrl + scroll ($before → $(rows) rows)"
else
  echo "not ok 5 - + after a Ctrl + scroll did nothing (rows $(rows), before $before)"
fi

for _ in $(seq 12); do
  n=$(frames)
  xdotool keydown ctrl click 5 keyup ctrl
  wait_frame "$n" || true
done
sleep 0.5
ui_shot heatmap-zoom
if [ "$(rows)" = "$full" ] && [ "$(field extent | cut -d, -f2)" = "$(field of | cut -d, -f2)" ]; then
  echo "ok 6 - Ctrl + wheel down stops at the whole kernel"
else
  echo "not ok 6 - zoomed out to $(field extent) of $(field of)"
fi
