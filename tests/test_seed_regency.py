"""Another regency from the same code: `seed` for Kabupaten Kudus (33.19), whose regions
are committed in seeds/regions/33.19/ and which has no KIM list."""

import pytest
from sqlalchemy import func, select

from kim_app import config as kim_config
from kim_app import create_app
from kim_app.extensions import db as _db
from kim_app.models import District, KimGroup, User, Village
from kim_app.seeding import SEEDS, SeedError, seed_reference_data


@pytest.fixture
def kudus_app(tmp_path):
    """A portal for Kabupaten Kudus on an empty database of its own."""
    config = kim_config.TestConfig()
    config.SQLALCHEMY_DATABASE_URI = "sqlite:///" + str(tmp_path / "kudus.sqlite3")
    config.REGENCY_CODE = "33.19"
    config.REGENCY_NAME = "Kabupaten Kudus"
    app = create_app(config)
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.engine.dispose()


def test_seed_loads_the_second_regency_and_no_pati_kim(kudus_app):
    result = kudus_app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "no KIM list for regency 33.19" in result.output
    assert "admins create them" in result.output
    assert "Seed: district created: 9" in result.output
    assert "Seed: village created: 132" in result.output
    assert _db.session.scalar(select(func.count()).select_from(District)) == 9
    assert _db.session.scalar(select(func.count()).select_from(Village)) == 132
    assert _db.session.scalar(
        select(func.count()).select_from(District).where(~District.code.like("33.19.%"))
    ) == 0
    assert _db.session.get(District, "33.19.02").name == "Kota Kudus"
    assert _db.session.scalar(select(func.count()).select_from(KimGroup)) == 0
    # Categories and agencies are the same for every regency.
    assert "Seed: agency created" in result.output
    assert "Seed: category created" in result.output
    again = kudus_app.test_cli_runner().invoke(args=["seed"])
    assert "nothing to change" in again.output


def test_the_portal_runs_there(kudus_app):
    seed_reference_data()
    client = kudus_app.test_client()
    html = client.get("/kim/").get_data(as_text=True)
    assert "Kabupaten Kudus" in html
    html = client.get("/auth/daftar").get_data(as_text=True)
    assert "Kota Kudus" in html and "Gunungwungkal" not in html


def test_demo_says_why_it_cannot_run_there(kudus_app):
    seed_reference_data()
    result = kudus_app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert "written for Kabupaten Pati (33.18)" in result.output
    assert "KIM_REGENCY=33.19" in result.output
    assert "create-user" in result.output
    assert _db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_regency_without_regions_says_how_to_make_them(kudus_app):
    with pytest.raises(SeedError, match=r"KIM_REGENCY=33\.20 python seeds/regenerate_regions\.py"):
        seed_reference_data(regency="33.20")


def test_a_district_of_another_regency_is_refused(kudus_app, tmp_path):
    import shutil

    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    districts = seeds / "regions" / "33.19" / "districts.csv"
    districts.write_text(districts.read_text() + "33.18.99,Salah\n")
    with pytest.raises(SeedError, match=r"districts outside regency 33\.19: 33\.18\.99"):
        seed_reference_data(seeds)
    assert _db.session.scalar(select(func.count()).select_from(District)) == 0
