"""Who may see what: the one home of "verified before public" and "hidden means gone".

- A **question** is public once an officer has verified it (`lifecycle.VERIFIED`), unless
  it is private or hidden. Before that (baru) it exists for its asker, the pengurus of the
  KIM that submitted it, and officers; a rejected one (ditolak) for its asker and officers;
  a private one for its asker, that KIM's pengurus and officers; a hidden one for its
  asker and officers (moderators).
- A **reply** is public when its thread is and it is not hidden (internal notes never
  are); a hidden reply is seen by its author and moderators, marked hidden.
- A **product** is public when published, not hidden, and its business group is; a
  **business group** when not hidden and its KIM is; a **KIM profile** when the KIM is
  active and not hidden; an **announcement** when not hidden.
- Hidden content is seen, marked hidden, by the people who own it (its author; for a
  product its group's managers, for a business group its leaders, for a KIM its pengurus)
  and by moderators (`permissions.can_moderate`). Everyone else gets 404.

`is_public(item)` answers for a guest (Open Graph previews, statistics, the home page ask
it); `may_see(user, item)` for one person; the `*_clause` functions are the same rules as
SQL for lists and search, so a list never shows what the item's page would refuse.
"""

from flask_babel import format_date
from sqlalchemy import and_, or_, select, true

from kim_app.common import permissions
from kim_app.i18n import lazy_gettext as _l
from kim_app.models import (
    Announcement,
    BusinessGroup,
    BusinessMember,
    BusinessMemberStatus,
    BusinessRole,
    KimGroup,
    KimStatus,
    Post,
    PostKind,
    Product,
    Thread,
    ThreadStatus,
    Visibility,
)


def _verified() -> tuple[ThreadStatus, ...]:
    from kim_app.threads.lifecycle import VERIFIED  # lifecycle imports the thread services

    return VERIFIED


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_hidden(item) -> bool:
    return getattr(item, "hidden_at", None) is not None


# --- for a guest --------------------------------------------------------------------------

def is_public(item) -> bool:
    """True when a guest may see this thread, post, product, business group, announcement
    or KIM profile."""
    if item is None or is_hidden(item):
        return False
    if isinstance(item, Thread):
        return item.visibility != Visibility.PRIVATE and item.status in _verified()
    if isinstance(item, Post):
        return item.kind != PostKind.INTERNAL_NOTE and is_public(item.thread)
    if isinstance(item, Product):
        return bool(item.published) and is_public(item.business_group)
    if isinstance(item, BusinessGroup):
        return is_public(item.kim_group)
    if isinstance(item, KimGroup):
        return item.status == KimStatus.AKTIF
    if isinstance(item, Announcement):
        return True
    raise TypeError(f"no visibility rule for {type(item).__name__}")


def public_thread_clause():
    """SQL twin of `is_public` for threads."""
    return and_(Thread.visibility != Visibility.PRIVATE, Thread.status.in_(_verified()),
                Thread.hidden_at.is_(None))


def public_kim_clause():
    """SQL: the KIM profile is public (KimGroup in the query)."""
    return and_(KimGroup.status == KimStatus.AKTIF, KimGroup.hidden_at.is_(None))


def public_business_group_clause():
    """SQL: the business group is public (BusinessGroup and its KimGroup joined)."""
    return and_(BusinessGroup.hidden_at.is_(None), public_kim_clause())


def public_product_clause():
    """SQL: the product is public (Product, BusinessGroup and KimGroup joined)."""
    return and_(Product.published.is_(True), Product.hidden_at.is_(None),
                public_business_group_clause())


def public_announcement_clause():
    return Announcement.hidden_at.is_(None)


# --- for one person -----------------------------------------------------------------------

def owns(user, item) -> bool:
    """The person answers for this item: they see it while hidden and are told when a
    moderator hides or redacts it."""
    if not _authenticated(user):
        return False
    if isinstance(item, Thread | Post | Announcement):
        return item.author_id == user.id
    if isinstance(item, Product):
        return permissions.business_authority(user, item.business_group).manages_products
    if isinstance(item, BusinessGroup):
        return permissions.business_authority(user, item).leads
    if isinstance(item, KimGroup):
        return permissions.is_pengurus(user, item)
    return False


def _not_hidden_for(user, item) -> bool:
    return not is_hidden(item) or permissions.can_moderate(user) or owns(user, item)


def may_see(user, item) -> bool:
    """The person may open this item's page (otherwise: 404). Unpublished products are
    the business pages' own rule (only managers know of them)."""
    if isinstance(item, Thread):
        return can_see_thread(user, item)
    if isinstance(item, Post):
        return can_see_post(user, item)
    if not _not_hidden_for(user, item):
        return False
    if isinstance(item, Product):
        return may_see(user, item.business_group)
    if isinstance(item, BusinessGroup):
        return may_see(user, item.kim_group)
    return True


