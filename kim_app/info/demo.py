"""Demo announcements: one for the whole regency, one for a kecamatan relayed by a KIM with a
Javanese note (and reported as passed on at the balai desa), one a KIM's pengurus wrote for
their members. Idempotent (by title).

The relaying pengurus is one the KIM demo made (the sekretaris of KIM Gulangpongge), so its
ketua, Siti (081100000003), finds the relay in her notifications; without the KIM demo a
pengurus of its own is created.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from kim_app.auth import services as accounts
from kim_app.demo import person
from kim_app.extensions import db
from kim_app.info import dissemination, services
from kim_app.models import (
    Announcement,
    Audience,
    KimGroup,
    MemberRole,
    Membership,
    MembershipStatus,
    Role,
    User,
    Venue,
    utcnow,
)

KIM_SLUG = "gulangpongge"
PENGURUS = ("081100000061", "Ketua KIM Gulangpongge Demo")
MEMBER_PHONE = "081100000003"  # Siti Warga Demo (demo.DEMO_ACCOUNTS), lives in Gunungwungkal

ANNOUNCEMENTS = [
    ("Vaksinasi PMK gratis untuk sapi dan kambing", Audience.KABUPATEN,
     "Dinas Pertanian dan Pangan membuka **vaksinasi PMK gratis** bagi ternak warga.\n\n"
     "- Bawa kartu ternak bila ada\n- Petugas datang ke balai desa sesuai jadwal kecamatan\n\n"
     "Tanyakan jadwal desa Anda kepada pengurus KIM."),
    ("Pendaftaran pelatihan pengemasan produk UMKM", Audience.KECAMATAN,
     "Diskominfo bersama Dinas Koperasi dan UKM membuka pelatihan pengemasan dan foto produk "
     "untuk kelompok usaha KIM di Kecamatan Gunungwungkal. Kuota 30 peserta."),
]
KIM_ANNOUNCEMENT = ("Kerja bakti saluran irigasi Minggu pagi",
                    "Seluruh anggota diharap hadir membawa cangkul. Kumpul pukul 06.30 "
                    "di pos ronda RT 02.")


def _membership(user: User, group: KimGroup, role: MemberRole) -> None:
    exists = db.session.scalar(select(Membership.id).where(
        Membership.user_id == user.id, Membership.group_id == group.id,
        Membership.status == MembershipStatus.ACTIVE))
    if exists is None:
        db.session.add(Membership(user_id=user.id, group_id=group.id, role=role,
                                  status=MembershipStatus.ACTIVE, decided_at=utcnow()))
        db.session.flush()


def _relaying_pengurus(group: KimGroup) -> User:
    """An active pengurus of the group other than Siti, or a demo ketua made for it."""
    existing = db.session.scalar(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group.id, Membership.status == MembershipStatus.ACTIVE,
               Membership.role != MemberRole.ANGGOTA, User.phone != "+62" + MEMBER_PHONE[1:])
        .order_by(Membership.id)
    )
    if existing is not None:
        return existing
    pengurus = person(*PENGURUS, group.village_code)
    _membership(pengurus, group, MemberRole.KETUA)
    return pengurus


def load() -> str:
    group = db.session.scalar(select(KimGroup).where(KimGroup.slug == KIM_SLUG))
    officer = db.session.scalar(select(User).where(User.role == Role.PETUGAS).order_by(User.id))
    if group is None or officer is None:
        return "Info: skipped (run seed and the demo accounts first)."
    pengurus = _relaying_pengurus(group)
    member = accounts.find_by_identifier(MEMBER_PHONE)
    if member is not None:
        _membership(member, group, MemberRole.ANGGOTA)

    existing = set(db.session.scalars(select(Announcement.title)))
    created = 0
    with current_app.test_request_context("/"):
        for days_ago, (title, audience, body) in enumerate(ANNOUNCEMENTS, start=1):
            if title in existing:
                continue
            announcement = services.publish(
                officer, title=title, body=body, audience=audience,
                district_codes=[group.village.district_code],
                expires_on=services.today() + timedelta(days=30),
            )
            announcement.published_at = utcnow() - timedelta(days=days_ago)
            created += 1
            if audience == Audience.KECAMATAN:
                services.relay(announcement, group, pengurus,
                               "Sing arep melu, matur pengurus KIM paling telat dina Jemuah.",
                               "jv")
                dissemination.report(announcement, group, pengurus, dissemination.Gathering(
                    held_on=services.today(), venue=Venue.BALAI_DESA, people=35,
                    note="Diumumkan setelah rapat RT di balai desa."))
        title, body = KIM_ANNOUNCEMENT
        if title not in existing:
            services.publish(pengurus, title=title, body=body, audience=Audience.KIM,
                             kim_group=group)
            created += 1
    if not created:
        return "Info: demo announcements already present."
    return (f"Info: {created} announcements created; {pengurus.name} ({pengurus.phone}) "
            f"relays for {group.name}.")
