"""Question threads: asking, who sees what, the public list, replies and follows.

Rules held here (what a status means and every status change are in `threads.lifecycle`):

- Visibility (the rules are `moderation.visibility`: verified before public, hidden means
  gone). A public thread shows its asker's name; an anonymous one is listed for everyone
  but names its asker to officers only (the asker sees "you"); a private one exists only
  for its asker, the pengurus of the KIM that submitted it, and officers: for anyone else
  it answers 404, as if it did not exist.
- A tracking code (`threads.tracking`) names every thread.
- A double submit of the ask form (the same random `submission_key`) finds the thread the
  first submit created instead of making a second one.
- An active KIM member may ask on behalf of a villager who is not online; the thread
  records the villager's name and the KIM it came through.
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, exists, func, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from kim_app.common import permissions
from kim_app.common.search import matches
from kim_app.common.submission import earlier_submission
from kim_app.common.workdays import add_working_days, local_date
from kim_app.extensions import db
from kim_app.models import (
    Category,
    District,
    KimGroup,
    Photo,
    Post,
    PostKind,
    Thread,
    ThreadFollow,
    ThreadPhoto,
    ThreadStatus,
    User,
    Village,
    Visibility,
    utcnow,
)
from kim_app.moderation import visibility
from kim_app.threads.tracking import new_code, normalise_code

MAX_PHOTOS = 3
PAGE_SIZE = 20


class ThreadError(ValueError):
    """A request the rules refuse; `message` is translated for the person."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --- who sees what ----------------------------------------------------------------------

def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def visible_clause(user):
    """WHERE clause: the threads this person may see (`moderation.visibility`)."""
    return visibility.thread_clause(user)


def can_view(user, thread: Thread) -> bool:
    return visibility.can_see_thread(user, thread)


def is_public_question(thread: Thread) -> bool:
    """A public question: what a guest reads and villagers may say "saya juga" to, listed
    on the home page once answered (the rule: `moderation.visibility.is_public`)."""
    return visibility.is_public(thread)


def public_question_clause():
    """SQL twin of `is_public_question`."""
    return visibility.public_thread_clause()


def is_asker(user, thread: Thread) -> bool:
    return _authenticated(user) and thread.author_id == user.id


def shows_asker_name(user, thread: Thread) -> bool:
    """Anonymous threads name their asker to officers only."""
    return thread.visibility != Visibility.ANONYMOUS or permissions.is_petugas(user)


def can_follow(user, thread: Thread) -> bool:
    return _authenticated(user) and can_view(user, thread)


def _person(relationship):
    """A person a thread page names: without the village and kecamatan a User brings along
    by default (two more joins per row that these pages never show; loaded if asked)."""
    return joinedload(relationship).lazyload(User.village)


def get_visible(code: str, user) -> Thread | None:
    """The thread with this code if the person may see it, with what its page shows."""
    code = normalise_code(code)
    if not code:
        return None
    thread = db.session.scalar(
        select(Thread).where(Thread.code == code).options(
            _person(Thread.author), _person(Thread.assignee),
            joinedload(Thread.category), joinedload(Thread.agency),
            joinedload(Thread.village), joinedload(Thread.submitted_via_kim),
            joinedload(Thread.duplicate_of),
            selectinload(Thread.photos),
        ))
    if thread is None or not can_view(user, thread):
        return None
    return thread


POSTS_SHOWN = 50


def _visible_posts_query(thread: Thread, user):
    """Internal notes only for officers, hidden replies only for their author and
    moderators (`moderation.visibility`)."""
    return (
        select(Post)
        .where(Post.thread_id == thread.id, visibility.post_clause(user))
        .options(_person(Post.author), joinedload(Post.agency),
                 joinedload(Post.document), selectinload(Post.photos))
    )


def visible_posts(thread: Thread, user, *, before: int | None = None,
                  limit: int = POSTS_SHOWN) -> tuple[list[Post], int | None]:
    """The thread's latest `limit` visible posts (before the post `before`, when given) in
    order, and the id to show earlier posts before, or None. Keyset by `(created_at, id)`
    compared as a row on `ix_post_thread_created`: a long thread costs what a short one
    does."""
    query = _visible_posts_query(thread, user)
    if before:
        anchor = select(Post.created_at).where(Post.id == before, Post.thread_id == thread.id)
        query = query.where(tuple_(Post.created_at, Post.id)
                            < tuple_(anchor.scalar_subquery(), before))
    rows = list(db.session.scalars(
        query.order_by(Post.created_at.desc(), Post.id.desc()).limit(limit + 1)).unique())
    earlier = len(rows) > limit
    posts = rows[:limit][::-1]
    return posts, (posts[0].id if earlier and posts else None)


