#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/ui/test-heatmap-layout.sh GRAFT DATA_DIR
#
# The heatmap panel at 900×600 and at 1600×1000 (issue 15, defect 10): its
# controls keep to one row, and the heatmap keeps most of the panel. The
# panel prints its widgets' allocations with GRAFT_DEBUG_HEATMAP set
# ("controls=x,y,w,h view=… panel=…"). TAP output.
set -uo pipefail

graft=$1
data=$2

. "$(dirname "$0")/ui-lib.sh"
ui_begin 3

cp "$data/seq_conv.keras" "$ui_tmp/model.keras"
GRAFT_DEBUG_HEATMAP=1 ui_start "$graft" "$ui_tmp/model.keras"
wid=$(ui_wait_window '^model\.keras — Graft$')
if [ -z "$wid" ]; then
  echo "not ok 1 - the window did not appear"; sed 's/^/# /' "$ui_tmp/log"
  exit 1
fi
echo "ok 1 - the window appeared"

frames () { grep -c '^heatmap-debug:' "$ui_tmp/log"; }
field () { grep '^heatmap-debug:' "$ui_tmp/log" | tail -n1 | tr ' ' '\n' | sed -n "s/^$1=//p"; }

check_size () {
  local n i w h; w=$1; h=$2; n=$(frames)
  xdotool windowsize "$wid" "$w" "$h"
  for i in $(seq 100); do
    [ "$(frames)" -gt "$n" ] && break
    sleep 0.1
  done
  sleep 0.5
  ui_shot "heatmap-layout-${w}x$h"
  local controls view panel
  controls=$(field controls | cut -d, -f4)
  view=$(field view | cut -d, -f4)
  panel=$(field panel | cut -d, -f4)
  if [ -n "$controls" ] && [ "$controls" -le 46 ] && [ $((view * 10)) -ge $((panel * 6)) ]; then
    echo "ok $3 - at ${w}×$h the controls are one row ($controls px) and the heatmap $view of $panel px"
  else
    echo "not ok $3 - at ${w}×$h controls $controls px high, heatmap $view of $panel px"
  fi
}

check_size 900 600 2
check_size 1600 1000 3
