"""Audit events as sentences people read: "Siti mengangkat Budi sebagai pengelola Keripik
Tempe". The one renderer for every page that shows events (the audit log, a KIM's
history, a person's page), so no raw event code ever reaches a reader.

`SENTENCES` has a sentence for every action the code records (a test walks the source for
them); an action it does not know still reads as a sentence ("… mengubah …"). `describe`
renders a page of events with a fixed number of queries: one per kind of object named.
"""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import (
    Agency,
    Announcement,
    AnswerTemplate,
    AuditEvent,
    BusinessGroup,
    BusinessMember,
    Category,
    KimGroup,
    Membership,
    Post,
    Product,
    Sale,
    Thread,
    User,
)

SENTENCES = {
    # reference lists (admin)
    "category.created": _l("%(actor)s menambah kategori %(object)s"),
    "category.updated": _l("%(actor)s mengubah kategori %(object)s"),
    "agency.created": _l("%(actor)s menambah instansi %(object)s"),
    "agency.updated": _l("%(actor)s mengubah instansi %(object)s"),
    # KIM groups
    "kim.create": _l("%(actor)s membuat %(object)s"),
    "kim.update": _l("%(actor)s mengubah profil %(object)s (%(fields)s)"),
    "kim.activate": _l("%(actor)s mengaktifkan kembali %(object)s"),
    "kim.deactivate": _l("%(actor)s menonaktifkan %(object)s"),
    "membership.request": _l("%(actor)s meminta bergabung dengan %(kim)s"),
    "membership.cancel": _l("%(actor)s membatalkan permintaan bergabung dengan %(kim)s"),
    "membership.approve": _l("%(actor)s menyetujui %(person)s bergabung dengan %(kim)s"),
    "membership.reject": _l("%(actor)s menolak permintaan %(person)s bergabung dengan %(kim)s"),
    "membership.leave": _l("%(actor)s keluar dari %(kim)s"),
    "membership.remove": _l("%(actor)s mengeluarkan %(person)s dari %(kim)s"),
    "membership.role_change": _l("%(actor)s mengubah peran %(person)s di %(kim)s dari "
                                 "%(old)s menjadi %(new)s"),
    # people
    "user.role_change": _l("%(actor)s mengubah peran %(object)s menjadi %(new)s"),
    "user.deactivate": _l("%(actor)s menonaktifkan akun %(object)s"),
    "user.reactivate": _l("%(actor)s mengaktifkan kembali akun %(object)s"),
    "user.reset_code": _l("%(actor)s membuat kode atur ulang kata sandi untuk %(object)s"),
    "user.reset_code_request": _l("%(actor)s meminta kode atur ulang kata sandi untuk "
                                  "%(object)s"),
    "user.reset_code_decline": _l("%(actor)s menolak permintaan kode atur ulang untuk "
                                  "%(object)s"),
    "user.password_reset": _l("%(actor)s mengatur ulang kata sandinya"),
    "user.delete": _l("%(actor)s menghapus akunnya"),
    # business groups and products
    "business.create": _l("%(actor)s membuat kelompok usaha %(object)s"),
    "business.update": _l("%(actor)s mengubah profil kelompok usaha %(object)s"),
    "business.appoint_manager": _l("%(actor)s mengangkat %(person)s sebagai pengelola "
                                   "%(group)s"),
    "business.dismiss_manager": _l("%(actor)s memberhentikan %(person)s sebagai pengelola "
                                   "%(group)s"),
    "business.approve": _l("%(actor)s menerima %(person)s di kelompok usaha %(group)s"),
    "business.reject": _l("%(actor)s menolak permintaan %(person)s bergabung dengan "
                          "kelompok usaha %(group)s"),
    "business.remove_member": _l("%(actor)s mengeluarkan %(person)s dari kelompok usaha "
                                 "%(group)s"),
    "product.create": _l("%(actor)s menambah produk %(object)s"),
    "product.delete": _l("%(actor)s menghapus produk %(object)s"),
    "permit.save": _l("%(actor)s menyimpan izin usaha produk %(object)s"),
    "permit.delete": _l("%(actor)s menghapus izin usaha produk %(object)s"),
    "sale.create": _l("%(actor)s mencatat penjualan %(group)s"),
    "sale.update": _l("%(actor)s mengubah catatan penjualan %(group)s"),
    "sale.delete": _l("%(actor)s menghapus catatan penjualan %(group)s"),
    # question threads
    "thread.diverifikasi": _l("%(actor)s memverifikasi pertanyaan %(object)s"),
    "thread.diproses": _l("%(actor)s meneruskan pertanyaan %(object)s untuk diproses"),
    "thread.dijawab": _l("%(actor)s menjawab pertanyaan %(object)s"),
    "thread.selesai": _l("%(actor)s menyelesaikan pertanyaan %(object)s"),
    "thread.ditolak": _l("%(actor)s menolak pertanyaan %(object)s"),
    "thread.baru": _l("%(actor)s mengembalikan pertanyaan %(object)s ke status baru"),
    "thread.rated": _l("%(actor)s menilai jawaban pertanyaan %(object)s"),
    "thread.passed_back": _l("%(actor)s menyampaikan jawaban pertanyaan %(object)s kepada "
                             "warga yang menitipkannya"),
    "thread.escalated": _l("%(actor)s meneruskan pertanyaan %(object)s yang lewat batas "
                           "waktu ke tingkat %(level)s"),
    "answer_template.created": _l("%(actor)s membuat templat jawaban %(object)s"),
    "answer_template.changed": _l("%(actor)s mengubah templat jawaban %(object)s"),
    "answer_template.deleted": _l("%(actor)s menghapus templat jawaban %(object)s"),
    # announcements
    "announcement.publish": _l("%(actor)s menerbitkan pengumuman %(object)s"),
    "announcement.relay": _l("%(actor)s meneruskan pengumuman %(object)s ke %(kim)s"),
    "announcement.edit": _l("%(actor)s memperbarui pengumuman %(object)s"),
    "announcement.withdraw": _l("%(actor)s menarik pengumuman %(object)s"),
    "announcement.dissemination": _l("%(actor)s melaporkan penyebaran pengumuman %(object)s "
                                     "oleh %(kim)s"),
    # moderation
    "moderation.auto_hide": _l("%(actor)s menyembunyikan %(what)s %(object)s setelah "
                               "%(reports)s laporan"),
    "moderation.hide": _l("%(actor)s menyembunyikan %(what)s %(object)s"),
    "moderation.restore": _l("%(actor)s menampilkan kembali %(what)s %(object)s"),
    "moderation.dismiss": _l("%(actor)s mengabaikan laporan atas %(what)s %(object)s"),
    "moderation.redact": _l("%(actor)s menyunting sebagian %(what)s %(object)s"),
}
FALLBACK = _l("%(actor)s mengubah %(what)s %(object)s")
SYSTEM = _l("Sistem")

