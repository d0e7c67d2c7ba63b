# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/ui/ui-lib.sh: what the end-to-end UI tests share. Sourced, not run.
#
#   ui_begin N            print the TAP plan; skip all N when there is no X
#                         display, xdotool or ImageMagick (exits)
#   ui_start CMD…         run the app in the background, its own state folder
#                         under $ui_tmp, its output in $ui_tmp/log
#   ui_wait_window REGEX  the id of the first window whose name matches,
#                         waiting up to 10 s (empty when none came)
#   ui_shot NAME          a screenshot into $GRAFT_TEST_SHOTS, when set
#   ui_pixel X Y          "R G B" of one screen pixel, 8 bits each
#   ui_is_selection X Y   whether that pixel is a row selection's blue,
#                         focused (53, 132, 228) or not (211, 228, 249)

ui_begin () {
  echo "1..$1"
  if [ -z "${DISPLAY:-}" ] || ! command -v xdotool >/dev/null 2>&1 || ! command -v import >/dev/null 2>&1; then
    for i in $(seq 1 "$1"); do echo "ok $i # SKIP no X display, xdotool or ImageMagick"; done
    exit 0
  fi
  ui_tmp=$(mktemp -d)
  ui_app_pid=
  trap ui_cleanup EXIT
}

ui_cleanup () {
  if [ -n "$ui_app_pid" ]; then
    kill "$ui_app_pid" 2>/dev/null
    wait "$ui_app_pid" 2>/dev/null
  fi
  rm -rf "$ui_tmp"
}

ui_start () {
  XDG_STATE_HOME=$ui_tmp/state "$@" >"$ui_tmp/log" 2>&1 &
  ui_app_pid=$!
}

ui_wait_window () {
  local wid=
  for _ in $(seq 100); do
    wid=$(xdotool search --name "$1" 2>/dev/null | head -n1)
    [ -n "$wid" ] && break
    sleep 0.1
  done
  printf '%s' "$wid"
}

ui_shot () {
  [ -n "${GRAFT_TEST_SHOTS:-}" ] && import -window root "$GRAFT_TEST_SHOTS/$1.png" 2>/dev/null
  return 0
}

ui_pixel () {
  import -window root -crop "1x1+$1+$2" \
    -format '%[fx:int(255*r+.5)] %[fx:int(255*g+.5)] %[fx:int(255*b+.5)]' info:- 2>/dev/null
}

ui_is_selection () {
  ui_pixel "$1" "$2" | awk 'NF == 3 { ok = ($3 > 180 && $3 - $1 > 25) } END { exit !ok }'
}
