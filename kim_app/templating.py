"""Template globals and filters: static URLs with a content hash, dates for Indonesia."""

import hashlib
from functools import cache
from pathlib import Path

import jinja2
from babel.numbers import format_currency
from flask import Flask, current_app, has_request_context, request, session, url_for
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user
from markupsafe import Markup

from kim_app.common.markdown import render_markdown
from kim_app.common.urls import external_url_for
from kim_app.i18n import formatted
from kim_app.i18n import translations as _translations


@cache
def _file_hash(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


_static_urls: dict[tuple[str, str], str] = {}


def static_url(filename: str) -> str:
    """`url_for('static')` plus a content hash, so files can be cached for a year. Worked
    out once per file (and mount point): a page links the same few files every time."""
    key = (request.script_root if has_request_context() else "", filename)
    url = _static_urls.get(key)
    if url is None:
        path = Path(current_app.static_folder) / filename
        version = _file_hash(str(path)) if path.is_file() else "0"
        url = _static_urls[key] = url_for("static", filename=filename, v=version)
    return url


def date_filter(value, fmt: str = "long") -> str:
    if not value:
        return ""  # a datetime is shown as its day in the reader's time zone
    return formatted(format_date, value, fmt)


def datetime_filter(value, fmt: str = "medium") -> str:
    if not value:
        return ""
    return formatted(format_datetime, value, fmt)


class Template(jinja2.Template):
    """Jinja's template, with a cheaper `{% from … import … %}`.

    Each import asks whether the importing page has globals the imported template lacks
    (Jinja then builds a fresh module for it). Jinja asks key by key through a ChainMap:
    about forty look-ups for every card and row that imports a macro, a few milliseconds
    per page. One set difference gives the same answer; in this app every template shares
    the environment's globals, so it is empty and the module rendered once is reused."""

    def _get_default_module(self, ctx=None):
        if (ctx is not None and self._module is not None
                and not ctx.globals_keys.difference(self.globals)):
            return self._module
        return super()._get_default_module(ctx)


@jinja2.pass_context
def _template_gettext(context, string: str, **variables) -> str:
    """Jinja's "new style" gettext (escaped, always `%`-formatted), calling the catalogue
    directly: Jinja's own goes through `_` → `gettext` → the callable, three context calls
    for each of the hundreds of strings of a page."""
    text = _translations().ugettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704  # nosec B704 - our catalogue, as Jinja does
    return text % variables


@jinja2.pass_context
def _template_ngettext(context, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    text = _translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704  # nosec B704 - our catalogue, as Jinja does
    return text % variables


def register(app: Flask) -> None:
    app.jinja_env.template_class = Template
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(gettext=_template_gettext, _=_template_gettext,
                                 ngettext=_template_ngettext)
    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.globals["field_attrs"] = field_attrs
    app.jinja_env.globals["external_url_for"] = external_url_for
    app.jinja_env.globals["has_form_session"] = has_form_session
    app.jinja_env.filters["date"] = date_filter
    app.jinja_env.filters["datetime"] = datetime_filter
    app.jinja_env.filters["rupiah"] = rupiah
    app.jinja_env.filters["markdown"] = render_markdown

    @app.context_processor
    def locale_context():
        return {
            "current_locale": str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
            "languages": app.config["LANGUAGES"],
            "regency_name": app.config["REGENCY_NAME"],
        }


def has_form_session() -> bool:
    """Whether the page may put a CSRF token in `hx-headers`: only for someone logged in or
    a guest who already opened a form. A guest who only reads gets no session cookie, so
    the page can be served from the shared cache (response_cache.py)."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    return current_user.is_authenticated or field in session


def field_attrs(field, extra: dict | None = None) -> dict:
    """`extra` plus the ARIA attributes that tie a form field to its error or hint text."""
    # WTForms turns only data_/aria_ underscores into dashes; htmx needs hx-* attributes.
    attrs: dict = {
        (key.replace("_", "-") if key.startswith("hx_") else key): value
        for key, value in (extra or {}).items()
    }
    if field.errors:
        attrs["aria_invalid"] = "true"
        attrs["aria_describedby"] = f"{field.id}-error"
    elif field.description:
        attrs["aria_describedby"] = f"{field.id}-hint"
    return attrs


def rupiah(value: int | None) -> str:
    """Whole rupiah the Indonesian way, `Rp 25.000`, whatever the page language."""
    if value is None:
        return ""
    if type(value) is int and value >= 0:  # the same text as Babel's, without its cost
        return "Rp\u00a0" + f"{value:,}".replace(",", ".")
    return format_currency(value, "IDR", format="¤\u00a0#,##0", locale="id_ID",
                           currency_digits=False)
