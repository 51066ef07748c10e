from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """`manage.py seed_demo`: the demo data of every app, loaded in order.

    An edge, like the portals: it imports each app's `demo` module, so it cannot live in
    `core`, which every app imports.
    """

    name = "demo"
    verbose_name = _("Demo data")
