#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/ui/test-torch-transfer.sh GRAFT GRAFT_CLI TORCH_DATA_DIR
#
# End-to-end, as a user: opens a PyTorch state_dict (cnn_bn.pt) as the
# source and its Keras counterpart as the target, drags the source's
# "classifier" Linear onto the target's "fc" Dense with a real pointer (the
# drop hint names the Flatten reorder), opens Match… with Ctrl+M (by
# structure, the default between frameworks), copies every pair, saves
# with Ctrl+S, and checks with graft-cli that the saved file predicts
# PyTorch's outputs. Screenshots go to $GRAFT_TEST_SHOTS when it is set.
# TAP output.
set -uo pipefail

graft=$1
cli=$2
data=$3

. "$(dirname "$0")/ui-lib.sh"
ui_begin 5

cp "$data/cnn_bn.keras" "$ui_tmp/target.keras"
chmod u+w "$ui_tmp/target.keras"
ui_start "$graft" "$data/cnn_bn.pt" "$ui_tmp/target.keras"
wid=$(ui_wait_window '^target\.keras — Graft$')
if [ -z "$wid" ]; then
  echo "not ok 1 - the window did not appear"; sed 's/^/# /' "$ui_tmp/log"
  exit 1
fi
echo "ok 1 - a .pt source and a Keras target open in transfer mode"
ui_state_wait '^selected\ttarget_tree\t' 10
ui_origin "$wid"
sleep 0.5

# The source's classifier (a Linear) onto the target's fc (a Dense after a
# Flatten), found where the window says they are (GRAFT_DEBUG_STATE).
ui_drag source_tree '^classifier$' target_tree '^fc$'
ui_state_wait '^modified\t1$' 5

if [ -n "$(ui_wait_window '^\*target\.keras — Graft$')" ]; then
  echo "ok 2 - dropping the Linear onto the Dense changed the target"
else
  echo "not ok 2 - the drop did not change the target"
  ui_shot torch-drop-failed
  exit 1
fi

ui_shot torch-dropped
xdotool key ctrl+m
if [ -z "$(ui_wait_window '^Match Weights$')" ]; then
  echo "not ok 3 - Ctrl+M did not open Match…"
  exit 1
fi
sleep 1.5
ui_shot torch-match
# The dialog's header bar: Copy Checked at its right end.
did=$(xdotool search --name '^Match Weights$' | head -n1)
eval "$(xdotool getwindowgeometry --shell "$did")"
xdotool mousemove --sync $((X + WIDTH - 70)) $((Y + 26)) click 1
sleep 1.5
ui_shot torch-matched
xdotool key ctrl+s
if [ -n "$(ui_wait_window '^target\.keras — Graft$')" ]; then
  echo "ok 3 - Match… copied the pairs and Ctrl+S saved"
else
  echo "not ok 3 - the target was not saved"
  ui_shot torch-save-failed
  exit 1
fi
sleep 0.5

if "$cli" predict "$ui_tmp/target.keras" --input "$data/cnn_bn.input.npy" -o "$ui_tmp/y.npy" \
     --expect "$data/cnn_bn.output.npy" >"$ui_tmp/predict" 2>&1; then
  echo "ok 4 - the saved Keras file predicts PyTorch's outputs ($(head -n1 "$ui_tmp/predict"))"
else
  echo "not ok 4 - the saved file does not predict PyTorch's outputs"
  sed 's/^/# /' "$ui_tmp/predict"
  exit 1
fi

# The drop itself, alone, converted the Linear through the Flatten reorder.
if "$cli" transfer "$data/cnn_bn.pt" "$data/cnn_bn.keras" --layer classifier=fc -o "$ui_tmp/drop.keras" \
     >/dev/null 2>&1 &&
   "$cli" diff "$ui_tmp/drop.keras" "$ui_tmp/target.keras" --map fc=fc 2>/dev/null | grep -q '^fc'; then
  echo "ok 5 - the dropped layer holds the converted values"
else
  echo "not ok 5 - the dropped layer differs from the converted values"
  exit 1
fi
