"""Numbers from URLs, query strings and forms, read one way everywhere.

Ids live in 32-bit columns on PostgreSQL (int4): a number beyond 2³¹−1 can name no row, and
sending it to the database is an error (SQLite: beyond 2⁶³). So:
- the `<int:…>` URL converter accepts at most `MAX_ID`: a larger id matches no route (404);
- `to_int` reads a whole number written in ASCII digits within a range, or gives the
  default: "", " ", "-1", "²", "1e9" and 99999999999999999999 are not page numbers.
"""

import re

from flask import request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
_WHOLE = re.compile(r"[+-]?[0-9]{1,12}")


class IdConverter(IntegerConverter):
    """`<int:…>` limited to the ids a column can hold."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def to_int(value, default: int | None = None, minimum: int = 0,
           maximum: int = MAX_ID) -> int | None:
    """`value` as a whole number within [minimum, maximum], else `default`."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return default
    return number if minimum <= number <= maximum else default


def int_arg(name: str, default: int | None = None, minimum: int = 0,
            maximum: int = MAX_ID) -> int | None:
    """A whole-number query parameter (`?halaman=2`), or `default`."""
    return to_int(request.args.get(name), default, minimum, maximum)
