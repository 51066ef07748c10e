"""1C's CommerceML 2 schemas (`xsd/`, see `xsd/SOURCES.md`) and checking documents against
them: what we emit must be valid, whatever 1C itself sends."""

import copy
from functools import cache
from importlib import resources

from lxml import etree

NAMESPACE = "urn:1C.ru:commerceml_2"
# Package data (pyproject `[tool.setuptools.package-data]`): found the same in a checkout,
# an installed wheel or a zipped package.
SCHEMA_DIR = resources.files("integrations.onec") / "xsd"
SCHEMA_FILES = {"2.08": "commerceml-2.08.xsd", "2.10": "commerceml-2.10.xsd"}
# 2.05 has no published schema of its own here; its order documents are a subset of 2.08's.
SCHEMA_FOR_VERSION = {"2.05": "2.08", "2.08": "2.08", "2.10": "2.10"}


def _trusted_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@cache
def schema(version: str) -> etree.XMLSchema:
    resource = SCHEMA_DIR / SCHEMA_FILES[SCHEMA_FOR_VERSION[version]]
    with resource.open("rb") as file:
        return etree.XMLSchema(etree.parse(file, _trusted_parser()))


def with_namespace(root: etree._Element) -> etree._Element:
    """A copy of `root` with every unqualified element put in the CommerceML namespace: the
    schemas know only qualified names, and the site dialect writes none."""
    qualified = copy.deepcopy(root)
    for element in qualified.iter():
        if isinstance(element.tag, str) and not element.tag.startswith("{"):
            element.tag = f"{{{NAMESPACE}}}{element.tag}"
    return qualified


def schema_errors(root: etree._Element, version: str) -> list[str]:
    """What the `version` schema finds wrong with `root` (a `КоммерческаяИнформация`)."""
    checked = root if root.tag.startswith("{") else with_namespace(root)
    validator = schema(version)
    if validator.validate(checked):
        return []
    return [f"line {error.line}: {error.message}" for error in validator.error_log]
