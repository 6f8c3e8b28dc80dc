### Bot replies — Turkish. Written for Komek; edit freely.
### How this file works: see the notes at the top of en.ftl.
### Turkish nouns stay singular after a numeral (5 dakika, 100 karakter): no message needs plural forms.

## Replies

greeting = { $variant ->
   *[0] Merhaba! Ben mağazanın dijital asistanıyım. Siparişler, teslimat, ürün iadesi ve para iadesi, ödeme yöntemleri ve hesabınızla ilgili konularda size yardımcı olabilirim. Nasıl yardımcı olabilirim?
    [1] Merhaba, hoş geldiniz! 👋 Ben mağaza asistanıyım: siparişinizin durumunu kontrol edebilir, teslimat, iade ve ödemeyle ilgili sorularınızı yanıtlayabilirim. Size nasıl yardımcı olabilirim?
    [2] İyi günler! Ben online mağazanın asistanıyım. Sipariş durumu, teslimat, iade, ödeme veya hesabınızla ilgili her sorunuz için buradayım. Ne öğrenmek istersiniz?
}
goodbye = { $variant ->
   *[0] Hoşça kalın, iyi günler dilerim!
    [1] Bize yazdığınız için teşekkür ederiz. Görüşmek üzere!
    [2] Hoşça kalın! İhtiyacınız olursa buradayız.
}
goodbye_survey = { $variant ->
   *[0] Hoşça kalın! Ayrılmadan önce bu görüşmeyi değerlendirmek ister misiniz? Yalnızca birkaç saniyenizi alacak.
    [1] Yardımcı olabildiğime sevindim, iyi günler! Görüşmemizi kısaca değerlendirmek ister misiniz?
}
thanks = { $variant ->
   *[0] Rica ederim! Başka bir konuda yardımcı olabilir miyim?
    [1] Ne demek, memnuniyetle! Başka sorunuz olursa yazmanız yeterli.
    [2] Rica ederim! Size yardımcı olabileceğim başka bir şey var mı?
}
ask_order_id = { $variant ->
   *[0] Lütfen sipariş numaranızı yazın (örneğin 100017 veya #A-12345). Numarayı sipariş onayı e-postasında ya da SMS'inde ve hesabınızdaki sipariş listesinde bulabilirsiniz.
    [1] Sipariş numaranızı paylaşır mısınız? 100017 veya #A-12345 gibi görünür; sipariş onayında (e-posta veya SMS) ve hesabınızdaki siparişlerim bölümünde yer alır.
}
order_not_found = { $order_id } numaralı bir sipariş bulamadım. Lütfen numarayı kontrol edip tekrar gönderir misiniz?
order_status-created = { $order_id } numaralı siparişiniz oluşturuldu ve ödeme bekliyor. Ödeme alınır alınmaz siparişinizi hazırlamaya başlayacağız.
order_status-paid = { $order_id } numaralı siparişinizin ödemesi alındı ve siparişiniz hazırlanıyor. Tahmini kargoya verilme tarihi: { $date }.
order_status-shipped = { $order_id } numaralı siparişiniz yolda. Tahmini teslimat tarihi: { $date }.
order_status-delivered = { $order_id } numaralı siparişiniz { $date } tarihinde teslim edildi.
order_status-cancelled = { $order_id } numaralı siparişiniz { $date } tarihinde iptal edildi.
order_status-refund_pending = { $order_id } numaralı sipariş: { $amount } tutarındaki para iadeniz işlemde. Tutarın { $date } tarihine kadar hesabınıza geçmesi bekleniyor.
order_status-refund_done = { $order_id } numaralı sipariş: { $amount } tutarındaki para iadeniz { $date } tarihinde gönderildi.
delivery_info = Siparişler kuryeyle teslim edilir: Almatı ve Astana'ya 1–3 gün, Kazakistan'ın diğer bölgelerine 3–7 gün içinde. ₸15.000 ve üzeri siparişlerde teslimat ücretsizdir, diğer siparişlerde teslimat ücreti ₸1.500. Siparişinizi teslim alma noktalarından da alabilirsiniz; bu noktalar her gün 9:00–21:00 arasında açıktır.
return_request-info = Kullanılmamış ve orijinal ambalajındaki ürünleri teslimattan itibaren 14 gün içinde iade edebilirsiniz. İade ettiğiniz ürün bize ulaştıktan sonra tutar 3–5 iş günü içinde ödeme yaptığınız yönteme iade edilir. Sipariş numaranızı yazarsanız iade işlemini hemen başlatabilirim.
return_request-started = { $order_id } numaralı sipariş için iade talebiniz kaydedildi. Kuryenin ürünü teslim alması veya ürünü teslim noktasına bırakmanızla ilgili talimatlar kısa süre içinde SMS ile gönderilecek.
return_request-not_delivered = { $order_id } numaralı sipariş henüz teslim edilmediği için iade edilemiyor. Dilerseniz siparişi iptal etmek üzere sizi ekibimizden bir temsilciye bağlayabilirim.
refund_status-pending = { $order_id } numaralı sipariş için { $amount } tutarındaki para iadesi işlemde. Tutarın { $date } tarihine kadar hesabınıza geçmesi bekleniyor.
refund_status-done = { $order_id } numaralı sipariş için { $amount } tutarındaki para iadesi { $date } tarihinde gönderildi. Bankanıza bağlı olarak tutarın hesabınıza yansıması 3 iş gününe kadar sürebilir.
refund_status-none = { $order_id } numaralı sipariş için bir para iadesi bulunmuyor; siparişin durumu: “{ $status }”. Siparişi iade etmek veya iptal etmek ister misiniz?
payment_methods = Kartla (Visa, Mastercard), Kaspi ile, Apple Pay veya Google Pay ile ya da teslimatta nakit veya kartla ödeme yapabilirsiniz. Ayrıca Kaspi üzerinden 0-0-12 taksit seçeneği de mevcuttur.
store_hours = Sohbet desteğimiz 7/24 hizmetinizdedir. Teslim alma noktalarımız her gün 9:00–21:00 arasında açıktır.
change_address-ask_address = Lütfen { $order_id } numaralı sipariş için yeni teslimat adresini yazın (şehir, sokak, bina ve daire numarası).
change_address-done = Tamamdır: { $order_id } numaralı siparişin teslimat adresi güncellendi. Yeni adres: { $address }.
change_address-too_late = { $order_id } numaralı siparişin durumu zaten “{ $status }”, bu yüzden adresi buradan değiştiremiyorum. Sizi yardımcı olacak bir temsilcimize bağlıyorum.
account_help = Şifrenizi unuttuysanız giriş sayfasındaki “Şifremi unuttum” bağlantısına tıklayıp adımları izleyin. Telefon numaranızı veya e-posta adresinizi Profil → Ayarlar bölümünden değiştirebilirsiniz; değişiklik SMS koduyla onaylanır.
notify_me-subscribed = Tamam: { $order_id } numaralı siparişin durumu değiştiğinde size buradan haber vereceğim.
notify_me-update = { $order_id } numaralı siparişinizle ilgili güncelleme: yeni durum “{ $status }”.
language_changed = { $variant ->
   *[0] Tabii, Türkçe devam ediyoruz.
    [1] Anlaşıldı, bundan sonra size Türkçe yazacağım.
}
oos = { $variant ->
   *[0] Üzgünüm, bunu anlayamadım ya da bu konuda buradan yardımcı olamıyorum. Size şu konularda yardımcı olabilirim:
    [1] Kusura bakmayın, bu soruyla ilgili bu sohbette yardımcı olamıyorum. Aşağıdaki konulardan birini seçebilirsiniz:
    [2] Sizi doğru anladığımdan emin değilim. Lütfen şu seçeneklerden birini seçin:
}
oos_again = Üzgünüm, talebinizi hâlâ anlayamadım. Sizi bir temsilcimize bağlamamı ister misiniz?
clarify = Sizi doğru anlamak istiyorum — bunlardan birini mi kastettiniz?
clarify_noise = Burada yalnızca düz metni anlayabiliyorum. Neye ihtiyacınız olduğunu birkaç kelimeyle yazar mısınız ya da aşağıdan bir seçenek seçer misiniz?
not_helpful = Yardımcı olamadığım için üzgünüm. Bir çalışma arkadaşımı bağlayayım mı, yoksa başka bir şey mi deneyelim?
followup_more = Burada bu konuda söyleyebileceklerim bu kadar. Bir çalışma arkadaşım sizin durumunuza özel olarak bakabilir — bağlayayım mı?
withdrawn = Tamam, her şeyi olduğu gibi bırakıyorum. Başka bir konuda yardımcı olabilir miyim?
ack = Tamam. Başka bir konuda yardımcı olabilir miyim?
unsupported_language = Üzgünüm, bu dilde henüz yazamıyorum. Şu dillerde yardımcı olabilirim: { $languages }. Bir çalışma arkadaşım da yardımcı olabilir.
language_name = Türkçe
ask_contact = Sorun değil. Siparişi verdiğiniz telefon numarasını veya e-posta adresini gönderin, siparişi bulayım.
contact_not_found = Bu telefon numarası veya e-posta ile bir sipariş bulamadım. Kontrol eder misiniz ya da bulursanız sipariş numarasını gönderir misiniz? Bir çalışma arkadaşım da yardımcı olabilir.
which_order = Hangi sipariş hakkında? Birine dokunun veya numarayı gönderin.
handoff-customer_request = Elbette, sizi destek ekibimizden bir temsilciye aktarıyorum.
handoff-negative_emotion = Yaşadığınız sorun için gerçekten çok özür dilerim. Görüşmeyi bir temsilcimize aktarıyorum; bundan sonra o ilgilenecek.
handoff-sensitive_intent = Bu talebinizle bir temsilcimiz bizzat ilgilenecek; talebinizin ayrıntılarını şimdiden görebiliyor.
handoff-repeated_misunderstanding = Üzgünüm, sizi anlayamıyorum. Görüşmeyi bir destek temsilcisine aktarıyorum; yazdığınız her şeyi görecek.
handoff-repeat_contact = Bu sipariş için bize daha önce de ulaştığınızı görüyorum. Görüşmeyi bir destek temsilcisine aktarıyorum; tüm geçmişi görecek, hiçbir şeyi tekrarlamanıza gerek yok.
queue-waiting = Bir temsilcimiz için sıradasınız: sıra numaranız { $position }, tahmini bekleme süresi yaklaşık { $minutes } dakika. Beklerken buraya yazmaya devam edebilirsiniz: temsilcimiz yazdıklarınızı görecek, basit sorularınızı da ben yanıtlayacağım.
queue-no_agent_for_language = Şu anda Türkçe konuşan çevrimiçi bir temsilcimiz yok, bu yüzden size net bir süre veremiyorum. Başka bir dilde yanıt verebilecek bir temsilciyi bekleyebilir, benimle konuşmaya devam edebilir ya da yanıtı daha sonra burada, bu sohbette alabilirsiniz.
handoff-agent_joined = { $agent } görüşmeye katıldı.
handoff-back_to_bot = Temsilcimiz görüşmeyi tekrar dijital asistana devretti. Size başka nasıl yardımcı olabilirim?
handoff-closed = Görüşme sona erdi. Bize ulaştığınız için teşekkür ederiz!
queue-still_waiting = Zaten bir temsilcimiz için sıradasınız: sıra numaranız { $position }, tahmini bekleme süresi yaklaşık { $minutes } dakika. Buraya yazmaya devam edebilirsiniz; temsilcimiz her şeyi görecek.
queue-still_waiting_no_agent = Zaten bir temsilcimiz için sıradasınız: sıra numaranız { $position }. Şu anda Türkçe konuşan çevrimiçi bir temsilcimiz yok, bu yüzden size net bir süre veremiyorum; biri çevrimiçi olur olmaz size buradan yanıt verilecek.
queue-noted = Not aldım, temsilcimize ileteceğim; görüşmeye katıldığında bunu görecek. Sıra numaranız { $position }, tahmini bekleme süresi yaklaşık { $minutes } dakika.
queue-noted_no_agent = Not aldım, temsilcimize ileteceğim; görüşmeye katıldığında bunu görecek. Şu anda Türkçe konuşan çevrimiçi bir temsilcimiz yok; biri çevrimiçi olur olmaz size buradan yanıt verilecek.
queue-still_queued = Temsilci talebiniz hâlâ geçerli: sıra numaranız { $position }.
queue-update = Sıranızla ilgili bir güncelleme: sıra numaranız artık { $position }, tahmini bekleme süresi yaklaşık { $minutes } dakika.
queue-agent_available = Türkçe konuşan bir temsilcimiz şu anda çevrimiçi. Sıra numaranız { $position }, tahmini bekleme süresi yaklaşık { $minutes } dakika.
queue-no_agent = Şu anda Türkçe konuşan çevrimiçi bir temsilcimiz yok. Talebiniz sırada kalmaya devam ediyor (sıra numaranız { $position }); biri çevrimiçi olur olmaz size buradan yanıt verilecek.
handoff-withdrawn = Tamam, temsilci talebinizi iptal ettim. Size başka nasıl yardımcı olabilirim?
queue-wait_any = Tamam: ilk müsait temsilcimiz yanıt verecek, belki başka bir dilde. Sıra numaranız { $position }.
queue-answer_later = Tamam, talebiniz sırada kalıyor. Sohbeti kapatabilirsiniz; temsilcimizin yanıtı burada sizi bekliyor olacak.
survey-ces = Sorununuzu çözmek ne kadar kolaydı? Lütfen 1 (çok zor) ile 7 (çok kolay) arasında bir puan verin.
survey-csat = Hizmetimizden ne kadar memnun kaldınız? Lütfen 1 (hiç memnun değilim) ile 5 (çok memnunum) arasında bir puan verin.
survey-thanks = Geri bildiriminiz için teşekkür ederiz!
error-too_long = Mesajınız çok uzun (en fazla { $limit } karakter). Lütfen biraz kısaltın.
error-unsupported_media = Burada yalnızca metin mesajlarını okuyabiliyorum. Lütfen durumu yazıyla anlatın. Bir temsilciye bağlandığınızda temsilcimiz dosyaları da görebilir.
error-order_system = Siparişi şu anda kontrol edemiyorum: sipariş sistemi yanıt vermiyor. Lütfen birkaç dakika sonra tekrar deneyin ya da "temsilci" yazın, bir çalışanımız size yardımcı olsun.
orders_limited = Şu anda bu sohbette daha fazla sipariş sorgulayamıyorum. Lütfen daha sonra tekrar deneyin ya da bir temsilci isteyin; bir çalışma arkadaşım size yardımcı olacak.
link-code = Bu sohbeti diğer kanalınızla bağlamak için orada "/link { $code }" mesajını gönderin. Kod 10 dakika geçerlidir.
link-done = Tamam: kanallarınız bağlandı. Artık ikisinde de anlattığınız her şeyi hatırlıyorum.
link-invalid = Bu kod geçersiz; süresi dolmuş olabilir. Yeni bir kod almak için diğer kanalınızda "/link" gönderin.

## Button labels

button-order_status = Sipariş durumu
button-delivery_info = Teslimat
button-return_request = Ürün iadesi
button-refund_status = Para iadesi durumu
button-payment_methods = Ödeme yöntemleri
button-store_hours = Saatler ve iletişim
button-account_help = Hesap yardımı
button-human_agent = Temsilciye bağlan
button-notify_me = Durum bildirimi al
button-yes = Evet
button-no = Hayır
button-something_else = Başka bir şey
button-another_order = Başka bir sipariş
button-queue_wait_any = Başka dilde temsilci bekle
button-queue_bot = Asistanla devam et
button-queue_later = Daha sonra yanıt verin

## Order status names

status-created = Oluşturuldu
status-paid = Ödendi
status-shipped = Kargoya verildi
status-delivered = Teslim edildi
status-cancelled = İptal edildi
status-refund_pending = Para iadesi işlemde
status-refund_done = Para iadesi yapıldı

## Dates

date =
    { $day } { $month ->
         [1] Ocak
         [2] Şubat
         [3] Mart
         [4] Nisan
         [5] Mayıs
         [6] Haziran
         [7] Temmuz
         [8] Ağustos
         [9] Eylül
         [10] Ekim
         [11] Kasım
        *[12] Aralık
    } { $year }

# Linking channels: the channel that made the code confirms; too many attempts are refused.
link-confirm = Yeni bir kanal bu konuşmaya katılmak ve burada anlattıklarınızı görmek istiyor. Bu siz miydiniz? Evet / Hayır
link-pending = Neredeyse bitti: kodu aldığınız diğer kanalda onaylayın.
link-declined = Kanallar bağlanmadı.
link-limited = Çok fazla bağlama denemesi. Lütfen birkaç dakika bekleyin ve yeni bir kod için diğer kanalda "/link" gönderin.
