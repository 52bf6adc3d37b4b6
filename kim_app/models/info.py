"""Announcements that flow down from government to villagers (PRODUCT.md §3).

An Announcement has an audience: the whole regency, chosen kecamatan (by official code) or
chosen KIM groups. Who is in an audience is decided by one rule in `kim_app.info.services`
(`audience_clause`), never here. A Relay is one KIM passing an announcement on to its
members with a local note; an AnnouncementDelivery is one member reached by a relay (the
notification sent, and when the member opened the announcement), which is what reach counts.
"""

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kim_app.extensions import db
from kim_app.models.base import utcnow
from kim_app.models.base import value_enum as _enum
from kim_app.models.kim import KimGroup
from kim_app.models.media import Document, Photo
from kim_app.models.regions import District
from kim_app.models.users import User


class Audience(enum.StrEnum):
    KABUPATEN = "kabupaten"
    KECAMATAN = "kecamatan"
    KIM = "kim"


class NoteLanguage(enum.StrEnum):
    """The language of a relay's local note, used as the note's `lang` attribute."""

    INDONESIA = "id"
    JAWA = "jv"


class Announcement(db.Model):
    __tablename__ = "announcement"
    __table_args__ = (
        Index("ix_announcement_published", "published_at", "id"),
        Index("ix_announcement_by_kim", "kim_group_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # Set when a pengurus publishes for their own KIM (the audience is then that KIM).
    kim_group_id: Mapped[int | None] = mapped_column(ForeignKey("kim_group.id"))
    title: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)
    audience: Mapped[Audience] = mapped_column(_enum(Audience), default=Audience.KABUPATEN)
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photo.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    # Promoted from an answered question thread (`info.promotion`): the link back.
    source_thread_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id"), index=True)
    # Corrected: the time of the latest edit (earlier versions in AnnouncementVersion).
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Withdrawn: gone from the lists, its page says so and why, its relays are hidden.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_reason: Mapped[str | None] = mapped_column(String(500))
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Shown in lists and open for relays until the end of this day (Asia/Jakarta).
    expires_on: Mapped[date | None] = mapped_column(Date)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # A random key sent with the form: a second submit finds the first announcement.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Set while hidden by a moderator or by reports (`kim_app.moderation`).
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])
    kim_group: Mapped[KimGroup | None] = relationship()
    photo: Mapped[Photo | None] = relationship()
    document: Mapped[Document | None] = relationship()
    source_thread: Mapped["Thread | None"] = relationship()  # noqa: F821
    districts: Mapped[list[District]] = relationship(
        secondary="announcement_district", order_by=District.name
    )
    groups: Mapped[list[KimGroup]] = relationship(
        secondary="announcement_kim", order_by=KimGroup.name
    )


class AnnouncementDistrict(db.Model):
    __tablename__ = "announcement_district"

    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcement.id"), primary_key=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), primary_key=True,
                                               index=True)


class AnnouncementKim(db.Model):
    __tablename__ = "announcement_kim"

    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcement.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("kim_group.id"), primary_key=True,
                                          index=True)


class Relay(db.Model):
    __tablename__ = "relay"
    __table_args__ = (
        UniqueConstraint("announcement_id", "group_id", name="uq_relay_announcement_group"),
        Index("ix_relay_group_created", "group_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcement.id"))
    group_id: Mapped[int] = mapped_column(ForeignKey("kim_group.id"))
    relayed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    note_lang: Mapped[NoteLanguage] = mapped_column(_enum(NoteLanguage),
                                                    default=NoteLanguage.INDONESIA)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    announcement: Mapped[Announcement] = relationship()
    group: Mapped[KimGroup] = relationship()
    relayed_by: Mapped[User] = relationship()


class AnnouncementDelivery(db.Model):
    """One member reached: notified through a relay (once, even if two KIMs relayed it)."""

    __tablename__ = "announcement_delivery"
    __table_args__ = (Index("ix_announcement_delivery_relay", "relay_id", "opened_at"),)

    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcement.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True,
                                         index=True)
    relay_id: Mapped[int] = mapped_column(ForeignKey("relay.id"))
    notified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AnnouncementVersion(db.Model):
    """An earlier text of a corrected announcement, kept for officers: what it said from
    `valid_from` until the edit at `replaced_at`."""

    __tablename__ = "announcement_version"
    __table_args__ = (Index("ix_announcement_version", "announcement_id", "replaced_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcement.id"))
    title: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)
    expires_on: Mapped[date | None] = mapped_column(Date)
    valid_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    replaced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    replaced_by: Mapped[User | None] = relationship()


class Venue(enum.StrEnum):
    """Where a KIM passed an announcement on in person (or in its WhatsApp group)."""

    BALAI_DESA = "balai_desa"
    PENGAJIAN = "pengajian"
    POSYANDU = "posyandu"
    WHATSAPP = "whatsapp"
    LAINNYA = "lainnya"


class DisseminationReport(db.Model):
    """A KIM's pengurus reports passing a relayed announcement on offline: when, where,
    about how many people, optionally a photo. Reach adds the people per KIM."""

    __tablename__ = "dissemination_report"
    __table_args__ = (Index("ix_dissemination_announcement", "announcement_id", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcement.id"))
    group_id: Mapped[int] = mapped_column(ForeignKey("kim_group.id"))
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    held_on: Mapped[date] = mapped_column(Date)
    venue: Mapped[Venue] = mapped_column(_enum(Venue, 20))
    people: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(String(500), default="")
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photo.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    group: Mapped[KimGroup] = relationship()
    reported_by: Mapped[User] = relationship()
    photo: Mapped[Photo | None] = relationship()
