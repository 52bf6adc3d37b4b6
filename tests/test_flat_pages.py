"""Pages that stay flat as data grows: capped or keyset-paginated lists, and the same
number of queries at two sizes."""

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from kim_app.extensions import db as _db
from kim_app.kim import services as kim_services
from kim_app.models import (
    KimGroup,
    KimStatus,
    Notification,
    Post,
    PostKind,
    Role,
    Village,
    utcnow,
)
from kim_app.notifications import centre
from tests import business_factories as bf
from tests.conftest import HX, login, make_user
from tests.threads.conftest import new_thread


def add_posts(thread, author, count: int, *, start=None) -> None:
    start = start or utcnow() - timedelta(days=30)
    for number in range(count):
        _db.session.add(Post(thread_id=thread.id, author_id=author.id, kind=PostKind.REPLY,
                             body=f"Balasan nomor {number:03d}",
                             created_at=start + timedelta(minutes=number)))
    _db.session.commit()


def add_kims(count: int) -> None:
    villages = _db.session.scalars(select(Village.code).order_by(Village.code)).all()
    for number in range(count):
        _db.session.add(KimGroup(name=f"KIM Uji {number:03d}", slug=f"kim-uji-{number:03d}",
                                 village_code=villages[number % len(villages)],
                                 status=KimStatus.AKTIF))
    _db.session.commit()


def test_long_thread_shows_its_latest_posts_and_loads_earlier_ones(client, app):
    asker = make_user(name="Bu Penanya")
    thread = new_thread(asker)
    add_posts(thread, asker, 70)
    from kim_app.threads.services import POSTS_SHOWN

    login(client, asker)  # a new question is the asker's (and the officers') to see

    html = client.get(f"/tanya/{thread.code}").get_data(as_text=True)
    assert "Balasan nomor 069" in html
    assert html.count('class="post') <= POSTS_SHOWN + 5
    link = re.search(r'id="posts-earlier".*?href="([^"]+)"', html, re.S).group(1)
    earlier = client.get(unescape(link), headers=HX)
    body = earlier.get_data(as_text=True)
    assert earlier.status_code == 200 and "<html" not in body
    assert "Balasan nomor 000" in body and "Balasan nomor 069" not in body
    shown = set(re.findall(r"Balasan nomor (\d{3})", html))
    assert shown.isdisjoint(re.findall(r"Balasan nomor (\d{3})", body))
    # Without JavaScript the link is the thread page from there.
    page = client.get(unescape(link)).get_data(as_text=True)
    assert "<html" in page and "Balasan nomor 000" in page


def test_earlier_posts_of_an_unknown_thread_are_404(client, app):
    assert client.get("/tanya/TNY-00-XXXX/sebelumnya?sebelum=1").status_code == 404


def test_thread_page_queries_do_not_grow_with_posts(client, app, query_counter):
    asker = make_user(name="Bu Penanya")
    # Both longer than the posts shown (a thread shown whole needs no query for its answer).
    short, long = new_thread(asker), new_thread(asker, title="Jalan desa berlubang besar")
    add_posts(short, asker, 60)
    add_posts(long, asker, 240)
    login(client, asker)
    client.get(f"/tanya/{short.code}")
    with query_counter() as few:
        client.get(f"/tanya/{short.code}")
    with query_counter() as many:
        client.get(f"/tanya/{long.code}")
    assert len(few) == len(many)


def _answer(thread, officer, body: str, at) -> None:
    _db.session.add(Post(thread_id=thread.id, author_id=officer.id, kind=PostKind.OFFICIAL_ANSWER,
                         body=body, created_at=at))
    _db.session.commit()


def _official_answer_box(html: str) -> str:
    match = re.search(r'<article class="official-answer".*?</article>', html, re.S)
    return match.group(0) if match else ""


def test_the_latest_answer_is_shown_whether_or_not_it_is_among_the_latest_posts(
        client, app, query_counter):
    """The answer box reads the answer from the posts already loaded when it is there,
    and asks for it when it is older than the posts shown."""
    asker = make_user(name="Bu Penanya")
    officer = make_user(name="Pak Petugas", role=Role.PETUGAS)
    start = utcnow() - timedelta(days=30)
    recent, old = new_thread(asker), new_thread(asker, title="Jalan desa berlubang besar")
    _answer(recent, officer, "Jawaban lama untuk yang baru", start)
    add_posts(recent, asker, 3, start=start + timedelta(hours=1))
    _answer(recent, officer, "Jawaban terbaru dari dinas", start + timedelta(days=1))
    _answer(old, officer, "Jawaban sebelum banyak balasan", start)
    add_posts(old, asker, 80, start=start + timedelta(hours=1))
    login(client, asker)

    html = client.get(f"/tanya/{recent.code}").get_data(as_text=True)
    assert "Jawaban terbaru dari dinas" in _official_answer_box(html)
    assert "Jawaban lama" not in _official_answer_box(html)
    with query_counter() as shown:
        client.get(f"/tanya/{recent.code}")
    html = client.get(f"/tanya/{old.code}").get_data(as_text=True)
    assert "Jawaban sebelum banyak balasan" in _official_answer_box(html)
    with query_counter() as asked:
        client.get(f"/tanya/{old.code}")
    assert len(asked) > len(shown)  # only the thread whose answer is not on the page asks


