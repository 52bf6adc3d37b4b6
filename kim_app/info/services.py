"""Announcements, relays by KIMs, and their reach.

Rules:
- who is in an announcement's audience is decided in one place, `audience_clause`: an
  announcement for the whole regency reaches every KIM and person; one for chosen kecamatan
  reaches the KIMs in them and the people living there; one for chosen KIMs reaches those
  KIMs. Relaying, the KIM and kecamatan filters, the home page and reach all ask it;
- officers (petugas, admin) publish to any audience; a pengurus publishes only to a KIM
  they lead, and that announcement is relayed to their members at once;
- a pengurus of a KIM in the audience relays an announcement once for that KIM, with an
  optional local note in Bahasa Indonesia or Javanese, until the announcement expires;
- a relay notifies the KIM's active members (not the person relaying), each person once per
  announcement however many of their KIMs relay it, so a person outside the audience never
  gets a relay notification; each person reached is an AnnouncementDelivery;
- when a reached member opens the announcement, the delivery is marked opened (once);
- every announcement is public information: anyone may read it; the audience says whom it
  is *for*, not who may see it. Expired ones leave the lists but keep their page.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from html import unescape
from typing import NamedTuple
from urllib.parse import quote
from zoneinfo import ZoneInfo

import nh3
from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, tuple_, update
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from kim_app.common import permissions, search
from kim_app.common.audit import record
from kim_app.common.markdown import render_markdown
from kim_app.common.urls import absolute_url
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import (
    Announcement,
    AnnouncementDelivery,
    AnnouncementDistrict,
    AnnouncementKim,
    Audience,
    DisseminationReport,
    District,
    KimGroup,
    KimStatus,
    Membership,
    MembershipStatus,
    NoteLanguage,
    Relay,
    User,
    Village,
    utcnow,
)
from kim_app.moderation import visibility
from kim_app.notifications.delivery import deliver

PAGE_SIZE = 20
NOTE_MAX = 1000


class InfoError(ValueError):
    """A rule refused the action; `message` is translated, for the person to read."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotAllowedError(InfoError):
    pass


def today() -> date:
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def is_expired(announcement: Announcement) -> bool:
    return announcement.expires_on is not None and announcement.expires_on < today()


def _matches(column, values):
    if isinstance(values, (list, tuple, set, frozenset)):
        return column.in_(list(values))
    if isinstance(values, Select):
        return column.in_(values)
    return column == values  # a column of the enclosing query


def audience_clause(group_ids=(), district_codes=()) -> ColumnElement[bool]:
    """THE audience rule: true for announcements that reach a KIM in `group_ids` or a place
    in `district_codes`. Each is a collection, a subquery, or a column to correlate with."""
    return or_(
        Announcement.audience == Audience.KABUPATEN,
        and_(
            Announcement.audience == Audience.KECAMATAN,
            exists().where(AnnouncementDistrict.announcement_id == Announcement.id,
                           _matches(AnnouncementDistrict.district_code, district_codes)),
        ),
        and_(
            Announcement.audience == Audience.KIM,
            exists().where(AnnouncementKim.announcement_id == Announcement.id,
                           _matches(AnnouncementKim.group_id, group_ids)),
        ),
    )


def current_clause() -> ColumnElement[bool]:
    """Shown in lists and on the home page: not expired, not withdrawn."""
    return and_(Announcement.withdrawn_at.is_(None),
                or_(Announcement.expires_on.is_(None), Announcement.expires_on >= today()))


def is_withdrawn(announcement: Announcement) -> bool:
    return announcement.withdrawn_at is not None


def reaching_district(code: str) -> ColumnElement[bool]:
    """Announcements for a kecamatan: for its people, or for any of its KIMs."""
    groups_there = select(KimGroup.id).join(Village).where(Village.district_code == code)
    return audience_clause(groups_there, [code])


def reaching_group(group: KimGroup) -> ColumnElement[bool]:
    return audience_clause([group.id], [group.village.district_code])


def in_audience(announcement: Announcement, group: KimGroup) -> bool:
    return db.session.scalar(
        select(Announcement.id).where(Announcement.id == announcement.id, reaching_group(group))
    ) is not None


