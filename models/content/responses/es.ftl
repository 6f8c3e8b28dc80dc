### Bot replies — Spanish. Written for Komek; edit freely.
### How this file works: see the notes at the top of en.ftl.

## Replies

greeting = { $variant ->
   *[0] ¡Hola! Soy el asistente virtual de la tienda. Puedo ayudarle con sus pedidos, la entrega, devoluciones y reembolsos, los métodos de pago y su cuenta. ¿En qué puedo ayudarle?
    [1] ¡Hola! 👋 Le atiende el asistente de la tienda en línea. Puedo consultar el estado de su pedido y resolver sus dudas sobre envíos, devoluciones y pagos. ¿Qué necesita?
    [2] ¡Hola! Soy el asistente de la tienda. Cuénteme en qué puedo ayudarle: estado de un pedido, entrega, devoluciones, pagos o su cuenta.
}
goodbye = { $variant ->
   *[0] ¡Hasta pronto! Que tenga un buen día.
    [1] Gracias por escribirnos. ¡Hasta luego!
    [2] ¡Adiós! Aquí estaremos si nos necesita.
}
goodbye_survey = { $variant ->
   *[0] ¡Hasta pronto! Antes de irse, ¿le gustaría valorar esta conversación? Solo le llevará un momento.
    [1] Me alegra haber podido ayudarle. ¡Que tenga un buen día! ¿Le gustaría valorar brevemente la conversación?
}
thanks = { $variant ->
   *[0] ¡De nada! ¿Puedo ayudarle en algo más?
    [1] ¡Con mucho gusto! Si tiene cualquier otra pregunta, escríbame.
    [2] ¡A usted! ¿Hay algo más en lo que pueda ayudarle?
}
ask_order_id = { $variant ->
   *[0] Indíqueme, por favor, el número de su pedido (por ejemplo, 100017 o #A-12345). Lo encontrará en el correo electrónico o SMS de confirmación del pedido y en la lista de pedidos de su cuenta.
    [1] ¿Cuál es el número de su pedido? Tiene un formato como 100017 o #A-12345 y aparece en la confirmación del pedido (correo electrónico o SMS) y en su cuenta, en el apartado de pedidos.
}
order_not_found = No encuentro ningún pedido con el número { $order_id }. ¿Podría comprobar el número y enviármelo de nuevo?
order_status-created = Su pedido { $order_id } está creado y pendiente de pago. En cuanto recibamos el pago, empezaremos a prepararlo.
order_status-paid = Su pedido { $order_id } está pagado y lo estamos preparando. Fecha prevista de envío: { $date }.
order_status-shipped = Su pedido { $order_id } ya está en camino. Fecha prevista de entrega: { $date }.
order_status-delivered = Su pedido { $order_id } se entregó el { $date }.
order_status-cancelled = Su pedido { $order_id } se canceló el { $date }.
order_status-refund_pending = Pedido { $order_id }: estamos tramitando un reembolso de { $amount }. Fecha prevista para recibirlo: { $date }.
order_status-refund_done = Pedido { $order_id }: el reembolso de { $amount } se envió el { $date }.
delivery_info = Entregamos por mensajero: en Almaty y Astana, en 1–3 días; en el resto de regiones de Kazajistán, en 3–7 días. El envío es gratuito a partir de 15.000 ₸; para importes inferiores cuesta 1500 ₸. También puede recoger su pedido en un punto de recogida: abren todos los días de 9:00 a 21:00.
return_request-info = Puede devolver artículos sin usar y en su embalaje original en un plazo de 14 días desde la entrega. Cuando recibamos la devolución, le reembolsaremos el importe en el mismo método de pago en un plazo de 3–5 días hábiles. Indíqueme el número de pedido y tramito la devolución ahora mismo.
return_request-started = La devolución del pedido { $order_id } ha quedado registrada. En breve recibirá por SMS las instrucciones para la recogida por mensajero o la entrega en un punto de recogida.
return_request-not_delivered = El pedido { $order_id } todavía no se ha entregado, así que aún no se puede devolver. Si lo desea, puedo ponerle en contacto con una persona de nuestro equipo para cancelarlo.
refund_status-pending = El reembolso de { $amount } del pedido { $order_id } está en trámite. Fecha prevista para recibirlo: { $date }.
refund_status-done = El reembolso de { $amount } del pedido { $order_id } se envió el { $date }. Según el banco, el importe puede tardar hasta 3 días hábiles en aparecer en su cuenta.
refund_status-none = El pedido { $order_id } no tiene ningún reembolso: su estado actual es «{ $status }». ¿Desea devolverlo o cancelarlo?
payment_methods = Puede pagar con tarjeta (Visa, Mastercard), con Kaspi, con Apple Pay o Google Pay, o bien en efectivo o con tarjeta al recibir el pedido. También puede pagar a plazos 0-0-12 a través de Kaspi.
store_hours = Nuestro soporte por chat está disponible las 24 horas, todos los días. Los puntos de recogida abren todos los días de 9:00 a 21:00.
change_address-ask_address = Indíqueme, por favor, la nueva dirección de entrega del pedido { $order_id } (ciudad, calle, número y piso).
change_address-done = Listo: la dirección de entrega del pedido { $order_id } se ha cambiado a { $address }.
change_address-too_late = El pedido { $order_id } ya está en estado «{ $status }», así que no puedo cambiar la dirección desde aquí. Le pongo en contacto con una persona de nuestro equipo que le ayudará.
account_help = Si ha olvidado su contraseña, pulse el enlace «¿Olvidó su contraseña?» en la página de inicio de sesión y siga las instrucciones. Para cambiar su teléfono o correo electrónico, vaya a Perfil → Ajustes; el cambio se confirma con un código SMS.
notify_me-subscribed = De acuerdo: le escribiré aquí en cuanto cambie el estado del pedido { $order_id }.
notify_me-update = Novedades de su pedido { $order_id }: su estado ahora es «{ $status }».
language_changed = { $variant ->
   *[0] Perfecto, seguimos en español.
    [1] De acuerdo, a partir de ahora le escribo en español.
}
oos = { $variant ->
   *[0] Lo siento, no le he entendido o no puedo ayudarle con eso por aquí. Esto es lo que sí puedo hacer:
    [1] Disculpe, con esa consulta no puedo ayudarle en este chat. Puedo ayudarle con lo siguiente:
    [2] No estoy seguro de haberle entendido. Elija, por favor, una de estas opciones:
}
oos_again = Lo siento, sigo sin entender su consulta. ¿Quiere que le ponga en contacto con una persona de nuestro equipo?
clarify = Quiero entenderle bien: ¿se refiere a alguna de estas opciones?
clarify_noise = Aquí solo puedo leer texto normal. ¿Podría decirme en pocas palabras qué necesita, o elegir una opción de abajo?
not_helpful = Siento no haberle ayudado. ¿Quiere que un compañero lo revise, o probamos otra cosa?
followup_more = Eso es todo lo que puedo decirle sobre esto aquí. Un compañero puede revisar su caso en concreto. ¿Le pongo en contacto?
withdrawn = De acuerdo, lo dejo todo como está. ¿Le puedo ayudar en algo más?
ack = Bien. ¿Puedo ayudarle en algo más?
unsupported_language = Lo siento, todavía no puedo escribir en ese idioma. Puedo ayudarle en: { $languages }. Un compañero también podría ayudarle.
language_name = Español
ask_contact = No pasa nada. Envíeme el teléfono o el correo electrónico con el que hizo el pedido y lo busco.
contact_not_found = No encontré pedidos con ese teléfono o correo electrónico. ¿Puede comprobarlo, o enviar el número de pedido si lo encuentra? Un compañero también puede ayudarle.
which_order = ¿De qué pedido se trata? Toque uno o envíe el número.
handoff-customer_request = Por supuesto, le paso con una persona de nuestro equipo de soporte.
handoff-negative_emotion = Lamento mucho las molestias. Paso la conversación a una persona de nuestro equipo, que se encargará a partir de aquí.
handoff-sensitive_intent = De esto se encargará personalmente una persona de nuestro equipo, que ya tiene todos los detalles de su consulta.
handoff-repeated_misunderstanding = Disculpe, no consigo entenderle. Paso la conversación a una persona del equipo de soporte, que verá todo lo que ha escrito.
handoff-repeat_contact = Veo que ya nos ha contactado por este pedido. Paso la conversación a una persona del equipo de soporte, que ve todo el historial, así que no hace falta repetir nada.
queue-waiting = Está en la cola para hablar con una persona de nuestro equipo: es el número { $position }; tiempo de espera aproximado: { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    }. Mientras espera, puede seguir escribiendo aquí: esa persona verá todo lo que escriba, y yo responderé a las preguntas sencillas.
queue-no_agent_for_language = Ahora mismo no hay nadie de nuestro equipo conectado que hable español, así que no puedo prometerle un plazo. Puede esperar a una persona que quizá le responda en otro idioma, seguir hablando conmigo o recibir la respuesta más tarde aquí, en este chat.
handoff-agent_joined = { $agent } se ha unido a la conversación.
handoff-back_to_bot = Nuestro equipo ha devuelto la conversación al asistente virtual. ¿En qué más puedo ayudarle?
handoff-closed = La conversación ha finalizado. ¡Gracias por contactar con nosotros!
queue-still_waiting = Ya está en la cola para hablar con una persona de nuestro equipo: es el número { $position }; tiempo de espera aproximado: { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    }. Puede seguir escribiendo aquí: lo verán todo.
queue-still_waiting_no_agent = Ya está en la cola para hablar con una persona de nuestro equipo: es el número { $position }. Ahora mismo no hay nadie de nuestro equipo conectado que hable español, así que no puedo prometerle un plazo; recibirá una respuesta aquí en cuanto alguien se conecte.
queue-noted = Anotado: se lo paso a nuestro equipo y lo verán en cuanto le atiendan. Es el número { $position } de la cola; tiempo de espera aproximado: { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    }.
queue-noted_no_agent = Anotado: se lo paso a nuestro equipo y lo verán en cuanto le atiendan. Ahora mismo no hay nadie de nuestro equipo conectado que hable español; recibirá una respuesta aquí en cuanto alguien se conecte.
queue-still_queued = Su solicitud para hablar con una persona sigue en pie: es el número { $position } de la cola.
queue-update = Novedades sobre la cola: ahora es el número { $position }; tiempo de espera aproximado: { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    }.
queue-agent_available = Ya hay conectada una persona de nuestro equipo que habla español. Es el número { $position } de la cola; tiempo de espera aproximado: { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    }.
queue-no_agent = En este momento no hay nadie de nuestro equipo conectado que hable español. Su consulta sigue en la cola (número { $position }) y recibirá una respuesta aquí en cuanto alguien se conecte.
handoff-withdrawn = De acuerdo, he cancelado la solicitud para hablar con una persona. ¿En qué más puedo ayudarle?
queue-wait_any = De acuerdo: le responderá la primera persona disponible, quizá en otro idioma. Es el número { $position } de la cola.
queue-answer_later = De acuerdo, su consulta sigue en la cola. Puede cerrar el chat: la respuesta de nuestro equipo le estará esperando aquí.
survey-ces = ¿Le resultó fácil resolver su consulta? Valórelo del 1 (muy difícil) al 7 (muy fácil).
survey-csat = ¿Cuál es su grado de satisfacción con nuestro servicio? Valórelo del 1 (muy insatisfecho) al 5 (muy satisfecho).
survey-thanks = ¡Gracias por su opinión!
error-too_long = Su mensaje es demasiado largo (máximo { $limit ->
        [one] { $limit } carácter
       *[other] { $limit } caracteres
    }). Por favor, acórtelo un poco.
error-unsupported_media = Aquí solo puedo leer mensajes de texto. Por favor, descríbame su consulta por escrito. Si le atiende una persona de nuestro equipo, ella sí podrá ver los archivos.
error-order_system = Ahora mismo no puedo consultar el pedido: el sistema de pedidos no responde. Inténtelo de nuevo en unos minutos o escriba «agente» y le atenderá una persona.
orders_limited = Ahora no puedo consultar más pedidos en este chat. Inténtelo más tarde o pida hablar con una persona: un compañero le ayudará.
link-code = Para vincular este chat con su otro canal, envíe allí «/link { $code }». El código es válido durante 10 minutos.
link-done = Listo: sus canales están vinculados. Ahora recuerdo todo lo que nos ha dicho en cualquiera de ellos.
link-invalid = Ese código no ha funcionado; puede que haya caducado. Envíe «/link» en su otro canal para obtener uno nuevo.

## Button labels

button-order_status = Estado del pedido
button-delivery_info = Envío y entrega
button-return_request = Devolución
button-refund_status = Estado del reembolso
button-payment_methods = Métodos de pago
button-store_hours = Horario y contacto
button-account_help = Ayuda con la cuenta
button-human_agent = Hablar con una persona
button-notify_me = Avisarme de cambios
button-yes = Sí
button-no = No
button-something_else = Otra cosa
button-another_order = Otro pedido
button-queue_wait_any = Esperar atención en otro idioma
button-queue_bot = Seguir con el asistente
button-queue_later = Responderme más tarde

## Order status names

status-created = Creado
status-paid = Pagado
status-shipped = Enviado
status-delivered = Entregado
status-cancelled = Cancelado
status-refund_pending = Reembolso en trámite
status-refund_done = Reembolsado

## Dates

date =
    { $day } de { $month ->
         [1] enero
         [2] febrero
         [3] marzo
         [4] abril
         [5] mayo
         [6] junio
         [7] julio
         [8] agosto
         [9] septiembre
         [10] octubre
         [11] noviembre
        *[12] diciembre
    } de { $year }

# Linking channels: the channel that made the code confirms; too many attempts are refused.
link-confirm = Un canal nuevo quiere unirse a esta conversación y ver lo que nos contó aquí. ¿Fue usted? Sí / No
link-pending = Casi listo: confírmelo en el otro canal, donde recibió el código.
link-declined = Los canales no se vincularon.
link-limited = Demasiados intentos de vincular. Espere unos minutos y envíe "/link" en su otro canal para obtener un código nuevo.
