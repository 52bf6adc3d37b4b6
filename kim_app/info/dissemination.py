"""Dissemination reports: a KIM passes a relayed announcement on offline, and says so.

Rules:
- a pengurus of a KIM that relayed the announcement reports for that KIM: the date (not
  in the future, not before the relay), where (balai desa, pengajian, posyandu, the
  village WhatsApp group, elsewhere), about how many people (1 to `PEOPLE_MAX`), a short
  note and optionally a photo. A KIM may report several sessions;
- not for a withdrawn announcement;
- reach (`services.reach`) adds the people reached offline per KIM and in total.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kim_app.common import permissions
from kim_app.common.audit import record
from kim_app.common.workdays import local_date
from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.info.services import InfoError, NotAllowedError, is_withdrawn, today
from kim_app.models import Announcement, DisseminationReport, KimGroup, Relay, User, Venue

PEOPLE_MAX = 100_000
NOTE_MAX = 500
REPORTS_SHOWN = 20

VENUE_LABELS = {
    Venue.BALAI_DESA: _l("Balai desa"),
    Venue.PENGAJIAN: _l("Pengajian"),
    Venue.POSYANDU: _l("Posyandu"),
    Venue.WHATSAPP: _l("Grup WhatsApp"),
    Venue.LAINNYA: _l("Tempat lain"),
}


def reporting_groups(user, announcement: Announcement,
                     relays: list[Relay] | None = None) -> list[KimGroup]:
    """The KIMs this person leads that relayed the announcement: where they may report."""
    if not getattr(user, "is_authenticated", False) or is_withdrawn(announcement):
        return []
    led = permissions.group_ids_where(user, pengurus_only=True)
    if not led:
        return []
    if relays is None:
        relays = list(db.session.scalars(
            select(Relay).where(Relay.announcement_id == announcement.id)))
    return sorted((r.group for r in relays if r.group_id in led), key=lambda g: g.name)


@dataclass
class Gathering:
    held_on: date
    venue: Venue
    people: int
    note: str = ""
    photo: object = None


def report(announcement: Announcement, group: KimGroup, user: User,
           gathering: Gathering) -> DisseminationReport:
    if is_withdrawn(announcement):
        raise InfoError(_l("Pengumuman ini sudah ditarik."))
    if not permissions.is_pengurus(user, group):
        raise NotAllowedError(_l("Hanya pengurus KIM ini yang dapat melapor."))
    relay = db.session.scalar(select(Relay).where(Relay.announcement_id == announcement.id,
                                                  Relay.group_id == group.id))
    if relay is None:
        raise NotAllowedError(_l("KIM ini belum meneruskan pengumuman ini."))
    if gathering.held_on > today():
        raise InfoError(_l("Tanggal tidak boleh setelah hari ini."), "held_on")
    if gathering.held_on < local_date(relay.created_at):
        raise InfoError(_l("Tanggal tidak boleh sebelum pengumuman diteruskan."), "held_on")
    if not 1 <= gathering.people <= PEOPLE_MAX:
        raise InfoError(_l("Jumlah orang 1 sampai %(max)d.", max=PEOPLE_MAX), "people")
    row = DisseminationReport(
        announcement_id=announcement.id, group_id=group.id, reported_by_id=user.id,
        held_on=gathering.held_on, venue=Venue(gathering.venue), people=gathering.people,
        note=(gathering.note or "").strip()[:NOTE_MAX], photo=gathering.photo)
    db.session.add(row)
    db.session.flush()
    record(user, "announcement.dissemination", "announcement", announcement.id,
           kim_group_id=group.id, venue=row.venue.value, people=row.people)
    return row


def reports_of(announcement: Announcement) -> list[DisseminationReport]:
    """The latest reports, newest session first (capped)."""
    return list(db.session.scalars(
        select(DisseminationReport)
        .options(joinedload(DisseminationReport.group), joinedload(DisseminationReport.photo),
                 joinedload(DisseminationReport.reported_by))
        .where(DisseminationReport.announcement_id == announcement.id)
        .order_by(DisseminationReport.held_on.desc(), DisseminationReport.id.desc())
        .limit(REPORTS_SHOWN)))
