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

. "$(dirname "$0")/ui-lib.sh"
ui_begin 4

cp -r "$series" "$ui_tmp/run"
ui_start "$graft" "$ui_tmp/run"
wid=$(ui_wait_window '^Training Run · run — Graft$')
if [ -z "$wid" ]; then
  echo "not ok 1 - the training-run window did not appear"; sed 's/^/# /' "$ui_tmp/log"
  exit 1
fi
echo "ok 1 - graft FOLDER opens the training-run view"
sleep 2
eval "$(xdotool getwindowgeometry --shell "$wid")"
ui_shot series

# The filter has the focus: type into it.
xdotool type --delay 30 "dense2/kernel"
sleep 1
ui_shot series-filtered
import -window root "$ui_tmp/screen.png"
# Only one row of plots is left: count rows of the plots' grey backgrounds
# down the first plot's column.
rows=$(convert "$ui_tmp/screen.png" -crop "1x$((HEIGHT - 60))+$((X + 40))+$((Y + 60))" txt:- 2>/dev/null |
       awk -F'[(),]' '
         # Runs of the plots grey at least 20 px tall (the search entry and
         # labels have greys of their own, in shorter runs).
         NR > 1 && $3 == $4 && $4 == $5 && $3 > 210 && $3 < 225 {
           y = $2 + 0
           if (last == "" || y - last > 1) { if (len >= 20) n++; len = 0 }
           len++; last = y
         }
         END { if (len >= 20) n++; print n + 0 }')
if [ "$rows" -eq 1 ]; then
  echo "ok 2 - the filter leaves one weight's plots"
else
  echo "not ok 2 - the filter leaves $rows rows of plots"
  exit 1
fi

# Its plots: five cells across the window less 12 px margins; "Δ first" is
# the third; its last point is at the cell's right end. The row of plots
# starts below the search entry, the status line and the weight's name.
plot_y=$(convert "$ui_tmp/screen.png" -crop "1x$((HEIGHT - 60))+$((X + 40))+$((Y + 60))" txt:- 2>/dev/null |
         awk -F'[(),]' '
           NR > 1 && $3 == $4 && $4 == $5 && $3 > 210 && $3 < 225 {
             y = $2 + 0
             if (last == "" || y - last > 1) { start = y; len = 0 }
             len++; last = y
             if (len >= 20) { print start; exit }
           }')
cell=$(( (WIDTH - 24) / 5 ))
xdotool mousemove --sync $((X + 12 + 3 * cell - 8)) $((Y + 60 + plot_y + 15)) click 1
target=$(ui_wait_window '^step-4\.weights\.h5 — Graft$')
if [ -n "$target" ]; then
  echo "ok 3 - clicking the last point of Δ first opened step-4"
else
  echo "not ok 3 - no window for step-4 appeared"
  exit 1
fi
sleep 2.5
ui_shot series-opened

# In transfer mode the target tree is the middle pane; dense2/kernel is its
# row 3 (dense1, kernel, bias, dense2, kernel…): row 4, selected.
# The opened window says what it shows (GRAFT_DEBUG_STATE, see ui-lib.sh).
if ui_state_wait '^selected\ttarget_tree\tdense2/kernel$' 5 &&
   ui_state_wait '^subtitle\tTransfer from step-0\.weights\.h5$' 2; then
  echo "ok 4 - step-4 opened as a transfer from step-0 with dense2/kernel selected"
else
  echo "not ok 4 - dense2/kernel is not selected in the opened window ($(ui_state_line '^selected'))"
  exit 1
fi
