"""Look-ups over the official regions, shared by every form that picks a village."""

from sqlalchemy import select

from kim_app.extensions import db
from kim_app.models import District, Village


def district_choices() -> list[tuple[str, str]]:
    return [tuple(row) for row in db.session.execute(
        select(District.code, District.name).order_by(District.name)
    )]


def village_choices(district_code: str | None) -> list[tuple[str, str]]:
    if not district_code:
        return []
    return [tuple(row) for row in db.session.execute(
        select(Village.code, Village.name)
        .where(Village.district_code == district_code)
        .order_by(Village.name)
    )]


def village_in_district(village_code: str, district_code: str | None) -> bool:
    if not district_code:
        return False
    return db.session.scalar(
        select(Village.code).where(
            Village.code == village_code, Village.district_code == district_code
        )
    ) is not None
