"""Backup and restore: `flask backup` (pg_dump -Fc, or SQLite's online backup API, with the
media folder) restored by `flask restore` into an empty database serves the same threads
and photos."""

import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kim_app.extensions import db as _db
from tests.conftest import login, make_app, make_user
from tests.test_uploads import image_bytes, upload
from tests.threads.test_ask import form_data


@pytest.fixture
def empty_database(database_url, tmp_path):
    """Makes empty databases of the suite's kind; PostgreSQL ones are dropped afterwards."""
    url = make_url(database_url)
    made: list[str] = []

    def make() -> str:
        name = f"kim_backup_{uuid.uuid4().hex[:8]}"
        if url.get_backend_name() == "sqlite":
            return f"sqlite:///{tmp_path / (name + '.sqlite3')}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return url.set(database=name).render_as_string(hide_password=False)

    admin = None
    if url.get_backend_name() == "postgresql":
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
    yield make
    if admin is not None:
        with admin.connect() as conn:
            for name in made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def invoke(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.real_db  # its own databases, with their own connections and commits
def test_a_backup_restored_into_an_empty_database_serves_the_same_threads_and_photos(
        empty_database, tmp_path):
    source = make_app(empty_database(), UPLOAD_DIR=str(tmp_path / "media-live"))
    invoke(source, "db", "upgrade")
    invoke(source, "seed")
    with source.app_context():
        asker = make_user(name="Sumarni Penanya")
        client = source.test_client()
        login(client, asker)
        asked = client.post("/tanya/baru", content_type="multipart/form-data",
                            data=form_data(photos=[upload(image_bytes(), "lampu.jpg")]))
        assert asked.status_code == 302
        thread_url = asked.location
        page = client.get(thread_url).get_data(as_text=True)
        photo_urls = sorted(set(re.findall(r"/media/\w+-\d+\.webp", page)))
        assert photo_urls
        photos = {url: client.get(url).data for url in photo_urls}
        output = invoke(source, "backup", str(tmp_path / "backups"))
        _db.session.remove()
        _db.engine.dispose()
    folder = Path(re.search(r"backup: (\S+)", output).group(1))
    assert (folder / "media.tar").is_file()
    assert {path.name for path in folder.iterdir()} & {"database.dump", "database.sqlite3"}

    restored = make_app(empty_database(), UPLOAD_DIR=str(tmp_path / "media-restored"))
    assert "restored" in invoke(restored, "restore", str(folder))
    reader = restored.test_client()
    reader.set_cookie("session", client.get_cookie("session").value)  # the same account
    page = reader.get(thread_url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Lampu jalan mati di depan SD" in html and "Sumarni Penanya" in html
    for url, body in photos.items():
        response = reader.get(url)
        assert response.status_code == 200 and response.data == body
    listing = reader.get("/tanya/?q=lampu").get_data(as_text=True)  # search objects restored
    assert thread_url in listing

    again = restored.test_cli_runner().invoke(args=["restore", str(folder)])
    assert again.exit_code != 0 and "not empty" in again.output
    with restored.app_context():
        _db.engine.dispose()
