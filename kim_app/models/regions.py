"""Official Kemendagri regions: kecamatan (district) and desa/kelurahan (village).

Codes are the primary keys (`33.18.01`, `33.18.01.2001`): a village is identified by its
code, never by its name, because names repeat across kecamatan.
"""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kim_app.extensions import db


class District(db.Model):
    __tablename__ = "district"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))

    villages: Mapped[list["Village"]] = relationship(
        back_populates="district", order_by="Village.name"
    )

    def __repr__(self) -> str:
        return f"<District {self.code} {self.name}>"


class Village(db.Model):
    __tablename__ = "village"

    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    district_code: Mapped[str] = mapped_column(
        ForeignKey("district.code"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))

    district: Mapped[District] = relationship(back_populates="villages", lazy="joined")

    @property
    def is_kelurahan(self) -> bool:
        """Kemendagri numbers kelurahan 1xxx and desa 2xxx within a kecamatan."""
        return self.code.rsplit(".", 1)[-1].startswith("1")

    def __repr__(self) -> str:
        return f"<Village {self.code} {self.name}>"
