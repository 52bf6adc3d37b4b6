"""Product legality: the permits a product carries, what they mean, when they expire.

Four kinds, at most one of each per product (`PermitKind`):

- **NIB** (Nomor Induk Berusaha): the business's identity from OSS, 13 digits; it does
  not expire.
- **P-IRT** (Sertifikat Produksi Pangan Industri Rumah Tangga, from the regency's health
  office): 15 digits, valid until the date on it.
- **Halal** certificate (BPJPH, formerly MUI): its number as printed; an expiry date when
  the certificate has one.
- **BPOM MD/ML** (distribution permit for processed food, made in Indonesia / imported):
  "MD" or "ML" and 12 digits, valid until the date on it.

Numbers are accepted the way people copy them (spaces, dots, dashes, a "BPOM RI" or "P-IRT
No." in front) and stored in one canonical form. A new permit, or a changed expiry date,
may not lie in the past. A permit whose date is before today (in Pati) is *expired*: every
page shows it as expired, never as valid, and the catalog filters leave it out.

Reminders (`remind`, run daily by `flask --app wsgi remind-permits`): the group's managers
are told once when a permit is `PERMIT_REMINDER_DAYS` (30) days from its expiry date, and
once when the date has come. Days are calendar days: the date on a certificate does not
move for a holiday, and the notice arrives in the app even on a holiday. Each permit
remembers the expiry date each reminder was sent for, so running the job twice a day
sends nothing new, a run missed over a long holiday catches up on the next one (the
expiry notice only, when both are late), and a renewed permit (a new date) is reminded
again.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, url_for
from flask_babel import format_date
from sqlalchemy import and_, exists, or_, select

from kim_app.business.errors import BusinessError
from kim_app.common.audit import record
from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import (
    BusinessGroup,
    BusinessMember,
    BusinessMemberStatus,
    BusinessRole,
    Membership,
    MembershipStatus,
    PermitKind,
    Product,
    ProductPermit,
    User,
)
from kim_app.notifications.delivery import notify

K = PermitKind

LABELS = {
    K.NIB: _l("NIB"),
    K.PIRT: _l("P-IRT"),
    K.HALAL: _l("Halal"),
    K.BPOM: _l("BPOM"),
}
MEANINGS = {
    K.NIB: _l("Nomor Induk Berusaha: usaha ini terdaftar resmi di OSS."),
    K.PIRT: _l("Sertifikat Produksi Pangan Industri Rumah Tangga dari Dinas Kesehatan: "
               "pangan olahan rumahan ini memenuhi syarat keamanan pangan."),
    K.HALAL: _l("Sertifikat halal dari BPJPH (dahulu MUI): produk ini sudah diperiksa "
                "kehalalannya."),
    K.BPOM: _l("Izin edar BPOM: pangan olahan ini terdaftar di Badan POM (MD buatan dalam "
               "negeri, ML impor)."),
}
FORMATS = {
    K.NIB: _l("13 angka, misalnya 9120001234567."),
    K.PIRT: _l("15 angka, misalnya 206331801012327."),
    K.HALAL: _l("Nomor seperti tertulis di sertifikat, misalnya ID33110000123450124."),
    K.BPOM: _l("MD atau ML diikuti 12 angka, misalnya MD 224510001234."),
}
# Whether a kind has an expiry date: required, optional, or none at all.
EXPIRY_REQUIRED = {K.PIRT, K.BPOM}
EXPIRY_OPTIONAL = {K.HALAL}
# The catalog's filters.
HALAL_KINDS = (K.HALAL,)
FOOD_SAFETY_KINDS = (K.PIRT, K.BPOM)


def has_expiry(kind: PermitKind) -> bool:
    return kind in EXPIRY_REQUIRED or kind in EXPIRY_OPTIONAL


def normalise_number(kind: PermitKind, raw: str | None) -> str:
    """The number in its canonical form; BusinessError with the expected format."""
    text = (raw or "").strip().upper()
    if not text:
        raise BusinessError(_l("Nomor izin wajib diisi."))
    compact = re.sub(r"[\s.\-/:]", "", text)
    if kind == K.NIB:
        compact = re.sub(r"^NIB(NO)?", "", compact)
        if not re.fullmatch(r"\d{13}", compact):
            raise BusinessError(_l("NIB harus 13 angka."))
        return compact
    if kind == K.PIRT:
        compact = re.sub(r"^(SPP)?PIRT(NO)?", "", compact)
        if not re.fullmatch(r"\d{15}", compact):
            raise BusinessError(_l("Nomor P-IRT harus 15 angka."))
        return compact
    if kind == K.BPOM:
        compact = re.sub(r"^(BPOM)?(RI)?", "", compact)
        if not re.fullmatch(r"(MD|ML)\d{12}", compact):
            raise BusinessError(_l("Nomor BPOM harus MD atau ML diikuti 12 angka."))
        return compact
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9./\- ]{4,38}[A-Z0-9]", text):
        raise BusinessError(_l("Nomor sertifikat halal 6 sampai 40 huruf dan angka."))
    return re.sub(r"\s+", " ", text)


def display_number(permit: ProductPermit) -> str:
    if permit.kind == K.BPOM:
        return f"BPOM RI {permit.number[:2]} {permit.number[2:]}"
    return permit.number


def check_expiry(kind: PermitKind, expires_on: date | None, today: date,
                 existing: ProductPermit | None) -> date | None:
    """The expiry date to store; a past date only when it is the one already stored."""
    if not has_expiry(kind):
        return None
    if expires_on is None:
        if kind in EXPIRY_REQUIRED:
            raise BusinessError(_l("Tanggal berlaku sampai wajib diisi untuk izin ini."),
                             field="expires_on")
        return None
    unchanged = existing is not None and existing.expires_on == expires_on
    if expires_on < today and not unchanged:
        raise BusinessError(_l("Tanggal berlaku sudah lewat. Izin yang sudah kedaluwarsa "
                               "tidak bisa dicatat; perpanjang dulu izinnya."),
                             field="expires_on")
    if expires_on > today + timedelta(days=366 * 30):
        raise BusinessError(_l("Tanggal berlaku terlalu jauh; periksa tahunnya."),
                             field="expires_on")
    return expires_on


def is_expired(permit: ProductPermit, today: date) -> bool:
    return permit.expires_on is not None and permit.expires_on < today


def valid_clause(kinds, today: date):
    """SQL: the product has an unexpired permit of one of these kinds."""
    return exists().where(
        ProductPermit.product_id == Product.id, ProductPermit.kind.in_(kinds),
        or_(ProductPermit.expires_on.is_(None), ProductPermit.expires_on >= today),
    )


# ---------------------------------------------------------------------------------------
# Reading


def product_permits(product: Product) -> dict[PermitKind, ProductPermit]:
    return {permit.kind: permit for permit in db.session.scalars(
        select(ProductPermit).where(ProductPermit.product_id == product.id))}


@dataclass(frozen=True)
class Badge:
    kind: str
    label: str
    meaning: str
    number: str
    expires_on: date | None
    expired: bool
    expires_soon: bool


def badges(product: Product, today: date) -> list[Badge]:
    """What the product page shows, in the order of `PermitKind`."""
    stored = product_permits(product)
    soon = today + timedelta(days=current_app.config["PERMIT_REMINDER_DAYS"])
    return [
        Badge(kind.value, str(LABELS[kind]), str(MEANINGS[kind]), display_number(permit),
              permit.expires_on, is_expired(permit, today),
              not is_expired(permit, today) and permit.expires_on is not None
              and permit.expires_on <= soon)
        for kind in PermitKind if (permit := stored.get(kind)) is not None
    ]


# ---------------------------------------------------------------------------------------
# Writing


def save_permit(actor: User, product: Product, kind: PermitKind, *, number: str,
                expires_on: date | None, today: date) -> ProductPermit:
    """Add the product's permit of this kind, or change the one it has."""
    kind = PermitKind(kind)
    permit = product_permits(product).get(kind)
    number = normalise_number(kind, number)
    expires_on = check_expiry(kind, expires_on, today, permit)
    if permit is None:
        permit = ProductPermit(product_id=product.id, kind=kind, number=number,
                               expires_on=expires_on)
        db.session.add(permit)
        db.session.flush()
    else:
        permit.number = number
        permit.expires_on = expires_on
    record(actor, "permit.save", "product", product.id,
           kim_group_id=product.business_group.kim_group_id, kind=kind.value, number=number,
           expires_on=expires_on.isoformat() if expires_on else None)
    return permit


