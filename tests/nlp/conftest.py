import pytest
from nlp_fixtures import make_rows, write_csv


@pytest.fixture
def coded_csv(tmp_path):
    return write_csv(tmp_path / "coded.csv", make_rows(60, seed=1))
