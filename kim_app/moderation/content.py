"""The kinds of content people can report, each named as audit events name objects
(`object_type`), with the word its report address uses, what the queue shows of it, its
link, and the people who answer for it (told when a moderator hides or redacts it)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kim_app.extensions import db
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import (
    Announcement,
    BusinessGroup,
    BusinessMember,
    BusinessMemberStatus,
    BusinessRole,
    KimGroup,
    MemberRole,
    Membership,
    MembershipStatus,
    Post,
    Product,
    Thread,
    User,
)

EXCERPT = 300


@dataclass(frozen=True)
class Kind:
    object_type: str
    model: type
    word: str  # in the report address: /lapor/<word>/<id>
    label: object  # what people call it ("balasan")
    title: Callable[[object], str]
    text: Callable[[object], str]
    link: Callable[[object], str]


def _thread_link(thread: Thread) -> str:
    return url_for("threads.show", code=thread.code)


KINDS = {kind.object_type: kind for kind in (
    Kind("thread", Thread, "pertanyaan", _l("pertanyaan"),
         lambda t: f"{t.code} · {t.title}", lambda t: t.body, _thread_link),
    Kind("post", Post, "balasan", _l("balasan"),
         lambda p: f"{p.thread.code} · {p.thread.title}", lambda p: p.body,
         lambda p: url_for("threads.show", code=p.thread.code, _anchor=f"post-{p.id}")),
    Kind("product", Product, "produk", _l("produk"),
         lambda p: p.name, lambda p: p.description,
         lambda p: url_for("business.product", group_slug=p.business_group.slug,
                           product_slug=p.slug)),
    Kind("business_group", BusinessGroup, "usaha", _l("kelompok usaha"),
         lambda g: g.name, lambda g: g.description,
         lambda g: url_for("business.group", group_slug=g.slug)),
    Kind("announcement", Announcement, "info", _l("pengumuman"),
         lambda a: a.title, lambda a: a.body,
         lambda a: url_for("info.show", announcement_id=a.id)),
    Kind("kim_group", KimGroup, "kim", _l("profil KIM"),
         lambda g: g.name, lambda g: f"{g.description}\n{g.contact}".strip(),
         lambda g: url_for("kim.show", slug=g.slug)),
)}
BY_WORD = {kind.word: kind for kind in KINDS.values()}
OBJECT_TYPES = {kind.model: kind.object_type for kind in KINDS.values()}


def kind_of(item) -> Kind:
    return KINDS[OBJECT_TYPES[type(item)]]


def load(object_type: str, object_id: int):
    kind = KINDS.get(object_type)
    return db.session.get(kind.model, object_id) if kind else None


def load_many(keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], object]:
    """The items named by (object_type, id), one query per kind."""
    wanted: dict[str, set[int]] = {}
    for object_type, object_id in keys:
        wanted.setdefault(object_type, set()).add(object_id)
    found = {}
    for object_type, ids in wanted.items():
        model = KINDS[object_type].model
        query = select(model).where(model.id.in_(ids))
        if model is Post:
            query = query.options(joinedload(Post.thread), joinedload(Post.author))
        for item in db.session.scalars(query):
            found[(object_type, item.id)] = item
    return found


def excerpt(item) -> str:
    text = kind_of(item).text(item) or ""
    return text if len(text) <= EXCERPT else text[:EXCERPT].rstrip() + "…"


def author_of(item) -> User | None:
    """The one person who wrote it, when there is one (questions, replies, announcements)."""
    return getattr(item, "author", None) if hasattr(item, "author_id") else None


def owners(item) -> list[User]:
    """The people who answer for the item: its author; a product's or a business group's
    managers; a KIM's pengurus."""
    author = author_of(item)
    if author is not None:
        return [author]
    if isinstance(item, Product | BusinessGroup):
        group_id = item.business_group_id if isinstance(item, Product) else item.id
        return list(db.session.scalars(
            select(User).join(BusinessMember, BusinessMember.user_id == User.id).where(
                BusinessMember.business_group_id == group_id,
                BusinessMember.status == BusinessMemberStatus.ACTIVE,
                BusinessMember.role == BusinessRole.PENGELOLA)))
    if isinstance(item, KimGroup):
        return list(db.session.scalars(
            select(User).join(Membership, Membership.user_id == User.id).where(
                Membership.group_id == item.id, Membership.status == MembershipStatus.ACTIVE,
                Membership.role != MemberRole.ANGGOTA)))
    return []


def kim_group_id(item) -> int | None:
    """The KIM an item belongs to, so its moderation shows in that KIM's history."""
    if isinstance(item, KimGroup):
        return item.id
    if isinstance(item, BusinessGroup):
        return item.kim_group_id
    if isinstance(item, Product):
        return item.business_group.kim_group_id
    if isinstance(item, Announcement):
        return item.kim_group_id
    if isinstance(item, Thread | Post):
        thread = item if isinstance(item, Thread) else item.thread
        return thread.submitted_via_kim_id
    return None
