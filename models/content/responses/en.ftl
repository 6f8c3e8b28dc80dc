### Bot replies — English, the reference language. Written for Komek; edit freely.
###
### How the bot reads these files (Fluent: https://projectfluent.org/fluent/guide/):
###
### - Every <lang>.ftl has exactly the messages of this file, each with the same variables;
###   `komek check` and every start fail otherwise, naming the file and the line.
### - A reply of the dialogue is the message of the same name with "." written as "-" (Fluent
###   names have no dots): the reply "order_status.shipped" is `order_status-shipped`.
###   `button-<id>` is the label of a button, `status-<status>` the name of an order status, and
###   `date` writes a date.
### - `{ $name }` is filled in by the bot. Whatever a language selects on is passed as a number, so
###   counts take the language's CLDR plural forms (one, few, many… as https://cldr.unicode.org
###   lists them per language; `*` marks the form used when none matches):
###       { $minutes ->
###           [one] { $minutes } minute
###          *[other] { $minutes } minutes
###       }
###   Write every count this way where the language needs it, never an abbreviation.
### - Variants: a reply may be written several ways; the bot takes one per customer message, by a
###   selector on `$variant` around the whole message, numbered from 0 (languages may have
###   different numbers of variants):
###       thanks = { $variant ->
###          *[0] You're welcome!
###           [1] Happy to help!
###       }
### - `date` gets `$day`, `$month` (a number, selected to a month name) and `$year`.
### - `{ $amount }` arrives written with its own currency ("$12,990", "12 990 ₸"): money.toml says
###   how each language writes amounts.
### - Values are inserted as they are, without Unicode isolation marks (why: see
###   bot/src/dialogue/responses.rs); so an Arabic message must begin with a word, not a value.

## Replies

