from django import forms


class DatePicker(forms.DateInput):
    """The browser's date picker: it takes ISO dates whatever the page's language, so the
    value is never rendered in the localized format it would silently drop."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
