### Bot replies — French. Written for Komek; edit freely.
### How this file works: see the notes at the top of en.ftl.

## Replies

greeting = { $variant ->
   *[0] Bonjour ! Je suis l'assistant virtuel de la boutique. Je peux vous aider à suivre une commande, vous renseigner sur la livraison, les retours, les remboursements, le paiement ou votre compte. Que puis-je faire pour vous ?
    [1] Bonjour et bienvenue ! 👋 Je suis l'assistant de la boutique : commandes, livraison, retours, paiement, compte… Comment puis-je vous aider ?
    [2] Bonjour ! L'assistant de la boutique à votre service. Dites-moi ce dont vous avez besoin : suivi de commande, livraison, retour ou autre question.
}
goodbye = { $variant ->
   *[0] Au revoir, et excellente journée à vous !
    [1] Merci de votre visite. À bientôt !
    [2] Au revoir ! N'hésitez pas à revenir si vous avez d'autres questions.
}
goodbye_survey = { $variant ->
   *[0] Au revoir et merci ! Accepteriez-vous d'évaluer cette conversation ? Cela ne prend que quelques secondes.
    [1] Merci et bonne journée ! Avant de partir, pourriez-vous noter notre échange en deux questions rapides ?
}
thanks = { $variant ->
   *[0] Je vous en prie ! Puis-je vous aider pour autre chose ?
    [1] Avec plaisir ! Si vous avez une autre question, je suis là.
    [2] De rien ! N'hésitez pas si vous avez besoin d'autre chose.
}
ask_order_id = { $variant ->
   *[0] Pouvez-vous m'indiquer votre numéro de commande (par exemple 100017 ou #A-12345) ? Vous le trouverez dans l'e-mail ou le SMS de confirmation, ou dans la rubrique « Mes commandes » de votre compte.
    [1] Quel est votre numéro de commande ? Il ressemble à 100017 ou #A-12345 et figure dans votre confirmation de commande ainsi que dans « Mes commandes ».
}
order_not_found = { $variant ->
   *[0] Je ne trouve pas de commande { $order_id }. Pourriez-vous vérifier le numéro et me le renvoyer ?
    [1] Aucune commande ne correspond au numéro { $order_id }. Merci de vérifier le numéro (par exemple 100017 ou #A-12345).
}
order_status-created = Votre commande { $order_id } est bien enregistrée et en attente de paiement. Nous la préparerons dès réception du paiement.
order_status-paid = { $variant ->
   *[0] Votre commande { $order_id } est payée et en cours de préparation. Expédition prévue : { $date }.
    [1] Bonne nouvelle : la commande { $order_id } est payée et en préparation. Date d'expédition prévue : { $date }.
}
order_status-shipped = { $variant ->
   *[0] Votre commande { $order_id } est en route. Livraison prévue : { $date }.
    [1] La commande { $order_id } a été expédiée et est en chemin. Date de livraison prévue : { $date }.
}
order_status-delivered = Votre commande { $order_id } a été livrée le { $date }. Nous espérons qu'elle vous plaît !
order_status-cancelled = La commande { $order_id } a été annulée le { $date }. Si vous avez des questions à ce sujet, je suis là pour vous aider.
order_status-refund_pending = Commande { $order_id } : le remboursement de { $amount } est en cours. Il devrait vous parvenir d'ici le { $date }.
order_status-refund_done = Commande { $order_id } : le remboursement de { $amount } a été effectué le { $date }.
delivery_info = Nous livrons par coursier en 1 à 3 jours à Almaty et Astana, et en 3 à 7 jours dans les autres régions du Kazakhstan. La livraison est gratuite dès 15 000 ₸ d'achat, sinon elle coûte 1 500 ₸. Vous pouvez aussi retirer votre commande dans un point de retrait, ouvert tous les jours de 9 h à 21 h.
return_request-info = Vous pouvez retourner un article dans les 14 jours suivant la livraison, s'il n'a pas été utilisé et se trouve dans son emballage d'origine. Le remboursement est effectué sur votre moyen de paiement initial sous 3 à 5 jours ouvrés après réception du retour. Indiquez-moi votre numéro de commande et je lance la procédure.
return_request-started = Le retour de la commande { $order_id } est enregistré. Vous allez recevoir par SMS les instructions pour remettre l'article au coursier ou en point de retrait.
return_request-not_delivered = La commande { $order_id } n'a pas encore été livrée, elle ne peut donc pas être retournée. Si vous souhaitez l'annuler, je peux vous mettre en relation avec un conseiller.
refund_status-pending = Le remboursement de { $amount } pour la commande { $order_id } est en cours ; il devrait vous parvenir d'ici le { $date }.
refund_status-done = Le remboursement de { $amount } pour la commande { $order_id } a été envoyé le { $date }. Selon votre banque, il peut falloir jusqu'à 3 jours ouvrés pour qu'il apparaisse sur votre compte.
refund_status-none = Il n'y a pas de remboursement pour la commande { $order_id } : son statut actuel est « { $status } ». Souhaitez-vous la retourner ou l'annuler ?
payment_methods = Vous pouvez payer par carte (Visa, Mastercard), via Kaspi, avec Apple Pay ou Google Pay, ou bien en espèces ou par carte à la livraison. Le paiement en plusieurs fois 0-0-12 est également possible via Kaspi.
store_hours = Nos points de retrait sont ouverts tous les jours de 9 h à 21 h. Le support par chat est disponible 24 h/24 et 7 j/7, ici même.
change_address-ask_address = À quelle nouvelle adresse souhaitez-vous faire livrer la commande { $order_id } ? Merci d'indiquer la ville, la rue, le numéro et l'appartement.
change_address-done = C'est fait ! La commande { $order_id } sera livrée à cette nouvelle adresse : { $address }.
change_address-too_late = Le statut de la commande { $order_id } est déjà « { $status } », je ne peux donc plus modifier l'adresse moi-même. Un conseiller va vous aider.
account_help = Mot de passe oublié ? Cliquez sur le lien « Mot de passe oublié » sur la page de connexion. Pour changer votre numéro de téléphone ou votre e-mail, allez dans Profil → Paramètres et confirmez avec le code reçu par SMS.
notify_me-subscribed = C'est noté : je vous écrirai ici dès que le statut de la commande { $order_id } changera.
notify_me-update = Mise à jour : votre commande { $order_id } a maintenant le statut « { $status } ».
language_changed = Très bien, nous continuons en français.
oos = { $variant ->
   *[0] Désolé, je n'ai pas bien compris, ou je ne peux pas vous aider sur ce sujet ici. Voici ce que je peux faire pour vous :
    [1] Je crains de ne pas pouvoir répondre à cette demande ici. En revanche, je peux vous aider pour les sujets ci-dessous :
    [2] Pardon, je ne suis pas sûr d'avoir compris. Reformulez votre question ou choisissez l'une des options ci-dessous.
}
oos_again = Désolé, je ne parviens toujours pas à comprendre votre demande. Voulez-vous que je vous mette en relation avec un conseiller ?
clarify = Je veux bien vous comprendre : pensez-vous à l’un de ces choix ?
clarify_noise = Ici, je ne lis que du texte simple. Pourriez-vous me dire en quelques mots ce dont vous avez besoin, ou choisir une option ci-dessous ?
not_helpful = Désolé de ne pas avoir pu vous aider. Voulez-vous qu’un conseiller regarde, ou essayons-nous autre chose ?
followup_more = C’est tout ce que je peux vous dire à ce sujet ici. Un conseiller peut examiner votre cas en particulier — je vous mets en relation ?
withdrawn = D'accord, je laisse tout en l'état. Puis-je vous aider pour autre chose ?
ack = Très bien. Puis-je vous aider pour autre chose ?
unsupported_language = Désolé, je ne sais pas encore écrire dans cette langue. Je peux vous aider en : { $languages }. Un conseiller pourra peut-être aussi vous aider.
language_name = Français
ask_contact = Pas de souci. Envoyez-moi le téléphone ou l’e-mail utilisé pour la commande, et je la retrouve.
contact_not_found = Je n’ai trouvé aucune commande avec ce téléphone ou cet e-mail. Pouvez-vous vérifier, ou m’envoyer le numéro de commande si vous le retrouvez ? Un conseiller peut aussi vous aider.
which_order = De quelle commande s’agit-il ? Touchez-en une ou envoyez le numéro.
handoff-customer_request = Bien sûr, je transmets votre demande à un conseiller.
handoff-negative_emotion = Je suis sincèrement désolé pour ce désagrément. Je transmets la conversation à un conseiller, qui prendra le relais.
handoff-sensitive_intent = Un conseiller va s'occuper de votre demande. Il voit déjà tous les détails, vous n'aurez pas besoin de tout répéter.
handoff-repeated_misunderstanding = Désolé, je ne vous comprends pas. Je transmets la conversation à un membre de l'équipe d'assistance, qui verra tout ce que vous avez écrit.
handoff-repeat_contact = Je vois que vous nous avez déjà contactés au sujet de cette commande. Je transmets la conversation à un membre de l'équipe d'assistance, qui voit tout l'historique : inutile de répéter quoi que ce soit.
queue-waiting = Vous êtes dans la file d'attente pour parler à un conseiller : position { $position } ; attente estimée : environ { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. En attendant, vous pouvez continuer à écrire ici : le conseiller verra vos messages, et je répondrai aux questions simples.
queue-no_agent_for_language = Aucun conseiller francophone n'est en ligne pour le moment, je ne peux donc pas vous promettre de délai. Vous pouvez attendre un conseiller qui vous répondra peut-être dans une autre langue, continuer avec moi, ou recevoir une réponse plus tard, ici dans ce chat.
handoff-agent_joined = { $agent } a rejoint la conversation.
handoff-back_to_bot = Le conseiller m'a repassé la conversation. Que puis-je faire d'autre pour vous ?
handoff-closed = Cette conversation est terminée. Merci de nous avoir contactés !
queue-still_waiting = Vous êtes déjà dans la file d'attente pour parler à un conseiller : position { $position } ; attente estimée : environ { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. N'hésitez pas à continuer à écrire ici : le conseiller verra tout.
queue-still_waiting_no_agent = Vous êtes déjà dans la file d'attente pour parler à un conseiller : position { $position }. Aucun conseiller francophone n'est en ligne pour le moment, je ne peux donc pas vous promettre de délai ; vous recevrez une réponse ici dès qu'un conseiller sera en ligne.
queue-noted = C'est noté : je transmets, et le conseiller le verra en rejoignant la conversation. Vous êtes en position { $position } dans la file d'attente ; attente estimée : environ { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.
queue-noted_no_agent = C'est noté : je transmets, et le conseiller le verra en rejoignant la conversation. Aucun conseiller francophone n'est en ligne pour le moment ; vous recevrez une réponse ici dès qu'un conseiller sera en ligne.
queue-still_queued = Votre demande de conseiller est toujours active : vous êtes en position { $position } dans la file d'attente.
queue-update = Du nouveau dans la file d'attente : vous êtes maintenant en position { $position } ; attente estimée : environ { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.
queue-agent_available = Un conseiller francophone est maintenant en ligne. Vous êtes en position { $position } dans la file d'attente ; attente estimée : environ { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.
queue-no_agent = Aucun conseiller francophone n'est en ligne pour le moment. Votre demande reste dans la file d'attente (position { $position }), et vous recevrez une réponse ici dès qu'un conseiller sera en ligne.
handoff-withdrawn = D'accord, j'ai annulé la demande de conseiller. Que puis-je faire d'autre pour vous ?
queue-wait_any = D'accord : le premier conseiller disponible vous répondra, peut-être dans une autre langue. Vous êtes en position { $position } dans la file d'attente.
queue-answer_later = D'accord, votre demande reste dans la file d'attente. Vous pouvez fermer le chat : la réponse du conseiller vous attendra ici.
survey-ces = Dans quelle mesure a-t-il été facile de résoudre votre problème ? Répondez de 1 (très difficile) à 7 (très facile).
survey-csat = Dans quelle mesure êtes-vous satisfait(e) du service ? Donnez une note de 1 à 5 (1 = pas du tout satisfait, 5 = très satisfait).
survey-thanks = { $variant ->
   *[0] Merci beaucoup pour votre retour !
    [1] Merci d'avoir pris le temps de répondre !
}
error-too_long = Votre message est trop long (maximum { $limit ->
        [one] { $limit } caractère
       *[other] { $limit } caractères
    }). Pourriez-vous le raccourcir ?
error-unsupported_media = Je ne peux lire que les messages texte ici. Pourriez-vous décrire la situation par écrit ? Lorsque vous échangez avec un conseiller, celui-ci peut voir les fichiers envoyés.
error-order_system = Je ne peux pas vérifier la commande pour le moment : le système de commandes ne répond pas. Réessayez dans quelques minutes ou écrivez « conseiller » pour parler à une personne.
orders_limited = Je ne peux pas consulter d'autres commandes dans cette conversation pour le moment. Réessayez plus tard ou demandez à parler à quelqu'un : un collègue vous aidera.
link-code = Pour relier ce chat à votre autre canal, envoyez-y « /link { $code } ». Le code est valable 10 minutes.
link-done = C'est fait : vos canaux sont reliés. Je me souviens désormais de tout ce que vous nous avez dit dans l'un ou l'autre.
link-invalid = Ce code n'a pas fonctionné : il a peut-être expiré. Envoyez « /link » dans votre autre canal pour en obtenir un nouveau.

## Button labels

button-order_status = Suivi de commande
button-delivery_info = Livraison
button-return_request = Retourner un article
button-refund_status = Mon remboursement
button-payment_methods = Modes de paiement
button-store_hours = Horaires et contacts
button-account_help = Mon compte
button-human_agent = Parler à un conseiller
button-notify_me = Alertes de commande
button-yes = Oui
button-no = Non
button-something_else = Autre chose
button-another_order = Une autre commande
button-queue_wait_any = Attendre une réponse dans une autre langue
button-queue_bot = Continuer avec l'assistant
button-queue_later = Me répondre plus tard

## Order status names

status-created = En attente de paiement
status-paid = Payée
status-shipped = Expédiée
status-delivered = Livrée
status-cancelled = Annulée
status-refund_pending = Remboursement en cours
status-refund_done = Remboursée

## Dates

date =
    { $day } { $month ->
         [1] janvier
         [2] février
         [3] mars
         [4] avril
         [5] mai
         [6] juin
         [7] juillet
         [8] août
         [9] septembre
         [10] octobre
         [11] novembre
        *[12] décembre
    } { $year }

# Linking channels: the channel that made the code confirms; too many attempts are refused.
link-confirm = Un nouveau canal veut rejoindre cette conversation et voir ce que vous nous avez dit ici. Était-ce vous ? Oui / Non
link-pending = Presque fini : confirmez dans l’autre canal, là où vous avez reçu le code.
link-declined = Les canaux n’ont pas été liés.
link-limited = Trop de tentatives de liaison. Attendez quelques minutes et envoyez « /link » dans votre autre canal pour un nouveau code.
