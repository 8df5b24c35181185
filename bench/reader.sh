#!/usr/bin/env bash
# bench/reader.sh FILE [G]: open FILE in the reader in a private tmux
# (80x24) and return when its first screen (the status line) is up; with
# G, then press G and return when the bottom (100%) is shown. For timing
# the reader's first screen and its end on a large file against a small one.
set -u
JUAN=$(realpath "${JUAN:-./juan}")
S="juan-bench-$$"
tm() { tmux -L "$S" -f /dev/null "$@"; }
# a first opening: no memory of the file, no index (and never the user's)
JUAN_STATE_DIR=$(mktemp -d)
JUAN_CACHE_DIR=$(mktemp -d)
export JUAN_STATE_DIR JUAN_CACHE_DIR
trap 'tm kill-server 2>/dev/null; rm -rf "$JUAN_STATE_DIR" "$JUAN_CACHE_DIR"' EXIT
tm new-session -d -s b -x 80 -y 24 "exec env TERM=screen JUAN_STATE_DIR=$JUAN_STATE_DIR JUAN_CACHE_DIR=$JUAN_CACHE_DIR $JUAN --ambiguous=narrow $(printf %q "$1")"
until tm capture-pane -p -t b 2>/dev/null | tail -1 | grep -q '%'; do sleep 0.002; done
if [ "${2:-}" = G ]; then
    tm send-keys -t b G
    until tm capture-pane -p -t b | tail -1 | grep -q '100%'; do sleep 0.002; done
fi