def targeted_groups(announcement: Announcement) -> list[KimGroup]:
    """The active KIMs the announcement is for, by kecamatan and name, in one query."""
    return list(db.session.scalars(
        select(KimGroup)
        .join(KimGroup.village)
        .join(Village.district)
        .join(Announcement, Announcement.id == announcement.id)
        .options(contains_eager(KimGroup.village).contains_eager(Village.district))
        .where(KimGroup.status == KimStatus.AKTIF,
               audience_clause(KimGroup.id, Village.district_code))
        .order_by(District.name, KimGroup.name)
    ).unique())


# Reading -----------------------------------------------------------------------------------

def _with_details(query):
    return query.options(
        joinedload(Announcement.author),
        joinedload(Announcement.kim_group),
        joinedload(Announcement.photo),
        selectinload(Announcement.districts),
        selectinload(Announcement.groups),
    )


def get(announcement_id: int) -> Announcement | None:
    return db.session.scalar(
        _with_details(select(Announcement)).where(Announcement.id == announcement_id)
        .options(joinedload(Announcement.document))
    )


@dataclass
class Page:
    items: list[Announcement]
    next_before: int | None


def listing(*, district_code: str | None = None, group: KimGroup | None = None,
            query: str = "", before: int | None = None, limit: int = PAGE_SIZE,
            viewer=None) -> Page:
    """Current announcements, newest first, keyset-paginated by (published time, id);
    `query` finds words of the title or the text (`common.search`). Hidden ones only for
    their author and moderators (`moderation.visibility`)."""
    statement = _with_details(select(Announcement)).where(
        current_clause(), visibility.announcement_clause(viewer))
    if query:
        statement = statement.where(search.matches(Announcement, query))
    if district_code:
        statement = statement.where(reaching_district(district_code))
    if group is not None:
        statement = statement.where(reaching_group(group))
    if before:
        anchor = select(Announcement.published_at).where(Announcement.id == before)
        statement = statement.where(tuple_(Announcement.published_at, Announcement.id)
                                    < tuple_(anchor.scalar_subquery(), before))
    rows = list(db.session.scalars(
        statement.order_by(Announcement.published_at.desc(), Announcement.id.desc())
        .limit(limit + 1)
    ).unique())
    more = len(rows) > limit
    items = rows[:limit]
    return Page(items, items[-1].id if more and items else None)


def _places_of(user) -> tuple[set[int], set[str]]:
    """The person's KIMs and kecamatan (home village and their KIMs' kecamatan)."""
    group_ids = permissions.group_ids_where(user)
    districts = set()
    if user.village_code:
        districts.add(user.village.district_code)
    if group_ids:
        districts |= set(db.session.scalars(
            select(Village.district_code).join(KimGroup, KimGroup.village_code == Village.code)
            .where(KimGroup.id.in_(group_ids))
        ))
    return group_ids, districts


def for_home(user, limit: int = 5) -> list[Announcement]:
    """Latest current announcements, those for the person's kecamatan and KIMs first."""
    own: list[Announcement] = []
    if getattr(user, "is_authenticated", False):
        group_ids, districts = _places_of(user)
        if group_ids or districts:
            own = list(db.session.scalars(
                _with_details(select(Announcement))
                .where(current_clause(), visibility.public_announcement_clause(),
                       Announcement.audience != Audience.KABUPATEN,
                       audience_clause(group_ids, districts))
                .order_by(Announcement.published_at.desc(), Announcement.id.desc())
                .limit(limit)
            ).unique())
    rest = list(db.session.scalars(
        _with_details(select(Announcement))
        .where(current_clause(), visibility.public_announcement_clause(),
               Announcement.id.not_in([a.id for a in own]))
        .order_by(Announcement.published_at.desc(), Announcement.id.desc())
        .limit(max(limit - len(own), 2))
    ).unique())
    return own + rest


def relays_for_group(group: KimGroup, limit: int = 5) -> list[Relay]:
    """What this KIM relayed lately (current announcements), for the KIM page."""
    return list(db.session.scalars(
        select(Relay)
        .join(Relay.announcement)
        .options(contains_eager(Relay.announcement), joinedload(Relay.relayed_by))
        .where(Relay.group_id == group.id, current_clause(),
               visibility.public_announcement_clause())
        .order_by(Relay.created_at.desc(), Relay.id.desc())
        .limit(limit)
    ))


