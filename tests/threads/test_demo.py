"""`flask demo` fills the thread area: every status, answers, notes, ratings; idempotent."""

from datetime import date

from sqlalchemy import func, select

from kim_app.models import Post, PostKind, Thread, ThreadStatus, Visibility


def test_demo_threads_cover_every_status(runner, db, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Threads: 10 demo questions created." in result.output
    statuses = set(db.session.scalars(select(Thread.status)))
    assert statuses == set(ThreadStatus)
    kinds = set(db.session.scalars(select(Post.kind)))
    assert kinds == set(PostKind)
    assert db.session.scalar(select(func.count()).select_from(Thread).where(
        Thread.rating.is_not(None))) >= 1
    visibilities = set(db.session.scalars(select(Thread.visibility)))
    assert visibilities == set(Visibility)
    assert db.session.scalar(select(func.count()).select_from(Thread).where(
        Thread.submitted_via_kim_id.is_not(None))) == 2  # Siti's private one, Joko's titipan
    assert db.session.scalar(select(func.sum(Thread.me_too_count))) == 4
    duplicate = db.session.scalar(select(Thread).where(Thread.duplicate_of_id.is_not(None)))
    assert duplicate.status == ThreadStatus.DITOLAK
    overdue = db.session.scalar(select(Thread).where(Thread.code == "TNY-26-DEM3"))
    assert overdue.status == ThreadStatus.BARU and overdue.verify_due_on < date.today()
    posts = db.session.scalar(select(func.count()).select_from(Post))
    again = runner.invoke(args=["demo"])
    assert "demo questions already present" in again.output
    assert db.session.scalar(select(func.count()).select_from(Post)) == posts
    response = client.post("/auth/masuk", data={"identifier": "081100000002",
                                                "password": "pati-kim-demo"})
    assert response.status_code == 302
    html = client.get("/petugas/").get_data(as_text=True)
    assert "badge-overdue" in html
