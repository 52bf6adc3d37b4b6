"""Threads made directly in the database for the statistics tests.

`hand_computed()` builds six questions whose figures were worked out by hand (see
tests/test_stats_figures.py for the arithmetic).
"""

from datetime import UTC, date, datetime, timedelta
from itertools import count

from sqlalchemy import insert

from kim_app.common.workdays import add_working_days
from kim_app.extensions import db
from kim_app.models import Agency, Category, Role, Thread, ThreadStatus, Visibility
from kim_app.stats import tally
from kim_app.threads import lifecycle
from tests.conftest import make_user

KEC_A = "33.18.17"  # Gunungwungkal
VILLAGE_A = "33.18.17.2003"
KEC_B = "33.18.14"  # Tlogowungu
VILLAGE_B = "33.18.14.2003"

_numbers = count(1)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def category(name="Kesehatan", slug=None) -> Category:
    # "uji-": the seeded categories (loaded for every test) already use the plain slugs.
    item = Category(name=name, slug=slug or "uji-" + name.lower().replace(" ", "-"))
    db.session.add(item)
    db.session.commit()
    return item


def agency(name="Dinas Kesehatan", slug=None) -> Agency:
    item = Agency(name=name, short_name=name[:10], slug=slug or name.lower().replace(" ", "-"))
    db.session.add(item)
    db.session.commit()
    return item


def thread(author, cat, *, created: datetime, village=VILLAGE_A, status=ThreadStatus.BARU,
           visibility=Visibility.PUBLIC, agency_=None, assignee=None, verified=None,
           first_response=None, answered=None, verify_due=None, answer_due=None,
           rating=None, kim=None, title=None, body="Isi pertanyaan") -> Thread:
    number = next(_numbers)
    item = Thread(
        code=f"TNY-T{number:05d}", author_id=author.id, category_id=cat.id,
        village_code=village, title=title or f"Pertanyaan nomor {number}", body=body,
        visibility=visibility, status=status, agency_id=agency_.id if agency_ else None,
        assignee_id=assignee.id if assignee else None, created_at=created,
        last_activity_at=created, verified_at=verified, first_response_at=first_response,
        answered_at=answered, verify_due_on=verify_due, answer_due_on=answer_due,
        rating=rating, submitted_via_kim_id=kim.id if kim else None,
    )
    db.session.add(item)
    db.session.flush()
    return item


def bulk_threads(author, cat, number: int, *, start: datetime, village=VILLAGE_A,
                 title: str = "Judul panjang " + "x" * 120, **values) -> None:
    """Many threads in one INSERT (for size tests); every third one answered.

    A bulk INSERT passes by the ORM's flush, so the stored due date is filled here, by the
    lifecycle's own rule, and the statistics' rows are built here (`tally.refresh`)."""
    rows = []
    for index in range(number):
        created = start + timedelta(minutes=index)
        answered = created + timedelta(hours=5 + index % 40) if index % 3 == 0 else None
        rows.append({
            "code": f"TNY-B{next(_numbers):06d}", "author_id": author.id,
            "category_id": cat.id, "village_code": village, "title": title,
            "body": "Isi", "visibility": Visibility.PUBLIC,
            "status": ThreadStatus.DIJAWAB if answered else ThreadStatus.DIPROSES,
            "created_at": created, "last_activity_at": created,
            "first_response_at": created + timedelta(hours=1), "answered_at": answered,
            "answer_due_on": (created + timedelta(days=14)).date(), "rating": index % 5 + 1,
            "reopen_count": 0, "rating_comment": "", **values,
        })
        row = rows[-1]
        row["due_on"] = lifecycle.current_due_on(row["status"], row.get("verify_due_on"),
                                                 row["answer_due_on"])
    ids = db.session.scalars(insert(Thread).returning(Thread.id), rows).all()
    tally.refresh(db.session.connection(), ids)
    db.session.commit()


def hand_computed():
    """Six questions in February 2025, two kecamatan, two categories, two agencies."""
    author = make_user(Role.WARGA, name="Penanya Rahasia")
    kesehatan = category("Kesehatan")
    pertanian = category("Pertanian")
    dinkes = agency("Dinas Kesehatan")
    dispertan = agency("Dinas Pertanian")
    friday = date(2025, 2, 7)
    due_friday = add_working_days(friday, 10)
    threads = {
        # Monday; response after 2 h, answer after 48 h, rated 5.
        "t1": thread(author, kesehatan, created=utc(2025, 2, 3, 1), agency_=dinkes,
                     status=ThreadStatus.SELESAI, verified=utc(2025, 2, 3, 3),
                     first_response=utc(2025, 2, 3, 3), answered=utc(2025, 2, 5, 1),
                     answer_due=date(2025, 2, 17), rating=5),
        # Anonymous; response after 4 h, answer after 96 h, rated 3.
        "t2": thread(author, kesehatan, created=utc(2025, 2, 4, 1), agency_=dinkes,
                     status=ThreadStatus.DIJAWAB, visibility=Visibility.ANONYMOUS,
                     first_response=utc(2025, 2, 4, 5), answered=utc(2025, 2, 8, 1),
                     answer_due=date(2025, 2, 18), rating=3),
        # Private, asked on a Friday: 10 working days later is Friday 21 February. The
        # answer came at 22:00 UTC on the 21st, which is already the 22nd in Pati: late.
        "t3": thread(author, pertanian, created=utc(2025, 2, 7, 1), agency_=dispertan,
                     status=ThreadStatus.DIJAWAB, visibility=Visibility.PRIVATE,
                     verified=utc(2025, 2, 7, 2), first_response=utc(2025, 2, 7, 2),
                     answered=utc(2025, 2, 21, 22), answer_due=due_friday),
        # Still being processed and past its due date; response after 10 h.
        "t4": thread(author, pertanian, created=utc(2025, 2, 10, 1), agency_=dispertan,
                     village=VILLAGE_B, status=ThreadStatus.DIPROSES,
                     first_response=utc(2025, 2, 10, 11), answer_due=date(2025, 2, 24)),
        # Rejected as spam: counted, left out of the shares.
        "t5": thread(author, kesehatan, created=utc(2025, 2, 11, 1), village=VILLAGE_B,
                     status=ThreadStatus.DITOLAK),
        # Answered after 8 h (the first response was the answer), rated 4.
        "t6": thread(author, pertanian, created=utc(2025, 2, 12, 1), agency_=dispertan,
                     village=VILLAGE_B, status=ThreadStatus.SELESAI,
                     first_response=utc(2025, 2, 12, 9), answered=utc(2025, 2, 12, 9),
                     answer_due=date(2025, 2, 26), rating=4),
    }
    db.session.commit()
    return {"author": author, "kesehatan": kesehatan, "pertanian": pertanian,
            "dinkes": dinkes, "dispertan": dispertan, **threads}
