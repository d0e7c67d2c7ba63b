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

cp "$data/cnn_bn.keras" "$tmp/model.keras"
XDG_STATE_HOME=$tmp/state "$graft" "$tmp/model.keras" >"$tmp/log" 2>&1 &
app_pid=$!
wid=
for _ in $(seq 100); do
  wid=$(xdotool search --name '^model\.keras — Graft$' 2>/dev/null | head -n1)
  [ -n "$wid" ] && break
  sleep 0.1
done
if [ -z "$wid" ]; then
  echo "not ok 1 - the window did not appear"; sed 's/^/# /' "$tmp/log"
  exit 1
fi
echo "ok 1 - the window appeared"
sleep 1.5
eval "$(xdotool getwindowgeometry --shell "$wid")"

# Is the pixel at (x, y) of the screen the selection's blue?
is_selected () {
  import -window root -crop "1x1+$1+$2" txt:- 2>/dev/null | tail -n1 |
    sed -n 's/.*srgb[a]*(\([0-9]*\),\([0-9]*\),\([0-9]*\).*/\1 \2 \3/p' |
    { read -r r g b; [ -n "${b:-}" ] && [ "$b" -gt 180 ] && [ "$r" -lt 120 ]; }
}

# The Spectrum switcher sits at the top of the right-hand pane; the tree's
# rows are 20 px apart: conv2/kernel is row 9, fc/kernel row 12.
first=${GRAFT_TEST_FIRST_ROW_Y:-161}
xdotool mousemove --sync $((X + WIDTH - 90)) $((Y + 62)) click 1
sleep 0.5
xdotool mousemove --sync $((X + 90)) $((Y + first + 9 * 20)) click 1
sleep 3
[ -n "$shots" ] && import -window root "$shots/spectrum.png"
if is_selected $((X + 30)) $((Y + first + 9 * 20)); then
  echo "ok 2 - conv2/kernel is selected and its spectrum shown"
else
  echo "not ok 2 - the conv2/kernel row is not selected"
  exit 1
fi

# The α bars are filled with one blue (53, 133, 227): find their rows in
# the right-hand pane.
import -window root "$tmp/screen.png" 2>/dev/null
convert "$tmp/screen.png" -crop "$((WIDTH / 3))x$((HEIGHT - 300))+$((X + WIDTH * 2 / 3))+$((Y + 300))" \
  "$tmp/pane.txt" 2>/dev/null
bars=$(python3 - "$tmp/pane.txt" $((X + WIDTH * 2 / 3)) $((Y + 300)) <<'PYTHON'
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
[ -n "$shots" ] && import -window root "$shots/spectrum-clicked.png"
if is_selected $((X + 30)) $((Y + first + 12 * 20)) && ! is_selected $((X + 30)) $((Y + first + 9 * 20)); then
  echo "ok 4 - clicking the last bar selected fc/kernel in the tree"
else
  echo "not ok 4 - clicking the bar did not select fc/kernel"
  exit 1
fi
