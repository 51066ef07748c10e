import os

from celery import Celery

from config import broker_recovery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

broker_recovery.apply()

app = Celery("ordercrm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
