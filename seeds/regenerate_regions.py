#!/usr/bin/env python3
"""Regenerate seeds/regions/*.csv from the npm package ``idn-area-data``.

The package ships the official Kemendagri administrative area codes as CSV
files (``data/regencies.csv``, ``data/districts.csv``, ``data/villages.csv``).
This script extracts one regency (kabupaten/kota) with its districts
(kecamatan) and villages (desa/kelurahan) and writes, in a folder named
for the regency's code (``seeds/regions/33.18/`` for Kabupaten Pati):

    seeds/regions/<code>/regency.csv     code,name                (one row)
    seeds/regions/<code>/districts.csv   code,name
    seeds/regions/<code>/villages.csv    code,district_code,name

``flask seed`` loads the folder of the regency in ``KIM_REGENCY``.

Codes are written in dotted form (``33.18``, ``33.18.01``,
``33.18.01.2001``). The package version pinned below (4.0.1) already ships
dotted codes; undotted codes (``3318``, ``331801``, ``3318012001``) are also
accepted and converted, so older/newer package layouts keep working.

Names: version 4.0.1 ships names in Title Case (``Kabupaten Pati``,
``Gunungwungkal``, ``Pati Wetan``) and they are written EXACTLY as shipped.
Only a name that is entirely upper case (as older 3.x releases ship for
provinces/regencies, e.g. ``KABUPATEN PATI``) is converted to Title Case.

Output is UTF-8, with a header row, ``\\n`` line endings and sorted by code.

Usage:
    python seeds/regenerate_regions.py [--package-dir DIR]

    KIM_REGENCY   regency code, dotted form (default ``33.18`` = Kab. Pati)
    --package-dir an already extracted package directory (the one holding
                  ``data/``); without it, ``npm pack idn-area-data@VERSION``
                  is run in a temporary directory, which is removed afterwards.

Standard library only. The data is licensed under the ODbL; see
seeds/regions/SOURCE.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "idn-area-data"
PACKAGE_VERSION = "4.0.1"

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "regions"

# Segment widths of a Kemendagri code: province, regency, district, village.
_WIDTHS = (2, 2, 2, 4)


def dotted(code: str) -> str:
    """Normalise a Kemendagri code to dotted form (``3318`` -> ``33.18``)."""
    code = code.strip()
    if "." in code:
        return code
    if not code.isdigit():
        raise ValueError(f"unexpected area code {code!r}")
    parts, pos = [], 0
    for width in _WIDTHS:
        if pos >= len(code):
            break
        parts.append(code[pos:pos + width])
        pos += width
    if pos != len(code):
        raise ValueError(f"unexpected area code length {code!r}")
    return ".".join(parts)


def clean_name(name: str) -> str:
    """Keep the shipped name; only ALL-CAPS names become Title Case."""
    name = re.sub(r"\s+", " ", name.strip())
    if name.isupper():
        # str.title() would capitalise after apostrophes ("Ma'Ruf"); only
        # capitalise at the start and after spaces, hyphens, slashes, dots
        # and opening parentheses.
        lowered = name.lower()
        name = re.sub(r"(^|[\s\-/.(])([a-z])",
                      lambda m: m.group(1) + m.group(2).upper(), lowered)
    return name


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def npm_pack(dest: Path) -> Path:
    """Run ``npm pack`` into *dest* and extract it; return the package dir."""
    spec = f"{PACKAGE}@{PACKAGE_VERSION}"
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm not found: install Node.js/npm or pass --package-dir")
    result = subprocess.run(
        [npm, "pack", spec, "--silent"], cwd=dest, check=True,
        stdout=subprocess.PIPE, text=True)
    tgz = dest / result.stdout.strip().splitlines()[-1]
    with tarfile.open(tgz) as tar:
        tar.extractall(dest, filter="data")  # the project needs Python >= 3.11.4
    return dest / "package"


def package_version(package_dir: Path) -> str:
    pj = package_dir / "package.json"
    if pj.is_file():
        m = re.search(r'"version"\s*:\s*"([^"]+)"',
                      pj.read_text(encoding="utf-8"))
        if m:
            return m.group(1)
    return "unknown"


def generate(package_dir: Path, regency_code: str) -> tuple[int, int]:
    data = package_dir / "data"
    if not (data / "villages.csv").is_file():
        sys.exit(f"{data / 'villages.csv'} not found")

    regency = None
    for row in read_csv(data / "regencies.csv"):
        if dotted(row["code"]) == regency_code:
            regency = [regency_code, clean_name(row["name"])]
    if regency is None:
        sys.exit(f"regency {regency_code} not found in {PACKAGE}")

    districts = sorted(
        [dotted(r["code"]), clean_name(r["name"])]
        for r in read_csv(data / "districts.csv")
        if dotted(r["regency_code"]) == regency_code)
    district_codes = {d[0] for d in districts}

    villages = sorted(
        [dotted(r["code"]), dotted(r["district_code"]), clean_name(r["name"])]
        for r in read_csv(data / "villages.csv")
        if dotted(r["district_code"]) in district_codes)

    for code, district_code, _ in villages:
        if not code.startswith(district_code + "."):
            sys.exit(f"village {code} does not belong to {district_code}")

    out = OUT_DIR / regency_code
    write_csv(out / "regency.csv", ["code", "name"], [regency])
    write_csv(out / "districts.csv", ["code", "name"], districts)
    write_csv(out / "villages.csv",
              ["code", "district_code", "name"], villages)
    return len(districts), len(villages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--package-dir", type=Path,
                        help="extracted idn-area-data package directory")
    args = parser.parse_args(argv)

    regency_code = dotted(os.environ.get("KIM_REGENCY", "33.18"))
    if not re.fullmatch(r"\d{2}\.\d{2}", regency_code):
        sys.exit(f"KIM_REGENCY must be a regency code like 33.18, "
                 f"got {regency_code!r}")

    tmp = None
    try:
        if args.package_dir:
            package_dir = args.package_dir
        else:
            tmp = tempfile.mkdtemp(prefix="idn-area-data-")
            package_dir = npm_pack(Path(tmp))
        version = package_version(package_dir)
        n_districts, n_villages = generate(package_dir, regency_code)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    print(f"{PACKAGE} {version}: regency {regency_code}: "
          f"{n_districts} districts, {n_villages} villages -> "
          f"{(OUT_DIR / regency_code).relative_to(HERE.parent)}/")
    if version != PACKAGE_VERSION:
        print(f"note: package version {version} differs from pinned "
              f"{PACKAGE_VERSION}; update seeds/regions/SOURCE.md",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
