"""WTForms' own messages in Bahasa Indonesia (and English), from our catalogue.

WTForms ships no `id` locale, so "Not a valid choice." leaked into the Indonesian pages. Its
English messages are mapped here to our own Indonesian msgids, which the usual catalogue
translates back to English for English readers. Flask-WTF looks for the translations of a
request in `request.wtforms_translations` before loading WTForms' catalogue; `install` puts
this mapping there at the start of every request, so no form class needs to change.
Messages a form sets itself are already ours and pass through untouched.
"""

from flask import Flask, request

from kim_app.i18n import lazy_gettext as _l

_EXPIRED = _l("Formulir kedaluwarsa. Muat ulang halaman, lalu kirim lagi.")
_NOT_LISTED = _l("Pilihan tidak valid. Pilih salah satu dari daftar.")
_NOT_A_NUMBER = _l("Isi dengan angka.")

MESSAGES = {
    "Field must be equal to %(other_name)s.": _l("Isian harus sama dengan %(other_name)s."),
    "Field must be at least %(min)d character long.": _l("Isian paling sedikit %(min)d karakter."),
    "Field cannot be longer than %(max)d character.": _l("Isian paling banyak %(max)d karakter."),
    "Field must be exactly %(max)d character long.": _l("Isian harus tepat %(max)d karakter."),
    "Field must be between %(min)d and %(max)d characters long.":
        _l("Isian harus %(min)d sampai %(max)d karakter."),
    "Number must be at least %(min)s.": _l("Angka paling kecil %(min)s."),
    "Number must be at most %(max)s.": _l("Angka paling besar %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Angka harus antara %(min)s dan %(max)s."),
    "Date must be at least %(min)s.": _l("Tanggal paling awal %(min)s."),
    "Date must be at most %(max)s.": _l("Tanggal paling akhir %(max)s."),
    "Date must be between %(min)s and %(max)s.": _l("Tanggal harus antara %(min)s dan %(max)s."),
    "This field is required.": _l("Isian ini wajib diisi."),
    "Invalid input.": _l("Isian tidak valid."),
    "Invalid email address.": _l("Alamat email tidak valid."),
    "Invalid URL.": _l("Alamat web (URL) tidak valid."),
    "Invalid value, must be one of: %(values)s.":
        _l("Nilai tidak valid; pilih salah satu dari: %(values)s."),
    "Invalid value, can't be any of: %(values)s.":
        _l("Nilai tidak valid; tidak boleh: %(values)s."),
    "This field cannot be edited.": _l("Isian ini tidak dapat diubah."),
    "This field is disabled and cannot have a value.":
        _l("Isian ini tidak aktif dan harus kosong."),
    "Invalid CSRF Token.": _EXPIRED,
    "CSRF token missing.": _EXPIRED,
    "CSRF failed.": _EXPIRED,
    "CSRF token expired.": _EXPIRED,
    "Invalid Choice: could not coerce.": _NOT_LISTED,
    "Not a valid choice.": _NOT_LISTED,
    "Invalid choice(s): one or more data inputs could not be coerced.":
        _l("Ada pilihan yang tidak valid. Pilih dari daftar."),
    "'%(value)s' is not a valid choice for this field.":
        _l("'%(value)s' bukan pilihan yang tersedia untuk isian ini."),
    "Not a valid datetime value.": _l("Tanggal dan jam tidak valid."),
    "Not a valid date value.": _l("Tanggal tidak valid."),
    "Not a valid time value.": _l("Jam tidak valid."),
    "Not a valid week value.": _l("Minggu tidak valid."),
    "Not a valid integer value.": _l("Isi dengan bilangan bulat."),
    "Not a valid decimal value.": _NOT_A_NUMBER,
    "Not a valid float value.": _NOT_A_NUMBER,
}


class FormMessages:
    """The two methods Flask-WTF calls on a translations object."""

    def ugettext(self, string: str) -> str:
        message = MESSAGES.get(string)
        return string if message is None else str(message)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        # Indonesian has one form; WTForms' plural messages map by their singular.
        return self.ugettext(singular)


FORM_MESSAGES = FormMessages()


def install(app: Flask) -> None:
    @app.before_request
    def _form_messages_in_our_languages():
        request.wtforms_translations = FORM_MESSAGES