def test_kim_directory_pages_by_keyset(client, app, monkeypatch):
    monkeypatch.setattr(kim_services, "DIRECTORY_PAGE", 10)
    add_kims(15)
    first = client.get("/kim/").get_data(as_text=True)
    names = re.findall(r"<strong>(KIM [^<]+)</strong>", first)
    assert len(names) == 10
    assert "33 KIM" in first  # the 18 seeded and the 15 new, counted by kecamatan
    link = re.search(r'href="([^"]+)"[^>]*rel="next"', first).group(1)
    second = client.get(unescape(link), headers=HX).get_data(as_text=True)
    more = re.findall(r"<strong>(KIM [^<]+)</strong>", second)
    assert more and set(more).isdisjoint(names)


def test_kim_directory_queries_do_not_grow(client, app, query_counter):
    client.get("/kim/")
    with query_counter() as few:
        client.get("/kim/")
    add_kims(80)
    with query_counter() as many:
        html = client.get("/kim/").get_data(as_text=True)
    assert len(few) == len(many)
    assert len(re.findall(r'class="card"', html)) == kim_services.DIRECTORY_PAGE


def test_kim_page_caps_business_groups(client, app, monkeypatch):
    from kim_app.kim import routes

    monkeypatch.setattr(routes, "BUSINESS_GROUPS_SHOWN", 3)
    group = bf.kim()
    for number in range(5):
        bf.business_group(group, name=f"Usaha Uji {number}")
    html = client.get(f"/kim/{group.slug}").get_data(as_text=True)
    assert len(re.findall(r"Usaha Uji \d", html)) == 3
    link = re.search(r'href="([^"]+usaha=semua[^"]*)"', html).group(1)
    every = client.get(unescape(link)).get_data(as_text=True)
    assert len(re.findall(r"Usaha Uji \d", every)) == 5


def test_kim_page_queries_do_not_grow(client, app, query_counter):
    group = bf.kim()
    bf.business_group(group, name="Usaha Awal")
    client.get(f"/kim/{group.slug}")
    with query_counter() as few:
        client.get(f"/kim/{group.slug}")
    for number in range(20):
        business = bf.business_group(group, name=f"Usaha Tambahan {number}")
        bf.product(business, f"Produk {number}")
    with query_counter() as many:
        client.get(f"/kim/{group.slug}")
    assert len(few) == len(many)


def test_catalog_and_info_queries_do_not_grow(client, app, query_counter):
    business = bf.business_group(bf.kim())
    bf.product(business, "Produk Pertama")
    for path in ("/usaha/", "/info/"):
        client.get(path)
    with query_counter() as few:
        client.get("/usaha/")
        client.get("/info/")
    for number in range(40):
        bf.product(business, f"Produk Tambahan {number}", commit=False)
    _db.session.commit()
    with query_counter() as many:
        client.get("/usaha/")
        client.get("/info/")
    assert len(few) == len(many)


@pytest.mark.parametrize("unread", [3, 130])
def test_unread_count_is_bounded_and_asked_once(client, app, query_counter, unread):
    person = make_user(Role.WARGA, name="Sri Pembaca")
    for number in range(unread):
        _db.session.add(Notification(user_id=person.id, kind="thread.answered",
                                     text=f"Kabar {number}"))
    _db.session.commit()
    login(client, person)
    with query_counter() as statements:
        html = client.get("/akun/notifikasi").get_data(as_text=True)
    counts = [s for s in statements if "count(" in s.lower() and "notification" in s.lower()]
    assert len(counts) == 1
    if unread > centre.UNREAD_COUNTED:
        assert "99+" in html and f"Lebih dari {centre.UNREAD_COUNTED - 1} belum dibaca" in html
    else:
        assert f"{unread} belum dibaca" in html


def _section(html: str, heading: str) -> str:
    start = html.index(f'aria-labelledby="{heading}"')
    return html[start:html.index("</section>", start)]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_statistics_show_the_first_kims_and_link_to_all(client, app, htmx):
    """The per-KIM chart and tables of /statistik show the first KIMS_SHOWN KIMs (the
    chart: most members, or largest sales), with the totals of all and a link to every row."""
    from kim_app.stats.routes import KIMS_SHOWN

    add_kims(KIMS_SHOWN + 5)
    active = _db.session.query(KimGroup).filter_by(status=KimStatus.AKTIF).count()
    assert active > KIMS_SHOWN
    html = client.get("/statistik", headers=HX if htmx else {}).get_data(as_text=True)
    for heading in ("kim-heading", "business-kim-heading"):
        part = _section(html, heading)
        rows = part[part.index("<tbody>"):part.index("</tbody>")]
        assert rows.count('<th scope="row">') == KIMS_SHOWN, heading
        assert part.count('class="chart-bar"') == KIMS_SHOWN, heading
        assert f"{KIMS_SHOWN} dari {active} KIM" in part
        link = re.search(r'<a href="([^"]+)">Tampilkan semua KIM</a>', part).group(1)
        assert "semua=1" in link and link.endswith(f"#{heading}")

    everything = client.get(unescape(link)).get_data(as_text=True)
    for heading in ("kim-heading", "business-kim-heading"):
        part = _section(everything, heading)
        rows = part[part.index("<tbody>"):part.index("</tbody>")]
        assert rows.count('<th scope="row">') == active, heading
        assert part.count('class="chart-bar"') == KIMS_SHOWN  # a chart stays readable
        assert "Tampilkan semua KIM" not in part
    names = re.compile(r'scope="row"><a href="[^"]*">([^<]*)')
    shown = names.findall(_section(html, "kim-heading"))
    every = names.findall(_section(everything, "kim-heading"))
    assert shown == every[:KIMS_SHOWN] and len(every) == active


def test_statistics_with_few_kims_show_them_all_without_a_link(client, app):
    html = client.get("/statistik").get_data(as_text=True)
    part = _section(html, "kim-heading")
    assert "Tampilkan semua KIM" not in part
    assert "Anggota aktif per KIM</title>" in part
