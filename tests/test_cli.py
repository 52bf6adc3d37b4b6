"""`flask create-admin` and `flask demo`."""

from sqlalchemy import func, select

from kim_app.models import Role, User


def test_create_admin(runner, db):
    result = runner.invoke(args=["create-admin", "--name", "Admin Pati", "--phone", "0811 222 3333",
                                 "--password", "kopi-tubruk-99"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.phone == "+628112223333"))
    assert user.role == Role.ADMIN
    assert user.password_hash.startswith("$argon2id$")


def test_create_admin_refuses_bad_input(runner, db):
    result = runner.invoke(args=["create-admin", "--name", "A", "--phone", "123",
                                 "--password", "kopi-tubruk-99"])
    assert result.exit_code != 0
    assert "phone" in result.output
    result = runner.invoke(args=["create-admin", "--name", "A", "--phone", "08112223334",
                                 "--password", "password"])
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_create_admin_promotes_existing_account(runner, db, warga):
    result = runner.invoke(args=["create-admin", "--name", "x", "--phone", warga.phone,
                                 "--password", "kopi-tubruk-99"])
    assert result.exit_code == 0
    db.session.expire_all()
    assert db.session.get(User, warga.id).role == Role.ADMIN


def test_demo_creates_each_role_once(runner, db, client):
    assert runner.invoke(args=["demo"]).exit_code == 0
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {Role.ADMIN, Role.PETUGAS, Role.WARGA}
    count = db.session.scalar(select(func.count()).select_from(User))
    result = runner.invoke(args=["demo"])
    assert "already present" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == count
    response = client.post("/auth/masuk", data={"identifier": "081100000002",
                                                "password": "pati-kim-demo"})
    assert response.status_code == 302


def test_demo_refused_in_production(app_factory):
    app = app_factory(ENV_NAME="production")
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert "refused" in result.output
