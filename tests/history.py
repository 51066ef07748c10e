"""What a history row changed, for assertions: (field, before, after) as stored."""


def changes(record) -> list[tuple[str, object, object]]:
    """The fields `record` changed against the row before it (all of them for a first
    row), by field name."""
    previous = record.prev_record
    if previous is None:
        return sorted(
            (field.name, None, field.value_from_object(record))
            for field in record.tracked_fields
            if field.editable
        )
    delta = record.diff_against(previous)
    return [(change.field, change.old, change.new) for change in delta.changes]
