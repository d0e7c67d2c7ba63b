# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/ui/ui-lib.sh: what the end-to-end UI tests share. Sourced, not run.
#
#   ui_begin N            print the TAP plan; skip all N when there is no X
#                         display, xdotool or ImageMagick (exits)
#   ui_start CMD…         run the app in the background, its own state folder
#                         under $ui_tmp, its output in $ui_tmp/log
#   ui_wait_window REGEX  the id of the first window whose name matches,
#                         waiting up to 10 s times $GRAFT_UI_SLOW (empty
#                         when none came)
#   ui_shot NAME          a screenshot into $GRAFT_TEST_SHOTS, when set
#
# The app writes what it shows to $ui_state (GRAFT_DEBUG_STATE, see
# ui/graft-window-debug.c): lines of tab-separated fields, "page status",
# "action save 0 -", "bounds target_tree X Y W H MAPPED", "label AREA X Y W
# H TEXT", "button AREA X Y W H SENSITIVE TOOLTIP", in window coordinates.
#   ui_state_wait REGEX [S]  wait up to S seconds (10, times $GRAFT_UI_SLOW)
#                         for a line matching the Perl regex; fails when
#                         none came
#   ui_state_line REGEX   the first line matching, now
#   ui_origin WID         sets ui_wx, ui_wy: the window's origin on screen,
#                         and moves the pointer into the window
#   ui_center AREA REGEX  "X Y" on screen of the centre of the first label
#                         (or button, by tooltip) in AREA whose text matches
#   ui_center_nth AREA REGEX N  the same for the Nth match
#   ui_center_still AREA REGEX  the same, once it stopped moving
#   ui_click X Y          a real click of the first button there
#   ui_drag A1 RE1 A2 RE2 a real drag of the label matching RE1 in area A1
#                         onto the one matching RE2 in area A2
#   ui_sleep S            sleep S seconds times $GRAFT_UI_SLOW (default 1)
#   ui_wait_focus WID     wait (5 s times $GRAFT_UI_SLOW) until WID has the
#                         keyboard focus: a window is found by name before
#                         it is mapped, and keys sent earlier are lost

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
  ui_state=$ui_tmp/window-state.txt
  rm -f "$ui_state"
  XDG_STATE_HOME=$ui_tmp/state XDG_DATA_HOME=$ui_tmp/data GRAFT_DEBUG_STATE=$ui_state \
    "$@" >"$ui_tmp/log" 2>&1 &
  ui_app_pid=$!
}

ui_state_wait () {
  local tries=$(( ${2:-10} * 10 * ${GRAFT_UI_SLOW:-1} ))
  for _ in $(seq "$tries"); do
    [ -f "$ui_state" ] && grep -qP -- "$1" "$ui_state" && return 0
    sleep 0.1
  done
  return 1
}

ui_state_line () {
  [ -f "$ui_state" ] && grep -P -m1 -- "$1" "$ui_state"
}

ui_origin () {
  eval "$(xdotool getwindowgeometry --shell "$1")"
  ui_wx=$X
  ui_wy=$Y
  # A person's pointer is in the window before the first click: GTK then
  # has the crossing event behind it (a slow sanitizer build could lose a
  # click that arrived with its own enter event).
  xdotool mousemove --sync $(( X + WIDTH / 2 )) $(( Y + HEIGHT / 2 ))
  ui_sleep 0.5
}

ui_center () {
  ui_center_nth "$1" "$2" 1
}

# The Nth match (from 1), for names that repeat ("kernel").
ui_center_nth () {
  awk -F '\t' -v area="$1" -v re="$2" -v nth="$3" -v ox="${ui_wx:-0}" -v oy="${ui_wy:-0}" '
    ($1 == "label" && $2 == area && $7 ~ re && $3 >= 0) ||
    ($1 == "button" && $2 == area && $8 ~ re && $3 >= 0) {
      if (++seen == nth) { printf "%d %d\n", ox + $3 + $5 / 2, oy + $4 + $6 / 2; exit }
    }' "$ui_state"
}

# ui_center, once the widget stopped moving (a toast slides in).
ui_center_still () {
  local a b
  for _ in $(seq $(( 30 * ${GRAFT_UI_SLOW:-1} ))); do
    a=$(ui_center "$1" "$2")
    sleep 0.15
    b=$(ui_center "$1" "$2")
    if [ -n "$a" ] && [ "$a" = "$b" ]; then
      printf '%s\n' "$a"
      return 0
    fi
  done
  return 1
}

ui_click () {
  xdotool mousemove --sync "$1" "$2" click 1
}

ui_wait_window () {
  local wid=
  for _ in $(seq $(( 100 * ${GRAFT_UI_SLOW:-1} ))); do
    wid=$(xdotool search --onlyvisible --name "$1" 2>/dev/null | head -n1)
    [ -n "$wid" ] && break
    sleep 0.1
  done
  printf '%s' "$wid"
}

ui_wait_focus () {
  for _ in $(seq $(( 50 * ${GRAFT_UI_SLOW:-1} ))); do
    [ "$(xdotool getwindowfocus 2>/dev/null)" = "$1" ] && return 0
    sleep 0.1
  done
  return 1
}

ui_shot () {
  [ -n "${GRAFT_TEST_SHOTS:-}" ] && import -window root "$GRAFT_TEST_SHOTS/$1.png" 2>/dev/null
  return 0
}

# Seconds scaled by $GRAFT_UI_SLOW (tools/test.sh sets it for the
# sanitizer build, whose frames take several times longer).
ui_sleep () {
  sleep "$(awk -v s="$1" -v k="${GRAFT_UI_SLOW:-1}" 'BEGIN { print s * k }')"
}

ui_drag () {
  local from to
  from=$(ui_center "$1" "$2")
  to=$(ui_center "$3" "$4")
  [ -n "$from" ] && [ -n "$to" ] || return 1
  set -- $from $to
  xdotool mousemove --sync "$1" "$2"
  ui_sleep 0.3
  xdotool mousedown 1
  ui_sleep 0.2
  for i in $(seq 1 20); do
    xdotool mousemove "$(( $1 + ($3 - $1) * i / 20 ))" "$(( $2 + ($4 - $2) * i / 20 ))"
    ui_sleep 0.04
  done
  ui_sleep 0.5
  xdotool mouseup 1
}
