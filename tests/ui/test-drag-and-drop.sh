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

. "$(dirname "$0")/ui-lib.sh"
ui_begin 3
tmp=$ui_tmp

cp "$data/seq_conv_newhead.keras" "$tmp/target.keras"
ui_start "$graft" "$data/seq_conv.keras" "$tmp/target.keras"
wid=$(ui_wait_window '^target\.keras — Graft$')
if [ -z "$wid" ] || ! ui_state_wait '^selected\ttarget_tree\t' 10; then
  echo "not ok 1 - the window did not appear"; sed 's/^/# /' "$ui_tmp/log"
  exit 1
fi
ui_origin "$wid"
echo "ok 1 - the window appeared"
sleep 0.5

# The rows are found where the window says they are (GRAFT_DEBUG_STATE).
ui_drag source_tree '^conv1$' target_tree '^conv1$'
if ui_state_wait '^modified\t1$' 5; then
  echo "ok 2 - the drop changed the target"
else
  echo "not ok 2 - the drop did not change the target"
  exit 1
fi

xdotool key ctrl+s
ui_state_wait '^modified\t0$' 10
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
