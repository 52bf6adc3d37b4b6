"""Full-text search, the same function on SQLite (FTS5) and PostgreSQL (tsvector)."""

import pytest
from sqlalchemy import select

from kim_app.common.search import matches, words
from kim_app.models import Category, Thread
from tests.conftest import make_user


@pytest.fixture
def threads(app, db):
    author = make_user()
    category = Category(name="Uji pencarian", slug="uji-pencarian")
    db.session.add(category)
    db.session.flush()
    texts = {
        "pupuk": ("Pupuk bersubsidi langka", "Kelompok tani di desa kami kesulitan pupuk urea."),
        "jalan": ("Jalan desa rusak", "Jalan menuju sawah berlubang setelah hujan."),
        "ktp": ("KTP elektronik belum jadi", "Sudah tiga bulan menunggu cetak e-KTP."),
        "keripik": ("Izin usaha keripik", "Bagaimana mengurus PIRT untuk keripik singkong?"),
    }
    rows = {}
    for index, (key, (title, body)) in enumerate(texts.items()):
        rows[key] = Thread(code=f"TNY-26-000{index}", author_id=author.id, title=title, body=body,
                           village_code="33.18.17.2003", category_id=category.id)
        db.session.add(rows[key])
    db.session.commit()
    return rows


def found(db, query):
    return {t.code for t in db.session.scalars(select(Thread).where(matches(Thread, query)))}


def test_search_finds_words_in_title_and_body(db, threads):
    assert found(db, "pupuk") == {threads["pupuk"].code}
    assert found(db, "sawah") == {threads["jalan"].code}


def test_search_matches_prefixes_and_needs_every_word(db, threads):
    assert found(db, "saw") == {threads["jalan"].code}
    assert found(db, "jalan sawah") == {threads["jalan"].code}
    assert found(db, "jalan pupuk") == set()


def test_search_is_case_insensitive_and_ignores_punctuation(db, threads):
    assert found(db, 'KTP!!! "elektronik') == {threads["ktp"].code}


def test_search_follows_updates_and_deletes(db, threads):
    threads["pupuk"].title = "Harga gabah turun"
    threads["pupuk"].body = "Petani merugi."
    db.session.commit()
    assert found(db, "pupuk") == set()
    assert found(db, "gabah") == {threads["pupuk"].code}
    db.session.delete(threads["jalan"])
    db.session.commit()
    assert found(db, "sawah") == set()


def test_empty_query_matches_everything(db, threads):
    assert len(found(db, "  ?! ")) == 4


def test_prefixes_match_words_the_stemmer_would_cut(db, threads):
    # PostgreSQL's Indonesian stemmer turns "keripik" into "ripik"; typing "kerip" must
    # still find it, as it does on SQLite.
    assert found(db, "kerip") == {threads["keripik"].code}
    assert found(db, "keripik singkong") == {threads["keripik"].code}


def test_words_are_bounded():
    assert words("a b c d e f g h i j") == ["a", "b", "c", "d", "e", "f", "g", "h"]
