# shellcheck shell=bash
# A real terminal for tests: commands run in tmux sessions. Source after common.sh:
#   . "$here/lib/common.sh"; . "$here/lib/tmux.sh"
#
#   tmux_start [-c DIR] [-i] [-2 FILE] NAME COLS ROWS [VAR=VALUE...] [--] CMD [ARGS...]
#                               start session NAME, a COLS x ROWS terminal running CMD (in DIR,
#                               with the VAR=VALUE given added to the environment, or with only
#                               them when -i is given; CMD's stderr to FILE with -2). A session
#                               of that NAME still running is killed first.
#   tmux_send NAME KEYS...      send-keys to the session (e.g. Enter, C-c, or -l TEXT)
#   tmux_resize NAME COLS ROWS  resize the session's window
#   tmux_screen NAME            print what the pane shows
#   tmux_show NAME              print it on stderr under a heading (with CMD's exit status if it
#                               has ended), before a fail
#   tmux_wait NAME REGEX [SECS] wait (default 30 s) until the pane shows REGEX (ERE); on timeout,
#                               print the pane and fail
#   tmux_exit_status NAME [SECS]
#                               wait (default 30 s) until CMD has ended and set PANE_RC to its
#                               exit status; on timeout, print the pane and fail
#   tmux_assert_exit NAME EXPECTED WHAT [SECS]
#                               tmux_exit_status, then fail (printing the pane) unless PANE_RC is
#                               EXPECTED
#   tmux_kill NAME [SECS]       kill the session's server and wait (default 10 s) until its
#                               process is gone; fails if it is not
#
# Every session has a tmux server of its own on a fresh socket under TEST_TMP: kill-server returns
# before the server has exited, and a new session started on its socket meanwhile can land in the
# dying server ("server exited unexpectedly", then "no server running"; 9 in 100 tries when
# new-session follows kill-server at once). The pane stays on screen after CMD ends
# (remain-on-exit), and each server is killed, waited for and if need be SIGKILLed when the test
# exits.

declare -gA _tmux_dir=() _tmux_pid=()

# _tmux_alive PID SOCK: whether PID is still the tmux server of SOCK (not gone, not a zombie, not
# a reused pid).
_tmux_alive() {
  local cmdline
  cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") || return 1
  [[ $cmdline == *"$2"* ]]
}

# _tmux_stop SOCK PID SECS: kill-server and wait SECS for the server process to be gone.
_tmux_stop() {
  local i
  tmux -S "$1" kill-server 2>/dev/null
  for ((i = 0; i < $3 * 10; i++)); do
    _tmux_alive "$2" "$1" || return 0
    sleep 0.1
  done
  return 1
}

# _tmux_stop_at_exit SOCK PID: the exit hook; never fails, SIGKILLs a server that did not end.
_tmux_stop_at_exit() {
  _tmux_stop "$1" "$2" 5 && return 0
  echo "warning: tmux server $2 ($1) still ran 5 s after kill-server; sending SIGKILL" >&2
  kill -KILL "$2" 2>/dev/null
}

# _tmux_known NAME: fail unless session NAME was started (and not killed).
_tmux_known() {
  [ -n "${_tmux_dir[$1]:-}" ] || fail "no tmux session $1 was started"
}

# _tmux NAME ARGS...: run tmux ARGS on the server of session NAME.
_tmux() {
  _tmux_known "$1"
  tmux -S "${_tmux_dir[$1]}/sock" "${@:2}"
}