def relays_of(announcement: Announcement) -> list[Relay]:
    return list(db.session.scalars(
        select(Relay)
        .join(Relay.group)
        .options(contains_eager(Relay.group), joinedload(Relay.relayed_by))
        .where(Relay.announcement_id == announcement.id)
        .order_by(Relay.created_at, Relay.id)
    ))


def relay_choices(user, announcement: Announcement,
                  relays: list[Relay] | None = None) -> list[KimGroup]:
    """The KIMs this person may relay the announcement to now (none once it expired)."""
    if (not getattr(user, "is_authenticated", False) or is_expired(announcement)
            or is_withdrawn(announcement)):
        return []
    led = permissions.group_ids_where(user, pengurus_only=True)
    if not led:
        return []
    done = {relay.group_id for relay in (relays if relays is not None else relays_of(announcement))}
    candidates = led - done
    if not candidates:
        return []
    return list(db.session.scalars(
        select(KimGroup)
        .join(KimGroup.village)
        .join(Announcement, Announcement.id == announcement.id)
        .options(contains_eager(KimGroup.village))
        .where(KimGroup.id.in_(candidates), KimGroup.status == KimStatus.AKTIF,
               audience_clause(KimGroup.id, Village.district_code))
        .order_by(KimGroup.name)
    ))


def groups_led_by(user) -> list[KimGroup]:
    """Active KIMs where the person is pengurus: where they may publish."""
    led = permissions.group_ids_where(user, pengurus_only=True)
    if not led:
        return []
    return list(db.session.scalars(
        select(KimGroup).where(KimGroup.id.in_(led), KimGroup.status == KimStatus.AKTIF)
        .order_by(KimGroup.name)
    ))


class GroupChoice(NamedTuple):
    id: int
    slug: str
    name: str
    district_name: str


def active_group_choices(district_code: str | None = None) -> list[GroupChoice]:
    """Active KIMs by kecamatan and name (of one kecamatan, when given), for filters and the
    audience form, as plain rows in one query: the regency has hundreds of KIMs, and each as
    an object with its village and kecamatan cost more than the rest of the page."""
    query = (select(KimGroup.id, KimGroup.slug, KimGroup.name, District.name)
             .join(KimGroup.village).join(Village.district)
             .where(KimGroup.status == KimStatus.AKTIF)
             .order_by(District.name, KimGroup.name))
    if district_code:
        query = query.where(Village.district_code == district_code)
    return [GroupChoice(*row) for row in db.session.execute(query)]


def active_group(slug: str) -> KimGroup | None:
    """The active KIM with this slug (None for any other text)."""
    if not slug or len(slug) > 120:
        return None
    return db.session.scalar(select(KimGroup).where(KimGroup.slug == slug,
                                                    KimGroup.status == KimStatus.AKTIF))


def district_choices() -> list[tuple[str, str]]:
    """Every kecamatan of the regency, (code, name), by name."""
    return [tuple(row) for row in db.session.execute(
        select(District.code, District.name).order_by(District.name))]


def may_publish(user) -> bool:
    return permissions.is_petugas(user) or bool(groups_led_by(user))


def may_see_reach(user, announcement: Announcement) -> bool:
    return permissions.is_petugas(user) or (
        getattr(user, "is_authenticated", False) and announcement.author_id == user.id
    )


# Writing -----------------------------------------------------------------------------------

