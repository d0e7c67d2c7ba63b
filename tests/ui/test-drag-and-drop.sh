#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/ui/test-drag-and-drop.sh GRAFT GRAFT_CLI DATA_DIR
#
# End-to-end: starts the real application on the example pair under the X
# server in $DISPLAY (tools/test.sh runs the suite under xvfb-run), drags
# the source's conv1 row onto the target's conv1 row with a real pointer
# (xdotool), saves with Ctrl+S and checks the saved file with graft-cli.
# TAP output.
set -uo pipefail

graft=$1
cli=$2
data=$3

echo "1..3"
if [ -z "${DISPLAY:-}" ] || ! command -v xdotool >/dev/null 2>&1; then
  echo "ok 1 # SKIP no X display or no xdotool"
  echo "ok 2 # SKIP"
  echo "ok 3 # SKIP"
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

cp "$data/seq_conv_newhead.keras" "$tmp/target.keras"
"$graft" "$data/seq_conv.keras" "$tmp/target.keras" >"$tmp/log" 2>&1 &
app_pid=$!

wid=
for _ in $(seq 100); do
  wid=$(xdotool search --name '^target\.keras — Graft$' 2>/dev/null | head -n1)
  [ -n "$wid" ] && break
  sleep 0.1
done
if [ -z "$wid" ]; then
  echo "not ok 1 - the window did not appear"; cat "$tmp/log" | sed 's/^/# /'
  exit 1
fi
echo "ok 1 - the window appeared"
sleep 1.5

# Where the rows are, from the window's origin: the layout is fixed by the
# template (header bar, tree headings, column titles, 20 px rows).
eval "$(xdotool getwindowgeometry --shell "$wid")"
row_y=$((Y + ${GRAFT_TEST_FIRST_ROW_Y:-161}))
src_x=$((X + ${GRAFT_TEST_SOURCE_X:-60}))
dst_x=$((X + ${GRAFT_TEST_TARGET_X:-380}))

xdotool mousemove --sync "$src_x" "$row_y"
sleep 0.3
xdotool mousedown 1
sleep 0.2
steps=20
for i in $(seq 1 $steps); do
  xdotool mousemove "$((src_x + (dst_x - src_x) * i / steps))" "$row_y"
  sleep 0.05
done
sleep 0.3
xdotool mouseup 1
sleep 0.8

if xdotool search --name '^\*target\.keras — Graft$' >/dev/null 2>&1; then
  echo "ok 2 - the drop changed the target"
else
  echo "not ok 2 - the drop did not change the target"
  exit 1
fi

xdotool key --window "$wid" ctrl+s
for _ in $(seq 100); do
  xdotool search --name '^target\.keras — Graft$' >/dev/null 2>&1 && break
  sleep 0.1
done
sleep 0.5

# The saved target now holds the source's conv1 and keeps its own head.
diff=$("$cli" diff "$data/seq_conv.keras" "$tmp/target.keras" --json 2>&1)
if printf '%s' "$diff" | python3 -c '
import json, sys
d = json.load(sys.stdin)
pairs = {p["b"]: p for p in d["weights"]}
ok = all(pairs[k]["max_abs_diff"] == 0 for k in ("conv1/kernel", "conv1/bias"))
sys.exit(0 if ok else 1)'; then
  echo "ok 3 - graft-cli reads conv1 of the saved file as the source's"
else
  echo "not ok 3 - the saved file does not hold the source's conv1"
  printf '%s\n' "$diff" | head -40 | sed 's/^/# /'
  exit 1
fi
