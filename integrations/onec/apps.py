from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnecConfig(AppConfig):
    name = "integrations.onec"
    label = "onec"
    verbose_name = _("1C exchange")
