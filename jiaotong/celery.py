"""The Celery application. Without CELERY_BROKER_URL, tasks run in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaotong.settings")

app = Celery("jiaotong")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each installed app's tasks.py, and those of the project package's concerns.
app.autodiscover_tasks()
app.autodiscover_tasks(
    ["jiaotong.audit", "jiaotong.imports", "jiaotong.metrics", "jiaotong.reports"]
)
