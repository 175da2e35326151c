"""gunicorn's settings for `make serve` and the serving test: several workers, the app loaded once before they fork.

Override any of them for one run with GUNICORN_CMD_ARGS, e.g. GUNICORN_CMD_ARGS="--bind 0.0.0.0:8000 --workers 8".
"""

wsgi_app = "app:create_app()"
bind = "127.0.0.1:8000"
workers = 4
# Load the app in the master: workers start at once, and an app that cannot start stops gunicorn instead of
# restarting workers forever.
preload_app = True
accesslog = "-"
# The master kills a sync worker that is silent for `timeout` seconds, and one answering a request is silent until it
# is done: killed, a download is cut short and an import rolled back, with no page. An export of 1,000,000 students
# streams for 20-30 s, an import of 100,000 rows may commit for up to 60 s (bench goal 15): two minutes covers them
# (gunicorn's 30 s did not). A restart (a deploy, a HUP) lets the requests in progress finish for as long.
timeout = 120
graceful_timeout = timeout
# gunicornc's socket: one per checkout, not gunicorn's default of one per user, which two servers would fight over.
control_socket = "instance/gunicorn.ctl"


def post_fork(server, worker):
    """Each worker opens database connections of its own: one opened before the fork would be shared."""
    from models import db

    with worker.app.wsgi().app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
