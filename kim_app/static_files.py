"""Static files, precompressed.

`flask --app wsgi precompress-static` (`make install` runs it) writes a brotli (`.br`) and
a gzip (`.gz`) copy beside every text file under `static/`, once, at the highest levels; the
static route then sends the copy the browser accepts (`Content-Encoding`, `Vary:
Accept-Encoding`) instead of the file itself, so nothing is compressed per request and a
proxy in front needs no compression of its own. Without the copies the files go out as
they are. Pages are compressed per response by flask-compress (config `COMPRESS_*`).
"""

import gzip
import mimetypes
from pathlib import Path

import brotli
import click
from flask import Flask, current_app, request, send_from_directory
from werkzeug.security import safe_join

COMPRESSIBLE = (".css", ".js", ".svg", ".txt", ".json", ".map", ".html")
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def precompress(folder: Path) -> int:
    """Write the missing or outdated `.br` and `.gz` copies; the number written."""
    written = 0
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in COMPRESSIBLE:
            continue
        data = None
        for suffix, squeeze in ((".br", lambda raw: brotli.compress(raw, quality=11)),
                                (".gz", lambda raw: gzip.compress(raw, 9, mtime=0))):
            copy = path.with_name(path.name + suffix)
            if copy.exists() and copy.stat().st_mtime >= path.stat().st_mtime:
                continue
            data = path.read_bytes() if data is None else data
            copy.write_bytes(squeeze(data))
            written += 1
    return written


def _accepted(header: str) -> set[str]:
    accepted = set()
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if params.strip().replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            accepted.add(name.strip().lower())
    return accepted


def send_static(filename: str):
    folder = current_app.static_folder
    if Path(filename).suffix in COMPRESSIBLE:
        accepted = _accepted(request.headers.get("Accept-Encoding", ""))
        for encoding, suffix in ENCODINGS:
            if encoding not in accepted:
                continue
            copy = safe_join(folder, filename + suffix)
            if copy is None or not Path(copy).is_file():
                continue
            mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
            response = send_from_directory(folder, filename + suffix, mimetype=mimetype)
            response.headers["Content-Encoding"] = encoding
            response.vary.add("Accept-Encoding")
            return response
    response = send_from_directory(folder, filename)
    if Path(filename).suffix in COMPRESSIBLE:
        response.vary.add("Accept-Encoding")
    return response


@click.command("precompress-static")
def precompress_command() -> None:
    """Write brotli and gzip copies of the static text files (served instead of them)."""
    written = precompress(Path(current_app.static_folder))
    click.echo(f"{written} precompressed copies written")


def register(app: Flask) -> None:
    app.view_functions["static"] = send_static
    app.cli.add_command(precompress_command)
