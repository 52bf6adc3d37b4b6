"""Command-line tasks: `flask --app wsgi seed | demo | create-admin | create-user | close-stale
| escalate | remind-permits | rebuild-stats | send-mail | sweep-media | clean-uploads | backup
| restore`."""

import sys
from pathlib import Path

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
from kim_app.moderation import demo as moderation_demo
from kim_app.officer import demo as officer_demo
from kim_app.seeding import SeedError, seed_reference_data
from kim_app.threads import demo as threads_demo


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Load the official regions and KIM groups of KIM_REGENCY, question categories and
    agencies (idempotent)."""
    try:
        report = seed_reference_data()
    except SeedError as exc:
        raise click.ClickException(str(exc)) from exc
    for note in report.notes:
        click.echo(f"Seed: {note}")
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
    problem = demo_problem()
    if problem:
        raise click.ClickException(problem)
    created = demo.create_accounts()
    db.session.commit()
    click.echo(f"Demo: {created} accounts created (password: {demo.DEMO_PASSWORD})."
               if created else "Demo: demo accounts already present.")
    # Each area adds its demo content after the accounts exist; every loader is idempotent
    # and prints one line.
    for load in demo_loaders():
        click.echo(load())
        db.session.commit()


# The demo people live in villages of Kabupaten Pati and belong to its seeded KIM groups.
DEMO_REGENCY = "33.18"
DEMO_KIM_SLUGS = ("gulangpongge", "tlogorejo", "kajen")


def demo_problem() -> str | None:
    """Why the demo content cannot be loaded into this portal, or None."""
    from kim_app.models import KimGroup, Village

    regency = current_app.config["REGENCY_CODE"]
    if regency != DEMO_REGENCY:
        return (f"the demo content is written for Kabupaten Pati ({DEMO_REGENCY}): its people "
                f"live in Pati villages and belong to Pati KIM groups, but this portal runs "
                f"KIM_REGENCY={regency}. Make real accounts with `create-user` instead.")
    villages = {code for _phone, _name, _role, code in demo.DEMO_ACCOUNTS if code}
    found = set(db.session.scalars(select(Village.code).where(Village.code.in_(villages))))
    slugs = set(db.session.scalars(select(KimGroup.slug).where(KimGroup.slug.in_(DEMO_KIM_SLUGS))))
    if found != villages or slugs != set(DEMO_KIM_SLUGS):
        return "the regions and KIM groups are not loaded yet: run `flask --app wsgi seed` first"
    return None


def demo_loaders() -> list:
    """The areas' demo loaders, in dependency order. Each returns a one-line summary."""
    return [kim_demo.load, threads_demo.load, business_demo.load, info_demo.load,
            officer_demo.load, moderation_demo.load]


@click.command("close-stale")
@with_appcontext
def close_stale_command() -> None:
    """Close answered questions with no activity for 14 days (idempotent; for a scheduler)."""
    from kim_app.threads import lifecycle

    closed = lifecycle.close_stale()
    db.session.commit()
    click.echo(f"close-stale: {closed} thread(s) closed.")


@click.command("rebuild-stats")
@with_appcontext
def rebuild_stats_command() -> None:
    """Build the statistics' rows again from the threads (after a bulk load or a restore;
    every write through the app keeps them current by itself)."""
    from kim_app.stats import tally

    tally.rebuild(db.session.connection())
    db.session.commit()
    click.echo("rebuild-stats: done.")


@click.command("escalate")
@with_appcontext
@click.option("--date", "on_date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Run as on this day in Pati (YYYY-MM-DD; default: today).")
def escalate_command(on_date) -> None:
    """Remind officers of questions due today, escalate those overdue to the agency and the
    admins (idempotent; run daily)."""
    from kim_app.common.workdays import local_date
    from kim_app.models import utcnow
    from kim_app.threads import escalation

    today = on_date.date() if on_date else local_date(utcnow())
    raised = escalation.escalate(today, current_app.config["ESCALATE_AFTER_WORKDAYS"])
    db.session.commit()
    click.echo(f"escalate: {raised[escalation.REMINDED]} reminded, "
               f"{raised[escalation.ESCALATED]} escalated.")


@click.command("remind-permits")
@click.option("--today", "today_text", default="", metavar="YYYY-MM-DD",
              help="Run as on this date (default: today in Pati).")
@with_appcontext
def remind_permits_command(today_text: str) -> None:
    """Tell business managers of product permits expiring in 30 days or today (idempotent;
    for a daily scheduler)."""
    from datetime import date

    from kim_app.business import permits
    from kim_app.common.workdays import local_date
    from kim_app.models import utcnow

    try:
        today = date.fromisoformat(today_text) if today_text else local_date(utcnow())
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--today") from None
    soon, expired = permits.remind(today)
    db.session.commit()
    click.echo(f"remind-permits: {soon} expiring soon, {expired} expired.")


