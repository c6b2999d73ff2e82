import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# The URLconf (and with it every view, form and template tag module) is imported now rather
# than by the first request, and everything loaded so far, which lives as long as the process,
# is put out of the garbage collector's sight: each full collection otherwise walks its
# 140,000 objects, which cost the meeting and chart pages 3 to 4 ms a request
# (docs/benchmarks.md). Objects made while serving requests are collected as before.
import_module(settings.ROOT_URLCONF)
gc.freeze()
