"""Backups: the database and the media folder, together, and their restore.

`flask backup` writes one folder `kim-<UTC time>/` holding
- `database.dump`: PostgreSQL's custom format (`pg_dump -Fc`), or `database.sqlite3`: a
  consistent copy made with SQLite's online backup API while the app keeps running;
- `media.tar`: the upload folder (photo renditions, PDFs), taken *after* the database, so
  every photo the database knows is in it (a photo uploaded in between is an unreferenced
  file that `flask sweep-media` removes after the restore).

`flask restore <folder>` loads such a folder into an *empty* database (`pg_restore`, or the
backup API the other way) and unpacks the media into the configured upload folder. It
refuses a database that already has tables, so it never mixes two portals.
"""

import os
import shutil
import sqlite3
import subprocess  # nosec B404 (pg_dump and pg_restore, with argument lists, no shell)
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from kim_app.common.uploads import upload_dir
from kim_app.extensions import db

PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA = "media.tar"


class BackupError(RuntimeError):
    """The backup or restore cannot be done (shown to the operator as is)."""


def _url() -> URL:
    return make_url(db.engine.url)


def _libpq(url: URL) -> tuple[str, dict]:
    """A libpq connection string without the password, and an environment carrying it
    (so it never shows in the process list)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools")
    return path


def _run(args: list[str], env: dict) -> None:
    done = subprocess.run(  # noqa: S603  # nosec B603
        args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()}")


def create(destination: Path) -> Path:
    """Write a backup folder under `destination`; returns it."""
    folder = Path(destination) / datetime.now(UTC).strftime("kim-%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=False)
    url = _url()
    if url.get_backend_name() == "postgresql":
        conninfo, env = _libpq(url)
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
              f"--file={folder / PG_DUMP}", f"--dbname={conninfo}"], env)
    elif url.get_backend_name() == "sqlite":
        raw = db.engine.raw_connection()
        try:
            with sqlite3.connect(folder / SQLITE_COPY) as copy:
                raw.driver_connection.backup(copy)
            copy.close()
        finally:
            raw.close()
    else:
        raise BackupError(f"no backup for {url.get_backend_name()} databases")
    media = upload_dir()
    with tarfile.open(folder / MEDIA, "w") as archive:
        if media.is_dir():
            for path in sorted(media.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(media)))
    return folder


def restore(folder: Path) -> None:
    """Load the backup `folder` into the (empty) configured database and upload folder."""
    folder = Path(folder)
    if not (folder / MEDIA).is_file():
        raise BackupError(f"{folder} is not a backup folder (no {MEDIA})")
    if inspect(db.engine).get_table_names():
        raise BackupError("the database is not empty: restore only into a new database")
    url = _url()
    if url.get_backend_name() == "postgresql":
        if not (folder / PG_DUMP).is_file():
            raise BackupError(f"{folder} holds no PostgreSQL dump ({PG_DUMP})")
        conninfo, env = _libpq(url)
        _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
              "--single-transaction", f"--dbname={conninfo}", str(folder / PG_DUMP)], env)
    elif url.get_backend_name() == "sqlite":
        if not (folder / SQLITE_COPY).is_file():
            raise BackupError(f"{folder} holds no SQLite copy ({SQLITE_COPY})")
        raw = db.engine.raw_connection()
        try:
            with sqlite3.connect(folder / SQLITE_COPY) as source:
                source.backup(raw.driver_connection)
            source.close()
        finally:
            raw.close()
    else:
        raise BackupError(f"no restore for {url.get_backend_name()} databases")
    db.engine.dispose()
    media = upload_dir()
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA) as archive:
        archive.extractall(media, filter="data")  # no absolute paths, no "..", no devices
