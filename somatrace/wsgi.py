import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "somatrace.settings")

application = get_wsgi_application()

# Everything loaded so far (Django, the apps, their models: about 240,000 objects) lives as
# long as the process. Left to the cyclic garbage collector, each full collection scans them
# all while every thread of the server waits: about 200 ms on this project's reference
# machine (docs/performance.md). Frozen, the collector skips them.
gc.freeze()
