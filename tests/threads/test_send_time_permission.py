"""Notifications follow permission at send time: a follower who lost access to a private
question hears nothing more about it (in the app or by email)."""

from sqlalchemy import select

from kim_app.models import MemberRole, Membership, Notification, Visibility
from kim_app.threads import lifecycle
from tests.conftest import HX, login
from tests.threads.conftest import agency, kim, member, new_thread


def texts(db, user) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification.text)
                                   .where(Notification.user_id == user.id)))


def test_a_demoted_pengurus_stops_hearing_about_a_private_question(client, db, petugas):
    group = kim()
    asker = member(group, name="Bu Penanya")
    pengurus = member(group, MemberRole.SEKRETARIS, name="Pak Sekretaris")
    thread = new_thread(asker, visibility=Visibility.PRIVATE, via_kim=group,
                        on_behalf_name="Mbah Karto")
    login(client, pengurus)
    response = client.post(f"/tanya/{thread.code}/ikuti", data={"follow": "1"}, headers=HX)
    assert response.status_code == 200
    lifecycle.verify(thread, petugas)
    db.session.commit()
    assert len(texts(db, pengurus)) == 1  # while pengurus, a follower hears of it

    membership = db.session.scalar(select(Membership).where(Membership.user_id == pengurus.id))
    membership.role = MemberRole.ANGGOTA
    db.session.commit()
    assert client.get(f"/tanya/{thread.code}").status_code == 404  # the page says no
    lifecycle.assign(thread, petugas, agency(), petugas)
    db.session.commit()
    assert len(texts(db, pengurus)) == 1  # ...and so does the bell
    assert len(texts(db, asker)) == 2
