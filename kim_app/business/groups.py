"""Business groups (kelompok usaha): each belongs to one KIM, whose pengurus (or an admin)
create it. Who may do what is `common.permissions.business_authority`; the people in a group
are `business.members`, its products `business.products`."""

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from kim_app.business.slugs import group_slug_for
from kim_app.common.audit import record
from kim_app.common.unique import add_with_slug
from kim_app.common.uploads import delete_photo, store_photo
from kim_app.extensions import db
from kim_app.models import BusinessGroup, KimGroup, KimStatus, Product, ProductCategory, User
from kim_app.moderation import visibility


def get_group(slug: str) -> BusinessGroup | None:
    """A group by slug; groups of an inactive KIM are hidden like the KIM itself."""
    return db.session.scalar(
        select(BusinessGroup).join(BusinessGroup.kim_group)
        .options(contains_eager(BusinessGroup.kim_group))
        .where(BusinessGroup.slug == slug, KimGroup.status == KimStatus.AKTIF)
    )


def groups_for_kim(kim_group: KimGroup, user=None,
                   limit: int | None = None) -> tuple[list[tuple[BusinessGroup, int]], bool]:
    """The KIM's business groups (`moderation.visibility`: hidden ones for the KIM's
    pengurus and moderators; the first `limit`, when given) with their number of public
    products, one query; and whether there are more."""
    published = (
        select(func.count(Product.id))
        .where(Product.business_group_id == BusinessGroup.id, Product.published.is_(True),
               Product.hidden_at.is_(None))
        .correlate(BusinessGroup)
        .scalar_subquery()
    )
    query = (
        select(BusinessGroup, published)
        .where(BusinessGroup.kim_group_id == kim_group.id,
               visibility.business_group_clause(user, kim_group))
        .order_by(BusinessGroup.name, BusinessGroup.id)
    )
    rows = [(group, count) for group, count in db.session.execute(
        query if limit is None else query.limit(limit + 1))]
    if limit is not None and len(rows) > limit:
        return rows[:limit], True
    return rows, False


def create_group(actor: User, kim_group: KimGroup, *, name: str, sector: str, description: str,
                 whatsapp: str, logo=None) -> BusinessGroup:
    group = BusinessGroup(
        kim_group=kim_group, name=name.strip(), slug=group_slug_for(name),
        sector=ProductCategory(sector), description=(description or "").strip(),
        whatsapp=whatsapp, created_by_id=actor.id,
    )
    if logo:
        group.logo = store_photo(logo, actor)
    add_with_slug(group, lambda: group_slug_for(name))
    record(actor, "business.create", "business_group", group.id, kim_group_id=kim_group.id,
           name=group.name)
    return group


def update_group(actor: User, group: BusinessGroup, *, name: str, sector: str,
                 description: str, whatsapp: str, logo=None, remove_logo: bool = False) -> None:
    group.name = name.strip()
    group.sector = ProductCategory(sector)
    group.description = (description or "").strip()
    group.whatsapp = whatsapp
    old_logo = group.logo
    if logo:
        group.logo = store_photo(logo, actor)
    elif remove_logo:
        group.logo = None
    if old_logo is not None and group.logo is not old_logo:
        db.session.flush()
        delete_photo(old_logo)
    record(actor, "business.update", "business_group", group.id,
           kim_group_id=group.kim_group_id)
