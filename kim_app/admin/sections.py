"""The sections of the admin area, each with the rule that opens it.

The index lists the sections a person may use, the header shows "Admin" to anyone who may
use one, and each route checks its own section's rule (`common.permissions`). A new
section (people, moderation, the audit log …) is one more entry here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from kim_app.common import permissions
from kim_app.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Section:
    title: str
    summary: str
    endpoint: str
    allowed: Callable[[object], bool]
    values: dict = field(default_factory=dict)


SECTIONS = (
    Section(_l("Kelompok KIM"),
            _l("Tambah KIM, ubah nama, desa dan profilnya, nonaktifkan atau aktifkan kembali."),
            "admin.kim_list", permissions.can_admin_kim_groups),
    Section(_l("Kategori pertanyaan"),
            _l("Kategori yang dapat dipilih penanya: nama, keterangan, urutan, aktif."),
            "admin.reference_list", permissions.can_manage_reference_lists,
            {"kind": "kategori"}),
    Section(_l("Instansi (OPD)"),
            _l("Instansi yang dapat ditugaskan menjawab pertanyaan: nama, singkatan, aktif."),
            "admin.reference_list", permissions.can_manage_reference_lists,
            {"kind": "instansi"}),
    Section(_l("Pengguna"),
            _l("Cari orang, lihat akunnya, beri kode atur ulang kata sandi; admin mengatur "
               "peran dan instansi, menonaktifkan dan mengaktifkan kembali."),
            "admin.people", permissions.can_manage_people),
    Section(_l("Moderasi"),
            _l("Konten yang dilaporkan warga dan yang tersembunyi otomatis: sembunyikan, "
               "tampilkan kembali, abaikan laporan, sunting data pribadi."),
            "admin.moderation", permissions.can_moderate),
    Section(_l("Log audit"),
            _l("Siapa mengubah apa dan kapan: saring menurut pelaku, jenis objek, tindakan "
               "dan periode."),
            "admin.audit", permissions.can_read_audit_log),
)


def sections_for(user) -> list[Section]:
    return [section for section in SECTIONS if section.allowed(user)]


def may_use_admin(user) -> bool:
    """The admin area opens for anyone who may use at least one of its sections."""
    return any(section.allowed(user) for section in SECTIONS)
