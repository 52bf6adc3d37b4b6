"""Open Graph previews: what WhatsApp (and others) show for a shared link.

One decision for every page that can be shared (a question, an announcement, a KIM, a
business group, a product): `preview(item)` gives its title, a short description, the
page's public address and a JPEG picture (WhatsApp shows no WebP): the item's own photo
as JPEG (`main.media_jpeg`) or the portal's 1200×630 share picture. Anything a guest may
not see (a private or not yet verified question, a rejected one, an unpublished product,
an inactive KIM, anything hidden by a moderator) gets no preview at all, so its title
never travels in a link.

What a guest may see is `moderation.visibility.is_public`, asked here and nowhere else.
"""

import re
from dataclasses import dataclass

from kim_app.common.urls import absolute_url, external_url_for
from kim_app.i18n import gettext as _
from kim_app.info import services as info_services
from kim_app.models import (
    Announcement,
    BusinessGroup,
    KimGroup,
    Photo,
    Product,
    Thread,
)
from kim_app.moderation.visibility import is_public
from kim_app.templating import static_url

SHARE_WIDTH = 1024  # the rendition of a photo a preview shows
DEFAULT_IMAGE = ("img/og-default.jpg", 1200, 630)
DESCRIPTION_MAX = 200


@dataclass(frozen=True)
class Preview:
    title: str
    description: str
    url: str
    image: str
    image_width: int
    image_height: int
    image_alt: str
    kind: str = "website"  # og:type
    image_type: str = "image/jpeg"


def excerpt(text: str | None, limit: int = DESCRIPTION_MAX) -> str:
    """Plain text from markdown, on one line, cut at a word."""
    plain = re.sub(r"[*_`#>\[\]]+", "", text or "")
    plain = re.sub(r"\(https?://[^)]*\)", "", plain)
    plain = " ".join(plain.split())
    if len(plain) <= limit:
        return plain
    return plain[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def _image(photo: Photo | None, alt: str) -> dict:
    if photo is None:
        name, width, height = DEFAULT_IMAGE
        return {"image": absolute_url(static_url(name)), "image_width": width,
                "image_height": height, "image_alt": _("Portal KIM")}
    width = photo.rendition(SHARE_WIDTH)
    return {"image": external_url_for("main.media_jpeg", token=photo.token, width=width),
            "image_width": min(width, photo.width), "image_height": photo.height_at(width),
            "image_alt": alt}


def _place(village) -> str:
    return _("Desa %(village)s, Kec. %(district)s", village=village.name,
             district=village.district.name)


def preview(item) -> Preview | None:
    """The preview of a shareable page's item, or None when it must have none."""
    if not is_public(item):
        return None
    if isinstance(item, Announcement) and info_services.is_withdrawn(item):
        return None  # its page says it was withdrawn; the link should not travel
    if isinstance(item, Thread):
        first = item.photos[0].photo if item.photos else None
        return Preview(
            title=item.title, kind="article",
            description=excerpt(f"{item.code} · {item.body}"),
            url=external_url_for("threads.show", code=item.code),
            **_image(first, item.title))
    if isinstance(item, Announcement):
        return Preview(
            title=item.title, kind="article", description=excerpt(item.body),
            url=external_url_for("info.show", announcement_id=item.id),
            **_image(item.photo, item.title))
    if isinstance(item, KimGroup):
        about = item.description or _("Kelompok Informasi Masyarakat di %(place)s.",
                                      place=_place(item.village))
        return Preview(title=item.name, description=excerpt(about),
                       url=external_url_for("kim.show", slug=item.slug), **_image(None, ""))
    if isinstance(item, BusinessGroup):
        about = item.description or _("Kelompok usaha %(kim)s.", kim=item.kim_group.name)
        return Preview(title=item.name, description=excerpt(about),
                       url=external_url_for("business.group", group_slug=item.slug),
                       **_image(item.logo, item.name))
    return _product(item)


def _product(product: Product) -> Preview:
    from kim_app.business.labels import availability_label
    from kim_app.templating import rupiah

    group = product.business_group
    price = rupiah(product.price)
    return Preview(
        title=f"{product.name} · {price}", kind="product",
        description=(f"{price} / {product.unit} · {availability_label(product.availability)}"
                     f" · {group.name} ({group.kim_group.name})"),
        url=external_url_for("business.product", group_slug=group.slug,
                             product_slug=product.slug),
        **_image(product.cover, product.name))


def register(app) -> None:
    app.jinja_env.globals["share_preview"] = preview