tmux_start() {
  local cwd="" clean=() err="" opt OPTIND=1
  while getopts c:i2: opt; do
    case $opt in
      c) cwd=$OPTARG ;;
      i) clean=(-i) ;;
      2) err=$OPTARG ;;
      *) fail "tmux_start: bad option" ;;
    esac
  done
  shift $((OPTIND - 1))
  [ $# -ge 4 ] || fail "tmux_start: usage: tmux_start [-c DIR] [-i] [-2 FILE] NAME COLS ROWS CMD..."
  local name=$1 cols=$2 rows=$3 vars=() dir sock line pid
  shift 3
  while [ $# -gt 0 ] && [[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do
    vars+=("$1")
    shift
  done
  [ "${1:-}" != -- ] || shift
  [ $# -gt 0 ] || fail "tmux_start $name: no command"
  [ -z "${_tmux_dir[$name]:-}" ] || tmux_kill "$name"

  dir=$(mktemp -d "$TEST_TMP/tmux-$name.XXXXXX") || fail "tmux_start $name: no temp dir"
  sock=$dir/sock
  [ "${#sock}" -lt 100 ] || fail "tmux_start $name: socket path too long for a unix socket: $sock"
  # The pane stays when CMD ends, showing what it showed (no "Pane is dead" line scrolling it).
  printf '%s\n' 'set-option -g remain-on-exit on' 'set-option -g remain-on-exit-format ""' \
    >"$dir/tmux.conf"
  # The wrapper runs CMD and then writes its exit status, atomically, to $dir/status.
  line=$(printf '%q ' env "${clean[@]}" "${vars[@]}" "$@")
  [ -z "$err" ] || line+="2>$(printf '%q' "$err")"
  [ -z "$cwd" ] || line="cd -- $(printf '%q' "$cwd") && $line"
  printf '%s\n' "$line" \
    "echo \"\$?\" >$(printf '%q' "$dir/status.new") && mv -f $(printf '%q ' "$dir/status.new" "$dir/status")" \
    >"$dir/run"
  pid=$(tmux -f "$dir/tmux.conf" -S "$sock" new-session -d -P -F '#{pid}' -s "$name" \
    -x "$cols" -y "$rows" bash "$dir/run" 2>"$dir/start.err") ||
    fail "tmux_start $name: tmux new-session failed: $(cat "$dir/start.err")"
  [[ $pid =~ ^[0-9]+$ ]] || fail "tmux_start $name: tmux printed [$pid], not its server's pid"
  _tmux_dir[$name]=$dir
  _tmux_pid[$name]=$pid
  on_exit "_tmux_stop_at_exit $(printf '%q' "$sock") $pid"
}

tmux_send() {
  local name=$1
  shift
  _tmux "$name" send-keys -t "$name" "$@"
}

tmux_resize() {
  _tmux "$1" resize-window -t "$1" -x "$2" -y "$3"
}

tmux_screen() {
  _tmux "$1" capture-pane -p -t "$1"
}

tmux_show() {
  {
    echo "--- the terminal of $1:"
    tmux_screen "$1"
    [ ! -s "${_tmux_dir[$1]}/status" ] || echo "--- its command has ended, status $(cat "${_tmux_dir[$1]}/status")"
  } >&2
}

tmux_wait() {
  local i
  for ((i = 0; i < ${3:-30} * 10; i++)); do
    tmux_screen "$1" | grep -Eq -- "$2" && return 0
    sleep 0.1
  done
  tmux_show "$1"
  fail "the terminal of $1 never showed /$2/ within ${3:-30} s"
}

tmux_exit_status() {
  local i status
  _tmux_known "$1"
  status=${_tmux_dir[$1]}/status
  for ((i = 0; i < ${2:-30} * 10; i++)); do
    if [ -s "$status" ]; then
      # shellcheck disable=SC2034 # for the test that called
      PANE_RC=$(cat "$status")
      return 0
    fi
    sleep 0.1
  done
  tmux_show "$1"
  fail "the command in the terminal of $1 did not end within ${2:-30} s"
}

tmux_assert_exit() {
  tmux_exit_status "$1" "${4:-30}"
  [ "$PANE_RC" = "$2" ] || {
    tmux_show "$1"
    fail "$3: expected exit status $2, got $PANE_RC"
  }
}

tmux_kill() {
  _tmux_known "$1"
  local pid=${_tmux_pid[$1]}
  _tmux_stop "${_tmux_dir[$1]}/sock" "$pid" "${2:-10}" ||
    fail "the tmux server of $1 (pid $pid) still runs ${2:-10} s after kill-server"
  unset "_tmux_dir[$1]" "_tmux_pid[$1]"
}
