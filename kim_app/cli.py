"""Command-line tasks: `flask --app wsgi seed | demo | create-admin | close-stale`."""

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from kim_app import demo
from kim_app.auth import services as accounts
from kim_app.business import demo as business_demo
from kim_app.extensions import db
from kim_app.info import demo as info_demo
from kim_app.kim import demo as kim_demo
from kim_app.models import Role, User
from kim_app.seeding import SeedError, seed_reference_data
from kim_app.threads import demo as threads_demo


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Load the official regions, the 18 KIM groups, question categories and agencies
    (idempotent)."""
    try:
        report = seed_reference_data()
    except SeedError as exc:
        raise click.ClickException(str(exc)) from exc
    if not report.changed:
        click.echo("Seed: nothing to change.")
        return
    for kind, counts in (("created", report.created), ("updated", report.updated)):
        for what, number in sorted(counts.items()):
            click.echo(f"Seed: {what} {kind}: {number}")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Create demo accounts for each role (refused in production)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("demo data is refused when KIM_ENV=production")
    created = demo.create_accounts()
    db.session.commit()
    click.echo(f"Demo: {created} accounts created (password: {demo.DEMO_PASSWORD})."
               if created else "Demo: demo accounts already present.")
    # Each area adds its demo content after the accounts exist; every loader is idempotent
    # and prints one line.
    for load in demo_loaders():
        click.echo(load())
        db.session.commit()


def demo_loaders() -> list:
    """The areas' demo loaders, in dependency order. Each returns a one-line summary."""
    return [kim_demo.load, threads_demo.load, business_demo.load, info_demo.load]


@click.command("close-stale")
@with_appcontext
def close_stale_command() -> None:
    """Close answered questions with no activity for 14 days (idempotent; for a scheduler)."""
    from kim_app.threads import lifecycle

    closed = lifecycle.close_stale()
    db.session.commit()
    click.echo(f"close-stale: {closed} thread(s) closed.")


@click.command("create-admin")
@with_appcontext
@click.option("--name", prompt="Name")
@click.option("--phone", prompt="Phone number")
@click.option("--email", default="", help="Optional email address.")
@click.password_option("--password", help="Read from a prompt when not given.")
def create_admin_command(name: str, phone: str, email: str, password: str) -> None:
    """Make an admin account, or promote the account with this phone number."""
    try:
        normalised = accounts.normalise_phone(phone)
    except accounts.InvalidPhoneError as exc:
        raise click.BadParameter(
            "not a valid Indonesian phone number", param_hint="--phone"
        ) from exc
    user = db.session.scalar(select(User).where(User.phone == normalised))
    if user is not None:
        user.role = Role.ADMIN
        db.session.commit()
        click.echo(f"Account {normalised} is now an admin.")
        return
    problem = accounts.password_problem(password)
    if problem:
        raise click.BadParameter(
            "at least 8 characters" if problem == "short" else "this password is too common",
            param_hint="--password",
        )
    accounts.create_user(name=name, phone=normalised, email=email or None,
                         password=password, role=Role.ADMIN)
    db.session.commit()
    click.echo(f"Admin {normalised} created.")


@click.command("send-mail")
@with_appcontext
@click.option("--limit", default=100, show_default=True, help="Emails to send in this run.")
@click.option("--requeue-failed", is_flag=True, help="Queue emails that failed for good again.")
def send_mail_command(limit: int, requeue_failed: bool) -> None:
    """Send the queued notification emails (run it from a scheduler, e.g. every minute)."""
    from kim_app.notifications import mail

    if requeue_failed:
        click.echo(f"send-mail: {mail.requeue_failed()} failed emails queued again.")
    if not current_app.config.get("MAIL_SERVER"):
        raise click.ClickException("SMTP is not configured (set KIM_SMTP_HOST)")
    click.echo(str(mail.send_queued(limit)))


def register(app: Flask) -> None:
    for command in (seed_command, demo_command, create_admin_command, close_stale_command,
                    send_mail_command):
        app.cli.add_command(command)
