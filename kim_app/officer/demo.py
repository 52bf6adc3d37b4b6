"""Demo answer templates for the officers: one for every question, one for Dinas
Kesehatan's health questions. Idempotent (by name)."""

from sqlalchemy import select

from kim_app.extensions import db
from kim_app.models import Agency, AnswerTemplate, Category

TEMPLATES = [
    ("Terima kasih dan tindak lanjut", None, None,
     "Terima kasih {nama} atas pertanyaannya (kode {kode}). Pertanyaan ini sedang ditangani "
     "{instansi} dan akan dijawab paling lambat {batas}."),
    ("Jadwal posyandu dan puskesmas", "kesehatan", "dinkes",
     "Yth. {nama}, jadwal posyandu dan layanan puskesmas terdekat dapat ditanyakan ke bidan "
     "desa. {instansi} akan memastikan layanan kembali berjalan. Kode pertanyaan: {kode}."),
]


def load() -> str:
    created = 0
    for name, category_slug, agency_slug, body in TEMPLATES:
        if db.session.scalar(select(AnswerTemplate.id).where(AnswerTemplate.name == name)):
            continue
        category = (db.session.scalar(select(Category).where(Category.slug == category_slug))
                    if category_slug else None)
        agency = (db.session.scalar(select(Agency).where(Agency.slug == agency_slug))
                  if agency_slug else None)
        db.session.add(AnswerTemplate(name=name, body=body,
                                      category_id=category.id if category else None,
                                      agency_id=agency.id if agency else None))
        created += 1
    return (f"Answer templates: {created} created." if created
            else "Answer templates: already present.")
