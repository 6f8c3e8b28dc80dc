### Bot replies — German. Written for Komek; edit freely.
### How this file works: see the notes at the top of en.ftl.
### "Zeichen" is the same in singular and plural, so `error-too_long` needs no plural forms.

## Replies

greeting = { $variant ->
   *[0] Guten Tag! Ich bin der digitale Assistent unseres Shops. Ich helfe Ihnen gern bei Fragen zu Bestellungen, Lieferung, Rücksendung und Erstattung, Zahlung und Ihrem Kundenkonto. Worum geht es?
    [1] Hallo und herzlich willkommen! 👋 Ich bin der Assistent des Shops: Ich kann den Status Ihrer Bestellung prüfen und Fragen zu Lieferung, Rückgabe und Zahlung beantworten. Wie kann ich Ihnen helfen?
    [2] Guten Tag! Hier schreibt der Assistent des Online-Shops. Ob Bestellstatus, Lieferung, Rückgabe, Zahlung oder Kundenkonto – fragen Sie mich einfach. Was kann ich für Sie tun?
}
goodbye = { $variant ->
   *[0] Auf Wiedersehen und einen schönen Tag noch!
    [1] Vielen Dank für Ihre Nachricht. Auf Wiedersehen!
    [2] Alles Gute und bis zum nächsten Mal!
}
goodbye_survey = { $variant ->
   *[0] Auf Wiedersehen! Hätten Sie noch einen Moment Zeit, unser Gespräch kurz zu bewerten?
    [1] Schön, dass ich helfen konnte – auf Wiedersehen! Möchten Sie das Gespräch zum Abschluss noch kurz bewerten? Es dauert nur einen Moment.
}
thanks = { $variant ->
   *[0] Gern geschehen! Kann ich sonst noch etwas für Sie tun?
    [1] Sehr gern! Wenn Sie weitere Fragen haben, schreiben Sie mir einfach.
    [2] Keine Ursache! Kann ich Ihnen noch bei etwas anderem helfen?
}
ask_order_id = { $variant ->
   *[0] Nennen Sie mir bitte Ihre Bestellnummer (z. B. 100017 oder #A-12345). Sie finden sie in der Bestellbestätigung per E-Mail oder SMS sowie in Ihrem Kundenkonto in der Liste Ihrer Bestellungen.
    [1] Wie lautet Ihre Bestellnummer? Sie sieht zum Beispiel so aus: 100017 oder #A-12345. Sie steht in der Bestellbestätigung (E-Mail oder SMS) und in Ihrem Kundenkonto bei Ihren Bestellungen.
}
order_not_found = Eine Bestellung mit der Nummer { $order_id } konnte ich leider nicht finden. Bitte prüfen Sie die Nummer und senden Sie sie mir noch einmal.
order_status-created = Ihre Bestellung { $order_id } ist angelegt und wartet noch auf die Zahlung. Sobald die Zahlung eingegangen ist, bereiten wir sie für den Versand vor.
order_status-paid = Ihre Bestellung { $order_id } ist bezahlt und wird gerade für den Versand vorbereitet. Voraussichtlicher Versand: { $date }.
order_status-shipped = Ihre Bestellung { $order_id } ist unterwegs zu Ihnen. Voraussichtliche Zustellung: { $date }.
order_status-delivered = Ihre Bestellung { $order_id } wurde am { $date } zugestellt.
order_status-cancelled = Ihre Bestellung { $order_id } wurde am { $date } storniert.
order_status-refund_pending = Zu Ihrer Bestellung { $order_id } läuft eine Erstattung über { $amount }. Das Geld sollte voraussichtlich bis { $date } bei Ihnen sein.
order_status-refund_done = Zu Ihrer Bestellung { $order_id } wurde die Erstattung über { $amount } am { $date } an Sie überwiesen.
delivery_info = Wir liefern per Kurier: nach Almaty und Astana in 1–3 Tagen, in die übrigen Regionen Kasachstans in 3–7 Tagen. Ab einem Bestellwert von 15.000 ₸ ist die Lieferung kostenlos, sonst kostet sie 1.500 ₸. Sie können Ihre Bestellung auch an einem Abholpunkt abholen – die Abholpunkte sind täglich von 9:00 bis 21:00 Uhr geöffnet.
return_request-info = Unbenutzte Artikel in der Originalverpackung können Sie innerhalb von 14 Tagen nach der Zustellung zurückgeben. Sobald die Rücksendung bei uns eingegangen ist, erstatten wir den Betrag innerhalb von 3–5 Werktagen auf das ursprüngliche Zahlungsmittel. Nennen Sie mir Ihre Bestellnummer, dann leite ich die Rücksendung gleich ein.
return_request-started = Die Rücksendung für Ihre Bestellung { $order_id } ist registriert. Die Anleitung zur Abholung durch den Kurier bzw. zur Abgabe am Abholpunkt erhalten Sie in Kürze per SMS.
return_request-not_delivered = Die Bestellung { $order_id } ist noch nicht zugestellt und kann daher noch nicht zurückgegeben werden. Wenn Sie möchten, verbinde ich Sie mit jemandem aus unserem Team, der die Bestellung für Sie stornieren kann.
refund_status-pending = Die Erstattung über { $amount } für Ihre Bestellung { $order_id } wird gerade bearbeitet. Sie erhalten das Geld voraussichtlich bis { $date }.
refund_status-done = Die Erstattung über { $amount } für Ihre Bestellung { $order_id } wurde am { $date } veranlasst. Je nach Bank kann es bis zu 3 Werktage dauern, bis der Betrag auf Ihrem Konto erscheint.
refund_status-none = Zur Bestellung { $order_id } gibt es keine Erstattung – sie hat derzeit den Status „{ $status }“. Möchten Sie die Bestellung zurückgeben oder stornieren?
payment_methods = Sie können so bezahlen: mit Karte (Visa, Mastercard), über Kaspi, mit Apple Pay oder Google Pay sowie bar oder mit Karte bei Lieferung. Außerdem ist eine Ratenzahlung 0-0-12 über Kaspi möglich.
store_hours = Unser Support im Chat ist rund um die Uhr für Sie da, 7 Tage die Woche. Unsere Abholpunkte sind täglich von 9:00 bis 21:00 Uhr geöffnet.
change_address-ask_address = Bitte nennen Sie mir die neue Lieferadresse für Ihre Bestellung { $order_id } (Stadt, Straße, Hausnummer, Wohnung).
change_address-done = Erledigt: Die Lieferadresse Ihrer Bestellung { $order_id } lautet jetzt { $address }.
change_address-too_late = Die Bestellung { $order_id } hat bereits den Status „{ $status }“, deshalb kann ich die Adresse nicht selbst ändern. Ich verbinde Sie mit jemandem aus unserem Team, der Ihnen weiterhilft.
account_help = Passwort vergessen? Klicken Sie auf der Anmeldeseite auf „Passwort vergessen“ und folgen Sie den Anweisungen. Ihre Telefonnummer oder E-Mail-Adresse ändern Sie unter Profil → Einstellungen; die Änderung bestätigen Sie mit einem SMS-Code.
notify_me-subscribed = Alles klar: Sobald sich der Status Ihrer Bestellung { $order_id } ändert, gebe ich Ihnen hier Bescheid.
notify_me-update = Neuigkeiten zu Ihrer Bestellung { $order_id }: Sie hat jetzt den Status „{ $status }“.
language_changed = { $variant ->
   *[0] Gern, wir machen auf Deutsch weiter.
    [1] Alles klar, ab jetzt schreibe ich Ihnen auf Deutsch.
}
oos = { $variant ->
   *[0] Das habe ich leider nicht verstanden – oder dabei kann ich Ihnen hier nicht helfen. Bei diesen Themen helfe ich Ihnen gern:
    [1] Entschuldigung, bei dieser Frage kann ich Ihnen hier im Chat leider nicht helfen. Wählen Sie gern eines dieser Themen:
    [2] Ich bin nicht sicher, ob ich Sie richtig verstanden habe. Womit kann ich helfen? Hier sind einige Möglichkeiten:
}
oos_again = Ich verstehe Ihr Anliegen leider immer noch nicht. Soll ich Sie mit jemandem aus unserem Team verbinden?
clarify = Ich möchte Sie richtig verstehen — meinen Sie eines davon?
clarify_noise = Hier kann ich nur normalen Text lesen. Schreiben Sie mir bitte in ein paar Worten, was Sie brauchen, oder wählen Sie unten eine Option.
not_helpful = Das tut mir leid. Soll sich jemand aus dem Team darum kümmern, oder versuchen wir es anders?
followup_more = Mehr kann ich Ihnen dazu hier nicht sagen. Jemand aus dem Team kann sich Ihren Fall genau ansehen — soll ich Sie verbinden?
withdrawn = In Ordnung, ich lasse alles, wie es ist. Kann ich sonst noch etwas für Sie tun?
ack = Gut. Kann ich sonst noch etwas für Sie tun?
unsupported_language = Entschuldigung, in dieser Sprache kann ich noch nicht schreiben. Ich helfe gern auf: { $languages }. Auch jemand aus dem Team kann helfen.
language_name = Deutsch
ask_contact = Kein Problem. Schicken Sie mir die Telefonnummer oder E-Mail-Adresse, mit der Sie bestellt haben, dann finde ich die Bestellung.
contact_not_found = Zu dieser Telefonnummer oder E-Mail-Adresse habe ich keine Bestellung gefunden. Bitte prüfen Sie sie oder schicken Sie die Bestellnummer, falls Sie sie finden. Auch jemand aus dem Team kann helfen.
which_order = Um welche Bestellung geht es? Tippen Sie eine an oder schicken Sie die Nummer.
handoff-customer_request = Natürlich – ich leite Sie an jemanden aus unserem Support-Team weiter.
handoff-negative_emotion = Es tut mir sehr leid, dass Sie Ärger hatten. Ich übergebe das Gespräch an jemanden aus unserem Team, der sich persönlich darum kümmert.
handoff-sensitive_intent = Darum kümmert sich jemand aus unserem Team persönlich. Ihr Anliegen ist bereits weitergeleitet, alle Details liegen schon vor.
handoff-repeated_misunderstanding = Entschuldigung, ich verstehe Sie leider nicht. Ich gebe das Gespräch an unser Support-Team weiter – dort ist alles sichtbar, was Sie geschrieben haben.
handoff-repeat_contact = Ich sehe, dass Sie sich wegen dieser Bestellung schon an uns gewandt haben. Ich gebe das Gespräch an unser Support-Team weiter – dort ist der ganze Verlauf sichtbar, Sie müssen nichts wiederholen.
queue-waiting = Sie sind in der Warteschlange für ein Gespräch mit unserem Team: Position { $position }, die Wartezeit beträgt etwa { $minutes ->
        [one] { $minutes } Minute
       *[other] { $minutes } Minuten
    }. Während Sie warten, können Sie hier gern weiterschreiben: Unser Team sieht Ihre Nachrichten, und einfache Fragen beantworte ich.
queue-no_agent_for_language = Im Moment ist leider niemand aus unserem Team online, der Deutsch spricht, daher kann ich Ihnen keine Wartezeit zusagen. Sie können auf jemanden warten, der Ihnen eventuell in einer anderen Sprache antwortet, mit mir weiterschreiben oder später hier in diesem Chat eine Antwort erhalten.
handoff-agent_joined = { $agent } ist dem Gespräch beigetreten.
handoff-back_to_bot = Unser Team hat das Gespräch wieder an mich, den digitalen Assistenten, übergeben. Womit kann ich Ihnen noch helfen?
handoff-closed = Das Gespräch ist beendet. Vielen Dank, dass Sie sich an uns gewandt haben!
queue-still_waiting = Sie sind bereits in der Warteschlange für ein Gespräch mit unserem Team: Position { $position }, die Wartezeit beträgt etwa { $minutes ->
        [one] { $minutes } Minute
       *[other] { $minutes } Minuten
    }. Schreiben Sie hier gern weiter – unser Team sieht alles.
queue-still_waiting_no_agent = Sie sind bereits in der Warteschlange für ein Gespräch mit unserem Team: Position { $position }. Im Moment ist leider niemand aus unserem Team online, der Deutsch spricht, daher kann ich Ihnen keine Wartezeit zusagen – Sie erhalten hier eine Antwort, sobald jemand da ist.
queue-noted = Notiert – ich gebe es weiter, und unser Team sieht es, sobald jemand das Gespräch übernimmt. Sie sind an Position { $position } der Warteschlange, die Wartezeit beträgt etwa { $minutes ->
        [one] { $minutes } Minute
       *[other] { $minutes } Minuten
    }.
queue-noted_no_agent = Notiert – ich gebe es weiter, und unser Team sieht es, sobald jemand das Gespräch übernimmt. Im Moment ist leider niemand aus unserem Team online, der Deutsch spricht; Sie erhalten hier eine Antwort, sobald jemand da ist.
queue-still_queued = Ihre Anfrage an unser Team besteht weiterhin: Sie sind an Position { $position } der Warteschlange.
queue-update = Neuigkeiten zur Warteschlange: Sie sind jetzt an Position { $position }, die Wartezeit beträgt etwa { $minutes ->
        [one] { $minutes } Minute
       *[other] { $minutes } Minuten
    }.
queue-agent_available = Jetzt ist jemand aus unserem Team online, der Deutsch spricht. Sie sind an Position { $position } der Warteschlange, die Wartezeit beträgt etwa { $minutes ->
        [one] { $minutes } Minute
       *[other] { $minutes } Minuten
    }.
queue-no_agent = Im Moment ist niemand aus unserem Team online, der Deutsch spricht. Ihre Anfrage bleibt in der Warteschlange (Position { $position }), und Sie erhalten hier eine Antwort, sobald jemand da ist.
handoff-withdrawn = In Ordnung, ich habe Ihre Anfrage an unser Team zurückgezogen. Kann ich sonst noch etwas für Sie tun?
queue-wait_any = In Ordnung: Es antwortet die erste freie Person aus unserem Team – eventuell in einer anderen Sprache. Sie sind an Position { $position } der Warteschlange.
queue-answer_later = In Ordnung, Ihre Anfrage bleibt in der Warteschlange. Sie können den Chat schließen – die Antwort unseres Teams wartet hier auf Sie.
survey-ces = Wie einfach war es, Ihr Anliegen zu lösen? Bitte bewerten Sie auf einer Skala von 1 (sehr schwierig) bis 7 (sehr einfach).
survey-csat = Wie zufrieden sind Sie mit unserem Service? Bitte bewerten Sie von 1 (sehr unzufrieden) bis 5 (sehr zufrieden).
survey-thanks = Vielen Dank für Ihr Feedback!
error-too_long = Ihre Nachricht ist leider zu lang (maximal { $limit } Zeichen). Bitte kürzen Sie sie etwas.
error-unsupported_media = Ich kann hier leider nur Textnachrichten lesen. Bitte beschreiben Sie Ihr Anliegen in Worten. Wenn Sie mit jemandem aus unserem Team verbunden sind, sieht diese Person auch Dateien.
error-order_system = Ich kann die Bestellung gerade nicht prüfen: Das Bestellsystem antwortet nicht. Bitte versuchen Sie es in ein paar Minuten erneut oder schreiben Sie „Mitarbeiter“ – dann hilft Ihnen eine Person weiter.
orders_limited = Ich kann in diesem Chat gerade keine weiteren Bestellungen nachsehen. Bitte versuchen Sie es später noch einmal oder bitten Sie um einen Mitarbeiter – ein Kollege hilft Ihnen weiter.
link-code = Um diesen Chat mit Ihrem anderen Kanal zu verbinden, senden Sie dort „/link { $code }“. Der Code gilt 10 Minuten.
link-done = Erledigt: Ihre Kanäle sind verbunden. Ich weiß jetzt alles, was Sie uns in einem der beiden gesagt haben.
link-invalid = Dieser Code hat nicht funktioniert – vielleicht ist er abgelaufen. Senden Sie „/link“ in Ihrem anderen Kanal, um einen neuen zu erhalten.

## Button labels

button-order_status = Bestellstatus
button-delivery_info = Lieferung
button-return_request = Rücksendung
button-refund_status = Erstattung
button-payment_methods = Zahlungsarten
button-store_hours = Öffnungszeiten & Kontakt
button-account_help = Hilfe zum Kundenkonto
button-human_agent = Mit Mitarbeiter sprechen
button-notify_me = Status-Benachrichtigung
button-yes = Ja
button-no = Nein
button-something_else = Etwas anderes
button-another_order = Eine andere Bestellung
button-queue_wait_any = Auf Antwort in anderer Sprache warten
button-queue_bot = Mit dem Assistenten weiterschreiben
button-queue_later = Antworten Sie mir später

## Order status names

status-created = Angelegt
status-paid = Bezahlt
status-shipped = Versandt
status-delivered = Zugestellt
status-cancelled = Storniert
status-refund_pending = Erstattung in Bearbeitung
status-refund_done = Erstattet

## Dates

date =
    { $day }. { $month ->
         [1] Januar
         [2] Februar
         [3] März
         [4] April
         [5] Mai
         [6] Juni
         [7] Juli
         [8] August
         [9] September
         [10] Oktober
         [11] November
        *[12] Dezember
    } { $year }

# Linking channels: the channel that made the code confirms; too many attempts are refused.
link-confirm = Ein neuer Kanal möchte diesem Gespräch beitreten und sehen, was Sie uns hier erzählt haben. Waren Sie das? Ja / Nein
link-pending = Fast geschafft: Bestätigen Sie im anderen Kanal, in dem Sie den Code bekommen haben.
link-declined = Die Kanäle wurden nicht verknüpft.
link-limited = Zu viele Versuche zu verknüpfen. Bitte warten Sie einige Minuten und senden Sie "/link" im anderen Kanal für einen neuen Code.
