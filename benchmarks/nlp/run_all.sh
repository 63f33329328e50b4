#!/usr/bin/env bash
# Reproduce the figures in models/README.md: cross-validated accuracy (model vs keyword
# search vs plain TF-IDF+LR) on PDPilot, the demo corpus, realistic and random-word synthetic
# survey data, then
# speed. Writes JSON to ${OUT:-/tmp/qualtally-nlp-bench}. Run from the repository root.
set -euo pipefail
OUT=${OUT:-/tmp/qualtally-nlp-bench}
PY=${PYTHON:-python}
mkdir -p "$OUT"
export PYTHONPATH=src${PYTHONPATH:+:$PYTHONPATH}
DEMO=corpus/iom-evaluation
if [ -f /work/shared/data/pdpilot-interviews/derived/pdpilot_coded_segments.csv ]; then
  $PY benchmarks/nlp/pdpilot_to_csv.py "$OUT/pdpilot_by_theme.csv" --question top
  $PY -m qualtally evaluate "$OUT/pdpilot_by_theme.csv" --by question --json > "$OUT/eval_pdpilot.json"
  $PY benchmarks/nlp/compare.py "$OUT/pdpilot_by_theme.csv" --by question
fi
for seed in 0 1 2; do  # realistic per-question survey answers (the development benchmark)
  $PY benchmarks/nlp/realistic_survey.py "$OUT/real$seed.csv" --seed $seed
  $PY -m qualtally evaluate "$OUT/real$seed.csv" --by question --json > "$OUT/eval_real$seed.json"
  $PY benchmarks/nlp/compare.py "$OUT/real$seed.csv" --by question
done
for seed in 0 1 2; do
  $PY benchmarks/nlp/synth_survey.py "$OUT/synth$seed.csv" --seed $seed
  $PY -m qualtally evaluate "$OUT/synth$seed.csv" --by question --json > "$OUT/eval_synth$seed.json"
  $PY benchmarks/nlp/compare.py "$OUT/synth$seed.csv" --by question
done
if [ -f "$DEMO/coded.csv" ]; then
  $PY -m qualtally evaluate "$DEMO/coded.csv" --codebook "$DEMO/codebook.yaml" --json > "$OUT/eval_demo.json"
  $PY -m qualtally evaluate "$DEMO/coded.csv" --codebook "$DEMO/codebook.yaml"
  $PY benchmarks/nlp/compare.py "$DEMO/coded.csv"
fi
$PY benchmarks/nlp/speed.py --codings 5000
