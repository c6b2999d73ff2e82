import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Every task records in the outbox that it finished (named, not imported: the models load later).
app = Celery("conduct", task_cls="conduct.outbox:QueuedWork")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
