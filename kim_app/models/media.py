"""Uploaded files: photos (only WebP renditions are kept, and the JPEG of a link preview once
asked for; never the original) and PDF documents."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kim_app.extensions import db
from kim_app.models.base import utcnow


class Photo(db.Model):
    __tablename__ = "photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random and unguessable: it names the files and the public URL.
    token: Mapped[str] = mapped_column(String(32), unique=True)
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    # Widths of the renditions on disk, smallest first, e.g. [320, 1024].
    widths: Mapped[list[int]] = mapped_column(JSON, default=list)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def rendition(self, at_least: int) -> int:
        """The smallest stored width that is at least `at_least` (or the largest there is)."""
        for width in self.widths:
            if width >= at_least:
                return width
        return self.widths[-1]

    def height_at(self, width: int) -> int:
        return max(1, round(self.height * min(width, self.width) / self.width))


class Document(db.Model):
    """An uploaded PDF, stored under a random token and always served as a download."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    # The uploader's file name, cleaned, offered as the download name.
    filename: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column()
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class HeldPhoto(db.Model):
    """A photo sent with a form that came back (an error, or the no-JavaScript kecamatan
    step), held under the form's submission key so it need not be chosen again; it is
    released to what the form creates, or removed after an hour (`flask clean-uploads`)."""

    __tablename__ = "held_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_key: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    photo_id: Mapped[int] = mapped_column(ForeignKey("photo.id", ondelete="CASCADE"),
                                          unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)

    photo: Mapped[Photo] = relationship()