def publish(author: User, *, title: str, body: str, audience: Audience,
            district_codes: list[str] | None = None, group_ids: list[int] | None = None,
            kim_group: KimGroup | None = None, expires_on: date | None = None,
            photo=None, document=None, submission_key: str | None = None,
            source_thread=None) -> Announcement:
    """Publish an announcement. Officers choose any audience; a pengurus passes `kim_group`
    (a KIM they lead) and the audience is that KIM, relayed to its members at once."""
    officer = permissions.is_petugas(author)
    if kim_group is not None:
        if not permissions.is_pengurus(author, kim_group) and not officer:
            raise NotAllowedError(_l("Anda bukan pengurus KIM ini."))
        audience, district_codes, group_ids = Audience.KIM, [], [kim_group.id]
    elif not officer:
        raise NotAllowedError(_l("Hanya petugas Diskominfo dan pengurus KIM yang dapat menerbitkan "
                            "pengumuman."))
    district_codes = sorted(set(district_codes or [])) if audience == Audience.KECAMATAN else []
    group_ids = sorted(set(group_ids or [])) if audience == Audience.KIM else []
    if audience == Audience.KECAMATAN and not district_codes:
        raise InfoError(_l("Pilih minimal satu kecamatan."), "districts")
    if audience == Audience.KIM and not group_ids:
        raise InfoError(_l("Pilih minimal satu KIM."), "groups")
    if expires_on is not None and expires_on < today():
        raise InfoError(_l("Tanggal berakhir tidak boleh sebelum hari ini."), "expires_on")
    known = select(District.code).where(District.code.in_(district_codes))
    if district_codes and len(set(db.session.scalars(known))) != len(district_codes):
        raise InfoError(_l("Kecamatan yang dipilih tidak dikenal."), "districts")
    if group_ids and len(set(db.session.scalars(
            select(KimGroup.id).where(KimGroup.id.in_(group_ids))))) != len(group_ids):
        raise InfoError(_l("KIM yang dipilih tidak dikenal."), "groups")

    announcement = Announcement(
        author_id=author.id,
        kim_group_id=kim_group.id if kim_group is not None else None,
        title=title.strip(), body=body.strip(), audience=audience, expires_on=expires_on,
        photo=photo, document=document, submission_key=submission_key or None,
        published_at=utcnow(), source_thread_id=source_thread.id if source_thread else None,
    )
    db.session.add(announcement)
    db.session.flush()
    db.session.add_all(AnnouncementDistrict(announcement_id=announcement.id, district_code=code)
                       for code in district_codes)
    db.session.add_all(AnnouncementKim(announcement_id=announcement.id, group_id=group_id)
                       for group_id in group_ids)
    db.session.flush()
    record(author, "announcement.publish", "announcement", announcement.id,
           kim_group_id=announcement.kim_group_id, audience=audience.value,
           districts=district_codes, groups=group_ids,
           source_thread=source_thread.code if source_thread else None)
    if kim_group is not None:
        _relay(announcement, kim_group, author, "", NoteLanguage.INDONESIA)
    return announcement


def relay(announcement: Announcement, group: KimGroup, user: User, note: str = "",
          language: NoteLanguage | str = NoteLanguage.INDONESIA) -> Relay:
    """A pengurus of a KIM in the audience passes the announcement on to its members."""
    if not permissions.is_pengurus(user, group):
        raise NotAllowedError(_l("Hanya pengurus KIM ini yang dapat meneruskan pengumuman."))
    if not in_audience(announcement, group):
        raise NotAllowedError(_l("Pengumuman ini tidak ditujukan untuk KIM ini."))
    if is_expired(announcement) or is_withdrawn(announcement):
        raise InfoError(_l("Pengumuman ini sudah berakhir dan tidak dapat diteruskan lagi."))
    if db.session.scalar(select(Relay.id).where(Relay.announcement_id == announcement.id,
                                                Relay.group_id == group.id)):
        raise InfoError(_l("%(name)s sudah meneruskan pengumuman ini.", name=group.name))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise InfoError(_l("Catatan paling banyak %(max)d karakter.", max=NOTE_MAX), "note")
    return _relay(announcement, group, user, note, NoteLanguage(language))