OBJECT_WORDS = {
    "user": _l("akun"), "kim_group": _l("KIM"), "membership": _l("keanggotaan"),
    "business_group": _l("kelompok usaha"), "business_member": _l("anggota kelompok usaha"),
    "product": _l("produk"), "thread": _l("pertanyaan"), "post": _l("balasan"),
    "announcement": _l("pengumuman"), "category": _l("kategori"), "agency": _l("instansi"),
    "sale": _l("penjualan"), "answer_template": _l("templat jawaban"),
}


def _names(model, ids, label, options=()) -> dict[int, tuple]:
    if not ids:
        return {}
    rows = db.session.scalars(select(model).where(model.id.in_(ids)).options(*options))
    return {row.id: label(row) for row in rows}


# object_type → how to name a page of such objects: (name, person, group) per id.
_LOADERS = {
    "user": lambda ids: _names(User, ids, lambda u: (u.name, u.name, "")),
    "kim_group": lambda ids: _names(KimGroup, ids, lambda g: (g.name, "", g.name)),
    "membership": lambda ids: _names(
        Membership, ids, lambda m: (m.user.name, m.user.name, m.group.name),
        (joinedload(Membership.user), joinedload(Membership.group))),
    "business_group": lambda ids: _names(BusinessGroup, ids, lambda g: (g.name, "", g.name)),
    "business_member": lambda ids: _names(
        BusinessMember, ids, lambda m: (m.user.name, m.user.name, m.business_group.name),
        (joinedload(BusinessMember.user), joinedload(BusinessMember.business_group))),
    "product": lambda ids: _names(Product, ids, lambda p: (p.name, "", "")),
    "thread": lambda ids: _names(Thread, ids, lambda t: (t.code, "", "")),
    "post": lambda ids: _names(Post, ids, lambda p: (p.thread.code, "", ""),
                               (joinedload(Post.thread),)),
    "announcement": lambda ids: _names(Announcement, ids, lambda a: (a.title, "", "")),
    "category": lambda ids: _names(Category, ids, lambda c: (c.name, "", "")),
    "agency": lambda ids: _names(Agency, ids, lambda a: (a.name, "", "")),
    "sale": lambda ids: _names(Sale, ids, lambda s: ("", "", s.business_group.name),
                               (joinedload(Sale.business_group),)),
    "answer_template": lambda ids: _names(AnswerTemplate, ids, lambda t: (t.name, "", "")),
}


