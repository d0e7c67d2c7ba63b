#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/ui/test-spectrum.sh GRAFT TORCH_DATA_DIR
#
# The Spectrum tab as a user reaches it: opens cnn_bn.keras, clicks the
# "Spectrum" switcher and the conv2/kernel row with a real pointer, waits
# for the figures, finds the overview's α bars on screen by their colour,
# clicks the last one (fc/kernel), and checks that the tree's selection
# highlight moved to the fc/kernel row. Screenshots go to $GRAFT_TEST_SHOTS
# when it is set. TAP output.
set -uo pipefail

graft=$1
data=$2

. "$(dirname "$0")/ui-lib.sh"
ui_begin 4

cp "$data/cnn_bn.keras" "$ui_tmp/model.keras"
ui_start "$graft" "$ui_tmp/model.keras"
wid=$(ui_wait_window '^model\.keras — Graft$')
if [ -z "$wid" ]; then
  echo "not ok 1 - the window did not appear"; sed 's/^/# /' "$ui_tmp/log"
  exit 1
fi
echo "ok 1 - the window appeared"
ui_state_wait '^selected\ttarget_tree\t' 10
sleep 1
ui_origin "$wid"
eval "$(xdotool getwindowgeometry --shell "$wid")"

# The Spectrum tab and the rows, where the window says they are
# (GRAFT_DEBUG_STATE): conv2/kernel is the second "kernel" of the tree.
ui_click $(ui_center side_pane '^Spectrum$')
ui_state_wait '^side_tab\tspectrum$' 3
ui_click $(ui_center_nth target_tree '^kernel$' 2)
sleep 3
ui_shot spectrum
if ui_state_wait '^selected\ttarget_tree\tconv2/kernel$' 3; then
  echo "ok 2 - conv2/kernel is selected and its spectrum shown"
else
  echo "not ok 2 - the conv2/kernel row is not selected"
  exit 1
fi

# The α bars are filled with one blue (53, 133, 227): find their rows in
# the right-hand pane.
import -window root "$ui_tmp/screen.png" 2>/dev/null
convert "$ui_tmp/screen.png" -crop "$((WIDTH / 3))x$((HEIGHT - 300))+$((X + WIDTH * 2 / 3))+$((Y + 300))" \
  "$ui_tmp/pane.txt" 2>/dev/null
bars=$(python3 - "$ui_tmp/pane.txt" $((X + WIDTH * 2 / 3)) $((Y + 300)) <<'PYTHON'
import re, sys
path, ox, oy = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = {}
for line in open(path):
    m = re.match(r"(\d+),(\d+): \((\d+),(\d+),(\d+)", line)
    if m:
        x, y, r, g, b = map(int, m.groups())
        if abs(r - 54) <= 3 and abs(g - 133) <= 3 and abs(b - 227) <= 3:
            rows.setdefault(y, []).append(x)
# Bars: runs of rows whose blue spans at least 8 px, grouped.
groups, last = [], None
for y in sorted(rows):
    if max(rows[y]) - min(rows[y]) < 8:
        continue
    if last is None or y - last > 2:
        groups.append([y, y, min(rows[y])])
    groups[-1][1] = y
    last = y
for top, bottom, left in groups:
    print(ox + left + 3, oy + (top + bottom) // 2)
PYTHON
)
n=$(printf '%s\n' "$bars" | grep -c . || true)
if [ "$n" -ge 2 ]; then
  echo "ok 3 - the overview shows $n α bars"
else
  echo "not ok 3 - found $n α bars on screen"
  exit 1
fi

read -r bx by <<<"$(printf '%s\n' "$bars" | tail -n1)"
xdotool mousemove --sync "$bx" "$by" click 1
sleep 1.5
ui_shot spectrum-clicked
if ui_state_wait '^selected\ttarget_tree\tfc/kernel$' 3; then
  echo "ok 4 - clicking the last bar selected fc/kernel in the tree"
else
  echo "not ok 4 - clicking the bar did not select fc/kernel ($(ui_state_line '^selected'))"
  exit 1
fi
