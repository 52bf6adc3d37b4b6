"""Faults are answered: a database that refuses, stalls or runs long, a frozen Redis, a fresh
checkout. Each fault is simulated (a closed port, a server that never answers). The tests
that build apps of their own (other databases, other rate-limit storage) are `real_db`: their
apps use ordinary connections, not the test's rolled-back one."""

import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kim_app import create_app
from kim_app.config import Config
from kim_app.extensions import db
from tests.conftest import HX, PASSWORD, login
from tests.faults import closed_port, dispose, fault_app, finishes_within, silent_server

PAGES = ["/", "/tanya/", "/kim/", "/info/", "/usaha/", "/statistik"]
ACCOUNT_PAGES = ["/akun", "/akun/notifikasi", "/petugas/"]


def pg_url(port: int) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/kim"


@pytest.fixture(params=["postgresql", "sqlite"])
def unreachable_database(request, tmp_path) -> str:
    """A PostgreSQL port nobody listens on, or an SQLite "file" that cannot be opened."""
    if request.param == "postgresql":
        return pg_url(closed_port())
    folder = tmp_path / "kim.sqlite3"
    folder.mkdir()  # a directory where the file should be: SQLite cannot open it
    return f"sqlite:///{folder}"


@pytest.mark.real_db
def test_database_outage_answers_indonesian_503_to_everyone(client, warga,
                                                             unreachable_database):
    login(client, warga)
    session_cookie = client.get_cookie("session").value
    app = fault_app(unreachable_database)
    for logged_in in (True, False):
        outage = app.test_client()
        if logged_in:
            outage.set_cookie("session", session_cookie)
        for path in PAGES + (ACCOUNT_PAGES if logged_in else []):
            response = outage.get(path)
            html = response.get_data(as_text=True)
            assert response.status_code == 503, (path, html[:300])
            assert response.headers["Retry-After"] == "30"
            assert response.headers["Cache-Control"] == "no-store"
            assert '<html lang="id">' in html and "Layanan sedang terganggu" in html
            assert "Internal Server Error" not in html
            assert "user-name" not in html  # the error page does not load the account
        response = outage.post("/tanya/baru", data={"title": "Lampu jalan mati"})
        assert response.status_code == (503 if logged_in else 302)  # 302: to the login page
        fragment = outage.get("/tanya/", headers=HX)
        assert fragment.status_code == 503
        assert fragment.headers["HX-Retarget"] == "#flash"
        assert fragment.headers["Retry-After"] == "30"
        assert "Portal sedang tidak dapat membuka datanya" in fragment.get_data(as_text=True)
        assert "<html" not in fragment.get_data(as_text=True)
    dispose(app)


def test_error_pages_never_touch_the_database(app, client, warga, query_counter):
    login(client, warga)
    client.get("/")
    with query_counter() as statements:
        response = client.get("/tidak-ada-halaman-ini")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)
    assert statements == []


def test_an_english_reader_keeps_english_error_pages(client):
    client.post("/bahasa", data={"lang": "en"})
    response = client.get("/tidak-ada-halaman-ini")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


@pytest.mark.real_db
def test_healthz_answers_503_within_2s_when_the_database_stalls():
    with silent_server() as port:
        app = fault_app(pg_url(port), DB_CONNECT_TIMEOUT=10)
        for _attempt in range(2):  # the second while the first probe still hangs
            response, seconds = finishes_within(5, lambda: app.test_client().get("/healthz"))
            assert response.status_code == 503
            assert response.get_json() == {"status": "error", "database": "error"}
            assert seconds < 2.0
    dispose(app)


@pytest.mark.real_db
def test_pages_answer_503_when_the_database_stalls_while_connecting():
    with silent_server() as port:
        app = fault_app(pg_url(port), DB_CONNECT_TIMEOUT=2)
        response, seconds = finishes_within(8, lambda: app.test_client().get("/tanya/"))
        assert response.status_code == 503 and response.headers["Retry-After"] == "30"
        assert seconds < 5
    dispose(app)


