"""The benchmark's view of a request: how many SQL statements it ran.

With `KIM_QUERY_COUNT_HEADER=1` (never in production; `make bench` sets it) every response
carries `X-Query-Count`, counted by a SQLAlchemy event on the app's engine, so the runner
reads the queries per page from a served app. Off by default: nothing is listened to.
"""

from flask import Flask, g, has_request_context
from sqlalchemy import event

from kim_app.extensions import db

HEADER = "X-Query-Count"


def register(app: Flask) -> None:
    if not app.config.get("QUERY_COUNT_HEADER"):
        return
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _count(conn, cursor, statement, parameters, context, executemany):
        if has_request_context():
            g.query_count = g.get("query_count", 0) + 1

    @app.after_request
    def _header(response):
        response.headers[HEADER] = str(g.get("query_count", 0))
        return response
