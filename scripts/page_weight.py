"""Page weight: bytes of HTML, CSS and JS a first visit downloads, raw and gzip -9.

Usage: `.venv/bin/python scripts/page_weight.py / /kim/` (uses the configured database;
run `make run` once first so it is migrated and seeded).
"""

import gzip
import re
import sys

from kim_app import create_app


def weigh(client, path: str) -> dict[str, tuple[int, int]]:
    html = client.get(path).get_data()
    sizes = {"html": (len(html), len(gzip.compress(html, 9)))}
    for kind, pattern in (("css", rb'<link rel="stylesheet" href="([^"]+)"'),
                          ("js", rb'<script src="([^"]+)"')):
        raw = packed = 0
        for url in re.findall(pattern, html):
            response = client.get(url.decode())
            body = response.get_data()
            response.close()
            raw += len(body)
            packed += len(gzip.compress(body, 9))
        sizes[kind] = (raw, packed)
    return sizes


def main(paths: list[str]) -> None:
    client = create_app().test_client()
    for path in paths or ["/", "/kim/"]:
        sizes = weigh(client, path)
        total_raw = sum(raw for raw, _ in sizes.values())
        total_gz = sum(gz for _, gz in sizes.values())
        parts = ", ".join(f"{k} {raw:,} B ({gz:,} B gz)" for k, (raw, gz) in sizes.items())
        print(f"{path}: {parts}; total {total_raw:,} B ({total_gz:,} B gzip)")


if __name__ == "__main__":
    main(sys.argv[1:])
