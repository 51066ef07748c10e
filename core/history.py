"""Who changed what: django-simple-history rows as entries for the history pages.

Every model with `history = HistoricalRecords()` gets a row per save, naming the user
(the request's, or the `by=` a service set as `_history_user`). A page shows each row's
difference from the row before it of the same object, with the fields' labels and the
values as the forms show them (choice labels, Yes/No, the related object's name).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext_lazy

EMPTY = "—"

KIND_LABELS = {
    "+": pgettext_lazy("history", "Created"),
    "~": pgettext_lazy("history", "Changed"),
    "-": pgettext_lazy("history", "Deleted"),
}


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    user: object | None
    kind: str  # simple-history's history_type: "+" created, "~" changed, "-" deleted
    subject: str  # which object, where a list mixes several ("" when it does not)
    changes: list[FieldChange]
    reason: str

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def history_entries(
    records: Iterable,
    *,
    hidden: Iterable[str] = (),
    subject: Callable[[object], str] | None = None,
    formatters: dict[str, Callable[[object], str]] | None = None,
) -> list[HistoryEntry]:
    """`records` (history rows of one model, in the order to show) with what each changed.

    A row is compared with the row before it of the same object; the first row of an
    object lists its values, and a deletion lists nothing. A save that changed nothing
    shown (and gives no reason) is left out. `hidden` fields are never
    listed; `formatters` show a field's value their own way. Reads one query for the
    earlier rows not among `records`, and one per model the changed foreign keys point at.
    """
    records = list(records)
    if not records:
        return []
    history_model = type(records[0])
    key = history_model.instance_type._meta.pk.attname
    fields = [
        history_model._meta.get_field(field.name)
        for field in history_model.tracked_fields
        if field.editable and field.name not in {key, *hidden}
    ]
    previous = _previous_records(records, history_model, key)
    raw = {}
    for record in records:
        earlier = previous.get(record.history_id)
        if record.history_type == "-":
            raw[record.history_id] = []
        elif earlier is None:
            raw[record.history_id] = [
                (field, None, value)
                for field in fields
                if (value := field.value_from_object(record)) not in (None, "", [], {})
            ]
        else:
            delta = record.diff_against(earlier, included_fields=[f.name for f in fields])
            changed = {change.field: change for change in delta.changes}
            raw[record.history_id] = [
                (field, changed[field.name].old, changed[field.name].new)
                for field in fields
                if field.name in changed
            ]
    related = _related_objects(raw.values())
    formatters = formatters or {}
    entries = [
        HistoryEntry(
            when=record.history_date,
            user=record.history_user,
            kind=record.history_type,
            subject=subject(record) if subject else "",
            changes=[
                FieldChange(
                    label=_capitalized(field.verbose_name),
                    before=EMPTY if before is None else _shown(field, before, related, formatters),
                    after=_shown(field, after, related, formatters),
                )
                for field, before, after in raw[record.history_id]
            ],
            reason=record.history_change_reason or "",
        )
        for record in records
    ]
    return [entry for entry in entries if entry.changes or entry.kind != "~" or entry.reason]


def _previous_records(records, history_model, key) -> dict:
    """For each record, the row before it of the same object: from `records` itself, or
    read in one query for the oldest of each object (unless that one is a creation)."""
    previous, last_seen, missing = {}, {}, []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        object_id = getattr(record, key)
        if object_id in last_seen:
            previous[record.history_id] = last_seen[object_id]
        elif record.history_type != "+":
            missing.append(record)
        last_seen[object_id] = record
    if missing:
        latest_before = (
            history_model.objects.filter(
                **{key: OuterRef(key)}, history_date__lt=OuterRef("history_date")
            )
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        wanted = (
            history_model.objects.filter(history_id__in=[r.history_id for r in missing])
            .annotate(previous_id=Subquery(latest_before))
            .values("previous_id")
        )
        earlier = {getattr(r, key): r for r in history_model.objects.filter(history_id__in=wanted)}
        for record in missing:
            if (found := earlier.get(getattr(record, key))) is not None:
                previous[record.history_id] = found
    return previous


def _related_objects(changes_per_record) -> dict:
    """The objects foreign keys in the changes point at, by (model, pk): one query each."""
    wanted: dict[type, set] = {}
    for changes in changes_per_record:
        for field, before, after in changes:
            if isinstance(field, models.ForeignKey):
                wanted.setdefault(field.related_model, set()).update(
                    value for value in (before, after) if value is not None
                )
    return {
        (model, pk): instance
        for model, pks in wanted.items()
        for pk, instance in model._default_manager.in_bulk(pks).items()
    }


def _shown(field, value, related, formatters) -> str:
    if field.name in formatters:
        return formatters[field.name](value)
    if value is None or value == "":
        return EMPTY
    if isinstance(field, models.ForeignKey):
        instance = related.get((field.related_model, value))
        return str(instance) if instance is not None else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return display_value(value)


def display_value(value) -> str:
    """A stored value as a page shows it: Yes/No, local dates, lists joined."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime):
        return formats.localize(timezone.localtime(value))
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date | Decimal | float):
        return formats.localize(value)
    if isinstance(value, list | tuple):
        return ", ".join(display_value(part) for part in value) or EMPTY
    if isinstance(value, dict):
        return ", ".join(f"{k}: {display_value(v)}" for k, v in value.items()) or EMPTY
    return str(value)


def _capitalized(label) -> str:
    label = str(label)
    return label[:1].upper() + label[1:]
