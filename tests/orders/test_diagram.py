from pathlib import Path

from orders.diagram import lifecycle_dot

BASE_DIR = Path(__file__).resolve().parents[2]


def test_committed_diagram_matches_the_state_machine():
    committed = (BASE_DIR / "docs" / "lifecycle.dot").read_text(encoding="utf-8")

    assert committed == lifecycle_dot(), "run `make diagram` and commit docs/"
