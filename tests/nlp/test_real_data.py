"""Optional: the engine on the real PDPilot interviews, when the shared data folder is present.

The folder is ``$QUALTALLY_SHARED`` or, without it, ``../shared`` beside the checkout.
"""

import os
from pathlib import Path

import pytest

from qualtally.nlp.dataset import load_coded
from qualtally.nlp.evaluate import evaluate

SHARED = Path(os.environ.get("QUALTALLY_SHARED") or Path(__file__).resolve().parents[3] / "shared")
SRC = SHARED / "data" / "pdpilot-interviews" / "derived" / "pdpilot_coded_segments.csv"


@pytest.mark.slow
@pytest.mark.skipif(
    not SRC.is_file(), reason=f"shared PDPilot data not found at {SRC} (set QUALTALLY_SHARED)"
)
def test_pdpilot_model_beats_keyword_search(tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks" / "nlp"))
    from pdpilot_to_csv import convert

    out = tmp_path / "pd.csv"
    convert(SRC, out, None)
    result = evaluate(load_coded(out), folds=3, curve=False)
    assert result["model"]["recall_at_3"] > result["keyword"]["recall_at_3"]
    assert result["model"]["precision_at_1"] > result["keyword"]["precision_at_1"]
