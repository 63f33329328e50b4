#!/usr/bin/env bash
# The figures of models/README.md (the model card), one section at a time. Run from the
# repository root:
#
#   bash benchmarks/nlp/run_all.sh [--pdpilot SEGMENTS] [--nhs DIR] [--out DIR] [SECTION...]
#
# SECTION: real (PDPilot and NHS patient feedback; needs --pdpilot and/or --nhs), demo,
# proxy (the synthetic survey seeds), speed; all four when none is named.
#   --pdpilot  pdpilot-interviews/derived/pdpilot_coded_segments.csv of the shared data
#              (or the pdpilot-interviews folder)
#   --nhs      the nhs-patient-feedback folder of the shared data
#   --out      where the JSON and logs go (default /tmp/qualtally-nlp-bench)
# Accuracy: 5-fold cross-validation, seed 0, every model refitted in each fold, mean over
# codebooks (one per question, or per PDPilot theme), through benchmarks/nlp/variants.py.
# Each JSON records the date and the number of cores.
set -euo pipefail
OUT=/tmp/qualtally-nlp-bench
PDPILOT=""
NHS=""
SECTIONS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --pdpilot) PDPILOT=$2; shift 2 ;;
    --nhs) NHS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    real|demo|proxy|speed) SECTIONS+=("$1"); shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ ${#SECTIONS[@]} -gt 0 ] || SECTIONS=(real demo proxy speed)
PY=${PYTHON:-.venv/bin/python}
mkdir -p "$OUT"
export PYTHONPATH=src${PYTHONPATH:+:$PYTHONPATH}
B=benchmarks/nlp
DEMO=corpus/iom-evaluation
CACHE="$OUT/emb.npz"   # MiniLM vectors by text, so a rerun costs only the fitting
VARIANTS=current,static,tfidf-lr-balanced,tfidf-char-lr

for section in "${SECTIONS[@]}"; do
  case "$section" in
    real)
      sets=()
      if [ -n "$PDPILOT" ]; then
        $PY $B/pdpilot_to_csv.py "$PDPILOT" "$OUT/pdpilot.csv" --question top
        sets+=("pdpilot=$OUT/pdpilot.csv:question")
      fi
      if [ -n "$NHS" ]; then
        $PY $B/nhs_to_csv.py "$NHS" "$OUT/nhs.csv"
        sets+=("nhs=$OUT/nhs.csv:question")
      fi
      if [ ${#sets[@]} -eq 0 ]; then echo "real: give --pdpilot and/or --nhs" >&2; exit 2; fi
      $PY $B/variants.py "${sets[@]}" --variants $VARIANTS --cache "$CACHE" --json "$OUT/real.json" \
        | tee "$OUT/real.log"
      for seed in 1 2; do  # how much the folds alone move the figures
        $PY $B/variants.py "${sets[@]}" --variants current --seed $seed --cache "$CACHE" \
          --json "$OUT/real_seed$seed.json" | tee "$OUT/real_seed$seed.log"
      done
      ;;
    demo)
      $PY $B/variants.py demo=$DEMO/coded.csv --variants $VARIANTS --cache "$CACHE" --json "$OUT/demo.json" \
        | tee "$OUT/demo.log"
      $PY $B/demo_suggestion_quality.py --retrain --json "$OUT/demo_seen.json" | tee "$OUT/demo_seen.log"
      ;;
    proxy)
      sets=()
      for seed in 0 1 2 3 4; do
        $PY $B/realistic_survey.py "$OUT/survey$seed.csv" --seed $seed
        sets+=("survey$seed=$OUT/survey$seed.csv:question")
      done
      $PY $B/variants.py "${sets[@]}" --variants $VARIANTS --cache "$CACHE" --json "$OUT/proxy.json" \
        | tee "$OUT/proxy.log"
      ;;
    speed)
      $PY $B/bench_new_text.py --json "$OUT/new_text.json" | tee "$OUT/new_text.log"
      $PY $B/profile_train.py --cache "$OUT/emb_speed.npz" --repeat 2 --top 0 | tee "$OUT/retrain.log"
      $PY $B/bench_suggest_latency.py --json "$OUT/latency.json" | tee "$OUT/latency.log"
      ;;
  esac
done
