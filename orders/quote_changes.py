"""What changed between two quote versions, line by line, for the client and the manager.

Lines are matched by what they are (the catalog item with its chosen options, or the
name of a line outside the catalog), not by position: a line moved is not a change.
"""

from dataclasses import dataclass
from decimal import Decimal

ADDED, REMOVED, CHANGED, SAME = "added", "removed", "changed", "same"


@dataclass(frozen=True)
class LineChange:
    status: str
    name: str
    before: dict | None
    after: dict | None

    @property
    def fields_changed(self) -> list[str]:
        if self.before is None or self.after is None:
            return []
        return [
            key
            for key in ("quantity", "unit_price", "discount_percent", "line_total")
            if Decimal(self.before[key]) != Decimal(self.after[key])
        ]


def _key(line: dict) -> tuple:
    options = tuple(sorted((line.get("custom_values") or {}).items(), key=lambda kv: kv[0]))
    if line.get("item_id"):
        return ("item", line["item_id"], repr(options))
    return ("name", line["name"].strip().casefold(), repr(options))


def quote_line_changes(previous: list[dict], current: list[dict]) -> list[LineChange]:
    """The current version's lines in their order, each marked against the previous
    version, then the lines the previous version had and this one dropped."""
    remaining: dict[tuple, list[dict]] = {}
    for line in previous:
        remaining.setdefault(_key(line), []).append(line)
    changes = []
    for line in current:
        matches = remaining.get(_key(line))
        before = matches.pop(0) if matches else None
        if before is None:
            changes.append(LineChange(ADDED, line["name"], None, line))
            continue
        change = LineChange(CHANGED, line["name"], before, line)
        changes.append(
            change if change.fields_changed else LineChange(SAME, line["name"], before, line)
        )
    for lines in remaining.values():
        changes.extend(LineChange(REMOVED, line["name"], line, None) for line in lines)
    return changes
