"""Demo question threads: one or more in every status, with answers, notes and ratings.

Idempotent: each demo thread has a fixed tracking code and is skipped when it exists.
Threads are walked through the real lifecycle, then their times are moved into the past
so the inbox shows due and overdue dates as they would look after some weeks of use.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from kim_app.auth import services as accounts
from kim_app.common import permissions
from kim_app.common.workdays import add_working_days, local_date
from kim_app.demo import person
from kim_app.extensions import db
from kim_app.models import (
    Agency,
    Category,
    KimGroup,
    Membership,
    MembershipStatus,
    Post,
    Role,
    Thread,
    Visibility,
    utcnow,
)
from kim_app.threads import lifecycle, metoo

SECOND_OFFICER = ("081100000005", "Rina Petugas Dinkes Demo")

# code, asker phone, category, agency, village, visibility, days ago, steps, title, body
SCENARIOS = [
    ("TNY-26-DEM2", "081100000003", "jalan-jembatan", None, "33.18.17.2003", "public", 1,
     [], "Jalan desa Gulangpongge berlubang setelah hujan",
     "Jalan utama dari balai desa ke arah sawah berlubang besar sejak hujan minggu lalu. "
     "Sepeda motor sering jatuh. Apakah ada rencana perbaikan tahun ini?"),
    ("TNY-26-DEM3", "081100000004", "administrasi-kependudukan", None, "33.18.14.2003",
     "anonymous", 8, [], "E-KTP belum jadi sudah tiga bulan",
     "Saya merekam e-KTP di kecamatan tiga bulan lalu tetapi sampai sekarang belum jadi. "
     "Bagaimana cara mengecek statusnya?"),
    ("TNY-26-DEM4", "081100000003", "pertanian", "dispertan", "33.18.17.2003", "public", 4,
     ["verify"], "Pupuk urea bersubsidi langka di kios",
     "Kelompok tani kami kesulitan mendapat pupuk urea bersubsidi di kios resmi. "
     "Kuota kami di e-RDKK sudah terdaftar."),
    ("TNY-26-DEM5", "081100000004", "kesehatan", "dinkes", "33.18.14.2003", "public", 6,
     ["verify", "assign", "note"], "Posyandu lansia di Tlogorejo tidak berjalan",
     "Sejak kader pindah, posyandu lansia di dusun kami tidak ada kegiatan. "
     "Ke mana lansia bisa periksa tekanan darah rutin?"),
    ("TNY-26-DEM6", "081100000003", "bantuan-sosial", "dinsos", "33.18.17.2003", "private",
     20, ["verify", "assign", "note"], "Data PKH ibu kami tidak muncul lagi",
     "Ibu kami dulu menerima PKH, tetapi sejak tahun ini namanya tidak ada di daftar. "
     "Bagaimana cara mengajukan kembali ke DTKS?"),
    ("TNY-26-DEM7", "081100000004", "air-bersih", "pdam", "33.18.14.2003", "public", 10,
     ["verify", "assign", "answer"], "Air PDAM sering mati di malam hari",
     "Sudah dua minggu air PDAM mati setiap malam. Apakah ada perbaikan pipa?"),
    ("TNY-26-DEM8", "081100000003", "pendidikan", "disdikbud", "33.18.17.2003", "public", 30,
     ["verify", "assign", "answer", "close"], "Jadwal pendaftaran SMP negeri tahun ini",
     "Kapan jadwal PPDB SMP negeri dibuka dan apa saja syarat jalur zonasi?"),
    ("TNY-26-DEM9", "081100000004", "jalan-jembatan", None, "33.18.14.2003", "public", 2,
     ["reject-duplicate"], "Jalan rusak di Gulangpongge kapan diperbaiki",
     "Jalan ke sawah di Gulangpongge rusak parah, mohon segera diperbaiki."),
    ("TNY-26-DEMA", "081100000004", "lainnya", None, "33.18.14.2003", "public", 3,
     ["reject-spam"], "Jual pulsa murah hubungi saya",
     "Promo pulsa dan paket data murah, hubungi nomor di profil saya."),
    ("TNY-26-DEMB", "081100000003", "lingkungan", "dlh", "33.18.17.2003", "anonymous", 25,
     ["verify", "assign", "answer", "reopen"], "Sampah menumpuk di pinggir sungai",
     "Sampah rumah tangga menumpuk di pinggir sungai dekat jembatan. "
     "Apakah ada jadwal pengangkutan sampah untuk desa kami?"),
]

ANSWERS = {
    "pdam": "Terima kasih laporannya. Perumda Air Minum sedang mengganti pipa transmisi di "
            "jalur Tlogowungu; gangguan malam hari selesai paling lambat akhir bulan ini.",
    "disdikbud": "PPDB SMP negeri dibuka pada bulan Juni. Syarat jalur zonasi: kartu keluarga "
                 "minimal satu tahun, akta kelahiran, dan rapor. Jadwal lengkap ada di laman "
                 "Disdikbud dan di papan pengumuman sekolah.",
    "dlh": "Armada pengangkutan sampah DLH melayani desa Anda setiap Selasa dan Jumat mulai "
           "bulan depan. Mohon warga tidak membuang sampah ke sungai.",
}


def _user(phone: str):
    return accounts.find_by_identifier(phone)


def _second_officer():
    phone, name = SECOND_OFFICER
    return person(phone, name, role=Role.PETUGAS)


def _shift_into_past(thread: Thread, days: int) -> None:
    """Move the thread and its posts `days` into the past, keeping their order and spacing,
    and recompute the due dates from the moved times."""
    delta = timedelta(days=days)
    for name in ("created_at", "verified_at", "first_response_at", "answered_at", "closed_at",
                 "last_activity_at", "rated_at"):
        value = getattr(thread, name)
        if value is not None:
            setattr(thread, name, value - delta)
    for post in db.session.scalars(select(Post).where(Post.thread_id == thread.id)):
        post.created_at = post.created_at - delta
    config = current_app.config
    thread.verify_due_on = add_working_days(local_date(thread.created_at),
                                            config["VERIFY_DUE_WORKDAYS"])
    if thread.verified_at is not None:
        thread.answer_due_on = add_working_days(local_date(thread.verified_at),
                                                config["ANSWER_DUE_WORKDAYS"])


def _on_behalf_kim(asker):
    """Siti asks through her KIM for her mother: make her an active member if needed."""
    group = db.session.scalar(select(KimGroup).where(KimGroup.slug == "gulangpongge"))
    if group is None:
        return None
    membership = db.session.scalar(select(Membership).where(
        Membership.user_id == asker.id, Membership.group_id == group.id,
        Membership.status.in_((MembershipStatus.PENDING, MembershipStatus.ACTIVE))))
    if membership is None:
        db.session.add(Membership(user_id=asker.id, group_id=group.id,
                                  status=MembershipStatus.ACTIVE, decided_at=utcnow()))
        db.session.flush()
    elif membership.status != MembershipStatus.ACTIVE:
        return None
    return group


def load() -> str:
    officer = _user("081100000002")
    if officer is None:
        return "Threads: demo accounts missing, nothing loaded."
    specialist = _second_officer()
    created = 0
    for (code, phone, category_slug, agency_slug, village, visibility, days, steps, title,
         body) in SCENARIOS:
        if db.session.scalar(select(Thread.id).where(Thread.code == code)) is not None:
            continue
        asker = _user(phone)
        category = db.session.scalar(select(Category).where(Category.slug == category_slug))
        if asker is None or category is None:
            continue
        via_kim = _on_behalf_kim(asker) if visibility == "private" else None
        thread = Thread(
            code=code, author_id=asker.id, title=title, body=body, category_id=category.id,
            village_code=village, visibility=Visibility(visibility),
            on_behalf_name="Ibu Suparmi" if via_kim else None,
            submitted_via_kim_id=via_kim.id if via_kim else None,
        )
        db.session.add(thread)
        db.session.flush()
        agency = (db.session.scalar(select(Agency).where(Agency.slug == agency_slug))
                  if agency_slug else None)
        for step in steps:
            if step == "verify":
                lifecycle.verify(thread, officer, "Pertanyaan jelas, diteruskan ke OPD terkait.")
            elif step == "assign":
                lifecycle.assign(thread, officer, agency, specialist,
                                 f"Mohon ditindaklanjuti oleh {agency.short_name}.")
            elif step == "note":
                lifecycle.add_note(thread, specialist,
                                   "Sudah koordinasi lewat telepon dengan kepala puskesmas/bidang; "
                                   "menunggu data dari lapangan.")
            elif step == "answer":
                lifecycle.answer(thread, specialist, ANSWERS[agency_slug], agency)
            elif step == "close":
                lifecycle.close(thread, asker, 5, "Jawabannya jelas, terima kasih Disdikbud.")
            elif step == "reopen":
                lifecycle.reopen(thread, asker, "Sudah lewat dua minggu, sampah belum diangkut.")
            elif step == "reject-spam":
                lifecycle.reject(thread, officer, "spam", "Iklan, bukan pertanyaan untuk "
                                 "pemerintah.")
            elif step == "reject-duplicate":
                original = db.session.scalar(select(Thread).where(Thread.code == "TNY-26-DEM2"))
                lifecycle.reject(thread, officer, "duplikat",
                                 "Pertanyaan yang sama sudah diajukan; ikuti pertanyaan aslinya.",
                                 original)
        if "reopen" not in steps and "close" not in steps and "answer" in steps:
            lifecycle.reply(thread, asker, "Terima kasih, akan kami pantau.")
        _shift_into_past(thread, days)
        created += 1
    _me_too_and_titipan(specialist)
    return (f"Threads: {created} demo questions created." if created
            else "Threads: demo questions already present.")


ME_TOO = {"TNY-26-DEM7": ("081100000106", "081100000103", "081100000102"),
          "TNY-26-DEM4": ("081100000106",)}
TITIPAN = ("TNY-26-DEMC", "081100000103", "Mbah Karto",
           "Bantuan kursi roda untuk lansia di Gulangpongge",
           "Mbah Karto (80 tahun) tidak bisa berjalan sejak stroke. Adakah bantuan kursi roda "
           "dari pemerintah dan bagaimana cara mengajukannya?",
           "Dinas Sosial menyalurkan kursi roda lewat pengajuan desa: bawa KTP, KK, dan surat "
           "keterangan dokter ke balai desa; petugas kami akan menghubungi keluarga.")


def _me_too_and_titipan(specialist) -> None:
    """Villagers who said "saya juga", and a question Joko asked for an offline neighbour
    (answered, not yet passed back: he marks it on the thread page)."""
    for code, phones in ME_TOO.items():
        thread = db.session.scalar(select(Thread).where(Thread.code == code))
        for phone in phones:
            user = _user(phone)
            if thread is not None and user is not None and metoo.may_say_me_too(user, thread):
                metoo.say_me_too(user, thread)
    code, phone, name, title, body, answer = TITIPAN
    if db.session.scalar(select(Thread.id).where(Thread.code == code)) is not None:
        return
    member = _user(phone)
    group = db.session.scalar(select(KimGroup).where(KimGroup.slug == "gulangpongge"))
    if member is None or group is None or not permissions.group_ids_where(member) & {group.id}:
        return
    category = db.session.scalar(select(Category).where(Category.slug == "bantuan-sosial"))
    agency = db.session.scalar(select(Agency).where(Agency.slug == "dinsos"))
    officer = _user("081100000002")
    thread = Thread(code=code, author_id=member.id, title=title, body=body,
                    category_id=category.id, village_code=group.village_code,
                    on_behalf_name=name, submitted_via_kim_id=group.id)
    db.session.add(thread)
    db.session.flush()
    lifecycle.verify(thread, officer)
    lifecycle.assign(thread, officer, agency, specialist)
    lifecycle.answer(thread, specialist, answer, agency)
    _shift_into_past(thread, 3)
