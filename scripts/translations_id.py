"""Bahasa Indonesia for every message in the catalogue; ``make translations`` applies it.

Kept as a reviewable table (English → Indonesian) so a translator can read both side by
side; the .po file stays the source Django compiles.
"""

ID = {
    # integrations (staff-facing)
    "Registry and bank gateways": "Gerbang Dukcapil dan bank",
    "none": "tidak ada",
    "never answers in time": "tidak pernah menjawab tepat waktu",
    "service unavailable": "layanan tidak tersedia",
    "time-out after the transfer was accepted": "waktu habis setelah transfer diterima",
    "sandbox registry record": "data kependudukan sandbox",
    "sandbox registry records": "data kependudukan sandbox",
    "active": "aktif",
    "dormant": "dormant (pasif)",
    "closed": "ditutup",
    "sandbox bank account": "rekening bank sandbox",
    "sandbox bank accounts": "rekening bank sandbox",
    "sandbox transfer": "transfer sandbox",
    "sandbox transfers": "transfer sandbox",
    # members
    "Members and memberships": "Peserta dan kepesertaan",
    "NIK may contain digits only.": "NIK hanya boleh berisi angka.",
    "NIK must be 16 digits; you entered %(count)d.": "NIK harus 16 angka; Anda mengisi %(count)d angka.",
    "The first six digits of the NIK (province, regency, district) cannot be 00.": "Enam angka pertama NIK (provinsi, kabupaten/kota, kecamatan) tidak boleh 00.",
    "Digits 7–8 of the NIK are the birth day (women: day + 40), so they must be 01–31 or "
    "41–71; %(day)s is not possible.": "Angka ke-7–8 NIK adalah tanggal lahir (perempuan: tanggal + 40), jadi harus 01–31 "
    "atau 41–71; %(day)s tidak mungkin.",
    "Digits 9–10 of the NIK are the birth month, 01–12; %(month)s is not possible.": "Angka ke-9–10 NIK adalah bulan lahir, 01–12; %(month)s tidak mungkin.",
    "The last four digits of the NIK are a serial number starting at 0001.": "Empat angka terakhir NIK adalah nomor urut yang dimulai dari 0001.",
    "KPJ number may contain digits only.": "Nomor KPJ hanya boleh berisi angka.",
    "KPJ number must be 11 digits; you entered %(count)d.": "Nomor KPJ harus 11 angka; Anda mengisi %(count)d angka.",
    "The date inside your NIK differs from the birth date in the population registry. This "
    "is common and not an error; Cairkan uses the registry's date.": "Tanggal di dalam NIK Anda berbeda dengan tanggal lahir di data Dukcapil. Hal ini "
    "biasa dan bukan kesalahan; Cairkan memakai tanggal dari Dukcapil.",
    "The NIK's day digits suggest a different sex than the population registry records. "
    "Cairkan uses the registry's record.": "Angka tanggal di NIK menunjukkan jenis kelamin yang berbeda dari data Dukcapil. "
    "Cairkan memakai data Dukcapil.",
    "Write the mobile number as +628…, for example +6281234567890.": "Tulis nomor HP dengan awalan +628…, misalnya +6281234567890.",
    "A district code looks like 63.08.05 (province.regency.district).": "Kode kecamatan berbentuk 63.08.05 (provinsi.kabupaten.kecamatan).",
    "An employer registration number (NPP) is 8 digits.": "Nomor Pendaftaran Perusahaan (NPP) terdiri dari 8 angka.",
    "NIK": "NIK",
    "full name": "nama lengkap",
    "birth date": "tanggal lahir",
    "sex": "jenis kelamin",
    "male": "laki-laki",
    "female": "perempuan",
    "mother's maiden name": "nama gadis ibu kandung",
    "mobile number": "nomor HP",
    "e-mail": "e-mail",
    "participant": "peserta",
    "participants": "peserta",
    "employer registration number (NPP)": "nomor pendaftaran perusahaan (NPP)",
    "name": "nama",
    "district code": "kode kecamatan",
    "sector": "sektor usaha",
    "employer": "pemberi kerja",
    "employers": "pemberi kerja",
    "resignation": "mengundurkan diri",
    "termination of employment (PHK)": "pemutusan hubungan kerja (PHK)",
    "fixed-term contract ended": "kontrak kerja (PKWT) berakhir",
    "retirement": "pensiun",
    "death": "meninggal dunia",
    "permanent total disability": "cacat total tetap",
    "leaving Indonesia for good": "meninggalkan Indonesia untuk selamanya",
    "non-active": "nonaktif",
    "KPJ number": "nomor KPJ",
    "membership start": "awal kepesertaan",
    "separation date": "tanggal berhenti bekerja",
    "separation reason": "alasan berhenti bekerja",
    "status": "status",
    "retirement age in the work contract": "usia pensiun dalam perjanjian kerja",
    "Leave empty when the contract names none; the JHT age of 56 applies.": "Kosongkan bila perjanjian kerja tidak menyebutkannya; berlaku usia JHT 56 tahun.",
    "membership": "kepesertaan",
    "memberships": "kepesertaan",
    "month": "bulan",
    "First day of the month paid for.": "Tanggal 1 bulan iuran.",
    "reported monthly wage (Rp)": "upah sebulan yang dilaporkan (Rp)",
    "worker's share (Rp)": "iuran pekerja (Rp)",
    "employer's share (Rp)": "iuran pemberi kerja (Rp)",
    "payment date": "tanggal bayar",
    "contribution": "iuran",
    "contributions": "iuran",
    "year": "tahun",
    "rate (% per year)": "tingkat (% per tahun)",
    "source": "sumber",
    "development-return rate": "tingkat hasil pengembangan",
    "development-return rates": "tingkat hasil pengembangan",
    "opening balance (Rp)": "saldo awal (Rp)",
    "contributions paid in the year (Rp)": "iuran yang dibayar dalam tahun itu (Rp)",
    "return credited (Rp)": "hasil pengembangan yang dikreditkan (Rp)",
    "closing balance (Rp)": "saldo akhir (Rp)",
    "credited return": "hasil pengembangan yang dikreditkan",
    "credited returns": "hasil pengembangan yang dikreditkan",
    # members: the JHT statement (PDF; Helvetica shows Latin-1 only: no en dash here)
    "Name: %(name)s": "Nama: %(name)s",
    "NIK: %(nik)s": "NIK: %(nik)s",
    "KPJ numbers: %(kpjs)s": "Nomor KPJ: %(kpjs)s",
    "Statement date: %(date)s": "Tanggal rincian: %(date)s",
    "Year": "Tahun",
    "Contributions paid": "Iuran dibayar",
    "Return credited": "Hasil pengembangan",
    "Rate": "Tingkat hasil",
    "Balance at year end": "Saldo akhir tahun",
    "not credited yet": "belum dikreditkan",
    "Balance on %(date)s: %(amount)s": "Saldo per %(date)s: %(amount)s",
    "How the balance grows: the development return is credited once a year, at the end of "
    "the year, at that year's rate. The balance at the start of the year earns the full "
    "rate; a contribution paid in month m earns (12 - m)/12 of it (paid in January 11/12, in "
    "December nothing that year). Each year's return is rounded down to the rupiah.": "Cara saldo bertambah: hasil pengembangan dikreditkan sekali setahun, pada akhir "
    "tahun, dengan tingkat hasil tahun itu. Saldo awal tahun mendapat tingkat hasil penuh; "
    "iuran yang dibayar pada bulan ke-m mendapat (12 - m)/12 darinya (dibayar Januari 11/12, "
    "Desember belum mendapat apa-apa tahun itu). Hasil pengembangan setiap tahun dibulatkan "
    "ke bawah ke rupiah penuh.",
    "The return of the current year is credited after 31 December; until then it shows as "
    "not credited yet and counts 0 in the balance.": "Hasil pengembangan tahun berjalan dikreditkan setelah 31 Desember; sampai saat itu "
    "tertulis belum dikreditkan dan dihitung 0 dalam saldo.",
    "* Rates marked with an asterisk are illustrative values in demo data, not official "
    "rates of BPJS Ketenagakerjaan.": "* Tingkat hasil yang bertanda bintang adalah nilai ilustrasi dalam data demo, bukan "
    "tingkat hasil resmi BPJS Ketenagakerjaan.",
    "illustrative": "ilustratif",
    "A made-up value (demo data), not a rate BPJS Ketenagakerjaan credited.": "Nilai rekaan (data demo), bukan tingkat yang dikreditkan BPJS Ketenagakerjaan.",
    # web
    "Skip to content": "Langsung ke isi",
    "Cairkan is open-source software. It is not an official BPJS Ketenagakerjaan service.": "Cairkan adalah perangkat lunak sumber terbuka. Cairkan bukan layanan resmi BPJS "
    "Ketenagakerjaan.",
    "Cairkan — claim your JHT old-age savings": "Cairkan — cairkan tabungan JHT Anda",
    "Claim your JHT savings without a trip to town": "Cairkan JHT tanpa harus ke kota",
    "Cairkan helps members of BPJS Ketenagakerjaan withdraw their Jaminan Hari Tua (JHT): "
    "check whether and when you may claim, prepare the right documents, file the claim from "
    "your phone and follow it until the money is in your bank account.": "Cairkan membantu peserta BPJS Ketenagakerjaan mencairkan Jaminan Hari Tua (JHT): "
    "cek apakah dan kapan Anda bisa mengajukan klaim, siapkan dokumen yang tepat, ajukan "
    "klaim dari HP, dan pantau sampai uang masuk ke rekening Anda.",
    "Who may claim, and when": "Siapa yang bisa klaim, dan kapan",
    "Resigned or dismissed": "Mengundurkan diri atau terkena PHK",
    "One month after your last working day, once your employer has reported that you left.": "Satu bulan setelah hari terakhir bekerja, dan setelah perusahaan melaporkan bahwa "
    "Anda sudah berhenti.",
    "Retired": "Pensiun",
    "At the retirement age in your contract, or at 56.": "Pada usia pensiun di perjanjian kerja, atau usia 56 tahun.",
    "Still working, 10 years a member": "Masih bekerja, sudah 10 tahun menjadi peserta",
    "Once: up to 10%% of the balance, or up to 30%% for housing.": "Satu kali: paling banyak 10%% dari saldo, atau paling banyak 30%% untuk perumahan.",
    "Other reasons": "Alasan lain",
    "Leaving Indonesia for good, permanent disability, or death (claimed by the heirs).": "Meninggalkan Indonesia untuk selamanya, cacat total tetap, atau meninggal dunia "
    "(diajukan oleh ahli waris).",
    "Before you start, have these ready": "Sebelum mulai, siapkan ini",
    "Your e-KTP (16-digit NIK).": "e-KTP Anda (NIK 16 angka).",
    "Your BPJS Ketenagakerjaan membership number (KPJ, 11 digits), from your card or your "
    "employer.": "Nomor kepesertaan BPJS Ketenagakerjaan (KPJ, 11 angka), dari kartu peserta atau "
    "dari perusahaan.",
    "A bank account in your own name.": "Rekening bank atas nama Anda sendiri.",
    "A photo of the letter for your reason, for example your employer's resignation "
    "statement.": "Foto surat sesuai alasan klaim, misalnya surat keterangan berhenti bekerja dari "
    "perusahaan.",
    "Your tax number (NPWP), only if your balance is above Rp 50,000,000.": "NPWP, hanya jika saldo Anda di atas Rp 50.000.000.",
    "A well-lit place for the face check: face the light, take off your cap or glasses.": "Tempat yang terang untuk verifikasi wajah: hadap ke cahaya, lepas topi atau "
    "kacamata.",
    "If the face check fails": "Jika verifikasi wajah gagal",
    "A dark or blurry photo never counts as a failed attempt: Cairkan tells you what to fix "
    "and lets you try again. If your face check is locked, you can wait and try again later, "
    "or book a video call with an officer — no trip to the office needed.": "Foto yang gelap atau buram tidak pernah dihitung sebagai percobaan gagal: Cairkan "
    "memberi tahu apa yang perlu diperbaiki dan Anda bisa mencoba lagi. Jika verifikasi "
    "wajah terkunci, Anda bisa menunggu lalu mencoba lagi, atau memesan panggilan video "
    "dengan petugas — tanpa harus datang ke kantor.",
    "Staff sign-in": "Masuk untuk petugas",
    # web: back office (statement download)
    "as_of must be a date written year-month-day, like 2026-11-23; %(value)s is not such a "
    "date.": "as_of harus berupa tanggal dengan urutan tahun-bulan-tanggal, misalnya "
    "2026-11-23; %(value)s bukan tanggal seperti itu.",
    "No participant has the NIK %(nik)s.": "Tidak ada peserta dengan NIK %(nik)s.",
}
