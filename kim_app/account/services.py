"""A person's own profile: the rules for changing name, village, email, language and phone.

- a new email address is kept aside (`pending_email`) and used for mail only after the
  verification link sent to it is opened; clearing the address takes effect at once;
- a new phone number is normalised (`+62…`) and must not belong to another account; the
  form asks for the current password (checked by the route).
"""

from flask import current_app

from kim_app.auth import messages
from kim_app.auth import services as accounts
from kim_app.extensions import db
from kim_app.models import User, utcnow


def update_profile(user: User, *, name: str, village_code: str, email: str | None,
                   locale: str) -> bool:
    """Save the profile; returns True when a verification link went to a new address."""
    user.name = name.strip()
    user.village_code = village_code
    if locale in current_app.config["LANGUAGES"]:
        user.locale = locale
    email = accounts.normalise_email(email)
    if email is None:
        user.email = user.pending_email = user.email_verified_at = None
        return False
    if email == user.email:
        user.pending_email = None
        return False
    if email == user.pending_email:
        return False
    user.pending_email = email
    messages.send_verification_link(user)
    return True


def resend_verification(user: User) -> bool:
    """Send the link again for the pending address, or for a current one never verified."""
    if not user.pending_email and user.email and not user.email_verified_at:
        user.pending_email = user.email
    if not user.pending_email:
        return False
    messages.send_verification_link(user)
    return True


class EmailTakenError(Exception):
    pass


def confirm_email(user: User, address: str) -> bool:
    """The link for `address` was opened: it becomes the address mail goes to. False when
    the link is for an address the person no longer wants."""
    if not address or address != user.pending_email:
        return False
    other = db.session.scalar(
        db.select(User.id).where(db.func.lower(User.email) == address, User.id != user.id)
    )
    if other is not None:
        raise EmailTakenError(address)
    user.email = address
    user.pending_email = None
    user.email_verified_at = utcnow()
    return True


class PhoneTakenError(Exception):
    pass


def change_phone(user: User, normalised_phone: str) -> None:
    if normalised_phone == user.phone:
        return
    if accounts.phone_taken(normalised_phone):
        raise PhoneTakenError(normalised_phone)
    user.phone = normalised_phone