def _relay(announcement: Announcement, group: KimGroup, user: User, note: str,
           language: NoteLanguage) -> Relay:
    from flask import url_for

    relay_row = Relay(announcement_id=announcement.id, group_id=group.id, relayed_by_id=user.id,
                      note=note, note_lang=language)
    db.session.add(relay_row)
    db.session.flush()
    already = select(AnnouncementDelivery.user_id).where(
        AnnouncementDelivery.announcement_id == announcement.id)
    members = list(db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group.id, Membership.status == MembershipStatus.ACTIVE,
               User.active.is_(True), User.id != user.id, User.id.not_in(already))
    ))
    reached = deliver(
        members, "info.relay",
        _l("%(kim)s meneruskan pengumuman: %(title)s", kim=group.name,
           title=announcement.title),
        link=url_for("info.show", announcement_id=announcement.id),
    )
    now = utcnow()
    db.session.add_all(
        AnnouncementDelivery(announcement_id=announcement.id, user_id=member.id,
                             relay_id=relay_row.id, notified_at=now)
        for member, _notification in reached
    )
    record(user, "announcement.relay", "announcement", announcement.id, kim_group_id=group.id,
           notified=len(reached), note_lang=language.value)
    return relay_row


def record_open(announcement: Announcement, user) -> bool:
    """The person opened the announcement: count it once if a relay had reached them."""
    if not getattr(user, "is_authenticated", False):
        return False
    result = db.session.execute(
        update(AnnouncementDelivery)
        .where(AnnouncementDelivery.announcement_id == announcement.id,
               AnnouncementDelivery.user_id == user.id,
               AnnouncementDelivery.opened_at.is_(None))
        .values(opened_at=utcnow())
    )
    return bool(result.rowcount)


# Reach -------------------------------------------------------------------------------------

@dataclass
class ReachRow:
    group: KimGroup
    relay: Relay | None
    notified: int
    opened: int
    offline: int = 0  # people reached offline (dissemination reports)


@dataclass
class Reach:
    rows: list[ReachRow]
    notified: int
    opened: int
    offline: int = 0

    @property
    def relayed(self) -> int:
        return sum(1 for row in self.rows if row.relay is not None)


def reach(announcement: Announcement) -> Reach:
    """Which targeted KIMs relayed it and when, how many members were notified and
    opened it, and how many people the KIMs reached offline (their dissemination
    reports). Four queries, whatever the numbers."""
    groups = targeted_groups(announcement)
    relays = {relay_row.group_id: relay_row for relay_row in relays_of(announcement)}
    counts = {
        relay_id: (notified, opened)
        for relay_id, notified, opened in db.session.execute(
            select(AnnouncementDelivery.relay_id, func.count(),
                   func.count(AnnouncementDelivery.opened_at))
            .where(AnnouncementDelivery.announcement_id == announcement.id)
            .group_by(AnnouncementDelivery.relay_id)
        )
    }
    offline = dict(db.session.execute(
        select(DisseminationReport.group_id, func.sum(DisseminationReport.people))
        .where(DisseminationReport.announcement_id == announcement.id)
        .group_by(DisseminationReport.group_id)).all())
    rows = []
    seen = set()
    for group in groups:
        relay_row = relays.get(group.id)
        notified, opened = counts.get(relay_row.id, (0, 0)) if relay_row else (0, 0)
        rows.append(ReachRow(group, relay_row, notified, opened, offline.get(group.id, 0)))
        seen.add(group.id)
    # A KIM that relayed but has since left the audience (e.g. became inactive) still counts.
    for group_id, relay_row in relays.items():
        if group_id not in seen:
            notified, opened = counts.get(relay_row.id, (0, 0))
            rows.append(ReachRow(relay_row.group, relay_row, notified, opened,
                                 offline.get(group_id, 0)))
    return Reach(rows, sum(n for n, _o in counts.values()), sum(o for _n, o in counts.values()),
                 sum(offline.values()))


# Sharing -----------------------------------------------------------------------------------

def plain_text(markdown_source: str, limit: int = 400) -> str:
    text = unescape(nh3.clean(str(render_markdown(markdown_source)), tags=set()))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def share_text(announcement: Announcement, relay_row: Relay | None = None) -> str:
    """A ready message for a village WhatsApp group: note, title, summary and the link."""
    from flask import url_for

    parts = []
    if relay_row is not None and relay_row.note:
        parts.append(relay_row.note)
    parts.append(f"*{announcement.title}*")
    parts.append(plain_text(announcement.body))
    parts.append(_("Selengkapnya: %(url)s",
                   url=absolute_url(url_for("info.show", announcement_id=announcement.id))))
    return "\n\n".join(parts)


def whatsapp_link(text: str) -> str:
    return "https://wa.me/?text=" + quote(text, safe="")