def _make_account(role: Role, name: str, phone: str, email: str, password: str,
                  agency_slug: str = "") -> None:
    """Create an account with this role, or give the role to the account with this phone."""
    from kim_app.models import Agency

    try:
        normalised = accounts.normalise_phone(phone)
    except accounts.InvalidPhoneError as exc:
        raise click.BadParameter(
            "not a valid Indonesian phone number", param_hint="--phone"
        ) from exc
    agency = None
    if agency_slug:
        if role != Role.PETUGAS:
            raise click.BadParameter("only a petugas works for an agency", param_hint="--agency")
        agency = db.session.scalar(select(Agency).where(Agency.slug == agency_slug))
        if agency is None:
            raise click.BadParameter(f"no agency with slug {agency_slug!r}",
                                     param_hint="--agency")
    user = db.session.scalar(select(User).where(User.phone == normalised))
    if user is not None:
        user.role = role
        user.agency_id = agency.id if agency else None
        db.session.commit()
        click.echo(f"Account {normalised} is now {'an' if role == Role.ADMIN else 'a'} "
                   f"{role.value}.")
        return
    if not name.strip():
        raise click.BadParameter("a name is needed", param_hint="--name")
    problem = accounts.password_problem(password)
    if problem:
        raise click.BadParameter(
            "at least 8 characters" if problem == "short" else "this password is too common",
            param_hint="--password",
        )
    email = accounts.normalise_email(email)
    if email and accounts.email_taken(email):
        raise click.BadParameter("this email belongs to another account", param_hint="--email")
    user = accounts.create_user(name=name, phone=normalised, email=email, password=password,
                                role=role)
    user.agency_id = agency.id if agency else None
    db.session.commit()
    click.echo(f"{role.value.capitalize()} {normalised} created.")


@click.command("create-admin")
@with_appcontext
@click.option("--name", prompt="Name")
@click.option("--phone", prompt="Phone number")
@click.option("--email", default="", help="Optional email address.")
@click.password_option("--password", help="Read from a prompt when not given.")
def create_admin_command(name: str, phone: str, email: str, password: str) -> None:
    """Make an admin account, or promote the account with this phone number."""
    _make_account(Role.ADMIN, name, phone, email, password)


@click.command("create-user")
@with_appcontext
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True,
              help="warga, petugas or admin.")
@click.option("--name", help="Full name (prompted when not given).")
@click.option("--phone", help="Phone number, e.g. 0812 3456 7890 (prompted when not given).")
@click.option("--email", default="", help="Optional email address.")
@click.option("--agency", "agency_slug", default="",
              help="For a petugas: the slug of the agency (OPD) they work for.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input (for scripts).")
def create_user_command(role: str, name: str | None, phone: str | None, email: str,
                        agency_slug: str, password_stdin: bool) -> None:
    """Make an account with a role, or give the role to the account with this phone number.

    Without --name/--phone/--password-stdin it asks for each."""
    if name is None:
        name = click.prompt("Name")
    if phone is None:
        phone = click.prompt("Phone number")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    _make_account(Role(role), name, phone, email, password, agency_slug)


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


@click.command("sweep-media")
@with_appcontext
@click.option("--min-age", default=60, show_default=True,
              help="Minutes a file must be old before it may be removed.")
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
def sweep_media_command(min_age: int, dry_run: bool) -> None:
    """Remove uploaded files that no photo or document references (safe from cron)."""
    from kim_app.common import uploads

    find = uploads.orphaned_files if dry_run else uploads.sweep_orphans
    files = find(min_age * 60)
    for path in files:
        click.echo(f"{'would remove' if dry_run else 'removed'} {path}")
    click.echo(f"sweep-media: {len(files)} file(s) {'to remove' if dry_run else 'removed'}.")


@click.command("clean-uploads")
@with_appcontext
def clean_uploads_command() -> None:
    """Remove photos held for a form that came back and was never sent again (held longer
    than an hour), with their files (safe from cron)."""
    from kim_app.common import submission

    removed = submission.clean_held()
    db.session.commit()
    click.echo(f"clean-uploads: {removed} held photo(s) removed.")


@click.command("backup")
@with_appcontext
@click.argument("destination", type=click.Path(file_okay=False, path_type=Path))
def backup_command(destination: Path) -> None:
    """Back up the database and the media folder into a new folder under DESTINATION."""
    from kim_app import backup

    try:
        folder = backup.create(destination)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup: {folder}")


@click.command("restore")
@with_appcontext
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_command(folder: Path) -> None:
    """Restore a backup FOLDER into the configured (empty) database and upload folder."""
    from kim_app import backup

    try:
        backup.restore(folder)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restore: {folder} restored.")


def register(app: Flask) -> None:
    for command in (seed_command, demo_command, create_admin_command, create_user_command,
                    close_stale_command, escalate_command, remind_permits_command,
                    rebuild_stats_command,
                    send_mail_command, sweep_media_command, clean_uploads_command,
                    backup_command, restore_command):
        app.cli.add_command(command)