def latest_answer(thread: Thread, user, *, shown: list[Post] | None = None,
                  all_shown: bool = False) -> Post | None:
    """The latest official answer the person may see. `shown`: the posts the page already
    loaded, in order (`visible_posts`); the answer is read from them when it is there, or
    when they are the whole thread (`all_shown`), without asking the database again."""
    answers = [post for post in shown or () if post.kind == PostKind.OFFICIAL_ANSWER]
    if answers:
        return answers[-1]
    if all_shown:
        return None
    return db.session.scalars(
        _visible_posts_query(thread, user).where(Post.kind == PostKind.OFFICIAL_ANSWER)
        .order_by(Post.created_at.desc(), Post.id.desc()).limit(1)).unique().first()


# --- asking -----------------------------------------------------------------------------

def find_submitted(submission_key: str | None, user) -> Thread | None:
    """The thread an earlier submit of the same form created for this person."""
    if not _authenticated(user):
        return None
    return earlier_submission(Thread, submission_key, author_id=user.id)


def kim_choices_for(user) -> list[KimGroup]:
    """Active KIM groups in which this person is an active member (may ask on behalf)."""
    ids = permissions.group_ids_where(user)
    if not ids:
        return []
    return list(db.session.scalars(
        select(KimGroup).where(KimGroup.id.in_(ids)).order_by(KimGroup.name)
    ))


@dataclass
class Question:
    title: str
    body: str
    category_id: int
    village_code: str
    visibility: Visibility = Visibility.PUBLIC
    on_behalf_name: str | None = None
    via_kim_id: int | None = None
    submission_key: str | None = None


def ask(author: User, question: Question, photos: list[Photo] = ()) -> tuple[Thread, bool]:
    """Create the thread (or find the one a double submit already created).

    Returns (thread, created). The caller commits; when `created` is False the caller
    should roll back (the photos of the second submit are not wanted).
    """
    earlier = find_submitted(question.submission_key, author)
    if earlier is not None:
        return earlier, False
    if question.via_kim_id is not None:
        if question.via_kim_id not in permissions.group_ids_where(author):
            raise ThreadError("not an active member of that KIM")
        if not (question.on_behalf_name or "").strip():
            raise ThreadError("on-behalf question without the villager's name")
    if len(photos) > MAX_PHOTOS:
        raise ThreadError("too many photos")
    now = utcnow()
    verify_due = add_working_days(local_date(now), current_app.config["VERIFY_DUE_WORKDAYS"])
    for _attempt in range(10):
        code = new_code(now)
        if db.session.scalar(select(exists().where(Thread.code == code))):
            continue
        thread = Thread(
            code=code,
            author_id=author.id,
            title=question.title.strip(),
            body=question.body.strip(),
            category_id=question.category_id,
            village_code=question.village_code,
            visibility=question.visibility,
            on_behalf_name=(question.on_behalf_name or "").strip() or None
            if question.via_kim_id else None,
            submitted_via_kim_id=question.via_kim_id,
            submission_key=question.submission_key or None,
            status=ThreadStatus.BARU,  # the stored due_on follows (threads.lifecycle)
            verify_due_on=verify_due,
            created_at=now,
            last_activity_at=now,
        )
        try:
            with db.session.begin_nested():
                db.session.add(thread)
                db.session.flush()
        except IntegrityError:
            earlier = find_submitted(question.submission_key, author)
            if earlier is not None:  # the same form, submitted twice at the same moment
                return earlier, False
            continue  # the code was taken in between: draw another
        for position, photo in enumerate(photos):
            db.session.add(ThreadPhoto(thread_id=thread.id, photo=photo, position=position))
        return thread, True
    raise RuntimeError("could not draw a free tracking code")  # pragma: no cover


# --- the public list --------------------------------------------------------------------

@dataclass
class ListFilters:
    status: str = ""
    category: str = ""
    kecamatan: str = ""
    show: str = ""  # "" (all), "saya" (mine), "diikuti" (followed), "titipan" (on behalf)
    q: str = ""
    sort: str = ""  # "" (newest), "saya-juga" (most "saya juga" first)

    def as_args(self) -> dict[str, str]:
        names = {"status": self.status, "kategori": self.category, "kecamatan": self.kecamatan,
                 "tampil": self.show, "q": self.q, "urut": self.sort}
        return {key: value for key, value in names.items() if value}


def parse_list_filters(args, user) -> ListFilters:
    """Read the filters from the query string; unknown values are dropped, not errors."""
    status = args.get("status", "")
    show = args.get("tampil", "")
    if show and not _authenticated(user):
        show = ""
    category = args.get("kategori", "")
    kecamatan = args.get("kecamatan", "")
    return ListFilters(
        status=status if status in {s.value for s in ThreadStatus} else "",
        category=category if category and len(category) <= 80 else "",
        kecamatan=kecamatan if len(kecamatan) <= 10 else "",
        show=show if show in {"saya", "diikuti", "titipan"} else "",
        q=(args.get("q", "") or "").strip()[:100],
        sort="saya-juga" if args.get("urut") == "saya-juga" else "",
    )


