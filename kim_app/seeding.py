"""Reference data from `seeds/`: official regions, the KIM groups, categories and agencies.

Everything is loaded for one regency, the one in `KIM_REGENCY` (the app's `REGENCY_CODE`):
its regions from `seeds/regions/<code>/`, its KIM groups from `seeds/kim_groups/<code>.csv`.
A regency without a KIM list starts with no KIM groups (admins create them) and the report
says so. Question categories and agencies are the same for every regency.

Loading is idempotent: rows are matched by their official code (regions) or slug (KIM
groups), created when missing and updated only when the seed file says something else.
A KIM group's village is resolved by name *within its kecamatan*, never by name alone,
and the seed stops with an error if any name does not resolve to exactly one village.
"""

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from kim_app.extensions import db
from kim_app.models import Agency, Category, District, KimGroup, Village

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


class SeedError(RuntimeError):
    """The seed files do not say one unambiguous thing; nothing was written."""


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    # What the people running the seed should know (e.g. "no KIM list for this regency").
    notes: list[str] = field(default_factory=list)

    def count(self, kind: str, what: str) -> None:
        bucket = self.created if kind == "created" else self.updated
        bucket[what] = bucket.get(what, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _name_key(name: str) -> str:
    """Case and spacing do not matter ("Jepat Lor" = "jepatlor"); letters do."""
    return re.sub(r"[\s\-]+", "", name).casefold()


def _upsert(report: SeedReport, what: str, existing, model, key: str, values: dict,
            create_only: tuple[str, ...] = ()) -> None:
    """Create the row, or bring it in line with the seed (except `create_only` fields,
    which belong to the people running the portal once the row exists)."""
    row = existing.get(values[key])
    if row is None:
        db.session.add(model(**values))
        report.count("created", what)
        return
    changed = False
    for name, value in values.items():
        if name not in create_only and getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:
        report.count("updated", what)


def regency_code() -> str:
    return current_app.config["REGENCY_CODE"]


def load_regions(report: SeedReport, seeds: Path = SEEDS, regency: str | None = None) -> None:
    regency = regency or regency_code()
    folder = seeds / "regions" / regency
    if not (folder / "villages.csv").is_file() or not (folder / "districts.csv").is_file():
        raise SeedError(
            f"no regions for regency {regency}: seeds/regions/{regency}/ is missing; create it "
            f"with KIM_REGENCY={regency} python seeds/regenerate_regions.py"
        )
    districts = _read_csv(folder / "districts.csv")
    villages = _read_csv(folder / "villages.csv")
    if not districts or not villages:
        raise SeedError(f"seeds/regions/{regency} holds no districts or villages")
    district_codes = {row["code"] for row in districts}
    outside = [row["code"] for row in districts if not row["code"].startswith(regency + ".")]
    if outside:
        raise SeedError(f"districts outside regency {regency}: {', '.join(outside[:5])}")
    strays = [row["code"] for row in villages if row["district_code"] not in district_codes]
    if strays:
        raise SeedError(f"villages outside the seeded districts: {', '.join(strays[:5])}")

    existing_districts = {d.code: d for d in db.session.scalars(select(District))}
    for row in districts:
        _upsert(report, "district", existing_districts, District, "code",
                {"code": row["code"], "name": row["name"]})
    db.session.flush()
    existing_villages = {v.code: v for v in db.session.scalars(select(Village))}
    for row in villages:
        _upsert(report, "village", existing_villages, Village, "code",
                {"code": row["code"], "district_code": row["district_code"], "name": row["name"]})
    db.session.flush()


def resolve_kim_villages(rows: list[dict[str, str]], regency: str | None = None) -> dict[str, str]:
    """Map each KIM slug to its village code within the regency, or raise SeedError naming
    every problem."""
    prefix = (regency or regency_code()) + ".%"
    districts_by_name: dict[str, list[District]] = {}
    for district in db.session.scalars(select(District).where(District.code.like(prefix))):
        districts_by_name.setdefault(_name_key(district.name), []).append(district)
    villages_by_district: dict[str, list[Village]] = {}
    for village in db.session.scalars(select(Village).where(Village.code.like(prefix))):
        villages_by_district.setdefault(village.district_code, []).append(village)

    problems: list[str] = []
    resolved: dict[str, str] = {}
    for row in rows:
        label = f"{row['name']} (Kec. {row['district']})"
        districts = districts_by_name.get(_name_key(row["district"]), [])
        if len(districts) != 1:
            problems.append(f"{label}: kecamatan matches {len(districts)} districts, not 1")
            continue
        wanted = row.get("official_village_name") or row["village"]
        matches = [
            v for v in villages_by_district.get(districts[0].code, [])
            if _name_key(v.name) == _name_key(wanted)
        ]
        if len(matches) != 1:
            problems.append(
                f"{label}: village {wanted!r} matches {len(matches)} villages in "
                f"Kec. {districts[0].name}, not 1"
            )
            continue
        resolved[row["slug"]] = matches[0].code
    slugs = [row["slug"] for row in rows]
    duplicates = sorted({s for s in slugs if slugs.count(s) > 1})
    if duplicates:
        problems.append(f"duplicate slugs: {', '.join(duplicates)}")
    if problems:
        raise SeedError("KIM groups do not resolve:\n  " + "\n  ".join(problems))
    return resolved


def load_kim_groups(report: SeedReport, seeds: Path = SEEDS, regency: str | None = None) -> None:
    regency = regency or regency_code()
    path = seeds / "kim_groups" / f"{regency}.csv"
    if not path.is_file():
        report.notes.append(
            f"no KIM list for regency {regency} (seeds/kim_groups/{regency}.csv): the portal "
            f"starts with no KIM groups; admins create them"
        )
        return
    rows = _read_csv(path)
    codes = resolve_kim_villages(rows, regency)
    existing = {g.slug: g for g in db.session.scalars(select(KimGroup))}
    for row in rows:
        _upsert(report, "kim_group", existing, KimGroup, "slug",
                {"slug": row["slug"], "name": row["name"], "village_code": codes[row["slug"]]},
                create_only=("name",))
    db.session.flush()


def load_thread_references(report: SeedReport, seeds: Path = SEEDS) -> None:
    """Question categories and agencies (OPD). Matched by slug; once a row exists its
    name, description, order and active flag belong to the admins who edit them, so a
    later seed only adds what is missing."""
    existing = {c.slug: c for c in db.session.scalars(select(Category))}
    for position, row in enumerate(_read_csv(seeds / "categories.csv")):
        _upsert(report, "category", existing, Category, "slug",
                {"slug": row["slug"], "name": row["name"], "description": row["description"],
                 "position": position * 10, "active": True},
                create_only=("name", "description", "position", "active"))
    existing = {a.slug: a for a in db.session.scalars(select(Agency))}
    for row in _read_csv(seeds / "agencies.csv"):
        _upsert(report, "agency", existing, Agency, "slug",
                {"slug": row["slug"], "name": row["name"], "short_name": row["short_name"],
                 "active": True},
                create_only=("name", "short_name", "active"))
    db.session.flush()


def seed_reference_data(seeds: Path = SEEDS, regency: str | None = None) -> SeedReport:
    """Regions and KIM groups of the regency, question categories and agencies, in one
    transaction: all of it lands, or none."""
    report = SeedReport()
    regency = regency or regency_code()
    try:
        load_regions(report, seeds, regency)
        load_kim_groups(report, seeds, regency)
        load_thread_references(report, seeds)
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    return report
