"""The first-party packages: import-linter's `root_packages` in pyproject.toml, the one list."""

import tomllib
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def first_party_packages() -> list[str]:
    with (BASE_DIR / "pyproject.toml").open("rb") as file:
        return list(tomllib.load(file)["tool"]["importlinter"]["root_packages"])
