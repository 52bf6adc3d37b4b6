"""Portal KIM: the application factory."""

from pathlib import Path

from flask import Flask, g, has_request_context, request
from flask_login import current_user
from sqlalchemy import inspect
from werkzeug.middleware.proxy_fix import ProxyFix

from kim_app import database
from kim_app.common import form_messages
from kim_app.common.params import IdConverter
from kim_app.config import Config, TestConfig, config_for_environment
from kim_app.extensions import babel, compress, csrf, db, htmx, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def select_locale() -> str:
    """Bahasa Indonesia unless the person chose otherwise (account, then language cookie)."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if g.get("kim_error_page"):
        # An error page never touches the database (it may be the error): only an account
        # already loaded, and only what is loaded of it, counts.
        state = inspect(g.get("_login_user"), raiseerr=False)
        locale = state.dict.get("locale") if state is not None else None
        if locale in languages:
            return locale
    elif current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = request.cookies.get(current_app.config["LANGUAGE_COOKIE"])
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def create_app(config: Config | type[Config] | str | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    if config is None:
        config = config_for_environment(app.instance_path)
    elif config == "test":
        config = TestConfig(app.instance_path)
    elif isinstance(config, type):
        config = config(app.instance_path)
    app.config.from_object(config)
    app.url_map.converters["int"] = IdConverter  # an id beyond the columns' range is a 404
    database.configure(app.config)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        # Client address and scheme only: the host never comes from a header (links are
        # built from SITE_URL).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    db.init_app(app)
    database.install(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    htmx.init_app(app)
    compress.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    limiter.init_app(app)
    login_manager.init_app(app)
    form_messages.install(app)

    from kim_app import (
        auth,
        business,
        cli,
        errors,
        info,
        kim,
        main,
        officer,
        query_count,
        response_cache,
        security,
        static_files,
        stats,
        templating,
        threads,
    )
    from kim_app.account import bp as account_bp
    from kim_app.admin import moved as admin_moved
    from kim_app.admin import routes as admin_routes
    from kim_app.common import data_saver, fragments
    from kim_app.moderation.routes import bp as moderation_bp
    from kim_app.notifications.routes import bp as notifications_bp
    from kim_app.share import previews

    auth.init_login(login_manager)
    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp, url_prefix="/auth")
    app.register_blueprint(account_bp, url_prefix="/akun")
    app.register_blueprint(notifications_bp, url_prefix="/akun/notifikasi")
    app.register_blueprint(kim.bp, url_prefix="/kim")
    app.register_blueprint(business.bp, url_prefix="/usaha")
    app.register_blueprint(info.bp, url_prefix="/info")
    app.register_blueprint(stats.bp, url_prefix="/statistik")
    app.register_blueprint(threads.bp, url_prefix="/tanya")
    app.register_blueprint(officer.bp, url_prefix="/petugas")
    app.register_blueprint(admin_routes.bp, url_prefix="/admin")
    app.register_blueprint(admin_moved.bp)
    app.register_blueprint(moderation_bp, url_prefix="/lapor")
    errors.register(app)
    security.register(app)
    static_files.register(app)
    templating.register(app)
    data_saver.register(app)
    fragments.register(app)
    previews.register(app)
    cli.register(app)
    query_count.register(app)
    response_cache.register(app)

    return app
