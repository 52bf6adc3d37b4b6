"""Tracking codes: how they are made, how what people type is read, how a code is found.

A code such as `TNY-26-4K7Q` is the year (two digits) and four characters from an
alphabet without 0/O and 1/I, so it can be read aloud over the phone. People type it in any
case and spacing (`tny 26 4k7q`, `TNY-26-4K7Q`), or only its last four characters (`4K7Q`),
which is what they remember. `read` turns any of these into a `CodeQuery`; `find` answers
with the threads of that code the person may see (a short form can match one thread per
year).

The search box of `/tanya/` opens a thread when the query is a whole code, or a short form
with a digit in it; a short form of letters only (`DESA`, `BANK`) is also an ordinary word,
so there the search runs and the matching thread is offered above the results.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from kim_app.common.workdays import local_date
from kim_app.extensions import db
from kim_app.models import Thread, utcnow

PREFIX = "TNY"
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, no 1/I
CODE_LENGTH = 4
YEARS_BACK = 10  # a short form is looked for in the codes of this many past years


def new_code(moment: datetime | None = None) -> str:
    year = local_date(moment or utcnow()).year % 100
    tail = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{PREFIX}-{year:02d}-{tail}"


@dataclass(frozen=True)
class CodeQuery:
    """A code as typed: the whole stored form, or only its tail (any year)."""

    tail: str
    year: str = ""  # two digits; empty for the short form

    @property
    def code(self) -> str:
        """The stored form, or "" for a short form."""
        return f"{PREFIX}-{self.year}-{self.tail}" if self.year else ""

    @property
    def surely_a_code(self) -> bool:
        """A whole code, or a short form no word looks like (it has a digit)."""
        return bool(self.year) or any(ch.isdigit() for ch in self.tail)


def _cleaned(text: str | None) -> str:
    return "".join(ch for ch in (text or "")[:40].upper() if ch.isalnum())


def read(text: str | None) -> CodeQuery | None:
    """What people type → a `CodeQuery`, or None when it is not a code."""
    cleaned = _cleaned(text)
    if len(cleaned) == len(PREFIX) + 2 + CODE_LENGTH and cleaned.startswith(PREFIX):
        year, tail = cleaned[3:5], cleaned[5:]
        if not year.isdigit():
            return None
    elif len(cleaned) == CODE_LENGTH:
        year, tail = "", cleaned
    else:
        return None
    if not set(tail) <= set(CODE_ALPHABET):
        return None
    return CodeQuery(tail=tail, year=year)


def normalise_code(text: str | None) -> str:
    """A whole code as typed → the stored form, or "" (a short form is not enough here)."""
    query = read(text)
    return query.code if query is not None else ""


def find(query: CodeQuery, user) -> list[Thread]:
    """The threads of this code that `user` may see, newest first (at most a few)."""
    from kim_app.threads.services import can_view

    if query.year:
        codes = [query.code]
    else:
        # Whole codes of the recent years, so the lookup reads the unique index on `code`.
        this_year = local_date(utcnow()).year
        codes = [f"{PREFIX}-{year % 100:02d}-{query.tail}"
                 for year in range(this_year - YEARS_BACK, this_year + 1)]
    candidates = db.session.scalars(
        select(Thread).where(Thread.code.in_(codes)).order_by(Thread.created_at.desc())).all()
    return [thread for thread in candidates if can_view(user, thread)]
