"""The public catalog, `/usaha/`: search and filters, in the address bar."""

from flask import request
from flask_login import current_user

from kim_app.business import bp
from kim_app.business.catalog import CatalogQuery, catalog_page, districts_with_products
from kim_app.common.htmx import render_page


@bp.get("/")
def catalog():
    query = CatalogQuery.from_args(request.args)
    return render_page(
        "business/catalog.html", "business/_catalog_results.html",
        query=query, result=catalog_page(query, current_user), districts=districts_with_products(),
    )
