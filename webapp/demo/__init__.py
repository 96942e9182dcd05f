"""The demo clinic a newcomer can sign in to (``flask --app wsgi load-demo``)."""
