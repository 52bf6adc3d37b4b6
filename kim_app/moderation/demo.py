"""Demo moderation: a reply on a verified demo question that gives away a phone number,
reported by two demo villagers, so `/admin/moderasi` has something to decide (one more
report would hide it). Idempotent."""

from sqlalchemy import select

from kim_app.auth import services as accounts
from kim_app.extensions import db
from kim_app.models import Post, PostKind, Report, ReportReason, Thread
from kim_app.threads import lifecycle

REPLY = "Kalau perlu, hubungi saya langsung di 0812-3456-7890 (WA)."
REPORTERS = (("081100000106", "Kok nomor HP pribadi ditulis di sini?"),
             ("081100000103", ""))


def load() -> str:
    thread = db.session.scalar(
        select(Thread).where(Thread.code.like("TNY-26-DEM%"),
                             Thread.status.in_(lifecycle.OPEN_FOR_REPLIES),
                             Thread.status.in_(lifecycle.VERIFIED)).order_by(Thread.code))
    if thread is None:
        return "Moderation: no verified demo question, nothing loaded."
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.body == REPLY))
    if post is None:
        post = Post(thread_id=thread.id, author_id=thread.author_id, kind=PostKind.REPLY,
                    body=REPLY)
        db.session.add(post)
        db.session.flush()
    added = 0
    for phone, text in REPORTERS:
        reporter = accounts.find_by_identifier(phone)
        if reporter is not None and db.session.scalar(select(Report.id).where(
                Report.reporter_id == reporter.id, Report.object_type == "post",
                Report.object_id == post.id)) is None:
            db.session.add(Report(reporter_id=reporter.id, object_type="post",
                                  object_id=post.id, reason=ReportReason.DATA_PRIBADI,
                                  text=text))
            added += 1
    return f"Moderation: {added} demo report(s) on a reply of {thread.code}."
