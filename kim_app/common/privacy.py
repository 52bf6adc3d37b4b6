"""The privacy notice (UU PDP, Law 27/2022): its version, and a person's acceptance of it.

The notice text is the template `main/privacy.html` (Indonesian source, English through the
catalogue). Change `NOTICE_VERSION` whenever its meaning changes: each account stores the
version it accepted and when.
"""

from kim_app.models import User, utcnow

NOTICE_VERSION = "2026-12-01"


def accept(user: User) -> None:
    user.privacy_version = NOTICE_VERSION
    user.privacy_accepted_at = utcnow()