def test_statement_timeout_defaults_to_5_seconds():
    assert Config.DB_STATEMENT_TIMEOUT_MS == 5000


@pytest.mark.real_db
def test_a_slow_statement_is_cancelled_and_answered_503(database_url):
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("statement timeouts are a PostgreSQL setting")
    app = fault_app(database_url, DB_STATEMENT_TIMEOUT_MS=300)

    @app.get("/lambat")
    def slow():
        db.session.execute(text("SELECT pg_sleep(3)"))
        return "selesai"

    response, seconds = finishes_within(5, lambda: app.test_client().get("/lambat"))
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert seconds < 2
    assert app.test_client().get("/healthz").status_code == 200  # the pool recovered
    dispose(app)


def _terminate_app_connections(database_url: str) -> int:
    """What a database restart does to the app's pooled connections: each is cut."""
    other = create_engine(database_url)
    try:
        with other.connect() as connection:
            return len(connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'kim-fault-test'")).all())
    finally:
        other.dispose()


@pytest.mark.real_db
@pytest.mark.parametrize("idle", [True, False], ids=["idle", "busy"])
def test_a_connection_cut_by_a_restart_is_replaced(_schema, idle):
    """Idle past `DB_PING_AFTER_IDLE_SECONDS`, a pooled connection is pinged and, cut off,
    replaced before the request uses it: the reader sees nothing. Used more recently, it
    is not pinged (a round trip saved per request): the request it fails is answered 503,
    never 500, and the next one is served on a fresh connection."""
    database_url = _schema
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("connections to cut are PostgreSQL's")
    app = fault_app(database_url, DB_PING_AFTER_IDLE_SECONDS=0.3 if idle else 60,
                    SQLALCHEMY_ENGINE_OPTIONS={
                        "connect_args": {"application_name": "kim-fault-test"}})
    client = app.test_client()
    assert client.get("/tanya/").status_code == 200
    assert _terminate_app_connections(database_url) >= 1
    if idle:
        time.sleep(0.4)
        assert client.get("/tanya/").status_code == 200
    else:
        response = client.get("/tanya/")
        assert response.status_code == 503 and response.headers["Retry-After"] == "30"
        assert client.get("/tanya/").status_code == 200
    dispose(app)


@pytest.mark.real_db
def test_a_frozen_redis_does_not_freeze_the_site(database_url, warga):
    """Each request costs at most a second more than with working storage (measured side by
    side, so a busy machine does not fail the test)."""
    phone = warga.phone

    def timings(client) -> list[tuple[int, float]]:
        seen = []
        for password in ("salah-sekali-1", "salah-sekali-2", PASSWORD):
            response, seconds = finishes_within(10, lambda p=password: client.post(
                "/auth/masuk", data={"identifier": phone, "password": p}))
            seen.append((response.status_code, seconds))
        response, seconds = finishes_within(10, lambda: client.get("/"))
        seen.append((response.status_code, seconds))
        return seen

    with silent_server() as port:
        app = fault_app(database_url, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{port}/0")
        frozen = timings(app.test_client())
    dispose(app)
    # The limiter is shared by every app: the last one built leaves it on memory storage.
    normal_app = fault_app(database_url)
    normal = timings(normal_app.test_client())
    dispose(normal_app)
    assert [status for status, _ in frozen] == [422, 422, 302, 200]
    assert [status for status, _ in normal] == [422, 422, 302, 200]
    for (_, slow), (_, usual) in zip(frozen, normal, strict=True):
        assert slow < usual + 1.0, (frozen, normal)


@pytest.mark.real_db
def test_fresh_checkout_with_only_a_secret_key_migrates(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("KIM_ENV", raising=False)
    instance = tmp_path / "checkout" / "instance"
    app = create_app(Config(str(instance)))
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert (instance / "kim.sqlite3").is_file()
    assert not (instance / "secret_key").exists()  # the key came from the environment
    dispose(app)
