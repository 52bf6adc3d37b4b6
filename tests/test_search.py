"""Full-text search, the same function on SQLite (FTS5) and PostgreSQL (tsvector).

The suite runs on SQLite and on PostgreSQL (`TEST_DATABASE_URL`), and every expectation
here holds on both: the shared corpus below shows the two return the same threads for the
same queries. Words are found as written, by prefix and by their Indonesian stem.
"""

import pytest
from sqlalchemy import select

from kim_app.common.search import indexed_text, matches, stem, words
from kim_app.models import Category, Thread, ThreadStatus
from tests.conftest import make_user


def add_threads(db, texts: dict[str, tuple[str, str]], category_slug: str) -> dict:
    """One thread per (title, body), by key; codes TNY-26-<category initial><n>."""
    author = make_user()
    category = Category(name=f"Uji {category_slug}", slug=category_slug)
    db.session.add(category)
    db.session.flush()
    rows = {}
    for index, (key, (title, body)) in enumerate(texts.items()):
        rows[key] = Thread(code=f"TNY-26-{category_slug[0].upper()}{index:03d}",
                           author_id=author.id, title=title, body=body,
                           village_code="33.18.17.2003", category_id=category.id,
                           status=ThreadStatus.DIVERIFIKASI)  # verified: public
        db.session.add(rows[key])
    db.session.commit()
    return rows


@pytest.fixture
def threads(app, db):
    return add_threads(db, {
        "pupuk": ("Pupuk bersubsidi langka", "Kelompok tani di desa kami kesulitan pupuk urea."),
        "jalan": ("Jalan desa rusak", "Jalan menuju sawah berlubang setelah hujan."),
        "ktp": ("KTP elektronik belum jadi", "Sudah tiga bulan menunggu cetak e-KTP."),
        "keripik": ("Izin usaha keripik", "Bagaimana mengurus PIRT untuk keripik singkong?"),
    }, "uji-pencarian")


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


# The shared corpus ----------------------------------------------------------------------

CORPUS = {
    "lubang": ("Jalan berlubang di Desa Sukoharjo", "Setiap hujan air menggenang di jalan."),
    "aspal": ("Kapan jalan desa diaspal?", "Sudah lima tahun belum ada perbaikan."),
    "pupuk": ("Pupuk bersubsidi langka", "Petani di desa kami menunggu pupuk urea."),
    "tani": ("Kartu tani belum jadi", "Kelompok tani sudah mendaftar bulan lalu."),
    "lampu": ("Lampu jalan mati", "Perempatan gelap pada malam hari."),
    "banjir": ("Banjir rob di pesisir", "Rumah warga tergenang setiap bulan purnama."),
    "ktp": ("KTP elektronik belum dicetak", "Perekaman data sudah tiga bulan lalu."),
    "keripik": ("Izin usaha keripik singkong", "Bagaimana mengurus PIRT untuk usaha rumahan?"),
}

QUERIES = {
    "lubang": {"lubang"},                     # the stem finds "berlubang"
    "berlubang": {"lubang"},
    "aspal": {"aspal"},                       # "diaspal"
    "perbaikan": {"aspal"},
    "tani": {"pupuk", "tani"},               # "petani" and "tani"
    "petani": {"pupuk", "tani"},
    "pupuk subsidi": {"pupuk"},              # "bersubsidi"
    "jalan": {"lubang", "aspal", "lampu"},
    "jal": {"lubang", "aspal", "lampu"},     # a prefix, as typed
    "jalan desa": {"lubang", "aspal"},       # every word must match
    "kerip": {"keripik"},
    "usaha rumahan": {"keripik"},
    "BULAN": {"tani", "banjir", "ktp"},      # case does not matter
    "genang": {"lubang", "banjir"},          # "menggenang", "tergenang"
    "embung": set(),
    "jalan pupuk": set(),
}


@pytest.fixture
def corpus(app, db):
    rows = add_threads(db, CORPUS, "korpus-pencarian")
    return {thread.code: key for key, thread in rows.items()}


@pytest.mark.parametrize(("query", "expected"), QUERIES.items(), ids=list(QUERIES))
def test_the_same_query_finds_the_same_threads(db, corpus, query, expected):
    found = db.session.scalars(select(Thread.code).where(matches(Thread, query)))
    assert {corpus[code] for code in found} == expected


def test_the_question_list_finds_a_word_by_its_stem(client, corpus):
    page = client.get("/tanya/?q=lubang").get_data(as_text=True)
    assert "Jalan berlubang di Desa Sukoharjo" in page
    assert "Lampu jalan mati" not in page


def test_sqlite_indexes_words_and_their_stems():
    assert stem("berlubang") == "lubang"
    assert indexed_text("Jalan berlubang, petani!") == "jalan berlubang petani lubang tani"
    assert indexed_text(None) == ""


def test_a_common_word_is_remembered_and_not_probed_again(db, threads, monkeypatch,
                                                          query_counter):
    """PostgreSQL: a word with more than FEW_MATCHES matches is searched along the list's
    own index; that it is common is kept in the shared cache, so the next search for it
    skips the probe of matching ids, and finds the same threads."""
    from flask import current_app

    from kim_app.common import cache, search

    if db.engine.dialect.name != "postgresql":
        pytest.skip("the probe is PostgreSQL's (SQLite asks FTS5 for the ids)")
    cache.store_for(current_app).clear()
    monkeypatch.setattr(search, "FEW_MATCHES", 1)
    with query_counter() as first:
        found_first = found(db, "desa")  # in two of the four threads
    with query_counter() as again:
        found_again = found(db, "desa")
    assert found_first == found_again == {threads["pupuk"].code, threads["jalan"].code}
    assert len(again) == len(first) - 1
    assert found(db, "keripik") == {threads["keripik"].code}  # rare: still by its ids