def _list_options():
    return (
        joinedload(Thread.category),
        joinedload(Thread.village),
        _person(Thread.author),
        joinedload(Thread.agency),
    )


def list_threads(filters: ListFilters, user, before: int | None = None,
                 limit: int = PAGE_SIZE) -> tuple[list[Thread], int | None]:
    """One page of threads, newest first (or most "saya juga" first), after the cursor
    `before` (a thread id).

    Keyset pagination on (created_at, id), or (me_too_count, id): the query cost does not
    grow with the page number. Returns the page and the cursor of the next page (None at
    the end).
    """
    query = select(Thread).where(visible_clause(user)).options(*_list_options())
    if filters.status:
        query = query.where(Thread.status == ThreadStatus(filters.status))
    if filters.category:
        query = query.join(Thread.category).where(Category.slug == filters.category)
    if filters.kecamatan:
        query = query.where(Thread.village_code.in_(
            select(Village.code).where(Village.district_code == filters.kecamatan)
        ))
    if filters.show == "saya":
        query = query.where(Thread.author_id == user.id)
    elif filters.show == "titipan":
        query = query.where(Thread.author_id == user.id, Thread.submitted_via_kim_id.is_not(None))
    elif filters.show == "diikuti":
        query = query.where(Thread.id.in_(
            select(ThreadFollow.thread_id).where(ThreadFollow.user_id == user.id)
        ))
    if filters.q:
        query = query.where(matches(Thread, filters.q))
    key = Thread.me_too_count if filters.sort == "saya-juga" else Thread.created_at
    if before:
        # A row comparison, which the index can answer (an OR of the two cases it cannot).
        anchor = select(key).where(Thread.id == before).scalar_subquery()
        query = query.where(tuple_(key, Thread.id) < tuple_(anchor, before))
    rows = list(db.session.scalars(
        query.order_by(key.desc(), Thread.id.desc()).limit(limit + 1)
    ).unique())
    next_cursor = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], next_cursor


def recently_answered(limit: int = 5) -> list[Thread]:
    """The latest answered public questions, newest answer first (the home page)."""
    return list(db.session.scalars(
        select(Thread).where(public_question_clause(), Thread.answered_at.is_not(None))
        .options(*_list_options())
        .order_by(Thread.answered_at.desc(), Thread.id.desc()).limit(limit)
    ).unique())


def active_categories() -> list[Category]:
    return list(db.session.scalars(
        select(Category).where(Category.active.is_(True)).order_by(Category.position,
                                                                    Category.name)
    ))


def districts() -> list[District]:
    return list(db.session.scalars(select(District).order_by(District.name)))


# --- replies and follows ----------------------------------------------------------------

def followers(thread: Thread) -> list[User]:
    return list(db.session.scalars(
        select(User).join(ThreadFollow, ThreadFollow.user_id == User.id)
        .where(ThreadFollow.thread_id == thread.id, User.active.is_(True))
    ))


def is_following(user, thread: Thread) -> bool:
    if not _authenticated(user):
        return False
    return db.session.scalar(select(exists().where(
        ThreadFollow.user_id == user.id, ThreadFollow.thread_id == thread.id
    )))


def follower_count(thread: Thread) -> int:
    return db.session.scalar(
        select(func.count()).select_from(ThreadFollow)
        .where(ThreadFollow.thread_id == thread.id)
    ) or 0


def set_following(user, thread: Thread, follow: bool) -> None:
    if not can_follow(user, thread):
        raise PermissionError
    if follow and not is_following(user, thread):
        try:
            with db.session.begin_nested():
                db.session.add(ThreadFollow(user_id=user.id, thread_id=thread.id))
        except IntegrityError:
            pass  # a double click: already following
    elif not follow:
        db.session.execute(delete(ThreadFollow).where(
            ThreadFollow.user_id == user.id, ThreadFollow.thread_id == thread.id
        ))


def officers() -> list:
    """Active officer accounts (for assigning a thread), as rows of what a choice of them
    shows: id, name, agency_id, is_admin (`threads.labels.officer_label`). Found by
    `ix_user_account_role` among all the accounts."""
    from kim_app.models import Role

    return list(db.session.execute(
        select(User.id, User.name, User.agency_id, (User.role == Role.ADMIN).label("is_admin"))
        .where(User.role.in_((Role.PETUGAS, Role.ADMIN)), User.active.is_(True))
        .order_by(User.name)
    ))
