"""Indonesian text for the benchmark data: what villagers ask, what KIMs sell and announce.

Text is put together from small pieces with a seeded random generator, so two runs build
the same rows. The three search words the runner measures live here, beside the text that
makes them common, rare or absent.
"""

import random

# A word in about a fifth of the questions, one in about one question in ten thousand,
# and one in none.
COMMON_WORD = "jalan"
RARE_WORD = "embung"
ABSENT_WORD = "kapalselam"
RARE_EVERY = 10_000

TOPICS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("Jalan berlubang di {place} belum diperbaiki",
         "Kapan jalan desa {place} diaspal ulang?",
         "Jalan rusak menuju pasar {place}"),
        ("Jalan di dekat balai desa berlubang dan sering membuat pengendara motor jatuh.",
         "Saat hujan lubang di jalan tergenang air sehingga anak sekolah kesulitan lewat.",
         "Mohon informasi apakah perbaikan jalan sudah masuk anggaran tahun ini."),
    ),
    (
        ("Pupuk bersubsidi langka di {place}",
         "Cara mendaftar kartu tani di {place}",
         "Harga gabah turun saat panen di {place}"),
        ("Petani di wilayah kami belum mendapat pupuk urea sejak awal musim tanam.",
         "Kelompok tani sudah mengajukan kebutuhan pupuk tetapi belum ada kabar.",
         "Kami ingin tahu jadwal penyaluran pupuk dan syarat kartu tani."),
    ),
    (
        ("Pendaftaran BPJS Kesehatan untuk lansia di {place}",
         "Posyandu {place} kekurangan timbangan bayi",
         "Jadwal vaksinasi anak di puskesmas {place}"),
        ("Orang tua saya belum terdaftar sebagai peserta BPJS penerima bantuan iuran.",
         "Kader posyandu meminta bantuan alat ukur tinggi badan dan timbangan.",
         "Mohon penjelasan syarat dan jadwal imunisasi di puskesmas kecamatan."),
    ),
    (
        ("Lampu penerangan jalan mati di {place}",
         "Tiang listrik miring di {place}"),
        ("Sudah dua minggu lampu di perempatan mati sehingga malam hari sangat gelap.",
         "Warga khawatir tiang listrik roboh saat angin kencang."),
    ),
    (
        ("Banjir rob menggenangi rumah warga {place}",
         "Saluran irigasi tersumbat di {place}",
         "Tanggul sungai jebol di {place}"),
        ("Setiap musim hujan air sungai meluap dan menggenangi sawah warga.",
         "Saluran irigasi penuh sampah sehingga air tidak mengalir ke sawah.",
         "Kami memohon pengerukan sungai sebelum musim hujan berikutnya."),
    ),
    (
        ("Syarat membuat akta kelahiran di {place}",
         "KTP elektronik belum jadi di {place}",
         "Cara mengurus pindah domisili ke {place}"),
        ("Saya sudah merekam data KTP elektronik tiga bulan lalu tetapi belum jadi.",
         "Mohon informasi berkas yang perlu dibawa ke kantor kecamatan.",
         "Apakah pengurusan dokumen kependudukan bisa dilakukan secara daring?"),
    ),
    (
        ("Bantuan sosial belum diterima warga {place}",
         "Data penerima bantuan di {place} tidak tepat"),
        ("Beberapa keluarga miskin di lingkungan kami tidak masuk daftar penerima.",
         "Mohon penjelasan cara mengajukan pembaruan data kesejahteraan sosial."),
    ),
    (
        ("Sampah menumpuk di pinggir jalan {place}",
         "Jadwal pengangkutan sampah di {place}"),
        ("Tumpukan sampah menimbulkan bau dan mengundang lalat ke rumah warga.",
         "Kami ingin tahu apakah desa bisa mendapat bak sampah dan truk pengangkut."),
    ),
    (
        ("Sekolah dasar di {place} kekurangan guru",
         "Beasiswa untuk siswa berprestasi di {place}"),
        ("Satu guru mengajar dua kelas sekaligus karena kekurangan tenaga pengajar.",
         "Mohon informasi beasiswa bagi siswa dari keluarga kurang mampu."),
    ),
    (
        ("Izin usaha mikro untuk warga {place}",
         "Pelatihan UMKM di {place}"),
        ("Saya ingin mendaftarkan usaha keripik rumahan agar bisa dijual di toko.",
         "Apakah ada pelatihan pemasaran daring bagi pelaku usaha kecil?"),
    ),
)

FILLERS = (
    "Terima kasih atas perhatian Bapak dan Ibu.",
    "Mohon segera ditindaklanjuti.",
    "Warga sudah melapor ke perangkat desa tetapi belum ada tanggapan.",
    "Kami siap membantu jika dibutuhkan gotong royong.",
    "Foto kondisi di lapangan bisa kami kirimkan.",
    "Masalah ini sudah berlangsung cukup lama.",
)

