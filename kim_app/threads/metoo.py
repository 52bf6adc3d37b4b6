""""Saya juga": villagers mark a public question as theirs too, and duplicates merge.

Rules:
- a signed-in villager (not an officer) who is not the asker may mark a public question
  (`services.is_public_question`) once; they then follow it. A second mark, or two clicks
  at the same moment, change nothing: the (person, thread) pair is the primary key, and
  `Thread.me_too_count` is raised in SQL only by the insert that succeeded;
- merging (`lifecycle.merge`, an officer's step) moves the duplicate's followers, its
  "saya juga" marks and its asker over to the original (each once), and recounts both.
"""

from sqlalchemy import delete, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from kim_app.common import permissions
from kim_app.extensions import db
from kim_app.models import Thread, ThreadFollow, ThreadMeToo, User
from kim_app.threads import services


def may_say_me_too(user, thread: Thread) -> bool:
    return (getattr(user, "is_authenticated", False) and not permissions.is_petugas(user)
            and not services.is_asker(user, thread) and services.is_public_question(thread))


def has_said(user, thread: Thread) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(db.session.scalar(select(exists().where(
        ThreadMeToo.user_id == user.id, ThreadMeToo.thread_id == thread.id))))


def say_me_too(user: User, thread: Thread) -> bool:
    """Mark the question as the person's too, and follow it. True when this call marked it
    (False: it was marked already)."""
    if not may_say_me_too(user, thread):
        raise PermissionError
    # The thread's row first, as a merge takes it: a mark and a merge take turns.
    db.session.execute(select(Thread.id).where(Thread.id == thread.id).with_for_update())
    try:
        with db.session.begin_nested():
            db.session.add(ThreadMeToo(user_id=user.id, thread_id=thread.id))
            db.session.flush()
    except IntegrityError:
        return False  # marked before, or by the other of two clicks
    db.session.execute(update(Thread).where(Thread.id == thread.id)
                       .values(me_too_count=Thread.me_too_count + 1))
    services.set_following(user, thread, True)
    db.session.refresh(thread, ["me_too_count"])
    return True


def forget(user: User) -> None:
    """The person's account is deleted: their marks go, the counts follow."""
    marked = list(db.session.scalars(
        select(ThreadMeToo.thread_id).where(ThreadMeToo.user_id == user.id)))
    db.session.execute(delete(ThreadMeToo).where(ThreadMeToo.user_id == user.id))
    for thread_id in marked:
        _recount(thread_id)


def _recount(thread_id: int) -> None:
    counted = select(func.count()).select_from(ThreadMeToo).where(
        ThreadMeToo.thread_id == thread_id).scalar_subquery()
    db.session.execute(update(Thread).where(Thread.id == thread_id)
                       .values(me_too_count=counted))


def move_over(duplicate: Thread, original: Thread) -> list[User]:
    """Move the duplicate's followers and "saya juga" (its asker among them) to the
    original; returns the people moved (active ones), to be told."""
    followers = set(db.session.scalars(
        select(ThreadFollow.user_id).where(ThreadFollow.thread_id == duplicate.id)))
    marks = set(db.session.scalars(
        select(ThreadMeToo.user_id).where(ThreadMeToo.thread_id == duplicate.id)))
    marks.add(duplicate.author_id)
    followers.add(duplicate.author_id)
    marks.discard(original.author_id)
    followers.discard(original.author_id)
    have_followed = set(db.session.scalars(
        select(ThreadFollow.user_id).where(ThreadFollow.thread_id == original.id)))
    have_marked = set(db.session.scalars(
        select(ThreadMeToo.user_id).where(ThreadMeToo.thread_id == original.id)))
    db.session.execute(delete(ThreadFollow).where(ThreadFollow.thread_id == duplicate.id))
    db.session.execute(delete(ThreadMeToo).where(ThreadMeToo.thread_id == duplicate.id))
    if followers - have_followed:
        db.session.execute(insert(ThreadFollow), [
            {"user_id": user_id, "thread_id": original.id}
            for user_id in sorted(followers - have_followed)])
    if marks - have_marked:
        db.session.execute(insert(ThreadMeToo), [
            {"user_id": user_id, "thread_id": original.id}
            for user_id in sorted(marks - have_marked)])
    _recount(duplicate.id)
    _recount(original.id)
    db.session.refresh(original, ["me_too_count"])
    db.session.refresh(duplicate, ["me_too_count"])
    moved = followers | marks
    if not moved:
        return []
    return list(db.session.scalars(
        select(User).where(User.id.in_(moved), User.active.is_(True)).order_by(User.id)))
