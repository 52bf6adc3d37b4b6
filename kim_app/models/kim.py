"""KIM groups: one Kelompok Informasi Masyarakat, tied to its village by official code."""

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kim_app.extensions import db
from kim_app.models.base import utcnow
from kim_app.models.regions import Village


class KimStatus(enum.StrEnum):
    AKTIF = "aktif"
    NONAKTIF = "nonaktif"


class KimGroup(db.Model):
    __tablename__ = "kim_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("village.code"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    founded_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[KimStatus] = mapped_column(
        Enum(KimStatus, native_enum=False, length=16,
             values_callable=lambda e: [m.value for m in e]),
        default=KimStatus.AKTIF,
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    village: Mapped[Village] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<KimGroup {self.slug}>"