def _role_labels() -> dict:
    """KIM roles (ketua …) and account roles (warga, petugas, admin) by stored value."""
    from kim_app.admin.people_forms import ROLE_LABELS as ACCOUNT_ROLES
    from kim_app.kim.services import ROLE_LABELS as KIM_ROLES

    return {**{role.value: label for role, label in KIM_ROLES.items()},
            **{getattr(role, "value", role): label for role, label in ACCOUNT_ROLES.items()}}


def _fields(fields: list[str]) -> str:
    from kim_app.kim.services import PROFILE_FIELD_LABELS

    return ", ".join(str(PROFILE_FIELD_LABELS.get(field, field)) for field in fields)


def _quoted(text: str) -> str:
    return f"\u201c{text}\u201d" if text else ""


def describe(events: Iterable[AuditEvent]) -> dict[int, str]:
    """Each event's sentence in the reader's language, by event id."""
    events = list(events)
    wanted: dict[str, set[int]] = {}
    for event in events:
        wanted.setdefault(event.object_type, set()).add(event.object_id)
    kim_ids = {event.kim_group_id for event in events if event.kim_group_id}
    names = {object_type: _LOADERS[object_type](ids) if object_type in _LOADERS else {}
             for object_type, ids in wanted.items()}
    kims = _names(KimGroup, kim_ids, lambda g: g.name)
    return {event.id: sentence(event, names.get(event.object_type, {}).get(event.object_id),
                               kims.get(event.kim_group_id, ""))
            for event in events}


def sentence(event: AuditEvent, named: tuple | None = None, kim: str = "") -> str:
    """One event as a sentence; `named` is (name, person, group) of its object, when it
    still exists (the event's own detail names a deleted one)."""
    detail = event.detail or {}
    name, person, group = named or (detail.get("name") or detail.get("member_name") or "",
                                    detail.get("member_name", ""), "")
    roles = _role_labels()

    values = {
        "actor": event.actor.name if event.actor else str(SYSTEM),
        "object": _quoted(name) if event.object_type not in ("user", "membership") else name,
        "what": str(OBJECT_WORDS.get(event.object_type, _l("data"))),
        "person": person or detail.get("member_name", ""),
        "group": _quoted(group),
        "kim": kim or group,
        "old": str(roles.get(detail.get("from"), "")),
        "new": str(roles.get(detail.get("to") or detail.get("role"), "")),
        "fields": _fields(detail.get("fields", [])),
        "reports": detail.get("reports", ""),
        "level": detail.get("level", ""),
    }
    template = SENTENCES.get(event.action, FALLBACK)
    return str(template) % values