def delete_permit(actor: User, product: Product, kind: PermitKind) -> bool:
    permit = product_permits(product).get(PermitKind(kind))
    if permit is None:
        return False
    record(actor, "permit.delete", "product", product.id,
           kim_group_id=product.business_group.kim_group_id, kind=permit.kind.value)
    db.session.delete(permit)
    return True


# ---------------------------------------------------------------------------------------
# Reminders


def managers_of(group_ids: set[int]) -> dict[int, list[User]]:
    """Active managers of these groups who are still active members of the group's KIM
    (the rule of `BusinessAuthority.manager`), in one query."""
    if not group_ids:
        return {}
    rows = db.session.execute(
        select(BusinessMember.business_group_id, User)
        .join(User, User.id == BusinessMember.user_id)
        .join(BusinessGroup, BusinessGroup.id == BusinessMember.business_group_id)
        .join(Membership, and_(Membership.user_id == User.id,
                               Membership.group_id == BusinessGroup.kim_group_id,
                               Membership.status == MembershipStatus.ACTIVE))
        .where(BusinessMember.business_group_id.in_(group_ids),
               BusinessMember.role == BusinessRole.PENGELOLA,
               BusinessMember.status == BusinessMemberStatus.ACTIVE,
               User.active.is_(True))
    )
    result: dict[int, list[User]] = {}
    for group_id, user in rows:
        result.setdefault(group_id, []).append(user)
    return result


