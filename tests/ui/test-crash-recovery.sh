#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/ui/test-crash-recovery.sh GRAFT GRAFT_CLI DATA_DIR
#
# No transfer work is lost when the app dies: with a real pointer (xdotool)
# three rows of the source are dropped onto the target, the app is killed
# with SIGKILL, started again, and the restore it offers is accepted with
# the keyboard; the saved target must equal what an uninterrupted session
# gives. Then the same with the source changed while the app was down: the
# restored steps copy its current values. TAP output.
set -uo pipefail

graft=$1
cli=$2
data=$3

echo "1..8"
if [ -z "${DISPLAY:-}" ] || ! command -v xdotool >/dev/null 2>&1; then
  for i in $(seq 8); do echo "ok $i # SKIP no X display or no xdotool"; done
  exit 0
fi

. "$(dirname "$0")/ui-lib.sh"
tmp=$(mktemp -d)
export XDG_STATE_HOME=$tmp/state XDG_DATA_HOME=$tmp/data
# Where the rows are: the window says (GRAFT_DEBUG_STATE; see ui-lib.sh).
export GRAFT_DEBUG_STATE=$tmp/window-state.txt
ui_state=$GRAFT_DEBUG_STATE
app_pid=
cleanup () {
  if [ -n "$app_pid" ]; then
    kill -9 "$app_pid" 2>/dev/null
    wait "$app_pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

n=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
fail () {
  n=$((n + 1)); echo "not ok $n - $1"
  sed 's/^/# /' "$tmp/log" 2>/dev/null | tail -20
  exit 1
}

wait_title () {
  for _ in $(seq $(( 150 * ${GRAFT_UI_SLOW:-1} ))); do
    wid=$(xdotool search --name "$1" 2>/dev/null | head -n1)
    [ -n "$wid" ] && return 0
    sleep 0.1
  done
  return 1
}

start_app () {
  "$graft" "$tmp/source.keras" "$tmp/target.keras" >"$tmp/log" 2>&1 &
  app_pid=$!
}

# Drags the Nth label named $2 of the source onto the Nth of the target
# (the first "kernel" is conv1's in both trees).
drag () {
  ui_origin "$wid"
  ui_drag source_tree "$1" target_tree "$1"
  # Until the drop's transfer has run (slow under AddressSanitizer).
  sleep 1.2
}

journal_steps () {
  python3 -c '
import glob, json, sys
files = glob.glob(sys.argv[1] + "/graft/session-*.json")
print(sum(json.load(open(f))["position"] for f in files))' "$XDG_STATE_HOME"
}

# One drag, then the journal must hold N steps. Under AddressSanitizer the
# app can miss a synthetic gesture that comes too fast; a user would drag
# again, and so does this, once.
drag_step () {
  local n=$1 label=$2
  for attempt in 1 2; do
    drag "$label"
    for _ in $(seq 30); do
      [ "$(journal_steps)" = "$n" ] && return 0
      sleep 0.1
    done
  done
  return 0
}

# Three transfers by hand, then the app dies.
three_transfers_then_kill () {
  cp "$data/seq_conv.keras" "$tmp/source.keras"
  cp "$data/seq_conv_newhead.keras" "$tmp/target.keras"
  rm -rf "$XDG_STATE_HOME"
  start_app
  wait_title '^target\.keras — Graft$' || fail "the window did not appear"
  rm -f "$ui_state"
  ui_state_wait '^selected\ttarget_tree\t' 15 || fail "the target did not open"
  sleep 1
  drag_step 1 '^conv1$'                 # conv1 onto conv1
  drag_step 2 '^kernel$'                # conv1/kernel onto conv1/kernel
  drag_step 3 '^bias$'                  # conv1/bias onto conv1/bias
  steps=$(journal_steps)
  [ "$steps" = 3 ] || fail "the journal holds $steps steps, not 3"
  kill -9 "$app_pid"
  wait "$app_pid" 2>/dev/null
  app_pid=
}

# Return on the offer, once it has the focus; a key the dialog missed is
# pressed again while the offer is still up, as a user would.
accept_restore () {
  local offer
  for _ in 1 2 3; do
    offer=$(ui_wait_window '^Restore Unsaved Work$')
    if [ -n "$offer" ]; then
      ui_wait_focus "$offer"
      xdotool key Return
    fi
    for _ in $(seq $(( 50 * ${GRAFT_UI_SLOW:-1} ))); do
      xdotool search --onlyvisible --name '^\*target\.keras — Graft$' >/dev/null 2>&1 && return 0
      sleep 0.1
    done
  done
  return 1
}

# Starts again, accepts the restore with the keyboard, saves with Ctrl+S.
restart_restore_save () {
  start_app
  wait_title '^Restore Unsaved Work$' || fail "no restore was offered"
  accept_restore || fail "the restore changed nothing"
  sleep 0.5
  xdotool key ctrl+s
  wait_title '^target\.keras — Graft$' || fail "the save did not finish"
  sleep 0.3
  kill "$app_pid" 2>/dev/null
  wait "$app_pid" 2>/dev/null
  app_pid=
}

same_weights () {
  "$cli" diff "$1" "$2" --json 2>&1 | python3 -c '
import json, sys
d = json.load(sys.stdin)
names = sys.argv[1:]
pairs = {p["b"]: p for p in d["weights"]}
ok = all(pairs[k]["max_abs_diff"] == 0 for k in (names or pairs))
sys.exit(0 if ok else 1)' "${@:3}"
}

three_transfers_then_kill
ok "three drops, recorded in the journal, then SIGKILL"
"$cli" transfer "$data/seq_conv.keras" "$data/seq_conv_newhead.keras" -o "$tmp/reference.keras" \
  --layer conv1=conv1 >/dev/null || fail "graft-cli made no reference"
restart_restore_save
ok "restarted, restore offered and accepted, saved"
same_weights "$tmp/reference.keras" "$tmp/target.keras" ||
  fail "the restored target differs from an uninterrupted session's"
ok "the restored target equals an uninterrupted session's, tensor for tensor"
[ -z "$(ls "$XDG_STATE_HOME/graft" 2>/dev/null)" ] || fail "a journal is left after the save"
ok "no journal left once saved"

# The source changes while the app is down: its conv1 becomes the target's.
three_transfers_then_kill
"$cli" transfer "$data/seq_conv_newhead.keras" "$tmp/source.keras" -o "$tmp/source.keras" \
  --layer conv1=conv1 >/dev/null || fail "could not change the source"
ok "killed again, and the source changed meanwhile"
restart_restore_save
ok "the restore is still offered and applies"
same_weights "$tmp/source.keras" "$tmp/target.keras" conv1/kernel conv1/bias ||
  fail "the restored conv1 is not the changed source's"
ok "the restored steps copied the source's current values"
same_weights "$data/seq_conv_newhead.keras" "$tmp/target.keras" new_dense/kernel new_dense/bias ||
  fail "the target's own head changed"
ok "the target keeps its own head"
