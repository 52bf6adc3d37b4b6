"""The shared notification core: rendering per recipient's language, the bell, the list."""

from flask_babel import lazy_gettext as _l

from kim_app.models import Notification, utcnow
from kim_app.notifications.centre import unread_count
from kim_app.notifications.delivery import notify
from tests.conftest import login, make_user


def test_notification_text_is_rendered_in_each_recipients_language(app, db):
    indonesian = make_user()
    english = make_user()
    english.locale = "en"
    db.session.commit()
    with app.test_request_context("/"):
        notify([indonesian, english], "test.hello", _l("Notifikasi"), link="/kim/")
        db.session.commit()
    texts = {n.user_id: n.text for n in db.session.scalars(db.select(Notification))}
    assert texts == {indonesian.id: "Notifikasi", english.id: "Notifications"}


def test_bell_shows_unread_count_and_list_shows_unread_first(client, db, warga):
    login(client, warga)
    assert 'class="bell-count"' not in client.get("/").get_data(as_text=True)
    db.session.add_all([
        Notification(user_id=warga.id, kind="t", text="Lama dan sudah dibaca", read_at=utcnow()),
        Notification(user_id=warga.id, kind="t", text="Baru belum dibaca", link="/kim/kajen"),
    ])
    db.session.commit()
    assert unread_count(warga) == 1
    html = client.get("/").get_data(as_text=True)
    assert '<span class="bell-count">1</span>' in html
    html = client.get("/akun/notifikasi").get_data(as_text=True)
    assert html.index("Baru belum dibaca") < html.index("Lama dan sudah dibaca")
    assert '<a href="/kim/kajen">Baru belum dibaca</a>' in html


def test_notifications_are_private(client, db, warga):
    other = make_user()
    db.session.add(Notification(user_id=other.id, kind="t", text="Rahasia orang lain"))
    db.session.commit()
    assert client.get("/akun/notifikasi").status_code == 302
    login(client, warga)
    assert "Rahasia orang lain" not in client.get("/akun/notifikasi").get_data(as_text=True)
