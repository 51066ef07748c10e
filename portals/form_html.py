"""The HTML of unbound forms, rendered once per process and language and kept.

Crispy renders a form through a dozen nested templates; the order page's empty money and
task forms cost more than the rest of the page. A form opts in with `unbound_html_key()`:
what, besides its class, prefix and the language, its empty HTML depends on (None: render
it each time). A bound form (posted back with its errors) is always rendered afresh, and
with DEBUG every form is, so a template edited while the server runs shows at once.
"""

from django.conf import settings
from django.utils.translation import get_language

# Keys are few for the empty money and task forms (one per language); the delivery form's
# vary with the order's delivery data, most orders having none yet. The bound keeps a process
# from holding more than this many.
MAX_ENTRIES = 256
_html: dict = {}


def rendered_once(form, part: str, render):
    """`render()`'s HTML of `part` of `form` ("" for all of it), kept when the form allows."""
    key_of = getattr(form, "unbound_html_key", None)
    if settings.DEBUG or form.is_bound or key_of is None:
        return render()
    variant = key_of()
    if variant is None:
        return render()
    key = (type(form), form.prefix, part, get_language(), variant)
    html = _html.get(key)
    if html is None:
        if len(_html) >= MAX_ENTRIES:
            _html.clear()
        html = _html[key] = render()
    return html


class SameHtmlUnbound:
    """For a form whose fields, labels and choices never change: its empty HTML is one."""

    def unbound_html_key(self):
        return ()
