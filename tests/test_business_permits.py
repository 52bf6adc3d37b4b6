"""Product permits: validation, badges that never call an expired permit valid, the
catalog filters, and the expiry reminders (idempotent, across a holiday)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

import tests.business_factories as bf
from kim_app.business import permits
from kim_app.business.errors import BusinessError
from kim_app.common.workdays import is_working_day, local_date
from kim_app.extensions import db
from kim_app.models import MemberRole, Notification, PermitKind, ProductPermit, Role
from tests.conftest import field_error, login, make_user

K = PermitKind


def today() -> date:
    return local_date(datetime.now(UTC))


@pytest.fixture
def shop(app):
    group = bf.business_group(bf.kim(), "Keripik Tempe Sumber Rejeki")
    manager = bf.person("Bu Pengelola", group.kim_group)
    bf.appoint(manager, group)
    return {"group": group, "manager": manager,
            "tempe": bf.product(group, "Keripik Tempe Pedas", 15000)}


def add(product, kind, number, expires_on=None, **reminded) -> ProductPermit:
    permit = ProductPermit(product_id=product.id, kind=kind, number=number,
                           expires_on=expires_on, **reminded)
    db.session.add(permit)
    db.session.commit()
    return permit


# --- numbers and dates ---------------------------------------------------------------

@pytest.mark.parametrize(("kind", "typed", "stored"), [
    (K.NIB, "9120001234567", "9120001234567"),
    (K.NIB, "NIB: 9120 0012 34567", "9120001234567"),
    (K.PIRT, "206331801012327", "206331801012327"),
    (K.PIRT, "P-IRT No. 2063318010123-27", "206331801012327"),
    (K.BPOM, "MD 224510001234", "MD224510001234"),
    (K.BPOM, "BPOM RI ml 224510001234", "ML224510001234"),
    (K.HALAL, "ID33110000123450124", "ID33110000123450124"),
    (K.HALAL, "lppom-00150012340518", "LPPOM-00150012340518"),
])
def test_numbers_are_accepted_as_people_copy_them(kind, typed, stored):
    assert permits.normalise_number(kind, typed) == stored


@pytest.mark.parametrize(("kind", "typed", "message"), [
    (K.NIB, "912000123456", "13 angka"),  # 12 digits
    (K.NIB, "91200012345678", "13 angka"),  # 14
    (K.NIB, "912000123456X", "13 angka"),
    (K.PIRT, "20633180101232", "15 angka"),  # 14
    (K.PIRT, "2063318010123270", "15 angka"),  # 16
    (K.BPOM, "MK 224510001234", "MD atau ML"),
    (K.BPOM, "MD 22451000123", "MD atau ML"),  # 11 digits
    (K.BPOM, "224510001234", "MD atau ML"),
    (K.HALAL, "ID<1>", "6 sampai 40"),
    (K.HALAL, "   ", "wajib diisi"),
])
def test_bad_numbers_are_refused_with_the_format(kind, typed, message):
    with pytest.raises(BusinessError) as refused:
        permits.normalise_number(kind, typed)
    assert message in str(refused.value.message)


def test_expiry_rules_per_kind(app, shop):
    day = date(2026, 6, 1)
    assert permits.check_expiry(K.NIB, date(2030, 1, 1), day, None) is None  # never expires
    assert permits.check_expiry(K.HALAL, None, day, None) is None  # optional
    assert permits.check_expiry(K.PIRT, day, day, None) == day  # today is not past
    for kind in (K.PIRT, K.BPOM):
        with pytest.raises(BusinessError, match="wajib diisi"):
            permits.check_expiry(kind, None, day, None)
    with pytest.raises(BusinessError, match="sudah lewat"):
        permits.check_expiry(K.BPOM, day - timedelta(days=1), day, None)
    # An existing permit keeps its (now past) date; changing it to another past date is refused.
    old = add(shop["tempe"], K.PIRT, "206331801012327", date(2026, 5, 1))
    assert permits.check_expiry(K.PIRT, date(2026, 5, 1), day, old) == date(2026, 5, 1)
    with pytest.raises(BusinessError, match="sudah lewat"):
        permits.check_expiry(K.PIRT, date(2026, 5, 2), day, old)


# --- the pages -----------------------------------------------------------------------

def permit_path(shop, kind="") -> str:
    base = f"/usaha/{shop['group'].slug}/{shop['tempe'].slug}/izin"
    return f"{base}/{kind}" if kind else base


def test_manager_adds_changes_and_removes_a_permit(client, shop):
    login(client, shop["manager"])
    assert client.get(permit_path(shop)).status_code == 200
    expiry = today() + timedelta(days=400)
    response = client.post(permit_path(shop, "bpom"), data={
        "bpom-number": "BPOM RI MD 224510001234", "bpom-expires_on": expiry.isoformat()})
    assert response.status_code == 302
    (permit,) = db.session.scalars(select(ProductPermit)).all()
    assert (permit.kind, permit.number, permit.expires_on) == (K.BPOM, "MD224510001234", expiry)
    client.post(permit_path(shop, "bpom"), data={
        "bpom-number": "ML 224510009999", "bpom-expires_on": expiry.strftime("%d/%m/%Y")})
    db.session.refresh(permit)
    assert permit.number == "ML224510009999"
    assert len(db.session.scalars(select(ProductPermit)).all()) == 1  # one per kind
    assert client.post(permit_path(shop, "bpom") + "/hapus").status_code == 302
    assert db.session.scalars(select(ProductPermit)).all() == []
    assert client.post(permit_path(shop, "bpom") + "/hapus").status_code == 302  # again: fine


@pytest.mark.parametrize(("kind", "data", "field", "message"), [
    ("nib", {"nib-number": "12345"}, "nib-number", "NIB harus 13 angka."),
    ("pirt", {"pirt-number": "206331801012327", "pirt-expires_on": ""},
     "pirt-expires_on", "wajib diisi"),
    ("pirt", {"pirt-number": "206331801012327", "pirt-expires_on": "2020-01-01"},
     "pirt-expires_on", "sudah lewat"),
    ("pirt", {"pirt-number": "206331801012327", "pirt-expires_on": "31/13/2030"},
     "pirt-expires_on", "Tanggal tidak valid"),
    ("bpom", {"bpom-number": "MX 224510001234", "bpom-expires_on": "2099-01-01"},
     "bpom-number", "MD atau ML"),
    ("halal", {"halal-number": ""}, "halal-number", "wajib diisi"),
])
def test_bad_permits_come_back_with_the_error_by_the_field(client, shop, kind, data, field,
                                                          message):
    login(client, shop["manager"])
    response = client.post(permit_path(shop, kind), data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in (field_error(html, field) or "")
    typed = next(iter(data.values()))
    assert not typed or f'value="{typed}"' in html  # the text stays
    assert db.session.scalars(select(ProductPermit)).all() == []


def test_unknown_kinds_and_products_are_404(client, shop):
    login(client, shop["manager"])
    assert client.post(permit_path(shop, "sni"), data={}).status_code == 404
    assert client.get(f"/usaha/{shop['group'].slug}/tidak-ada/izin").status_code == 404


@pytest.mark.parametrize(("role", "status"), [
    ("guest", 302), ("warga", 403), ("kim_pengurus", 403), ("manager", 200), ("admin", 200),
])
def test_only_managers_edit_permits(client, shop, role, status):
    people = {"warga": lambda: bf.person("Warga"),
              "kim_pengurus": lambda: bf.person("Ketua", shop["group"].kim_group,
                                                MemberRole.KETUA),
              "manager": lambda: shop["manager"], "admin": lambda: make_user(Role.ADMIN)}
    if role != "guest":
        login(client, people[role]())
    assert client.get(permit_path(shop)).status_code == status
    response = client.post(permit_path(shop, "nib"), data={"nib-number": "9120001234567"})
    assert response.status_code == (302 if status in (200, 302) else status)
    assert len(db.session.scalars(select(ProductPermit)).all()) == (1 if status == 200 else 0)


def test_product_page_badges_say_what_they_mean_and_expired_is_expired(client, shop):
    tempe = shop["tempe"]
    add(tempe, K.HALAL, "ID33110000123450124")
    add(tempe, K.PIRT, "206331801012327", today() - timedelta(days=1))
    add(tempe, K.BPOM, "MD224510001234", today() + timedelta(days=10))
    html = client.get(f"/usaha/{shop['group'].slug}/{tempe.slug}").get_data(as_text=True)
    badges = html[html.index('id="permit-badges"'):html.index("</ul>", html.index(
        'id="permit-badges"'))]
    assert "Sertifikat halal dari BPJPH" in badges and "Terdaftar" in badges
    pirt = badges[badges.index("permit-pirt"):badges.index("permit-bpom")]
    assert "permit-expired" in pirt and "Kedaluwarsa" in pirt and "Berlaku sampai" not in pirt
    bpom = badges[badges.index("permit-bpom"):]
    assert "Berlaku sampai" in bpom and "BPOM RI MD 224510001234" in bpom
    assert "Izin edar BPOM" in bpom


def catalog_names(client, query: str) -> set[str]:
    import re

    html = client.get(f"/usaha/?{query}").get_data(as_text=True)
    return set(re.findall(r'class="product-name"[^>]*>(?:<a[^>]*>)?([^<]+)<', html))


def test_catalog_filters_leave_out_missing_and_expired_permits(client, shop):
    group = shop["group"]
    halal = bf.product(group, "Keripik Halal", 10000)
    add(halal, K.HALAL, "ID33110000123450124", today() + timedelta(days=5))
    old_halal = bf.product(group, "Keripik Halal Lama", 10000)
    add(old_halal, K.HALAL, "ID33110000123450125", today() - timedelta(days=1))
    pirt = bf.product(group, "Kerupuk Berizin", 10000)
    add(pirt, K.PIRT, "206331801012327", today())  # the last valid day
    bpom = bf.product(group, "Sambal BPOM", 10000)
    add(bpom, K.BPOM, "MD224510001234", today() + timedelta(days=300))
    nib_only = bf.product(group, "Tempe NIB", 10000)
    add(nib_only, K.NIB, "9120001234567")
    everything = catalog_names(client, "")
    assert {"Keripik Halal", "Tempe NIB", "Keripik Tempe Pedas"} <= everything
    assert catalog_names(client, "halal=1") == {"Keripik Halal"}
    assert catalog_names(client, "izin=1") == {"Kerupuk Berizin", "Sambal BPOM"}
    assert catalog_names(client, "halal=1&izin=1") == set()
    html = client.get("/usaha/?halal=1").get_data(as_text=True)
    assert 'id="catalog-halal" name="halal" value="1" checked' in html


# --- reminders -----------------------------------------------------------------------

CHRISTMAS = date(2026, 12, 25)  # a public holiday in Indonesia, and a Friday


def notices(user) -> list[str]:
    db.session.expire_all()
    return [n.text for n in db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]


def test_reminders_30_days_before_and_on_expiry_once_each_across_a_holiday(app, shop):
    assert not is_working_day(CHRISTMAS)
    add(shop["tempe"], K.PIRT, "206331801012327", CHRISTMAS)
    stranger = bf.person("Bukan Pengelola", shop["group"].kim_group)
    assert permits.remind(date(2026, 11, 24)) == (0, 0)  # 31 days before
    assert permits.remind(date(2026, 11, 25)) == (1, 0)  # 30 days before
    assert permits.remind(date(2026, 11, 25)) == (0, 0)  # the same day again: nothing
    assert permits.remind(date(2026, 12, 24)) == (0, 0)
    assert permits.remind(CHRISTMAS) == (0, 1)  # on the holiday itself
    assert permits.remind(CHRISTMAS) == (0, 0)
    assert permits.remind(date(2026, 12, 28)) == (0, 0)  # the next working day: nothing
    db.session.commit()
    texts = notices(shop["manager"])
    assert len(texts) == 2
    assert "30 hari lagi" in texts[0] and "25 Desember 2026" in texts[0]
    assert "P-IRT" in texts[1] and "kedaluwarsa" in texts[1]
    assert notices(stranger) == []


def test_a_run_missed_over_the_holidays_catches_up_once(app, shop):
    add(shop["tempe"], K.BPOM, "MD224510001234", CHRISTMAS)
    # No run from 20 November to 28 December: only the expiry notice, once.
    assert permits.remind(date(2026, 12, 28)) == (0, 1)
    assert permits.remind(date(2026, 12, 29)) == (0, 0)
    # Missed only the 30-day day: sent late, once.
    add(bf.product(shop["group"], "Sambal", 9000), K.BPOM, "MD224510009999",
        date(2027, 1, 20))
    assert permits.remind(date(2026, 12, 24)) == (1, 0)  # 27 days before
    assert permits.remind(date(2026, 12, 25)) == (0, 0)


def test_a_renewed_permit_is_reminded_again(app, shop):
    permit = add(shop["tempe"], K.PIRT, "206331801012327", date(2026, 12, 1))
    assert permits.remind(date(2026, 12, 1)) == (0, 1)
    permit.expires_on = date(2031, 12, 1)  # renewed for five years
    db.session.commit()
    assert permits.remind(date(2026, 12, 2)) == (0, 0)
    assert permits.remind(date(2031, 11, 1)) == (1, 0)


def test_permits_without_expiry_are_never_reminded(app, shop):
    add(shop["tempe"], K.NIB, "9120001234567")
    add(shop["tempe"], K.HALAL, "ID33110000123450124")
    assert permits.remind(date(2099, 1, 1)) == (0, 0)


def test_the_command_is_idempotent(app, shop, runner):
    add(shop["tempe"], K.PIRT, "206331801012327", CHRISTMAS)
    first = runner.invoke(args=["remind-permits", "--today", "2026-11-25"])
    assert first.exit_code == 0 and "1 expiring soon, 0 expired" in first.output
    again = runner.invoke(args=["remind-permits", "--today", "2026-11-25"])
    assert "0 expiring soon, 0 expired" in again.output
    assert len(notices(shop["manager"])) == 1
    bad = runner.invoke(args=["remind-permits", "--today", "kemarin"])
    assert bad.exit_code != 0