REPLIES = (
    "Terima kasih, laporan sudah kami terima dan akan diteruskan ke dinas terkait.",
    "Mohon kirimkan lokasi yang lebih lengkap agar petugas bisa meninjau.",
    "Kondisinya masih sama sampai hari ini.",
    "Sudah ada petugas yang datang mengukur kemarin sore.",
    "Kami menunggu kabar selanjutnya.",
    "Apakah ada nomor yang bisa dihubungi?",
)

ANSWERS = (
    "Perbaikan sudah dijadwalkan pada triwulan depan sesuai anggaran dinas.",
    "Silakan datang ke kantor kecamatan dengan membawa KTP dan kartu keluarga.",
    "Tim teknis akan meninjau lokasi minggu ini dan menyampaikan hasilnya.",
    "Penyaluran dilakukan melalui kios resmi; daftar kios dapat dilihat di kantor desa.",
)

PRODUCTS = (
    ("makanan", "Keripik Singkong", "bungkus"), ("makanan", "Kerupuk Ikan", "bungkus"),
    ("makanan", "Jenang Kudus", "kotak"), ("makanan", "Bandeng Presto", "ekor"),
    ("makanan", "Kacang Bawang", "toples"), ("minuman", "Kopi Muria", "bungkus"),
    ("minuman", "Sirup Kawis", "botol"), ("minuman", "Jamu Kunyit Asam", "botol"),
    ("batik", "Batik Tulis Bakaran", "lembar"), ("batik", "Batik Cap Pati", "lembar"),
    ("kerajinan", "Anyaman Bambu", "buah"), ("kerajinan", "Kuningan Juwana", "buah"),
    ("pertanian", "Beras Organik", "kg"), ("pertanian", "Ketela Pohon", "kg"),
    ("peternakan", "Telur Ayam Kampung", "butir"), ("perikanan", "Ikan Asin", "kg"),
    ("jasa", "Jahit Pakaian", "potong"), ("lainnya", "Garam Krosok", "karung"),
)
PRODUCT_WORDS = ("Asli", "Super", "Renyah", "Pedas", "Manis", "Premium", "Khas Pati",
                 "Rumahan", "Segar", "Tradisional")
PRODUCT_DESCRIPTIONS = (
    "Dibuat dari bahan pilihan hasil panen petani sekitar desa.",
    "Tanpa bahan pengawet, tahan sampai dua minggu.",
    "Dikerjakan oleh ibu-ibu anggota kelompok usaha.",
    "Bisa dipesan untuk oleh-oleh dan hajatan.",
)

ANNOUNCEMENTS = (
    "Jadwal vaksinasi gratis di puskesmas",
    "Pendaftaran pelatihan kerja bagi pemuda",
    "Pemadaman listrik bergilir",
    "Penyaluran bantuan pangan beras",
    "Lomba desa bersih dan sehat",
    "Sosialisasi pencegahan demam berdarah",
    "Pembukaan pendaftaran sekolah negeri",
    "Peringatan dini cuaca ekstrem",
)

NOTIFICATIONS = (
    ("thread.answered", "Pertanyaan Anda sudah dijawab."),
    ("thread.status", "Status pertanyaan yang Anda ikuti berubah."),
    ("membership.approved", "Permintaan bergabung Anda diterima."),
    ("info.relayed", "Ada pengumuman baru dari KIM Anda."),
)


def question(rng: random.Random, place: str, index: int) -> tuple[str, str]:
    """A title and body; one question in `RARE_EVERY` speaks of the village reservoir."""
    titles, sentences = rng.choice(TOPICS)
    title = rng.choice(titles).format(place=place)
    body = [rng.choice(sentences), rng.choice(sentences), rng.choice(FILLERS)]
    if index % RARE_EVERY == RARE_EVERY // 2:
        body.insert(1, f"Air {RARE_WORD} desa mengering sejak kemarau panjang.")
    return title[:150], " ".join(body)


def product(rng: random.Random) -> tuple[str, str, str, str]:
    """Category, name, unit and description of a product."""
    category, name, unit = rng.choice(PRODUCTS)
    full = f"{name} {rng.choice(PRODUCT_WORDS)}"
    return category, full, unit, " ".join(rng.sample(PRODUCT_DESCRIPTIONS, 2))


def announcement(rng: random.Random, place: str) -> tuple[str, str]:
    title = f"{rng.choice(ANNOUNCEMENTS)} di {place}"
    body = (f"Diberitahukan kepada seluruh warga {place}: {title.lower()}. "
            f"{rng.choice(FILLERS)} Informasi lebih lanjut hubungi perangkat desa.")
    return title[:150], body
