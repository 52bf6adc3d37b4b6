"""The stylesheets every page loads stay light for a cheap phone: 20 KB gzip in all."""

import gzip
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 20_000  # bytes, gzip -9


def test_the_stylesheets_of_every_page_fit_the_budget():
    base = (ROOT / "templates" / "base.html").read_text()
    sheets = re.findall(r"""static_url\('([^']+\.css)'\)""", base)
    assert "css/app.css" in sheets and len(sheets) >= 2  # Pico and ours
    total = sum(len(gzip.compress((ROOT / "static" / sheet).read_bytes(), 9)) for sheet in sheets)
    assert total <= BUDGET, f"{total} bytes gzip"
