"""`/tanya/`: filters, full-text search, keyset pagination, htmx vs full page, query counts."""

import re
from datetime import timedelta

from sqlalchemy import select

from kim_app.extensions import db as _db
from kim_app.models import Thread, ThreadFollow, ThreadStatus, utcnow
from kim_app.threads.tracking import new_code
from tests.conftest import HX, login
from tests.threads.conftest import VILLAGE, advance, category, new_thread


def codes(html):
    return re.findall(r'href="/tanya/(TNY-\d\d-\w{4})" class="thread-title"', html)


def bulk_threads(author, count, start=0):
    """Many threads quickly (straight rows; the lifecycle is tested elsewhere)."""
    now = utcnow()
    cat = category()
    for number in range(start, start + count):
        _db.session.add(Thread(
            code=new_code()[:-4] + f"{number:04d}".translate(str.maketrans("01", "AB")),
            author_id=author.id, title=f"Pertanyaan nomor {number} tentang posyandu",
            body="Isi pertanyaan warga.", category_id=cat.id, village_code=VILLAGE,
            created_at=now - timedelta(minutes=number), last_activity_at=now,
            status=ThreadStatus.DIVERIFIKASI))
    _db.session.commit()


def test_list_full_page_and_fragment(client, db, asker):
    thread = new_thread(asker, verified=True)
    full = client.get("/tanya/")
    html = full.get_data(as_text=True)
    assert full.status_code == 200 and "<html" in html
    assert codes(html) == [thread.code]
    assert 'hx-push-url="true"' in html and 'action="/tanya/" method="get"' in html
    assert "HX-Request" in full.headers["Vary"]
    fragment = client.get("/tanya/", headers=HX)
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="thread-list"') and "<html" not in html
    assert fragment.headers["Cache-Control"] == "no-store"
    assert "Tanya" in client.get("/").get_data(as_text=True)  # the nav link


def test_filters(client, db, asker, other, petugas):
    health = new_thread(asker, verified=True, title="Posyandu lansia tidak berjalan")
    road = new_thread(other, verified=True, title="Jalan kabupaten rusak parah",
                      category_slug="jalan-jembatan", village="33.18.14.2003")
    advance(road, petugas, ThreadStatus.DIJAWAB)
    assert codes(client.get("/tanya/?status=dijawab").get_data(as_text=True)) == [road.code]
    assert codes(client.get("/tanya/?kategori=kesehatan").get_data(as_text=True)) == [
        health.code]
    assert codes(client.get("/tanya/?kecamatan=33.18.14").get_data(as_text=True)) == [road.code]
    assert len(codes(client.get("/tanya/?status=bogus&kategori=x").get_data(as_text=True))) == 0
    assert len(codes(client.get("/tanya/?status=bogus").get_data(as_text=True))) == 2
    # "My questions" and "followed" need an account and mean the viewer's own.
    assert len(codes(client.get("/tanya/?tampil=saya").get_data(as_text=True))) == 2
    login(client, asker)
    assert codes(client.get("/tanya/?tampil=saya").get_data(as_text=True)) == [health.code]
    assert codes(client.get("/tanya/?tampil=diikuti").get_data(as_text=True)) == []
    db.session.add(ThreadFollow(user_id=asker.id, thread_id=road.id))
    db.session.commit()
    assert codes(client.get("/tanya/?tampil=diikuti", headers=HX).get_data(as_text=True)) == [
        road.code]


def test_search_over_title_and_body(client, db, asker):
    pupuk = new_thread(asker, verified=True, title="Pupuk urea bersubsidi langka",
                       body="Kios resmi di desa kami kehabisan pupuk sejak awal musim tanam.")
    ktp = new_thread(asker, verified=True, title="E-KTP belum dicetak",
                     body="Sudah tiga bulan menunggu pencetakan kartu di kecamatan.")
    assert codes(client.get("/tanya/?q=pupuk").get_data(as_text=True)) == [pupuk.code]
    assert codes(client.get("/tanya/?q=kecamat", headers=HX).get_data(as_text=True)) == [
        ktp.code]
    assert codes(client.get("/tanya/?q=pupuk+kecamatan").get_data(as_text=True)) == []
    html = client.get("/tanya/?q=tidakadasamasekali").get_data(as_text=True)
    assert "Belum ada pertanyaan yang cocok." in html
    assert 'value="tidakadasamasekali"' in html


def test_keyset_pagination_walks_every_thread_once(client, db, asker):
    bulk_threads(asker, 45)
    seen = []
    html = client.get("/tanya/").get_data(as_text=True)
    seen += codes(html)
    assert len(seen) == 20
    pages = 1
    while True:
        match = re.search(r'id="load-more".*?href="([^"]+)"', html, re.S)
        if not match:
            break
        url = match.group(1).replace("&amp;", "&")
        response = client.get(url, headers=HX)
        html = response.get_data(as_text=True)
        assert "<html" not in html and "thread-list" not in html  # only rows + the next button
        seen += codes(html)
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 45
    titles = [int(t) for t in re.findall(r"Pertanyaan nomor (\d+)", client.get(
        "/tanya/").get_data(as_text=True))]
    assert titles == sorted(titles)  # newest first (lower number = newer)


def test_keyset_pagination_keeps_threads_asked_at_the_same_moment(client, db, asker):
    bulk_threads(asker, 30)
    moment = utcnow() - timedelta(days=1)
    for thread in db.session.scalars(select(Thread)):
        thread.created_at = moment  # all at once: only the id orders them
    db.session.commit()
    first = client.get("/tanya/").get_data(as_text=True)
    more = re.search(r'id="load-more".*?href="([^"]+)"', first, re.S).group(1)
    rest = client.get(more.replace("&amp;", "&"), headers=HX).get_data(as_text=True)
    seen = codes(first) + codes(rest)
    assert len(seen) == len(set(seen)) == 30


def test_load_more_without_js_is_a_full_page_and_keeps_filters(client, db, asker):
    bulk_threads(asker, 25)
    html = client.get("/tanya/?kategori=kesehatan").get_data(as_text=True)
    link = re.search(r'id="load-more".*?href="([^"]+)"', html, re.S).group(1)
    assert "kategori=kesehatan" in link
    page = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "<html" in page and len(codes(page)) == 5


def test_list_queries_do_not_grow_with_threads(client, db, asker, query_counter):
    bulk_threads(asker, 10)
    login(client, asker)
    with query_counter() as few:
        client.get("/tanya/")
    bulk_threads(asker, 190, start=10)
    cursor = db.session.scalar(select(Thread.id).order_by(Thread.id.desc()).offset(30).limit(1))
    with query_counter() as many:
        html = client.get(f"/tanya/?sebelum={cursor}").get_data(as_text=True)
    assert len(codes(html)) == 20
    with query_counter() as many_first:
        client.get("/tanya/")
    assert len(many_first) == len(few)
    assert len(many) == len(few)


def test_only_twenty_rows_per_page(client, db, asker):
    bulk_threads(asker, 30)
    assert len(codes(client.get("/tanya/").get_data(as_text=True))) == 20
