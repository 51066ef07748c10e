from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Integrations API")

    def ready(self):
        from api.selectors import webhook_subscriptions_for_topic
        from notifications.webhook_subscribers import webhook_subscribers_register

        # The keys' webhook subscriptions, for the webhook channel to deliver to.
        webhook_subscribers_register(webhook_subscriptions_for_topic)
