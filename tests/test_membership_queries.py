"""The queries behind `/kim/` and `/kim/<slug>/anggota` do not grow with groups or members."""

from sqlalchemy import update

from kim_app.common.audit import record
from kim_app.kim.services import DIRECTORY_PAGE
from kim_app.models import KimGroup, KimStatus, MemberRole, MembershipStatus
from tests.membership_helpers import add_member, group, login_as, make_user


def _add_groups(db, how_many: int, start: int) -> None:
    for number in range(start, start + how_many):
        kim = KimGroup(name=f"KIM Uji {number:02d}", slug=f"uji-{number}",
                       village_code="33.18.01.2001")
        db.session.add(kim)
        db.session.flush()
        for _member in range(2):
            add_member(make_user(), kim)
    db.session.commit()


def test_directory_queries_stay_flat_from_5_to_50_groups(client, db, query_counter, admin):
    db.session.execute(update(KimGroup).values(status=KimStatus.NONAKTIF))
    db.session.commit()
    _add_groups(db, 5, 0)
    with query_counter() as five:
        html = client.get("/kim/?q=uji").get_data(as_text=True)
    assert html.count('class="card"') == 5 and "2 anggota" in html
    _add_groups(db, 45, 5)
    with query_counter() as fifty:
        html = client.get("/kim/?q=uji").get_data(as_text=True)
    assert html.count('class="card"') == min(50, DIRECTORY_PAGE)
    assert len(fifty) == len(five)
    # the same for an admin, who also sees the inactive groups
    login_as(client, admin)
    with query_counter() as with_inactive:
        html = client.get("/kim/", headers={"HX-Request": "true"}).get_data(as_text=True)
    # 68 groups: the first page of the directory, and the way on.
    assert html.count('class="card"') == min(68, DIRECTORY_PAGE)
    assert (DIRECTORY_PAGE < 68) == ('rel="next"' in html)
    assert len(with_inactive) <= len(fifty) + 2  # + the login user and the bell


def _fill(db, kim, ketua, how_many: int) -> None:
    for _number in range(how_many):
        add_member(make_user(), kim)
        pending = add_member(make_user(), kim, status=MembershipStatus.PENDING)
        record(ketua, "membership.request", "membership", pending.id, kim_group_id=kim.id,
               member_name="x")
        add_member(pending.user, kim, status=MembershipStatus.REJECTED)  # a past request
    db.session.commit()


def test_member_page_queries_stay_flat_from_5_to_50_members(client, db, query_counter):
    kajen = group("kajen")
    ketua = make_user(name="Pak Ketua")
    add_member(ketua, kajen, MemberRole.KETUA)
    login_as(client, ketua)
    _fill(db, kajen, ketua, 5)
    with query_counter() as five:
        html = client.get("/kim/kajen/anggota").get_data(as_text=True)
    assert html.count('<li id="request-') == 5 and html.count('<li id="member-') == 6
    assert html.count("Sebelumnya: Ditolak") == 5
    _fill(db, kajen, ketua, 45)
    with query_counter() as fifty:
        html = client.get("/kim/kajen/anggota").get_data(as_text=True)
    assert html.count('<li id="request-') == 50 and html.count('<li id="member-') == 50
    assert len(fifty) == len(five)
    with query_counter() as page_fragment:
        client.get("/kim/kajen/anggota/daftar?halaman=2", headers={"HX-Request": "true"})
    assert len(page_fragment) < len(fifty)


def test_kim_page_queries_stay_flat(client, db, query_counter):
    kajen = group("kajen")
    add_member(make_user(), kajen, MemberRole.KETUA)
    for _number in range(5):
        add_member(make_user(), kajen)
    with query_counter() as few:
        client.get("/kim/kajen")
    for _number in range(45):
        add_member(make_user(), kajen, MemberRole.SEKRETARIS if _number % 9 == 0 else
                   MemberRole.ANGGOTA)
    with query_counter() as many:
        html = client.get("/kim/kajen").get_data(as_text=True)
    assert "51 anggota" in html
    assert len(many) == len(few)
