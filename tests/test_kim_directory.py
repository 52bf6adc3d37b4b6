"""The KIM directory (`/kim/`), its kecamatan filter, and the KIM pages."""

from sqlalchemy import select

from kim_app.kim import services as kim_services
from kim_app.models import KimGroup, KimStatus, MembershipStatus
from tests.conftest import HX, login


def test_directory_lists_all_eighteen(client):
    response = client.get("/kim/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('class="card"') == 18
    assert "18 KIM" in html
    assert "<html" in html
    assert 'hx-push-url="true"' in html
    assert 'action="/kim/" method="get"' in html


def test_filter_without_js_is_a_full_page(client):
    response = client.get("/kim/?kecamatan=33.18.17")
    html = response.get_data(as_text=True)
    assert "<html" in html
    assert html.count('class="card"') == 3
    assert 'value="33.18.17" selected' in html
    assert "KIM Gulangpongge" in html and "KIM Bermi" not in html
    assert "HX-Request" in response.headers["Vary"]


def test_filter_with_htmx_is_only_the_list(client):
    response = client.get("/kim/?kecamatan=33.18.14", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="kim-list"')
    assert html.count('class="card"') == 1
    assert "KIM Tlogorejo" in html
    assert "HX-Request" in response.headers["Vary"]
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_kecamatan_shows_everything(client):
    html = client.get("/kim/?kecamatan=<script>", headers=HX).get_data(as_text=True)
    assert html.count('class="card"') == 18
    assert "<script>" not in html


def test_directory_shows_kelurahan_and_desa(client):
    html = client.get("/kim/?kecamatan=33.18.10").get_data(as_text=True)
    assert "Kelurahan Pati Wetan" in html
    html = client.get("/kim/?kecamatan=33.18.16").get_data(as_text=True)
    assert "Desa Kajen" in html


def test_inactive_group_is_hidden_from_public_but_not_admin(client, db, admin):
    group = db.session.scalar(select(KimGroup).where(KimGroup.slug == "bermi"))
    group.status = KimStatus.NONAKTIF
    db.session.commit()
    assert "KIM Bermi" not in client.get("/kim/").get_data(as_text=True)
    assert client.get("/kim/bermi").status_code == 404
    login(client, admin)
    response = client.get("/kim/bermi")
    assert response.status_code == 200
    assert "tidak aktif" in response.get_data(as_text=True)


def test_unknown_group_is_a_friendly_404(client):
    response = client.get("/kim/tidak-ada")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Halaman tidak ditemukan" in html
    assert "<html" in html


def test_directory_queries_do_not_grow_with_groups(client, db, query_counter):
    with query_counter() as few:
        client.get("/kim/")
    for number in range(40):
        db.session.add(KimGroup(name=f"KIM Uji {number}", slug=f"uji-{number}",
                                village_code="33.18.01.2001"))
    db.session.commit()
    with query_counter() as many:
        html = client.get("/kim/").get_data(as_text=True)
    assert html.count('class="card"') == min(58, kim_services.DIRECTORY_PAGE)
    assert len(many) == len(few)


def test_home_lists_kecamatan_with_groups(client):
    html = client.get("/").get_data(as_text=True)
    assert "18 KIM · 10 kecamatan" in html
    assert "/kim/?kecamatan=33.18.17" in html


def test_search_by_name_or_village_without_js(client):
    response = client.get("/kim/?q=tlogo")
    html = response.get_data(as_text=True)
    assert "<html" in html
    assert html.count('class="card"') == 1 and "KIM Tlogorejo" in html
    assert 'value="tlogo"' in html
    # "Sumberrejo" is the official village name of KIM Sumberejo
    html = client.get("/kim/?q=SUMBERREJO").get_data(as_text=True)
    assert "KIM Sumberejo" in html and html.count('class="card"') == 1


def test_search_as_you_type_is_a_fragment_with_the_address_bar_updated(client):
    html = client.get("/kim/").get_data(as_text=True)
    assert 'input changed delay:400ms from:#q' in html
    assert 'hx-push-url="true"' in html
    response = client.get("/kim/?q=jepat&kecamatan=", headers=HX)
    html = response.get_data(as_text=True)
    assert "<html" not in html and html.count('class="card"') == 2
    assert "HX-Request" in response.headers["Vary"]


def test_search_combines_with_kecamatan_and_says_when_nothing_matches(client):
    html = client.get("/kim/?q=jepat&kecamatan=33.18.17").get_data(as_text=True)
    assert "Tidak ada KIM yang cocok dengan “jepat”." in html
    html = client.get("/kim/?q=%25").get_data(as_text=True)  # a LIKE wildcard is literal
    assert html.count('class="card"') == 0


def test_directory_shows_member_counts(client, db):
    from tests.membership_helpers import add_member, group, make_user

    kajen = group("kajen")
    for _number in range(3):
        add_member(make_user(), kajen)
    add_member(make_user(), kajen, status=MembershipStatus.PENDING)
    html = client.get("/kim/?q=kajen").get_data(as_text=True)
    assert "3 anggota" in html
    assert "0 anggota" in client.get("/kim/?q=bermi").get_data(as_text=True)
