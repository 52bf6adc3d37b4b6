"""Database models, one module per aggregate."""

from kim_app.models.base import utcnow
from kim_app.models.kim import KimGroup, KimStatus
from kim_app.models.regions import District, Village
from kim_app.models.users import Role, User

__all__ = ["District", "KimGroup", "KimStatus", "Role", "User", "Village", "utcnow"]
