# tests/tmux.sh: what the tmux-driven tests share (sourced by e2e.sh and
# state.sh). The caller sets NAME (its label) and may set T (a scratch
# directory) before sourcing; it gets a private tmux server (tm), a session
# "e" to drive, screen readers, polling waits (10 s; never a fixed sleep
# alone) and ok/bad counters. Every reader started here keeps its state
# under $T, never in the user's.
JUAN=$(realpath "${JUAN:-./juan}")
export LC_ALL=C.UTF-8
if ! command -v tmux >/dev/null; then
    echo "$NAME: tmux is missing (make deps installs it)"
    echo "$NAME: 0 passed, 1 failed"
    exit 1
fi
T=$(mktemp -d)
chmod 755 "$T"
# each tm_reset moves to a new server (a socket of its own under $T): the
# one killed is not waited for. Waiting for it (until `tmux ls` failed) was
# not enough: kill-server returns before the server is gone, and a client
# that connects while it exits is turned away ("server exited
# unexpectedly", 3 of 150 ls here): the ls that ended the wait, then the
# new-session, so no session (a CI run saw a blank screen for 20 s)
tm_n=0
tm() { tmux -S "$T/tmux.$tm_n" -f /dev/null "$@"; }
tm_reset() {
    tm kill-server 2>/dev/null
    tm_n=$((tm_n + 1))
}
# tm_session ARGS...: tmux new-session -d ARGS; a session that could not
# start is a failed check, not a silent one
tm_session() {
    tm new-session -d "$@" || bad "set-up: tmux new-session failed"
}
trap 'tm kill-server 2>/dev/null; chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
export JUAN_STATE_DIR="$T/state" JUAN_CACHE_DIR="$T/cache"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() {
    fail=$((fail + 1)); echo "FAIL: $*"; echo "  screen:"; screen | sed 's/^/  | /'
    [ -s "$T/stderr" ] && { echo "  stderr:"; tail -15 "$T/stderr" | sed 's/^/  ! /'; }
}
done_tests() {
    echo "$NAME: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
screen() { tm capture-pane -p -t e 2>/dev/null; }
screen_e() { tm capture-pane -e -p -t e 2>/dev/null; }
row() { screen | sed -n "$(($1 + 1))p" | sed 's/ *$//'; }
# the first row of text: row 0, or row 1 under a sticky header (bold underline)
toprow() {
    if screen_e | head -1 | grep -q $'\e\\[1;4m'; then row 1; else row 0; fi
}
keys() { tm send-keys -t e "$@"; }
text() { tm send-keys -t e -l "$@"; }
# poll CMD...: until CMD succeeds
poll() {
    local i
    for ((i = 0; i < 200; i++)); do "$@" && return 0; sleep 0.05; done
    return 1
}
# shows TEXT [ROW]: the screen (or the row) contains TEXT
shows() {
    if [ -n "${2:-}" ]; then [[ "$(row "$2")" == *"$1"* ]]; else screen | grep -qF -- "$1"; fi
}
wait_for() { poll shows "$@"; }
# absent TEXT [ROW]: after a moment, the screen (row) does not show TEXT
absent() { sleep 0.3; ! shows "$@"; }
# the first text row starts (after the margin) with TEXT
top_starts() { [[ "$(toprow | sed 's/^ *//')" == "$1"* ]]; }
wait_top() { poll top_starts "$1"; }

# start [VAR=VALUE...] W H ARGS...: a new session running juan ARGS in
# the environment given (exit status kept in $T/rc)
start() {
    local envs=""
    while [[ "$1" == [A-Z]*=* ]]; do envs+=" $(printf %q "$1")"; shift; done
    local w=$1 h=$2
    shift 2
    tm_reset
    rm -f "$T/rc"
    # a state directory of its own for each start, unless the test names one
    nstart=$((${nstart:-0} + 1))
    # (where the first opening ever's "h: help" was shown already: only the
    # test of that hint names a state directory and sees it)
    if [[ "$envs" != *JUAN_STATE_DIR=* ]]; then
        envs+=" JUAN_STATE_DIR=$T/state.$nstart"
        mkdir -p -m 700 "$T/state.$nstart" && : >"$T/state.$nstart/hinted"
    fi
    local cmd="cd $(pwd) && env TERM=screen LC_ALL=C.UTF-8$envs $JUAN"
    for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
    cmd+=" 2>>$T/stderr; echo \$? >$T/rc"
    tm start-server \; set -g remain-on-exit on \; new-session -d -s e -x "$w" -y "$h" "$cmd" ||
        bad "set-up: tmux new-session failed"
    wait_for '%'
}
