"""Simulated faults for the hardening tests: a port nobody listens on, a server that accepts
connections and never answers (a stalled database, a frozen Redis), apps pointed at them."""

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from kim_app import create_app
from kim_app.config import TestConfig
from kim_app.extensions import db


def closed_port() -> int:
    """A local port with nothing listening (connections are refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def silent_server() -> Iterator[int]:
    """A port that completes the TCP handshake and then says nothing, ever: the kernel
    queues the connections, nobody reads them. Closing it resets the waiting clients."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def fault_app(database_url: str, **overrides):
    """An app as production runs it (errors answered, not raised) on `database_url`."""
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    config.PROPAGATE_EXCEPTIONS = False
    for key, value in overrides.items():
        setattr(config, key, value)
    return create_app(config)


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def finishes_within(seconds: float, work: Callable):
    """Run `work()` in a thread; fail unless it returns within `seconds` (a hang must not
    hang the suite). Returns what `work` returned and how long it took."""
    import time

    outcome: dict = {}

    def run():
        started = time.monotonic()
        try:
            outcome["value"] = work()
        except BaseException as error:  # noqa: BLE001 - handed to the test below
            outcome["error"] = error
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"], outcome["seconds"]
