"""Question threads between villagers and government (PRODUCT.md §4).

A Thread is one question with a short tracking code; its Posts are replies, the official
answer, officers' internal notes and status changes (every transition is a post, so a
thread carries its whole history). The lifecycle rules live in `kim_app.threads`, not here.
"""

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kim_app.extensions import db
from kim_app.models.base import utcnow, value_enum
from kim_app.models.kim import KimGroup
from kim_app.models.media import Document, Photo
from kim_app.models.regions import Village
from kim_app.models.users import User


def _enum(cls, length=20):
    return value_enum(cls, length)


class ThreadStatus(enum.StrEnum):
    BARU = "baru"
    DIVERIFIKASI = "diverifikasi"
    DIPROSES = "diproses"
    DIJAWAB = "dijawab"
    SELESAI = "selesai"
    DITOLAK = "ditolak"


class Visibility(enum.StrEnum):
    PUBLIC = "public"
    ANONYMOUS = "anonymous"
    PRIVATE = "private"


class RejectReason(enum.StrEnum):
    SPAM = "spam"
    DUPLIKAT = "duplikat"
    DI_LUAR_KEWENANGAN = "di_luar_kewenangan"


class PostKind(enum.StrEnum):
    REPLY = "reply"
    OFFICIAL_ANSWER = "official_answer"
    INTERNAL_NOTE = "internal_note"
    STATUS_CHANGE = "status_change"


class Category(db.Model):
    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Agency(db.Model):
    """An OPD (organisasi perangkat daerah), e.g. Dinas Kesehatan."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    short_name: Mapped[str] = mapped_column(String(40), default="")
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Thread(db.Model):
    __tablename__ = "thread"
    __table_args__ = (
        Index("ix_thread_status_created", "status", "created_at"),
        Index("ix_thread_created", "created_at"),
        Index("ix_thread_status_due", "status", "due_on", "id"),
        # Every thread in the inbox's order (due date, none last; then id): "Semua status".
        # The threads waiting for an officer have partial indexes of their own
        # (`threads.lifecycle.WAITING_INDEXES`).
        Index("ix_thread_due", "due_on", "id"),
        Index("ix_thread_me_too", "me_too_count", "id"),
        Index("ix_thread_answered", "answered_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # Asked for a villager who is not online, by an active member of this KIM.
    on_behalf_name: Mapped[str | None] = mapped_column(String(120))
    submitted_via_kim_id: Mapped[int | None] = mapped_column(
        ForeignKey("kim_group.id"), index=True
    )
    village_code: Mapped[str] = mapped_column(ForeignKey("village.code"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    title: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)
    visibility: Mapped[Visibility] = mapped_column(_enum(Visibility), default=Visibility.PUBLIC)
    status: Mapped[ThreadStatus] = mapped_column(_enum(ThreadStatus), default=ThreadStatus.BARU)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    reject_reason: Mapped[RejectReason | None] = mapped_column(_enum(RejectReason))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id"))
    # Due dates in working days (Indonesian holidays skipped), set on creation/verification.
    verify_due_on: Mapped[date | None] = mapped_column(Date)
    answer_due_on: Mapped[date | None] = mapped_column(Date)
    # The date the current officer step is due, None when no officer step waits. Derived
    # from the status and the two dates above by `threads.lifecycle` on every write;
    # stored so the inbox can read it in index order.
    due_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reopen_count: Mapped[int] = mapped_column(SmallInteger, default=0)
    last_activity_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    rating_comment: Mapped[str] = mapped_column(String(500), default="")
    rated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # How many villagers marked the question as theirs too ("saya juga", `ThreadMeToo`),
    # kept in step by `threads.metoo` so lists can sort by it in index order.
    me_too_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A question asked on behalf of an offline villager: when and how the KIM member who
    # submitted it passed the answer back to them ("sudah disampaikan").
    passed_back_on: Mapped[date | None] = mapped_column(Date)
    passed_back_note: Mapped[str | None] = mapped_column(String(500))
    passed_back_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A random key sent with the ask form: a second submit of the same form finds the
    # thread the first one created instead of creating another.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Set while hidden by a moderator or by reports (`kim_app.moderation`).
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Escalation of the current officer step once it is due (`threads.escalation`): 0 none,
    # 1 the responsible officer was reminded on the due date, 2 the agency's officers and
    # the admins were told. `escalated_due_on` is the due date it refers to; a new due date
    # (a transition) starts again at 0.
    escalation_level: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    escalated_due_on: Mapped[date | None] = mapped_column(Date)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    village: Mapped[Village] = relationship()
    category: Mapped[Category] = relationship()
    agency: Mapped[Agency | None] = relationship()
    submitted_via_kim: Mapped[KimGroup | None] = relationship()
    duplicate_of: Mapped["Thread | None"] = relationship(remote_side=[id])
    posts: Mapped[list["Post"]] = relationship(
        back_populates="thread", order_by="Post.created_at, Post.id",
        cascade="all, delete-orphan",
    )
    photos: Mapped[list["ThreadPhoto"]] = relationship(
        order_by="ThreadPhoto.position", cascade="all, delete-orphan"
    )


class AnswerTemplate(db.Model):
    """A named text officers start an answer or a reply from (`threads.answer_templates`).

    Offered for threads of its category and/or agency (none = every category / agency);
    placeholders such as `{kode}` are filled in when it is used."""

    __tablename__ = "answer_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    category: Mapped[Category | None] = relationship()
    agency: Mapped[Agency | None] = relationship()


class ThreadPhoto(db.Model):
    __tablename__ = "thread_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id"), index=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photo.id"))
    position: Mapped[int] = mapped_column(SmallInteger, default=0)

    photo: Mapped[Photo] = relationship(lazy="joined")


class Post(db.Model):
    __tablename__ = "post"
    __table_args__ = (Index("ix_post_thread_created", "thread_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[PostKind] = mapped_column(_enum(PostKind), default=PostKind.REPLY)
    body: Mapped[str] = mapped_column(Text, default="")
    from_status: Mapped[ThreadStatus | None] = mapped_column(_enum(ThreadStatus))
    to_status: Mapped[ThreadStatus | None] = mapped_column(_enum(ThreadStatus))
    reason: Mapped[str] = mapped_column(String(500), default="")
    # For an official answer: the agency it speaks for.
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    # An official answer may carry photos (`PostPhoto`) and one PDF.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Moderation (`kim_app.moderation`): hidden while set; a redacted reply keeps its
    # original text here for moderators, `body` is what everyone else reads.
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    redacted_original: Mapped[str | None] = mapped_column(Text)

    thread: Mapped[Thread] = relationship(back_populates="posts")
    author: Mapped[User | None] = relationship()
    agency: Mapped[Agency | None] = relationship()
    document: Mapped[Document | None] = relationship()
    photos: Mapped[list["PostPhoto"]] = relationship(
        order_by="PostPhoto.position", cascade="all, delete-orphan"
    )


class PostPhoto(db.Model):
    __tablename__ = "post_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photo.id"))
    position: Mapped[int] = mapped_column(SmallInteger, default=0)

    photo: Mapped[Photo] = relationship(lazy="joined")


class ThreadFollow(db.Model):
    __tablename__ = "thread_follow"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id"), primary_key=True,
                                           index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ThreadMeToo(db.Model):
    """A villager marked a public question as theirs too ("saya juga"): once per person."""

    __tablename__ = "thread_me_too"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id"), primary_key=True,
                                           index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
