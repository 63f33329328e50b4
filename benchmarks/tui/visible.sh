#!/bin/bash
# Why: "suggestions visible <= 2 s after the TUI starts" is about what a person sees, so this
# times it as one: launch `qualtally demo` in tmux (160x48) and poll the pane every 50 ms for
# the coding screen ("excerpt 1/") and for a suggestion row ("▏ 1 0.NN"). Seconds from launch.
#   bash benchmarks/tui/visible.sh [DATA_DIR]   # a new DATA_DIR = first launch (builds the demo);
#                                                # the same DATA_DIR again = a reopen
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
QT=${QUALTALLY:-$(command -v qualtally || echo "$ROOT/.venv/bin/qualtally")}
X=${1:-$(mktemp -d)}
tmux kill-session -t qtvisible 2>/dev/null
start=$(date +%s.%N)
tmux new -d -x 160 -y 48 -s qtvisible "cd $ROOT && XDG_DATA_HOME=$X QUALTALLY_CODER=newcomer $QT demo"
screen=""; sugg=""
for _ in $(seq 1 300); do
  out=$(tmux capture-pane -p -t qtvisible 2>/dev/null)
  now=$(date +%s.%N)
  if [ -z "$screen" ] && echo "$out" | grep -q "excerpt 1/"; then screen=$(echo "$now - $start" | bc); fi
  if echo "$out" | grep -qE "▏ 1 0\.[0-9]{2} "; then sugg=$(echo "$now - $start" | bc); break; fi
  sleep 0.05
done
echo "data $X: screen ${screen:-never}s suggestions ${sugg:-never}s load $(cut -d' ' -f1 /proc/loadavg)"
tmux send-keys -t qtvisible q; sleep 1; tmux kill-session -t qtvisible 2>/dev/null
exit 0
