from collections.abc import Callable


def form_add_errors(form, errors: dict, rename: Callable[[str], str] | None = None) -> None:
    """A service's field errors onto a bound form: on the field it names when the form has
    one, else above the form, so a refusal is always shown and never lost."""
    for field, messages in errors.items():
        name = rename(field) if rename else field
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
