"""A real, threaded HTTP server around an app, and requests fired at it at the same moment:
race tests need concurrent requests with their own connections and commits, not sequential
test-client calls."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import requests
from werkzeug.serving import make_server

from tests.conftest import PASSWORD


@contextmanager
def served(app) -> Iterator[str]:
    """Serve `app` on a free local port (a thread per request); yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def session_for(base: str, user) -> requests.Session:
    session = requests.Session()
    response = session.post(f"{base}/auth/masuk", allow_redirects=False,
                            data={"identifier": user.phone, "password": PASSWORD}, timeout=20)
    assert response.status_code == 302, response.text[:500]
    return session


def at_once(*calls: Callable[[], requests.Response]) -> list[requests.Response]:
    """Run the calls in threads released together; their responses, in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, call), daemon=True)
               for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def slowed(monkeypatch, module, name: str, seconds: float = 0.3) -> None:
    """Make `module.name` pause after it returns: widens the window between reading an
    invariant and writing, as a loaded server does."""
    original = getattr(module, name)

    def slow(*args, **kwargs):
        value = original(*args, **kwargs)
        threading.Event().wait(seconds)
        return value

    monkeypatch.setattr(module, name, slow)