class _Day:
    """A date written in the reader's language when the notification is rendered."""

    def __init__(self, day: date):
        self.day = day

    def __str__(self) -> str:
        return format_date(self.day, "long")


def _permit_link(product: Product) -> str:
    values = {"group_slug": product.business_group.slug, "product_slug": product.slug}
    with current_app.test_request_context():  # the scheduler's run has no request
        return url_for("business.permits", **values)


def remind(today: date) -> tuple[int, int]:
    """Send what is due and not yet sent; returns (expiring soon, expired) reminders."""
    soon_limit = today + timedelta(days=current_app.config["PERMIT_REMINDER_DAYS"])
    due = db.session.scalars(
        select(ProductPermit).join(Product, Product.id == ProductPermit.product_id)
        .where(ProductPermit.expires_on.is_not(None), ProductPermit.expires_on <= soon_limit,
               or_(ProductPermit.reminded_expired_for.is_(None),
                   ProductPermit.reminded_expired_for != ProductPermit.expires_on))
        .order_by(ProductPermit.id).with_for_update(skip_locked=True)
    ).all()
    products = {product.id: product for product in db.session.scalars(
        select(Product).where(Product.id.in_({permit.product_id for permit in due})))}
    managers = managers_of({product.business_group_id for product in products.values()})
    counts = [0, 0]
    for permit in due:
        product = products[permit.product_id]
        kind, name, when = LABELS[permit.kind], product.name, permit.expires_on
        if permit.expires_on <= today:
            permit.reminded_expired_for = permit.reminded_soon_for = permit.expires_on
            text = _l("Izin %(kind)s untuk %(product)s berakhir pada %(date)s. Sampai "
                      "diperpanjang, katalog menandainya kedaluwarsa.",
                      kind=kind, product=name, date=_Day(when))
            counts[1] += 1
        elif permit.reminded_soon_for != permit.expires_on:
            permit.reminded_soon_for = permit.expires_on
            text = _l("Izin %(kind)s untuk %(product)s berakhir pada %(date)s, "
                      "%(days)d hari lagi. Siapkan perpanjangannya.", kind=kind, product=name,
                      date=_Day(when), days=(when - today).days)
            counts[0] += 1
        else:
            continue
        notify(managers.get(product.business_group_id, []), "business.permit", text,
               link=_permit_link(product))
    return counts[0], counts[1]
