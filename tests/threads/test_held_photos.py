"""Photos survive a form error: the photos sent with an ask form that comes back (a mistake
in another field, the no-JavaScript kecamatan step) are held under its submission key for
an hour, shown as thumbnails, and go with the question when it is sent; only for the person
who sent them; `flask clean-uploads` removes what was never sent."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from kim_app.common import submission
from kim_app.models import HeldPhoto, Photo, Thread, ThreadPhoto
from tests.conftest import login
from tests.test_uploads import image_bytes, upload
from tests.threads.test_ask import form_data

MULTIPART = "multipart/form-data"


@pytest.fixture(autouse=True)
def _uploads_in_tmp(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def held_tokens(html):
    return re.findall(r'name="drop_photo" value="(\w+)"', html)


def ask(client, **overrides):
    return client.post("/tanya/baru", data=form_data(**overrides), content_type=MULTIPART)


def test_a_photo_is_kept_across_a_form_error_and_sent_with_the_question(client, db, asker):
    login(client, asker)
    failed = ask(client, title="Pendek", photos=[upload(image_bytes(), "jalan.jpg")])
    html = failed.get_data(as_text=True)
    assert failed.status_code == 422
    assert "1 foto sudah terkirim" in html and len(held_tokens(html)) == 1
    assert '<img src="/media/' in html and 'alt="Foto 1 yang sudah terkirim"' in html
    assert count(db, HeldPhoto) == 1 and count(db, Thread) == 0

    sent = ask(client)  # the title mended, no photo chosen again
    assert sent.status_code == 302
    thread = db.session.scalar(select(Thread))
    assert [p.photo.token for p in db.session.scalars(select(ThreadPhoto))] == held_tokens(html)
    assert thread.code in sent.location
    assert count(db, HeldPhoto) == 0 and count(db, Photo) == 1


def test_held_and_new_photos_count_together(client, db, asker):
    login(client, asker)
    ask(client, title="Pendek", photos=[upload(image_bytes(), f"{n}.jpg") for n in range(2)])
    response = ask(client, photos=[upload(image_bytes(), f"x{n}.jpg") for n in range(2)])
    assert response.status_code == 422
    assert "Paling banyak 3 foto" in response.get_data(as_text=True)
    assert count(db, Photo) == 2  # the refused two were not stored
    assert ask(client, photos=[upload(image_bytes(), "x.jpg")]).status_code == 302
    assert count(db, ThreadPhoto) == 3


def test_a_held_photo_can_be_taken_out(client, db, asker, tmp_path):
    login(client, asker)
    html = ask(client, title="Pendek", photos=[upload(image_bytes(), "a.jpg"),
                                                upload(image_bytes("PNG"), "b.png")]
               ).get_data(as_text=True)
    first, second = held_tokens(html)
    again = ask(client, title="Pendek", drop_photo=first).get_data(as_text=True)
    assert held_tokens(again) == [second]
    assert ask(client).status_code == 302
    assert [p.photo.token for p in db.session.scalars(select(ThreadPhoto))] == [second]
    assert not list((tmp_path / "uploads").rglob(f"{first}-*.webp"))


def test_held_photos_belong_to_who_sent_them(app, client, db, asker, other):
    login(client, asker)
    ask(client, title="Pendek", photos=[upload(image_bytes(), "a.jpg")])
    token = db.session.scalar(select(Photo.token))
    stranger = app.test_client()
    login(stranger, other)
    # The same submission key (it travels in the form) does not reach someone else's photos.
    html = ask(stranger, title="Pendek", drop_photo=token).get_data(as_text=True)
    assert held_tokens(html) == [] and count(db, Photo) == 1
    assert ask(stranger).status_code == 302
    assert count(db, ThreadPhoto) == 0 and count(db, HeldPhoto) == 1


def test_the_no_js_kecamatan_step_keeps_the_photos(client, db, asker):
    login(client, asker)
    step = ask(client, district="33.18.14", village="", choose_district="1",
               photos=[upload(image_bytes(), "a.jpg")])
    assert step.status_code == 200 and len(held_tokens(step.get_data(as_text=True))) == 1
    assert ask(client, district="33.18.14", village="33.18.14.2003").status_code == 302
    assert count(db, ThreadPhoto) == 1


def test_a_refused_photo_must_be_chosen_again(client, db, asker):
    login(client, asker)
    response = ask(client, title="Pendek", photos=[upload(b"%PDF-1.4 x", "surat.pdf")])
    assert response.status_code == 422
    assert "Pilih foto lagi" in response.get_data(as_text=True)
    assert count(db, Photo) == 0 and count(db, HeldPhoto) == 0


def test_a_person_holds_a_few_photos_at_most(client, db, asker):
    login(client, asker)
    for number in range(submission.HOLD_LIMIT_PER_USER // 3):
        ask(client, title="Pendek", submission_key=f"kunci-{number}",
            photos=[upload(image_bytes(), f"{n}.jpg") for n in range(3)])
    response = ask(client, title="Pendek", submission_key="kunci-lagi",
                   photos=[upload(image_bytes(), "a.jpg")])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "belum tersimpan: pilih foto lagi" in html and held_tokens(html) == []
    assert count(db, HeldPhoto) == submission.HOLD_LIMIT_PER_USER


@pytest.mark.parametrize("key", ["", "k" * 200])
def test_a_missing_or_absurd_key_is_replaced_and_the_photos_held_under_it(client, db, asker,
                                                                        key):
    login(client, asker)
    response = ask(client, title="Pendek", submission_key=key,
                   photos=[upload(image_bytes(), "a.jpg")])
    html = response.get_data(as_text=True)
    fresh = re.search(r'name="submission_key" type="hidden" value="([\w-]+)"', html).group(1)
    assert response.status_code == 422 and fresh != key and len(fresh) <= 64
    assert len(held_tokens(html)) == 1
    assert ask(client, submission_key=fresh).status_code == 302
    assert count(db, ThreadPhoto) == 1


def test_held_photos_expire_after_an_hour_and_clean_uploads_removes_them(
        client, db, asker, runner, tmp_path):
    login(client, asker)
    ask(client, title="Pendek", photos=[upload(image_bytes(), "a.jpg")])
    ask(client, title="Pendek", submission_key="kunci-baru",
        photos=[upload(image_bytes(), "b.jpg")])
    old = db.session.scalar(select(HeldPhoto).where(HeldPhoto.submission_key == "kunci-uji-1"))
    old.created_at -= timedelta(minutes=61)
    old_token = old.photo.token
    db.session.commit()
    assert held_tokens(ask(client, title="Pendek").get_data(as_text=True)) == []

    result = runner.invoke(args=["clean-uploads"])
    assert result.exit_code == 0 and "1 held photo(s) removed" in result.output
    assert db.session.scalars(select(HeldPhoto.submission_key)).all() == ["kunci-baru"]
    assert not list((tmp_path / "uploads").rglob(f"{old_token}-*.webp"))
    assert len(list((tmp_path / "uploads").rglob("*.webp"))) >= 1
