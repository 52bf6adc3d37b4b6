"""Demo memberships: three KIMs with a ketua, other pengurus, anggota and waiting requests.

Siti (081100000003) is ketua of KIM Gulangpongge, her own village, so logging in as her shows
the member page with requests to decide; Budi (081100000004) is an anggota of KIM Tlogorejo
with a request waiting at KIM Kajen. Idempotent: people are matched by phone number and a
membership is only added when the person has none in that group.
"""

from sqlalchemy import select

from kim_app.auth import services as accounts
from kim_app.demo import person
from kim_app.extensions import db
from kim_app.models import KimGroup, MemberRole, Membership, MembershipStatus, utcnow

# phone, name, village code
PEOPLE = [
    ("081100000101", "Ahmad Sekretaris Demo", "33.18.17.2003"),
    ("081100000102", "Dewi Bendahara Demo", "33.18.17.2003"),
    ("081100000103", "Joko Anggota Demo", "33.18.17.2003"),
    ("081100000104", "Rina Pemohon Demo", "33.18.17.2003"),
    ("081100000105", "Slamet Ketua Demo", "33.18.14.2003"),
    ("081100000106", "Wati Pemohon Demo", "33.18.14.2003"),
    ("081100000107", "Hadi Ketua Kajen Demo", None),
    ("081100000108", "Lina Sekretaris Kajen Demo", None),
]

P, A = MembershipStatus.PENDING, MembershipStatus.ACTIVE
# group slug, phone, role, status, message
MEMBERSHIPS = [
    ("gulangpongge", "081100000003", MemberRole.KETUA, A, ""),
    ("gulangpongge", "081100000101", MemberRole.SEKRETARIS, A, ""),
    ("gulangpongge", "081100000102", MemberRole.BENDAHARA, A, ""),
    ("gulangpongge", "081100000103", MemberRole.ANGGOTA, A, ""),
    ("gulangpongge", "081100000104", MemberRole.ANGGOTA, P,
     "Saya warga RT 03, ingin ikut kegiatan KIM."),
    ("tlogorejo", "081100000105", MemberRole.KETUA, A, ""),
    ("tlogorejo", "081100000004", MemberRole.ANGGOTA, A, ""),
    ("tlogorejo", "081100000106", MemberRole.ANGGOTA, P, ""),
    ("kajen", "081100000107", MemberRole.KETUA, A, ""),
    ("kajen", "081100000108", MemberRole.SEKRETARIS, A, ""),
    ("kajen", "081100000004", MemberRole.ANGGOTA, P, "Saya sering berjualan di Kajen."),
]


def load() -> str:
    for phone, name, village in PEOPLE:
        person(phone, name, village)
    groups = {g.slug: g for g in db.session.scalars(select(KimGroup))}
    created = pending = 0
    for slug, phone, role, status, message in MEMBERSHIPS:
        group, user = groups.get(slug), accounts.find_by_identifier(phone)
        if group is None or user is None:
            continue
        exists = db.session.scalar(select(Membership.id).where(
            Membership.user_id == user.id, Membership.group_id == group.id))
        if exists:
            continue
        db.session.add(Membership(
            user=user, group=group, role=role, status=status, message=message,
            decided_at=utcnow() if status == A else None,
        ))
        created += 1
        pending += status == P
    db.session.flush()
    if not created:
        return "KIM: demo memberships already present."
    return (f"KIM: {created} demo memberships created ({pending} waiting for approval) "
            f"in {len({m[0] for m in MEMBERSHIPS})} groups.")
