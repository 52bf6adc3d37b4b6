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


def test_create_user_with_a_role_from_a_script(runner, db):
    from kim_app.models import Agency

    result = runner.invoke(
        args=["create-user", "--role", "petugas", "--name", "Bu Tani", "--phone", "0813 1111 2222",
              "--agency", "dispertan", "--password-stdin"],
        input="padi-menguning-7\n",
    )
    assert result.exit_code == 0, result.output
    assert "Petugas +6281311112222 created." in result.output
    user = db.session.scalar(select(User).where(User.phone == "+6281311112222"))
    assert user.role == Role.PETUGAS and user.name == "Bu Tani"
    assert user.agency_id == db.session.scalar(select(Agency.id).where(Agency.slug == "dispertan"))
    from kim_app.auth import services

    assert services.check_password(user, "padi-menguning-7")


def test_create_user_prompts_for_what_is_missing(runner, db):
    result = runner.invoke(args=["create-user", "--role", "warga"],
                           input="Pak Warga\n0813 1111 3333\nkali-bening-42\nkali-bening-42\n")
    assert result.exit_code == 0, result.output
    assert "Name" in result.output and "Password" in result.output
    user = db.session.scalar(select(User).where(User.phone == "+6281311113333"))
    assert user.role == Role.WARGA and user.name == "Pak Warga"


def test_create_user_refuses_bad_input(runner, db, warga):
    cases = [
        (["--role", "raja", "--name", "A", "--phone", "081311114444"], "raja"),
        (["--role", "warga", "--name", "A", "--phone", "12"], "phone"),
        (["--role", "warga", "--name", "A", "--phone", "081311114444"], "too common"),
        (["--role", "admin", "--name", "A", "--phone", "081311114444", "--agency", "dinkes"],
         "only a petugas"),
        (["--role", "petugas", "--name", "A", "--phone", "081311114444", "--agency", "dinas-x"],
         "no agency"),
    ]
    for args, message in cases:
        password = "password" if message == "too common" else "kopi-99-tubruk"
        result = runner.invoke(args=["create-user", *args, "--password-stdin"],
                               input=password + "\n")
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_create_user_gives_an_existing_account_the_role(runner, db, warga):
    result = runner.invoke(args=["create-user", "--role", "petugas", "--name", "x",
                                 "--phone", warga.phone, "--password-stdin"], input="\n")
    assert result.exit_code == 0, result.output
    assert "is now a petugas" in result.output
    db.session.expire_all()
    assert db.session.get(User, warga.id).role == Role.PETUGAS
