"""The WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi ...``."""

import gc

from webapp import create_app

app = create_app()
# The app's own objects (modules, mappers, compiled templates) live as long as the process:
# move them out of the collector's way, so a request that allocates a lot (a push of a
# thousand changes) does not pay for scanning them again and again.
gc.freeze()
