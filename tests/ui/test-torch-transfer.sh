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
sleep 1.5

# Rows are 20 px apart below the column titles. Source: features, 0,
# weight, bias, 1, weight, bias, running_mean, running_var,
# num_batches_tracked, 4, weight, bias, classifier (row 13). Target:
# conv1, kernel, bias, bn1, gamma, beta, moving_mean, moving_variance,
# conv2, kernel, bias, fc (row 11).
eval "$(xdotool getwindowgeometry --shell "$wid")"
first=${GRAFT_TEST_FIRST_ROW_Y:-161}
src_x=$((X + ${GRAFT_TEST_SOURCE_X:-80}))
src_y=$((Y + first + 13 * 20))
dst_x=$((X + ${GRAFT_TEST_TARGET_X:-390}))
dst_y=$((Y + first + 11 * 20))

xdotool mousemove --sync "$src_x" "$src_y"
sleep 0.3
xdotool mousedown 1
sleep 0.2
for i in $(seq 1 20); do
  xdotool mousemove "$((src_x + (dst_x - src_x) * i / 20))" "$((src_y + (dst_y - src_y) * i / 20))"
  sleep 0.05
done
sleep 0.6
ui_shot torch-drop-hint
xdotool mouseup 1
sleep 0.8

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