greeting = { $variant ->
   *[0] Hello! I'm the store's virtual assistant. I can check your order status, help with a return or refund, and answer questions about delivery, payment and your account. How can I help you?
    [1] Hi there 👋 I'm the store's assistant. I can tell you where your order is, help with returns and refunds, or answer questions about delivery and payment. What can I do for you?
    [2] Welcome! I'm the store's virtual assistant — ask me about your order, delivery, returns, payment or your account.
}
goodbye = { $variant ->
   *[0] Goodbye, and thank you for contacting us! Have a great day.
    [1] Thanks for getting in touch. All the best, and come back anytime!
    [2] Take care! If anything else comes up, just write here — we're always available.
}
goodbye_survey = { $variant ->
   *[0] Thank you for contacting us! Before you go, would you mind rating this conversation? It only takes a few seconds.
    [1] Thanks for writing to us. Goodbye! Would you rate our conversation? There are just a couple of quick questions.
}
thanks = { $variant ->
   *[0] You're welcome! Is there anything else I can help you with?
    [1] Happy to help! Let me know if you need anything else.
    [2] My pleasure. Anything else I can do for you?
}
ask_order_id = Please send me your order number, for example 100017 or #A-12345. You'll find it in your order confirmation e-mail or SMS and under “My orders” in your account.
order_not_found = I couldn't find order #{ $order_id }. Could you please check the number and send it again? It's in your order confirmation e-mail or SMS.
order_status-created = Order #{ $order_id } has been placed and is waiting for payment. As soon as the payment comes through, we'll start preparing it.
order_status-paid = Order #{ $order_id } is paid and being prepared. Expected shipping date: { $date }.
order_status-shipped = Good news: order #{ $order_id } is on its way! Expected delivery date: { $date }.
order_status-delivered = Order #{ $order_id } was delivered on { $date }. We hope you enjoy your purchase!
order_status-cancelled = Order #{ $order_id } was cancelled on { $date }. If you have any questions about it, I'm here to help.
order_status-refund_pending = Order #{ $order_id }: a refund of { $amount } is in progress. Expected by: { $date }.
order_status-refund_done = Order #{ $order_id }: the refund of { $amount } was sent on { $date } to the payment method you used for the order.
delivery_info = We deliver by courier: 1–3 days in Almaty and Astana, 3–7 days to other regions of Kazakhstan. Delivery is free for orders from ₸15,000; otherwise it costs ₸1,500. You can also collect your order at a pickup point — they're open daily from 9:00 to 21:00.
return_request-info = You can return an item within 14 days of delivery if it's unused and in its original packaging. Once the return reaches us, we refund the money to your original payment method within 3–5 working days. To start a return, please send me your order number.
return_request-started = The return for order #{ $order_id } is registered. We'll shortly send you an SMS with instructions for handing the item to a courier or dropping it off at a pickup point.
return_request-not_delivered = Order #{ $order_id } hasn't been delivered yet, so it can't be returned. If you no longer need it, I can connect you with a colleague who can cancel the order. Shall I do that?
refund_status-pending = The refund of { $amount } for order #{ $order_id } is in progress. Expected by: { $date }.
refund_status-done = The refund of { $amount } for order #{ $order_id } was sent on { $date }. Banks may take up to 3 working days to show it in your account.
refund_status-none = There's no refund for order #{ $order_id } — its current status is “{ $status }”. Would you like to return an item or cancel the order?
payment_methods = You can pay by card (Visa, Mastercard), with Kaspi, Apple Pay or Google Pay, or in cash or by card on delivery. Kaspi also offers 0-0-12 instalments.
store_hours = Our pickup points are open daily from 9:00 to 21:00. Support here in the chat is available 24/7, so feel free to write anytime.
change_address-ask_address = Please send the new delivery address for order #{ $order_id }: city, street, building and apartment.
change_address-done = Done! The delivery address for order #{ $order_id } is now: { $address }.
change_address-too_late = Order #{ $order_id } already has the status “{ $status }”, so I can't change the address here. I'm passing your request to a colleague who will help you.
account_help = Forgot your password? Use the “Forgot password” link on the login page to reset it. To change your phone number or e-mail, go to Profile → Settings and confirm the change with the code we send you by SMS.
notify_me-subscribed = Done! I'll message you here as soon as the status of order #{ $order_id } changes.
notify_me-update = Update on order #{ $order_id }: its status is now “{ $status }”.
language_changed = Sure, let's continue in English.
oos = { $variant ->
   *[0] Sorry, I didn't quite understand, or that's something I can't help with here. I can check an order, tell you about delivery and payment, or help with a return — please choose an option below.
    [1] I'm afraid I can't help with that in this chat. Here's what I can do:
    [2] Sorry, I'm not sure I understood you. Could you rephrase it, or pick one of the options below?
}
oos_again = Sorry, I still don't understand. Would you like me to connect you with a member of our support team?
clarify = I want to get this right — did you mean one of these?
clarify_noise = I can only read plain text here. Could you tell me in a few words what you need, or pick an option below?
not_helpful = Sorry that didn't help. Would you like a colleague to take a look, or shall we try something else?
followup_more = That's everything I can tell you about this here. A colleague can look into your particular case — shall I connect you?
withdrawn = All right, I'll leave everything as it is. Anything else I can help with?
ack = Good. Is there anything else I can help you with?
unsupported_language = Sorry, I can't write in that language yet. I can help in: { $languages }. A colleague may also be able to help.
language_name = English
ask_contact = No problem. Send me the phone number or e-mail you used for the order, and I'll find it.
contact_not_found = I couldn't find any orders for that phone number or e-mail. Could you check it, or send the order number if you find it? A colleague can also help.
which_order = Which order is this about? Tap one, or send the number.
handoff-customer_request = Of course — I'm passing you to a member of our support team.
handoff-negative_emotion = I'm really sorry this happened. I'm passing the conversation to a colleague, and they'll take it from here.
handoff-sensitive_intent = A member of our support team will take care of this. They can already see the details of your request, so you won't need to repeat anything.
handoff-repeated_misunderstanding = Sorry, I'm not understanding you. I'm passing the conversation to a member of our support team — they'll see everything you wrote.
handoff-repeat_contact = I can see you've already contacted us about this order. I'm passing the conversation to a member of our support team — they can see the whole history, so there's no need to repeat anything.
queue-waiting = You're in the queue for a colleague: number { $position } in the queue; the wait is about { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. While you wait, you can keep writing here: the colleague will see it, and I'll answer simple questions.
queue-no_agent_for_language = None of our English-speaking colleagues is online right now, so I can't promise a time. You can wait for a colleague who may answer in another language, keep talking to me, or be answered later here in this chat.
handoff-agent_joined = { $agent } has joined the conversation.
handoff-back_to_bot = Our colleague has handed the chat back to me, the virtual assistant. What else can I do for you?
handoff-closed = This conversation is now closed. Thank you for contacting us!
queue-still_waiting = You're already in the queue for a colleague: number { $position }, and the wait is about { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. Feel free to keep writing here — they'll see everything.
queue-still_waiting_no_agent = You're already in the queue for a colleague: number { $position }. None of our English-speaking colleagues is online right now, so I can't promise a time — you'll get an answer here as soon as someone is.
queue-noted = Noted — I'll pass this on, and the colleague will see it when they join. You're number { $position } in the queue; the wait is about { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.
queue-noted_no_agent = Noted — I'll pass this on, and the colleague will see it when they join. None of our English-speaking colleagues is online right now; you'll get an answer here as soon as someone is.
queue-still_queued = Your request for a colleague still stands: you're number { $position } in the queue.
queue-update = An update on the queue: you're now number { $position }, and the wait is about { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.
queue-agent_available = A colleague who speaks English is online now. You're number { $position } in the queue; the wait is about { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.
queue-no_agent = None of our English-speaking colleagues is online at the moment. Your request stays in the queue (number { $position }), and you'll get an answer here as soon as someone is.
handoff-withdrawn = All right, I've cancelled the request for a colleague. What else can I do for you?
queue-wait_any = All right: the first free colleague will answer, possibly in another language. You're number { $position } in the queue.
queue-answer_later = All right, your request stays in the queue. You can close the chat — the colleague's answer will be waiting for you here.
survey-ces = How easy was it to solve your issue? Please rate it from 1 (very difficult) to 7 (very easy).
survey-csat = How satisfied are you with our service? Please rate it from 1 to 5.
survey-thanks = Thank you for your feedback! It helps us get better.
error-too_long = Your message is too long — the limit is { $limit ->
        [one] { $limit } character
       *[other] { $limit } characters
    }. Could you please shorten it?
error-unsupported_media = I can only read text messages here, so please describe your question in words. If you're talking with a member of our team, they can see the files you send.
error-order_system = I can't check the order right now: the order system isn't answering. Please try again in a few minutes, or type "agent" and a person will help you.
orders_limited = I can't look up more orders in this chat right now. Please try again later, or ask for a person and a colleague will help you.
link-code = To link this chat with your other channel, send "/link { $code }" there. The code is valid for 10 minutes.
link-done = Done: your channels are linked. I now remember everything you told us in either of them.
link-invalid = That code didn't work — it may have expired. Send "/link" in your other channel to get a new one.

## Button labels

button-order_status = Order status
button-delivery_info = Delivery
button-return_request = Return an item
button-refund_status = Refund status
button-payment_methods = Payment methods
button-store_hours = Hours & contacts
button-account_help = Account help
button-human_agent = Talk to a person
button-notify_me = Notify me of updates
button-yes = Yes
button-no = No
button-something_else = Something else
button-another_order = Another order
button-queue_wait_any = Wait for a colleague in another language
button-queue_bot = Keep talking to the assistant
button-queue_later = Answer me later

## Order status names

status-created = Awaiting payment
status-paid = Paid
status-shipped = Shipped
status-delivered = Delivered
status-cancelled = Cancelled
status-refund_pending = Refund in progress
status-refund_done = Refunded

## Dates

date =
    { $month ->
         [1] January
         [2] February
         [3] March
         [4] April
         [5] May
         [6] June
         [7] July
         [8] August
         [9] September
         [10] October
         [11] November
        *[12] December
    } { $day }, { $year }

# Linking channels: the channel that made the code confirms; too many attempts are refused.
link-confirm = A new channel wants to join this conversation and see what you told us here. Was it you? Yes / No
link-pending = Almost done: confirm in your other channel, where you got the code.
link-declined = The channels were not linked.
link-limited = Too many attempts to link. Please wait a few minutes and send "/link" in your other channel for a new code.
