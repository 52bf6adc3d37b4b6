"""The fixtures' two paths: what a test commits stays in its transaction, unless it is
marked `real_db`; then it really commits, for other connections and threads to see."""

import contextvars
import threading

import pytest
from sqlalchemy import func, select

from kim_app.models import User
from tests.conftest import login


def test_a_commit_stays_inside_the_test_transaction(app, db, client, warga):
    login(client, warga)  # a request, in a session of its own, sees the committed row
    assert client.get("/akun/notifikasi/pengaturan").status_code == 200
    with db.engine.connect() as other:
        assert other.scalar(select(func.count()).select_from(User)) == 0


def test_what_a_request_does_not_commit_is_gone_when_it_ends(app, db, warga):
    def request_without_commit():
        with app.test_request_context("/"):  # its own app context, so its own session
            db.session.get(User, warga.id).name = "Tidak Disimpan"
            db.session.flush()

    contextvars.Context().run(request_without_commit)
    db.session.expire_all()
    assert db.session.get(User, warga.id).name == "Sri Warga"


@pytest.mark.real_db
def test_real_db_commits_are_seen_by_other_connections_and_threads(app, db, warga):
    with db.engine.connect() as other:
        assert other.scalar(select(User.name).where(User.id == warga.id)) == "Sri Warga"
    statuses = []

    def visit():
        client = app.test_client()
        login(client, warga)
        statuses.append(client.get("/akun/notifikasi/pengaturan").status_code)

    threads = [threading.Thread(target=visit) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [200, 200, 200]
