"""The Celery application. Without CELERY_BROKER_URL, tasks run in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaotong.settings")

app = Celery("jiaotong")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
