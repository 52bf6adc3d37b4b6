"""How the app talks to its database: engine options per backend, and what counts as the
database being unreachable.

- PostgreSQL: a connect timeout (`DB_CONNECT_TIMEOUT` s) and a statement timeout
  (`DB_STATEMENT_TIMEOUT_MS`) set for every connection, so a stalled or slow database
  answers an error instead of holding a worker; the migrations lift the statement limit.
- SQLite: the folder of the database file is created (a fresh checkout has no `instance/`).

`UNAVAILABLE` are the errors that mean "the database cannot answer now" (refused, dropped,
timed out, cancelled): they are answered 503 with Retry-After (see `errors.py`), unlike
programming errors, which stay 500.
"""

from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeoutError)


def configure(config) -> None:
    """Complete `SQLALCHEMY_ENGINE_OPTIONS` in the (flat) app config for its database."""
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    backend = url.get_backend_name()
    if backend == "postgresql":
        connect_args.setdefault("connect_timeout", config["DB_CONNECT_TIMEOUT"])
        statement_ms = config["DB_STATEMENT_TIMEOUT_MS"]
        if statement_ms:
            connect_args.setdefault("options", f"-c statement_timeout={int(statement_ms)}")
    elif backend == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    if connect_args:
        options["connect_args"] = connect_args
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options
