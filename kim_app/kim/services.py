"""Reading KIM groups: the directory and one group.

The public sees active groups only; admins see inactive ones too (they manage them).
"""

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from kim_app.extensions import db
from kim_app.models import District, KimGroup, KimStatus, Village


def directory(district_code: str | None = None) -> list[KimGroup]:
    """Active groups, by kecamatan then name; one query with village and kecamatan."""
    query = (
        select(KimGroup)
        .join(KimGroup.village)
        .join(Village.district)
        .options(contains_eager(KimGroup.village).contains_eager(Village.district))
        .where(KimGroup.status == KimStatus.AKTIF)
        .order_by(District.name, KimGroup.name)
    )
    if district_code:
        query = query.where(Village.district_code == district_code)
    return list(db.session.scalars(query).unique())


def districts_with_groups() -> list[tuple[str, str, int]]:
    """Kecamatan that have at least one active group, with the number of groups."""
    return [tuple(row) for row in db.session.execute(
        select(District.code, District.name, func.count(KimGroup.id))
        .join(Village, Village.district_code == District.code)
        .join(KimGroup, KimGroup.village_code == Village.code)
        .where(KimGroup.status == KimStatus.AKTIF)
        .group_by(District.code, District.name)
        .order_by(District.name)
    )]


def get_by_slug(slug: str, *, include_inactive: bool = False) -> KimGroup | None:
    query = select(KimGroup).where(KimGroup.slug == slug)
    if not include_inactive:
        query = query.where(KimGroup.status == KimStatus.AKTIF)
    return db.session.scalar(query)
