#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/ui/test-quantized-view.sh GRAFT GRAFT_CLI QUANT_FIXTURES
#
# A model quantized with Keras's model.quantize("int8"), browsed as a user
# does with real clicks (issue 12): the tree says how each layer is stored,
# a kernel shows its real values by default (the statistics equal
# `graft-cli stats`'s), the Stored toggle shows the int8 integers (the
# statistics follow: −127 … 127, as `graft-cli stats --raw`), and toggling
# back restores the real values.
# TAP output.
set -uo pipefail

graft=$1
cli=$2
fixtures=$3
. "$(dirname "$0")/ui-lib.sh"

ui_begin 4

file=$fixtures/mlp_int8.keras

fail () {
  echo "not ok $1 - $2"
  ui_shot "failed-$1"
  grep -P '^(page|selected)\t|^label\t(heatmap_panel|side_pane)\t' "$ui_state" | sed 's/^/# state: /' | head -30
  sed 's/^/# log: /' "$ui_tmp/log" | tail -5
  exit 1
}

# The number the statistics pane shows beside NAME, in ASCII.
shown_figure () {
  awk -F '\t' -v name="$1" '$1 == "label" && $2 == "side_pane" {
      if (take) { print $7; exit }
      if ($7 == name) take = 1
    }' "$ui_state" | sed 's/\xe2\x88\x92/-/'
}

# "min max" from graft-cli stats.
cli_range () {
  "$cli" stats "$@" "$file" d1/kernel | awk '$1 == "min" { lo = $2 } $1 == "max" { hi = $2 } END { print lo, hi }'
}

# Whether A and B agree to 6 significant digits (the pane rounds to 7).
close () {
  awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = (b < 0 ? -b : b); exit !(d <= 1e-6 * (m > 1 ? m : 1)) }'
}

ui_start "$graft" "$file"
wid=$(ui_wait_window '^mlp_int8\.keras')
[ -n "$wid" ] || fail 1 "the window did not appear"
ui_origin "$wid"
ui_state_wait '^page\tcontent$' || fail 1 "the model did not open"
# The class column says "Dense · int8"; a tree too narrow for it keeps the
# dtype column, which says int8 on the kernel row.
ui_state_wait '^label\ttarget_tree\t.*\t(Dense · int8|int8)$' || fail 1 "the tree does not say the layers are int8"
ui_state_line '^label\ttarget_tree\t.*\tkernel_scale$' >/dev/null || fail 1 "no kernel_scale row"
echo "ok 1 - the tree says the layers are int8 and lists kernel_scale"

ui_click $(ui_center_nth target_tree '^kernel$' 1)
ui_state_wait '^selected\ttarget_tree\td1/kernel$' 5 || fail 2 "d1/kernel was not selected"
ui_state_wait '^label\theatmap_panel\t.*\tfloat32 \[20, 24\], the real values of int8 integers \(int8, per output channel\)$' \
  || fail 2 "the heatmap does not say it shows real values"
ui_state_wait '^label\tside_pane\t.*\t480$' || fail 2 "no statistics"
read -r lo hi < <(cli_range)
close "$(shown_figure Minimum)" "$lo" && close "$(shown_figure Maximum)" "$hi" \
  || fail 2 "the pane shows $(shown_figure Minimum) … $(shown_figure Maximum), graft-cli stats $lo … $hi"
echo "ok 2 - d1/kernel shows its real values: $lo … $hi, as graft-cli stats"

ui_click $(ui_center_still heatmap_panel '^Show the quantized integers')
ui_state_wait '^label\theatmap_panel\t.*\tint8 \[20, 24\], stored \(int8, per output channel\)$' \
  || fail 3 "Stored did not show the stored integers"
read -r lo hi < <(cli_range --raw)
ui_state_wait '^label\tside_pane\t.*\t\S*127$' || fail 3 "the statistics did not follow"
[ "$(shown_figure Minimum)" = "$lo" ] && [ "$(shown_figure Maximum)" = "$hi" ] \
  || fail 3 "the pane shows $(shown_figure Minimum) … $(shown_figure Maximum), graft-cli stats --raw $lo … $hi"
echo "ok 3 - Stored shows the int8 integers, $lo … $hi, and the statistics follow"
ui_shot stored

ui_click $(ui_center_still heatmap_panel '^Show the quantized integers')
ui_state_wait '^label\theatmap_panel\t.*, the real values of int8 integers' \
  || fail 4 "toggling Stored off did not bring the real values back"
read -r lo hi < <(cli_range)
ui_state_wait "^label\tside_pane\t.*\t.?${hi:0:5}" || fail 4 "the statistics did not come back"
echo "ok 4 - toggled off, the real values come back"
