"""Security headers, cookies, CSRF on every state change, configuration guards."""

import re

import pytest

from kim_app import create_app
from kim_app.config import ConfigError, ProductionConfig
from tests.conftest import PASSWORD, make_user


@pytest.mark.parametrize("path", ["/", "/kim/", "/auth/masuk", "/healthz", "/tidak-ada"])
def test_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers


def test_no_inline_script_or_style_in_templates():
    from pathlib import Path

    for template in Path("templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert "hx-on" not in text, template
        assert " style=" not in text and "<style" not in text, template


def test_static_files_are_cached_by_content_hash(client):
    html = client.get("/").get_data(as_text=True)
    url = re.search(r'src="(/static/vendor/htmx\.min\.js\?v=[0-9a-f]+)"', html).group(1)
    response = client.get(url)
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    response.close()


def test_session_cookie_flags(client, warga):
    response = client.post("/auth/masuk", data={"identifier": warga.phone, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_refuses_to_start_without_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        ProductionConfig()


def test_production_sets_secure_cookies_and_hsts(monkeypatch, _schema):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", _schema)
    monkeypatch.setenv("KIM_SITE_URL", "https://kim.contoh.invalid")
    app = create_app(ProductionConfig)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert "ARGON2_PARAMETERS" not in app.config  # the library's recommended cost
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    with app.app_context():
        from kim_app.extensions import db

        db.engine.dispose()


def test_development_secret_is_generated_once(tmp_path, monkeypatch):
    from kim_app.config import Config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = Config(str(tmp_path)).SECRET_KEY
    second = Config(str(tmp_path)).SECRET_KEY
    assert first == second and len(first) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_postgres_urls_use_psycopg3(monkeypatch, tmp_path):
    from kim_app.config import Config

    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    assert Config(str(tmp_path)).SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@h/db"


def test_default_database_is_sqlite_in_instance(monkeypatch, tmp_path):
    from kim_app.config import Config

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    uri = Config(str(tmp_path)).SQLALCHEMY_DATABASE_URI
    assert uri == f"sqlite:///{tmp_path.resolve()}/kim.sqlite3"


class TestCsrf:
    """With CSRF on (as in production), every state change without a token is refused."""

    @pytest.fixture
    def csrf_app(self, app_factory):
        app = app_factory(WTF_CSRF_ENABLED=True)
        with app.app_context():
            make_user(name="Sri Warga")
        return app

    def test_every_post_route_refuses_a_missing_token(self, csrf_app):
        """Walks the URL map, so a new state-changing route is covered the day it is added."""
        from sqlalchemy import func, select

        from kim_app.extensions import db
        from kim_app.models import User

        client = csrf_app.test_client()
        with csrf_app.app_context():
            users_before = db.session.scalar(select(func.count()).select_from(User))
        rules = [r for r in csrf_app.url_map.iter_rules() if r.methods & {"POST", "PUT", "DELETE"}]
        assert len(rules) >= 5
        for rule in rules:
            url = rule.rule
            for argument in rule.arguments:
                url = re.sub(rf"<(?:\w+:)?{argument}>", "1", url)
            for method in rule.methods & {"POST", "PUT", "DELETE"}:
                response = client.open(url, method=method, data={"lang": "en", "name": "X"})
                assert response.status_code == 400, (method, url)
                assert "kedaluwarsa" in response.get_data(as_text=True)
        with csrf_app.app_context():
            assert db.session.scalar(select(func.count()).select_from(User)) == users_before

    @staticmethod
    def _log_in_with_form_token(app, client):
        html = client.get("/auth/masuk").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        with app.app_context():
            from sqlalchemy import select

            from kim_app.extensions import db
            from kim_app.models import User

            phone = db.session.scalar(select(User.phone))
        return client.post("/auth/masuk", data={
            "csrf_token": token, "identifier": phone, "password": PASSWORD})

    def test_htmx_header_token_is_accepted(self, csrf_app):
        client = csrf_app.test_client()
        self._log_in_with_form_token(csrf_app, client)
        html = client.get("/").get_data(as_text=True)
        token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
        response = client.post("/bahasa", data={"lang": "en"}, headers={"X-CSRFToken": token})
        assert response.status_code == 302

    def test_form_token_is_accepted(self, csrf_app):
        client = csrf_app.test_client()
        assert self._log_in_with_form_token(csrf_app, client).status_code == 302

    def test_htmx_csrf_failure_is_a_message_not_a_page(self, csrf_app):
        response = csrf_app.test_client().post("/bahasa", headers={"HX-Request": "true"})
        assert response.status_code == 400
        assert response.headers["HX-Retarget"] == "#flash"
