"""The CommerceML schemas ship in the wheel: an installed package checks documents too.

setuptools builds from the project's own pyproject.toml (its package list and package data)
over a copy of `integrations/`, so the checkout is left without build folders. A wheel is
the zip of what setuptools' `build` step lays out in `build/lib`; the project's virtualenv
has setuptools 65 without the `wheel` package, so the test takes that step and installs its
output as pip would unpack the wheel. A Python that cannot see the checkout then loads the
schemas through `importlib.resources`.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ("commerceml-2.08.xsd", "commerceml-2.10.xsd")

CHECK = """
import sys
from importlib import resources

import integrations.onec
from integrations.onec.schemas import SCHEMA_FILES, schema

assert "{root}" not in integrations.onec.__file__, integrations.onec.__file__
folder = resources.files("integrations.onec") / "xsd"
print(sorted(item.name for item in folder.iterdir() if item.name.endswith(".xsd")))
for version in ("2.05", "2.08", "2.10"):
    schema(version)
print(integrations.onec.__file__)
"""


def _installed(tmp_path: Path) -> Path:
    """The package as a wheel installs it: the files setuptools builds into the wheel."""
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(ROOT / "pyproject.toml", source)
    shutil.copytree(
        ROOT / "integrations",
        source / "integrations",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    build = tmp_path / "build"
    setup = "import setuptools; setuptools.setup()"
    subprocess.run(
        [sys.executable, "-c", setup, "-q", "build", "--build-base", str(build)],
        cwd=source,
        check=True,
        capture_output=True,
    )
    return build / "lib"


def test_the_schemas_load_from_the_installed_package(tmp_path):
    site = _installed(tmp_path)
    assert {path.name for path in (site / "integrations/onec/xsd").iterdir()} >= set(SCHEMAS)

    # -I: isolated (no checkout on the path from the working directory or PYTHONPATH); the
    # installed copy comes first, the virtualenv's libraries (lxml) after it.
    libraries = [path for path in sys.path if path.endswith("site-packages")]
    path_setup = f"import sys; sys.path[:0] = {[str(site), *libraries]!r}\n"
    result = subprocess.run(
        [sys.executable, "-I", "-c", path_setup + CHECK.format(root=str(ROOT))],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    listed, location = result.stdout.strip().split("\n")
    assert listed == str(sorted(SCHEMAS))
    assert location.startswith(str(site))