def can_see_thread(user, thread: Thread) -> bool:
    if permissions.can_moderate(user):
        return True
    if is_public(thread):
        return True
    if not _authenticated(user):
        return False
    if thread.author_id == user.id:
        return True
    if is_hidden(thread) or thread.status == ThreadStatus.DITOLAK:
        return False
    group = thread.submitted_via_kim
    return group is not None and permissions.is_pengurus(user, group)


def thread_clause(user):
    """SQL twin of `can_see_thread`: the threads this person may see (one query for the
    person's KIM roles)."""
    if permissions.can_moderate(user):
        return true()
    public = public_thread_clause()
    if not _authenticated(user):
        return public
    alternatives = [public, Thread.author_id == user.id]
    groups = permissions.group_ids_where(user, pengurus_only=True)
    if groups:
        alternatives.append(and_(Thread.submitted_via_kim_id.in_(groups),
                                 Thread.status != ThreadStatus.DITOLAK,
                                 Thread.hidden_at.is_(None)))
    return or_(*alternatives)


def can_see_post(user, post: Post) -> bool:
    """Within a thread the person sees: internal notes for officers only; a hidden post for
    its author and moderators."""
    if not can_see_thread(user, post.thread):
        return False
    if post.kind == PostKind.INTERNAL_NOTE:
        return permissions.is_petugas(user)
    return _not_hidden_for(user, post)


def post_clause(user):
    """SQL twin of `can_see_post` for the posts of one thread the person sees."""
    if permissions.can_moderate(user):
        return true()
    shown = and_(Post.kind != PostKind.INTERNAL_NOTE, Post.hidden_at.is_(None))
    if not _authenticated(user):
        return shown
    return or_(shown, and_(Post.kind != PostKind.INTERNAL_NOTE, Post.author_id == user.id))


def thread_audience_note(thread: Thread):
    """What the thread page tells the few who see a question that is not public (None
    when it is): who sees it, and for a new one by when an officer verifies it."""
    if is_hidden(thread):
        return _l("Pertanyaan ini disembunyikan petugas moderasi. Hanya penanya dan petugas "
                  "yang dapat melihatnya.")
    if thread.status == ThreadStatus.DITOLAK:
        return _l("Pertanyaan ini ditolak, jadi tidak tampil untuk umum. Hanya penanya dan "
                  "petugas yang dapat melihatnya.")
    if thread.status not in _verified():
        due = thread.verify_due_on
        text = _l("Pertanyaan ini menunggu verifikasi petugas dan belum tampil untuk umum. "
                  "Sampai diverifikasi, hanya penanya, pengurus KIM yang mengajukannya, dan "
                  "petugas yang dapat melihatnya.")
        if due is None:
            return text
        return _l("%(text)s Batas verifikasi: %(date)s.", text=text, date=format_date(due, "long"))
    return None


# --- lists for one person: the public rows, and the hidden ones the person owns ----------
# (moderators see every hidden row; the page marks it hidden)

def _managed_groups(user):
    return select(BusinessMember.business_group_id).where(
        BusinessMember.user_id == user.id, BusinessMember.status == BusinessMemberStatus.ACTIVE,
        BusinessMember.role == BusinessRole.PENGELOLA)


def product_clause(user):
    """Products listed for this person (Product, BusinessGroup and KimGroup joined)."""
    if permissions.can_moderate(user):
        return and_(Product.published.is_(True), KimGroup.status == KimStatus.AKTIF)
    public = public_product_clause()
    if not _authenticated(user):
        return public
    return or_(public, and_(Product.published.is_(True), KimGroup.status == KimStatus.AKTIF,
                            Product.business_group_id.in_(_managed_groups(user))))


def business_group_clause(user, kim_group: KimGroup):
    """The business groups of this KIM listed for this person (its pengurus see them all,
    a manager the hidden group they manage)."""
    if permissions.can_moderate(user) or permissions.is_pengurus(user, kim_group):
        return true()
    if not _authenticated(user):
        return BusinessGroup.hidden_at.is_(None)
    return or_(BusinessGroup.hidden_at.is_(None), BusinessGroup.id.in_(_managed_groups(user)))


def announcement_clause(user):
    if permissions.can_moderate(user):
        return true()
    if not _authenticated(user):
        return public_announcement_clause()
    return or_(public_announcement_clause(), Announcement.author_id == user.id)


def kim_clause(user):
    """KIM groups listed for this person (the directory adds its own status filter)."""
    if permissions.can_moderate(user):
        return true()
    groups = permissions.group_ids_where(user, pengurus_only=True)
    if groups:
        return or_(KimGroup.hidden_at.is_(None), KimGroup.id.in_(groups))
    return KimGroup.hidden_at.is_(None)
