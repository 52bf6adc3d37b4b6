"""The public catalog, `/usaha/`: search and filters, in the address bar; "Muat lebih
banyak" is a plain link to the next products (`setelah=<cursor>`), which htmx appends to
the cards instead of opening a page."""

from flask import redirect, request, url_for
from flask_login import current_user

from kim_app.business import bp
from kim_app.business import catalog as listing
from kim_app.common import fragments
from kim_app.common.htmx import fragment_response, render_page, retarget_to_flash, wants_fragment
from kim_app.common.params import to_int
from kim_app.i18n import gettext as _


@bp.get("/")
def catalog():
    query = listing.CatalogQuery.from_args(request.args)
    cursor = request.args.get("setelah")
    old_page = to_int(request.args.get("halaman"), minimum=1)
    if old_page is not None and not cursor:
        # A link from when the catalog had page numbers: the same products, by cursor.
        start = listing.cursor_for_old_page(query, old_page, current_user)
        return redirect(url_for("business.catalog", **query.args(setelah=start)))
    try:
        after = listing.read_cursor(query, cursor)
    except listing.CursorError:
        message = _("Tautan lanjutan katalog ini tidak dapat dibaca. Daftar ditampilkan "
                    "dari awal.")
        if wants_fragment():
            return retarget_to_flash(message, "error", 400)
        after, bad_cursor = None, message
    else:
        bad_cursor = None
    if after is not None and wants_fragment():
        # "Muat lebih banyak": the next cards and the next link only, uncounted.
        if fragments.is_kept("business.cards"):
            return fragment_response("business/_catalog_page.html")
        return fragment_response("business/_catalog_page.html", query=query,
                                 result=listing.catalog_page(query, current_user, after,
                                                             counted=False))
    if not bad_cursor and fragments.is_kept(
            "business.results" if wants_fragment() else "business.catalog"):
        return render_page("business/catalog.html", "business/_catalog_results.html")
    return render_page(
        "business/catalog.html", "business/_catalog_results.html",
        status=400 if bad_cursor else 200, query=query, bad_cursor=bad_cursor,
        result=listing.catalog_page(query, current_user, after),
        districts=listing.districts_with_products(),
    )
