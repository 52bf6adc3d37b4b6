"""The official regions and the 18 KIM groups of the article."""

import shutil

import pytest
from sqlalchemy import func, select

from kim_app.models import District, KimGroup, Village
from kim_app.seeding import SEEDS, SeedError, seed_reference_data

# Resolved by hand from seeds/regions/villages.csv (idn-area-data 4.0.1): slug -> code.
EXPECTED = {
    "gulangpongge": ("33.18.17.2003", "Gulangpongge", "Gunungwungkal"),
    "sumberejo": ("33.18.17.2015", "Sumberrejo", "Gunungwungkal"),
    "gajihan": ("33.18.17.2009", "Gajihan", "Gunungwungkal"),
    "penambuhan": ("33.18.12.2008", "Penambuhan", "Margorejo"),
    "margorejo": ("33.18.12.2007", "Margorejo", "Margorejo"),
    "bermi": ("33.18.13.2001", "Bermi", "Gembong"),
    "kedungbulus": ("33.18.13.2002", "Kedungbulus", "Gembong"),
    "jepat-lor": ("33.18.19.2008", "Jepat Lor", "Tayu"),
    "jepat-kidul": ("33.18.19.2006", "Jepat Kidul", "Tayu"),
    "guyangan": ("33.18.21.2014", "Guyangan", "Trangkil"),
    "kertomulyo": ("33.18.21.2012", "Kertomulyo", "Trangkil"),
    "bumiayu": ("33.18.15.2001", "Bumiayu", "Wedarijaksa"),
    "ngurensiti": ("33.18.15.2004", "Ngurensiti", "Wedarijaksa"),
    "tlogorejo": ("33.18.14.2003", "Tlogorejo", "Tlogowungu"),
    "pati-wetan": ("33.18.10.1005", "Pati Wetan", "Pati"),
    "kajen": ("33.18.16.2012", "Kajen", "Margoyoso"),
    "waturoyo": ("33.18.16.2017", "Waturoyo", "Margoyoso"),
    "sambirejo": ("33.18.11.2013", "Sambirejo", "Gabus"),
}


def test_region_counts(db):
    assert db.session.scalar(select(func.count()).select_from(District)) == 21
    assert db.session.scalar(select(func.count()).select_from(Village)) == 406
    assert db.session.scalar(select(func.count()).select_from(KimGroup)) == 18
    assert db.session.scalar(
        select(func.count(func.distinct(Village.district_code))).join(KimGroup)
    ) == 10


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_each_kim_page_shows_its_official_village(client, slug):
    code, village, district = EXPECTED[slug]
    html = client.get(f"/kim/{slug}").get_data(as_text=True)
    assert code in html
    assert f"<dd>{village}</dd>" in html
    assert f">{district}</a></dd>" in html


def test_ambiguous_names_resolve_within_their_kecamatan(db):
    tlogorejo = db.session.scalars(select(Village).where(Village.name == "Tlogorejo")).all()
    assert len(tlogorejo) == 3
    group = db.session.scalar(select(KimGroup).where(KimGroup.slug == "tlogorejo"))
    assert group.village.district.name == "Tlogowungu"
    # The article's "Sumberejo" is spelled "Sumberrejo" officially; a village spelled
    # "Sumberejo" exists too, in another kecamatan (Jaken), and must not be chosen.
    decoy = db.session.scalar(select(Village).where(Village.name == "Sumberejo"))
    assert decoy.district.name == "Jaken"
    group = db.session.scalar(select(KimGroup).where(KimGroup.slug == "sumberejo"))
    assert group.village_code == "33.18.17.2015" != decoy.code


def test_seed_is_idempotent(runner, db):
    def snapshot():
        return (
            sorted(db.session.execute(select(District.code, District.name))),
            sorted(db.session.execute(select(Village.code, Village.district_code, Village.name))),
            sorted(db.session.execute(select(KimGroup.slug, KimGroup.name, KimGroup.village_code))),
        )

    before = snapshot()
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "nothing to change" in result.output
    result = runner.invoke(args=["seed"])
    assert "nothing to change" in result.output
    db.session.expire_all()
    assert snapshot() == before


def test_seed_keeps_names_edited_by_people(runner, db):
    group = db.session.scalar(select(KimGroup).where(KimGroup.slug == "kajen"))
    group.name = "KIM Kajen Santri"
    db.session.commit()
    assert runner.invoke(args=["seed"]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(KimGroup, group.id).name == "KIM Kajen Santri"


def _copy_seeds(tmp_path):
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def test_seed_fails_loudly_on_a_name_that_does_not_resolve(db, tmp_path):
    seeds = _copy_seeds(tmp_path)
    csv_file = seeds / "kim_groups" / "33.18.csv"
    csv_file.write_text(csv_file.read_text().replace("Sumberejo,Sumberrejo", "Sumberejo,"))
    with pytest.raises(SeedError, match=r"Sumberejo.*matches 0 villages in Kec. Gunungwungkal"):
        seed_reference_data(seeds)


def test_seed_fails_loudly_when_a_name_is_not_unique_in_its_kecamatan(db, tmp_path):
    seeds = _copy_seeds(tmp_path)
    villages = seeds / "regions" / "33.18" / "villages.csv"
    villages.write_text(villages.read_text() + "33.18.14.2099,33.18.14,Tlogo Rejo\n")
    with pytest.raises(SeedError, match=r"Tlogorejo.*matches 2 villages"):
        seed_reference_data(seeds)
    db.session.rollback()
    assert db.session.get(Village, "33.18.14.2099") is None


def test_seed_command_reports_failure(runner, monkeypatch):
    def broken():
        raise SeedError("KIM groups do not resolve: X")

    monkeypatch.setattr("kim_app.cli.seed_reference_data", broken)
    result = runner.invoke(args=["seed"])
    assert result.exit_code != 0
    assert "do not resolve" in result.output
