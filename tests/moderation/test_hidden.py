"""Hidden means gone: a hidden item of any kind is absent from every page, list and search
for guests and other villagers (its own page answers 404), and shown, marked hidden, to the
people who answer for it and to moderators."""

import pytest

from kim_app.models import utcnow
from kim_app.moderation import visibility
from tests.conftest import login
from tests.moderation.conftest import PHONE_IN_REPLY


def places(kind: str, item) -> tuple[str, list[str], str]:
    """(text that names the item, the lists and searches that show it, its own page)."""
    if kind == "thread":
        return item.title, ["/tanya/", "/tanya/?q=irigasi"], f"/tanya/{item.code}"
    if kind == "post":
        return PHONE_IN_REPLY, [f"/tanya/{item.thread.code}"], ""
    if kind == "product":
        group = item.business_group
        return item.name, ["/usaha/", "/usaha/?q=gandrung", "/", f"/usaha/{group.slug}"], (
            f"/usaha/{group.slug}/{item.slug}")
    if kind == "business_group":
        return item.name, [f"/kim/{item.kim_group.slug}", "/usaha/"], f"/usaha/{item.slug}"
    if kind == "announcement":
        return item.title, ["/info/", "/info/?q=vaksinasi", "/"], f"/info/{item.id}"
    return item.name, ["/kim/", f"/kim/?q={item.name.split()[-1]}"], f"/kim/{item.slug}"


KINDS = ["thread", "post", "product", "business_group", "announcement", "kim_group"]


def look(client, person, kind, item):
    client.post("/auth/keluar")
    if person is not None:
        login(client, person)
    name, lists, page = places(kind, item)
    seen = {url: name in client.get(url).get_data(as_text=True) for url in lists}
    status = client.get(page).status_code if page else None
    return seen, status


@pytest.mark.parametrize("kind", KINDS)
def test_public_before_hiding(client, db, items, stranger, kind):
    item, _owner = items[kind]
    assert visibility.is_public(item)
    seen, status = look(client, None, kind, item)
    assert all(seen.values()), seen
    assert status in (200, None)


@pytest.mark.parametrize("kind", KINDS)
def test_hidden_is_gone_for_guests_and_other_warga(client, db, items, stranger, kind):
    item, _owner = items[kind]
    item.hidden_at = utcnow()
    db.session.commit()
    assert not visibility.is_public(item)
    for person in (None, stranger):
        seen, status = look(client, person, kind, item)
        assert not any(seen.values()), (person, seen)
        assert status in (404, None), person


@pytest.mark.parametrize("kind", KINDS)
def test_hidden_is_marked_for_its_owner_and_moderators(client, db, items, petugas, admin, kind):
    item, owner = items[kind]
    item.hidden_at = utcnow()
    db.session.commit()
    _name, _lists, page = places(kind, item)
    for person in (owner, petugas, admin):
        client.post("/auth/keluar")
        login(client, person)
        url = page or places(kind, item)[1][0]
        html = client.get(url).get_data(as_text=True)
        assert "Disembunyikan" in html, (person.name, url)
        assert places(kind, item)[0] in html
