### Bot replies — Uzbek (Latin script). Written for Komek; edit freely.
### How this file works: see the notes at the top of en.ftl.
### Uzbek nouns stay singular after a numeral (5 daqiqa, 100 belgi): no message needs plural forms.

## Replies

greeting = { $variant ->
   *[0] Assalomu alaykum! Men doʻkonning virtual yordamchisiman. Buyurtmalar, yetkazib berish, mahsulotni qaytarish va pulni qaytarish, toʻlov usullari hamda akkauntingiz boʻyicha yordam bera olaman. Sizga qanday yordam kerak?
    [1] Salom, xush kelibsiz! 👋 Men onlayn doʻkon yordamchisiman: buyurtmangiz holatini tekshirib beraman, yetkazib berish, qaytarish va toʻlov haqidagi savollaringizga javob beraman. Nima bilan yordam beray?
    [2] Assalomu alaykum! Men doʻkon yordamchisiman. Buyurtma holati, yetkazib berish, qaytarish, toʻlov yoki akkaunt boʻyicha savolingiz boʻlsa, bemalol yozing.
}
goodbye = { $variant ->
   *[0] Xayr, kuningiz xayrli oʻtsin!
    [1] Bizga yozganingiz uchun rahmat. Salomat boʻling!
    [2] Xayr! Kerak boʻlsa, biz doim shu yerdamiz.
}
goodbye_survey = { $variant ->
   *[0] Xayr! Ketishdan oldin suhbatimizni baholab bera olasizmi? Bu bir necha soniya vaqt oladi.
    [1] Yordam bera olganimdan xursandman. Salomat boʻling! Suhbatni qisqacha baholashni xohlaysizmi?
}
thanks = { $variant ->
   *[0] Arzimaydi! Yana biror narsada yordam bera olamanmi?
    [1] Marhamat! Boshqa savollaringiz boʻlsa, bemalol yozing.
    [2] Arzimaydi! Yana nima bilan yordam bera olaman?
}
ask_order_id = { $variant ->
   *[0] Iltimos, buyurtma raqamingizni yozing (masalan, 100017 yoki #A-12345). Uni buyurtma tasdiqlangani haqidagi e-mail yoki SMS xabarda hamda akkauntingizdagi buyurtmalar roʻyxatida topishingiz mumkin.
    [1] Iltimos, buyurtma raqamingizni yuboring. U 100017 yoki #A-12345 koʻrinishida boʻladi va buyurtma tasdigʻida (e-mail yoki SMS) hamda akkauntingizdagi buyurtmalar boʻlimida koʻrsatilgan.
}
order_not_found = { $order_id } raqamli buyurtma topilmadi. Iltimos, raqamni tekshirib, qaytadan yuboring.
order_status-created = { $order_id } raqamli buyurtmangiz yaratildi va toʻlovni kutmoqda. Toʻlov tushishi bilan buyurtmani tayyorlashni boshlaymiz.
order_status-paid = { $order_id } raqamli buyurtmangiz toʻlangan va hozir tayyorlanmoqda. Taxminiy joʻnatish sanasi: { $date }.
order_status-shipped = { $order_id } raqamli buyurtmangiz yoʻlda. Taxminiy yetkazib berish sanasi: { $date }.
order_status-delivered = { $order_id } raqamli buyurtmangiz { $date } kuni yetkazib berilgan.
order_status-cancelled = { $order_id } raqamli buyurtmangiz { $date } kuni bekor qilingan.
order_status-refund_pending = { $order_id } raqamli buyurtma: { $amount } miqdoridagi pulni qaytarish jarayonda. Pul qaytarilishining taxminiy muddati: { $date }.
order_status-refund_done = { $order_id } raqamli buyurtma: { $amount } miqdoridagi pul { $date } kuni qaytarib yuborildi.
delivery_info = Buyurtmalar kuryer orqali yetkazib beriladi: Olmaota va Astanaga 1–3 kunda, Qozogʻistonning boshqa hududlariga 3–7 kunda. 15 000 ₸ va undan yuqori buyurtmalarda yetkazib berish bepul, boshqa hollarda narxi 1 500 ₸. Buyurtmani olib ketish punktlaridan ham olishingiz mumkin; ularning ish vaqti: har kuni 9:00–21:00.
return_request-info = Ishlatilmagan va asl qadoqdagi mahsulotlarni yetkazib berilgan kundan boshlab 14 kun ichida qaytarishingiz mumkin. Qaytarilgan mahsulot bizga yetib kelgach, pul 3–5 ish kuni ichida toʻlov qilingan usulga qaytariladi. Buyurtma raqamini yozsangiz, qaytarishni hoziroq rasmiylashtiraman.
return_request-started = { $order_id } raqamli buyurtma boʻyicha qaytarish roʻyxatga olindi. Kuryer mahsulotni olib ketishi yoki uni olib ketish punktiga topshirish boʻyicha yoʻriqnoma tez orada SMS orqali yuboriladi.
return_request-not_delivered = { $order_id } raqamli buyurtma hali yetkazib berilmagan, shuning uchun uni qaytarib boʻlmaydi. Xohlasangiz, buyurtmani bekor qilish uchun sizni xodimimiz bilan bogʻlayman.
refund_status-pending = { $order_id } raqamli buyurtma uchun { $amount } miqdoridagi pulni qaytarish jarayonda. Taxminiy muddat: { $date }.
refund_status-done = { $order_id } raqamli buyurtma uchun { $amount } miqdoridagi pul { $date } kuni qaytarib yuborildi. Bankka qarab, pul hisobingizga tushishi 3 ish kunigacha vaqt olishi mumkin.
refund_status-none = { $order_id } raqamli buyurtma boʻyicha pul qaytarish yoʻq: buyurtma holati — «{ $status }». Buyurtmani qaytarish yoki bekor qilishni xohlaysizmi?
payment_methods = Toʻlovni karta (Visa, Mastercard), Kaspi, Apple Pay yoki Google Pay orqali, shuningdek buyurtmani qabul qilishda naqd pul yoki karta bilan amalga oshirishingiz mumkin. Kaspi orqali 0-0-12 muddatli toʻlov ham mavjud.
store_hours = Chatdagi qoʻllab-quvvatlash xizmatimiz 24/7 ishlaydi. Olib ketish punktlarining ish vaqti: har kuni 9:00–21:00.
change_address-ask_address = Iltimos, { $order_id } raqamli buyurtma uchun yangi yetkazib berish manzilini yozing (shahar, koʻcha, uy va xonadon raqami).
change_address-done = Tayyor: { $order_id } raqamli buyurtmaning yetkazib berish manzili oʻzgartirildi. Yangi manzil: { $address }.
change_address-too_late = { $order_id } raqamli buyurtma allaqachon «{ $status }» holatida, shuning uchun manzilni oʻzim oʻzgartira olmayman. Sizga hamkasbim yordam beradi — hozir ulayman.
account_help = Parolni unutgan boʻlsangiz, kirish sahifasidagi «Parolni unutdingizmi?» havolasini bosing va koʻrsatmalarga amal qiling. Telefon raqami yoki e-mailni Profil → Sozlamalar boʻlimida oʻzgartirishingiz mumkin; oʻzgarish SMS kod bilan tasdiqlanadi.
notify_me-subscribed = Yaxshi: { $order_id } raqamli buyurtma holati oʻzgarishi bilan sizga shu yerda xabar beraman.
notify_me-update = { $order_id } raqamli buyurtmangiz boʻyicha yangilik: yangi holat — «{ $status }».
language_changed = { $variant ->
   *[0] Albatta, suhbatni oʻzbek tilida davom ettiramiz.
    [1] Yaxshi, endi sizga oʻzbek tilida yozaman.
}
oos = { $variant ->
   *[0] Kechirasiz, sizni tushunmadim yoki bu masalada bu yerda yordam bera olmayman. Quyidagilar boʻyicha yordam bera olaman:
    [1] Uzr, bu savol boʻyicha chatda yordam bera olmayman. Quyidagi mavzulardan birini tanlang:
    [2] Sizni toʻgʻri tushunganimga ishonchim komil emas. Iltimos, quyidagi variantlardan birini tanlang:
}
oos_again = Kechirasiz, soʻrovingizni hali ham tushuna olmadim. Sizni xodimimiz bilan bogʻlaymi?
clarify = Sizni toʻgʻri tushunmoqchiman — quyidagilardan birini nazarda tutdingizmi?
clarify_noise = Bu yerda faqat oddiy matnni tushunaman. Nima kerakligini bir-ikki soʻz bilan yozing yoki quyidagi variantlardan birini tanlang.
not_helpful = Kechirasiz, yordam bera olmadim. Hamkasbimni ulaymi yoki boshqacha urinib koʻramizmi?
followup_more = Bu haqda bu yerda ayta oladiganim shu. Hamkasbim aynan sizning holatingizni koʻrib chiqishi mumkin — bogʻlaymi?
withdrawn = Xoʻp, hammasini oʻz holicha qoldiraman. Yana biror narsada yordam bera olamanmi?
ack = Yaxshi. Yana biror narsada yordam bera olamanmi?
unsupported_language = Kechirasiz, bu tilda hali yoza olmayman. Quyidagi tillarda yordam bera olaman: { $languages }. Hamkasbim ham yordam berishi mumkin.
language_name = Oʻzbekcha
ask_contact = Hechqisi yoʻq. Buyurtma rasmiylashtirilgan telefon raqami yoki e-mailni yuboring — men uni topaman.
contact_not_found = Bu telefon yoki e-mail boʻyicha buyurtma topa olmadim. Tekshirib koʻring yoki topsangiz, buyurtma raqamini yuboring. Hamkasbim ham yordam bera oladi.
which_order = Qaysi buyurtma haqida gap ketyapti? Keraklisini bosing yoki raqamini yuboring.
handoff-customer_request = Albatta, sizni qoʻllab-quvvatlash xodimimizga yoʻnaltiraman.
handoff-negative_emotion = Noqulaylik uchun chin dildan uzr soʻrayman. Suhbatni hamkasbimga topshiraman — masala bilan endi u shugʻullanadi.
handoff-sensitive_intent = Bu masala bilan xodimimiz shaxsan shugʻullanadi; u soʻrovingiz tafsilotlarini allaqachon koʻrib turibdi.
handoff-repeated_misunderstanding = Kechirasiz, sizni tushuna olmayapman. Suhbatni qoʻllab-quvvatlash xodimiga topshiraman — u butun yozishmani koʻradi.
handoff-repeat_contact = Bu buyurtma boʻyicha avval ham murojaat qilganingizni koʻryapman. Suhbatni qoʻllab-quvvatlash xodimiga topshiraman — u butun tarixni koʻradi, hech narsani takrorlash shart emas.
queue-waiting = Siz xodim bilan bogʻlanish uchun navbatdasiz: navbatdagi oʻrningiz — { $position }, taxminiy kutish vaqti — { $minutes } daqiqa. Kutayotganingizda shu yerga yozishda davom etishingiz mumkin: xodim hammasini koʻradi, oddiy savollarga esa men javob beraman.
queue-no_agent_for_language = Hozir onlaynda oʻzbek tilida gaplashadigan xodim yoʻq, shuning uchun kutish vaqtini aniq ayta olmayman. Boshqa tilda javob berishi mumkin boʻlgan xodimni kutishingiz, men bilan suhbatni davom ettirishingiz yoki javobni keyinroq shu chatda olishingiz mumkin.
handoff-agent_joined = { $agent } suhbatga qoʻshildi.
handoff-back_to_bot = Xodim suhbatni yana virtual yordamchiga topshirdi. Yana nima bilan yordam bera olaman?
handoff-closed = Suhbat yakunlandi. Bizga murojaat qilganingiz uchun rahmat!
queue-still_waiting = Siz allaqachon xodim bilan bogʻlanish uchun navbatdasiz: navbatdagi oʻrningiz — { $position }, taxminiy kutish vaqti — { $minutes } daqiqa. Shu yerga yozishda davom etavering — xodim hammasini koʻradi.
queue-still_waiting_no_agent = Siz allaqachon xodim bilan bogʻlanish uchun navbatdasiz: navbatdagi oʻrningiz — { $position }. Hozir onlaynda oʻzbek tilida gaplashadigan xodim yoʻq, shuning uchun kutish vaqtini aniq ayta olmayman — kimdir onlayn boʻlishi bilanoq shu yerda javob olasiz.
queue-noted = Yozib oldim, xodimga yetkazaman — u qoʻshilganda buni koʻradi. Navbatdagi oʻrningiz — { $position }, taxminiy kutish vaqti — { $minutes } daqiqa.
queue-noted_no_agent = Yozib oldim, xodimga yetkazaman — u qoʻshilganda buni koʻradi. Hozir onlaynda oʻzbek tilida gaplashadigan xodim yoʻq; kimdir onlayn boʻlishi bilanoq shu yerda javob olasiz.
queue-still_queued = Xodim bilan bogʻlanish haqidagi soʻrovingiz hamon kuchda: navbatdagi oʻrningiz — { $position }.
queue-update = Navbat boʻyicha yangilik: endi oʻrningiz — { $position }, taxminiy kutish vaqti — { $minutes } daqiqa.
queue-agent_available = Onlaynda oʻzbek tilida gaplashadigan xodim paydo boʻldi. Navbatdagi oʻrningiz — { $position }, taxminiy kutish vaqti — { $minutes } daqiqa.
queue-no_agent = Hozir onlaynda oʻzbek tilida gaplashadigan xodim yoʻq. Soʻrovingiz navbatda qoladi (oʻrningiz — { $position }) va kimdir onlayn boʻlishi bilanoq shu yerda javob olasiz.
handoff-withdrawn = Xoʻp, xodimni chaqirish soʻrovini bekor qildim. Yana nima bilan yordam bera olaman?
queue-wait_any = Xoʻp: birinchi boʻshagan xodim javob beradi, ehtimol, boshqa tilda. Navbatdagi oʻrningiz — { $position }.
queue-answer_later = Xoʻp, soʻrovingiz navbatda qoladi. Chatni yopishingiz mumkin — xodimning javobi shu yerda sizni kutib turadi.
survey-ces = Muammongizni hal qilish qanchalik oson boʻldi? Iltimos, 1 dan 7 gacha baho bering: 1 — juda qiyin, 7 — juda oson.
survey-csat = Xizmatimizdan qanchalik mamnunsiz? Iltimos, 1 dan 5 gacha baho bering: 1 — umuman mamnun emasman, 5 — juda mamnunman.
survey-thanks = Fikr-mulohazangiz uchun rahmat!
error-too_long = Xabaringiz juda uzun (koʻpi bilan { $limit } belgi). Iltimos, uni qisqartiring.
error-unsupported_media = Bu yerda faqat matnli xabarlarni oʻqiy olaman. Iltimos, masalani soʻz bilan tushuntirib bering. Xodim bilan bogʻlanganingizda u fayllarni ham koʻra oladi.
error-order_system = Hozir buyurtmani tekshira olmayapman: buyurtmalar tizimi javob bermayapti. Bir necha daqiqadan keyin qayta urinib koʻring yoki «operator» deb yozing — xodim yordam beradi.
orders_limited = Hozir bu chatda boshqa buyurtmalarni tekshira olmayman. Keyinroq qayta urinib ko'ring yoki operatorni so'rang — hamkasbim yordam beradi.
link-code = Bu chatni boshqa kanal bilan bogʻlash uchun u yerga «/link { $code }» xabarini yuboring. Kod 10 daqiqa amal qiladi.
link-done = Tayyor: kanallar bogʻlandi. Endi ularning istalganida aytganlaringizni eslab qolaman.
link-invalid = Bu kod mos kelmadi: muddati oʻtgan boʻlishi mumkin. Yangisini olish uchun boshqa kanalda «/link» deb yuboring.

## Button labels

button-order_status = Buyurtma holati
button-delivery_info = Yetkazib berish
button-return_request = Mahsulotni qaytarish
button-refund_status = Pul qaytarilishi
button-payment_methods = Toʻlov usullari
button-store_hours = Ish vaqti va aloqa
button-account_help = Akkaunt boʻyicha yordam
button-human_agent = Xodim bilan bogʻlanish
button-notify_me = Holat haqida xabar olish
button-yes = Ha
button-no = Yoʻq
button-something_else = Boshqa
button-another_order = Boshqa buyurtma
button-queue_wait_any = Boshqa tildagi xodimni kutish
button-queue_bot = Yordamchi bilan davom etish
button-queue_later = Keyinroq javob bering

## Order status names

status-created = Yaratilgan
status-paid = Toʻlangan
status-shipped = Joʻnatilgan
status-delivered = Yetkazib berilgan
status-cancelled = Bekor qilingan
status-refund_pending = Pul qaytarilmoqda
status-refund_done = Pul qaytarilgan

## Dates

date =
    { $day }-{ $month ->
         [1] yanvar
         [2] fevral
         [3] mart
         [4] aprel
         [5] may
         [6] iyun
         [7] iyul
         [8] avgust
         [9] sentabr
         [10] oktabr
         [11] noyabr
        *[12] dekabr
    }, { $year }

# Linking channels: the channel that made the code confirms; too many attempts are refused.
link-confirm = Yangi kanal ushbu suhbatga qo‘shilib, bu yerda aytganlaringizni ko‘rmoqchi. Bu sizmisiz? Ha / Yo‘q
link-pending = Deyarli tayyor: kodni olgan boshqa kanalingizda tasdiqlang.
link-declined = Kanallar bog‘lanmadi.
link-limited = Bog‘lash urinishlari juda ko‘p. Bir necha daqiqa kuting va yangi kod olish uchun boshqa kanalda “/link” yuboring.
