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
shots=${GRAFT_TEST_SHOTS:-}

echo "1..5"
if [ -z "${DISPLAY:-}" ] || ! command -v xdotool >/dev/null 2>&1; then
  for i in 1 2 3 4 5; do echo "ok $i # SKIP no X display or no xdotool"; done
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

shot () {
  [ -n "$shots" ] && import -window root "$shots/$1.png" 2>/dev/null
  return 0
}

wait_title () {
  for _ in $(seq 100); do
    xdotool search --name "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

cp "$data/cnn_bn.keras" "$tmp/target.keras"
chmod u+w "$tmp/target.keras"
XDG_STATE_HOME=$tmp/state "$graft" "$data/cnn_bn.pt" "$tmp/target.keras" >"$tmp/log" 2>&1 &
app_pid=$!

if ! wait_title '^target\.keras — Graft$'; then
  echo "not ok 1 - the window did not appear"; sed 's/^/# /' "$tmp/log"
  exit 1
fi
wid=$(xdotool search --name '^target\.keras — Graft$' | head -n1)
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
shot torch-drop-hint
xdotool mouseup 1
sleep 0.8

if wait_title '^\*target\.keras — Graft$'; then
  echo "ok 2 - dropping the Linear onto the Dense changed the target"
else
  echo "not ok 2 - the drop did not change the target"
  shot torch-drop-failed
  exit 1
fi

shot torch-dropped
xdotool key ctrl+m
if ! wait_title '^Match Weights$'; then
  echo "not ok 3 - Ctrl+M did not open Match…"
  exit 1
fi
sleep 1.5
shot torch-match
# The dialog's header bar: Copy Checked at its right end.
did=$(xdotool search --name '^Match Weights$' | head -n1)
eval "$(xdotool getwindowgeometry --shell "$did")"
xdotool mousemove --sync $((X + WIDTH - 70)) $((Y + 26)) click 1
sleep 1.5
shot torch-matched
xdotool key ctrl+s
if wait_title '^target\.keras — Graft$'; then
  echo "ok 3 - Match… copied the pairs and Ctrl+S saved"
else
  echo "not ok 3 - the target was not saved"
  shot torch-save-failed
  exit 1
fi
sleep 0.5

if "$cli" predict "$tmp/target.keras" --input "$data/cnn_bn.input.npy" -o "$tmp/y.npy" \
     --expect "$data/cnn_bn.output.npy" >"$tmp/predict" 2>&1; then
  echo "ok 4 - the saved Keras file predicts PyTorch's outputs ($(head -n1 "$tmp/predict"))"
else
  echo "not ok 4 - the saved file does not predict PyTorch's outputs"
  sed 's/^/# /' "$tmp/predict"
  exit 1
fi

# The drop itself, alone, converted the Linear through the Flatten reorder.
if "$cli" transfer "$data/cnn_bn.pt" "$data/cnn_bn.keras" --layer classifier=fc -o "$tmp/drop.keras" \
     >/dev/null 2>&1 &&
   "$cli" diff "$tmp/drop.keras" "$tmp/target.keras" --map fc=fc 2>/dev/null | grep -q '^fc'; then
  echo "ok 5 - the dropped layer holds the converted values"
else
  echo "not ok 5 - the dropped layer differs from the converted values"
  exit 1
fi
