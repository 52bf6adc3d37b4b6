"""Demo data that every area's demo builds on: the documented accounts and their password.

`flask demo` (cli.py) creates the accounts, then runs each area's `demo.load`. The areas
import from here, never from cli.py, so no module imports the one that imports it.
"""

from kim_app.auth import services as accounts
from kim_app.models import Role, User

# The documented demo password; the demo command is refused in production.
DEMO_PASSWORD = "pati-kim-demo"  # noqa: S105  # nosec B105

DEMO_ACCOUNTS = [
    # phone, name, role, village code
    ("081100000001", "Admin Demo", Role.ADMIN, None),
    ("081100000002", "Petugas Diskominfo Demo", Role.PETUGAS, None),
    ("081100000003", "Siti Warga Demo", Role.WARGA, "33.18.17.2003"),
    ("081100000004", "Budi Warga Demo", Role.WARGA, "33.18.14.2003"),
]


def person(phone: str, name: str, village_code: str | None = None,
           role: Role = Role.WARGA) -> User:
    """The demo person with this phone number, created with the demo password if missing."""
    user = accounts.find_by_identifier(phone)
    if user is None:
        user = accounts.create_user(name=name, phone=phone, password=DEMO_PASSWORD,
                                    village_code=village_code, role=role)
    return user


def create_accounts() -> int:
    """The documented accounts (one per role); returns how many were missing and made."""
    missing = [account for account in DEMO_ACCOUNTS
               if accounts.find_by_identifier(account[0]) is None]
    for phone, name, role, village_code in missing:
        person(phone, name, village_code, role)
    return len(missing)
