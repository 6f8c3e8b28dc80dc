### Bot replies — Chinese (Simplified). Written for Komek; edit freely.
### How this file works: see the notes at the top of en.ftl.
### Chinese has no plural forms: no message needs them.

## Replies

greeting = { $variant ->
   *[0] 您好！我是本店的智能客服助手，可以帮您查询订单、了解配送、办理退货退款、咨询支付方式和账户问题。请问有什么可以帮您？
    [1] 您好，欢迎光临！👋 我是店铺客服助手，订单查询、配送、退货、支付、账户问题都可以问我。请问需要什么帮助？
    [2] 您好！我是本店在线助手，很高兴为您服务。请告诉我您需要哪方面的帮助：订单、配送、退货退款，还是其他问题？
}
goodbye = { $variant ->
   *[0] 再见，祝您生活愉快！
    [1] 感谢您的咨询，再见！
    [2] 再见！如有其他问题，欢迎随时来问。
}
goodbye_survey = { $variant ->
   *[0] 感谢您的咨询，再见！您是否愿意为本次对话打个分？只需几秒钟。
    [1] 祝您愉快！离开前，能否请您花几秒钟评价一下本次服务？
}
thanks = { $variant ->
   *[0] 不客气！还有什么可以帮您的吗？
    [1] 很高兴能帮到您！如有其他问题，随时告诉我。
    [2] 不用谢！还需要其他帮助吗？
}
ask_order_id = { $variant ->
   *[0] 请提供您的订单号（例如 100017 或 #A-12345）。您可以在订单确认短信或邮件中，或在账户的“我的订单”里找到它。
    [1] 请问您的订单号是多少？格式类似 100017 或 #A-12345，可在下单确认信息或“我的订单”中查看。
}
order_not_found = { $variant ->
   *[0] 抱歉，没有找到订单 { $order_id }。请核对订单号后再发给我。
    [1] 未查到订单号为 { $order_id } 的订单。请确认号码是否正确（例如 100017 或 #A-12345）。
}
order_status-created = 您的订单 { $order_id } 已创建，正在等待付款。付款完成后我们会尽快为您备货。
order_status-paid = 您的订单 { $order_id } 已付款，正在备货中，预计发货日期：{ $date }。
order_status-shipped = 您的订单 { $order_id } 正在配送途中，预计送达日期：{ $date }。
order_status-delivered = 您的订单 { $order_id } 已于 { $date } 送达，希望您满意！
order_status-cancelled = 订单 { $order_id } 已于 { $date } 取消。如有疑问，我很乐意为您解答。
order_status-refund_pending = 订单 { $order_id }：{ $amount } 的退款正在处理中，预计 { $date } 前到账。
order_status-refund_done = 订单 { $order_id }：{ $amount } 的退款已于 { $date } 原路退回。
delivery_info = 我们提供快递员送货上门：阿拉木图和阿斯塔纳 1–3 天送达，哈萨克斯坦其他地区 3–7 天送达。订单满 ₸15,000 免运费，否则运费为 ₸1,500。您也可以到自提点取货，自提点每天 9:00–21:00 营业。
return_request-info = 商品签收后 14 天内，未使用且保留原包装即可退货。我们收到退货后，会在 3–5 个工作日内将款项原路退回您的支付方式。请告诉我您的订单号，我来为您发起退货。
return_request-started = 订单 { $order_id } 的退货申请已登记。我们会通过短信向您发送快递员上门取件或自提点退货的操作说明。
return_request-not_delivered = 订单 { $order_id } 尚未送达，因此暂时无法退货。如果您想取消该订单，我可以为您转接人工客服。
refund_status-pending = 订单 { $order_id } 的 { $amount } 退款正在处理中，预计 { $date } 前到账。
refund_status-done = 订单 { $order_id } 的 { $amount } 退款已于 { $date } 原路退回。银行入账可能需要最多 3 个工作日，请留意。
refund_status-none = 订单 { $order_id } 目前没有退款，订单状态为“{ $status }”。请问您是想退货还是取消订单？
payment_methods = 我们支持以下支付方式：银行卡（Visa、Mastercard）、Kaspi、Apple Pay / Google Pay，以及货到付款（现金或刷卡）。还可以通过 Kaspi 办理 0-0-12 分期付款。
store_hours = 自提点每天 9:00–21:00 营业。在线客服 7×24 小时为您服务，就在这个聊天窗口。
change_address-ask_address = 请告诉我订单 { $order_id } 的新收货地址（城市、街道、门牌号和房间号）。
change_address-done = 好的，订单 { $order_id } 的收货地址已更改为：{ $address }。
change_address-too_late = 订单 { $order_id } 当前状态为“{ $status }”，我这边已无法修改地址。我的同事会来帮您处理。
account_help = 忘记密码：请点击登录页面上的“忘记密码”链接。更换手机号或邮箱：请进入“个人资料 → 设置”，并用短信验证码确认。
notify_me-subscribed = 好的，订单 { $order_id } 的状态一有变化，我就会在这里通知您。
notify_me-update = 订单动态：您的订单 { $order_id } 当前状态为“{ $status }”。
language_changed = 好的，接下来我们用中文交流。
oos = { $variant ->
   *[0] 抱歉，我没能理解您的问题，或者这个问题我在这里无法处理。以下是我可以帮您办理的事项：
    [1] 不好意思，这个问题超出了我能处理的范围。您可以选择下面的选项：
    [2] 抱歉，我不太确定您的意思。请换个说法，或从下面的选项中选择。
}
oos_again = 抱歉，我还是没能理解您的问题。需要我为您转接人工客服吗？
clarify = 想确认一下您的意思——是下面其中一项吗？
clarify_noise = 这里只能读取普通文字。请用几句话告诉我您需要什么，或从下面选择一项。
not_helpful = 抱歉没能帮到您。需要我请同事来看看，还是换个方式试试？
followup_more = 关于这个问题，我在这里能说的就这些了。同事可以具体查看您的情况——要为您转接吗？
withdrawn = 好的，一切保持不变。还有什么可以帮您的吗？
ack = 好的。还有什么可以帮您的吗？
unsupported_language = 抱歉，我暂时还不能用这种语言回复。我可以使用以下语言为您服务：{ $languages }。同事也许也能帮忙。
language_name = 中文
ask_contact = 没关系。请发送下单时使用的手机号或电子邮箱，我来帮您查找。
contact_not_found = 没有找到该手机号或邮箱下的订单。请核对一下，或者找到订单号后发给我。同事也可以帮您。
which_order = 您说的是哪个订单？请点选一个，或直接发送订单号。
handoff-customer_request = 好的，我将为您转交人工客服处理。
handoff-negative_emotion = 非常抱歉给您带来不便。我会把对话转交给人工客服，由同事接手为您处理。
handoff-sensitive_intent = 您的请求将由人工客服处理，客服已经能看到相关详情，您无需重复说明。
handoff-repeated_misunderstanding = 抱歉，我没能理解您的问题。我将把对话转给客服人员，他们可以看到您之前发送的所有内容。
handoff-repeat_contact = 我看到您之前已就这个订单联系过我们。我将把对话转给客服人员，他们能看到全部记录，您无需重复说明。
queue-waiting = 您正在排队等待人工客服：目前排在第 { $position } 位，预计等待约 { $minutes } 分钟。等待期间，您可以继续在这里留言：客服会看到您发送的内容，简单的问题我也可以为您解答。
queue-no_agent_for_language = 目前没有会说中文的客服在线，因此我无法承诺等待时间。您可以继续等待客服（对方可能会用其他语言回复），也可以继续和我对话，或者稍后在本聊天中接收回复。
handoff-agent_joined = { $agent } 已加入对话。
handoff-back_to_bot = 人工客服已将对话转回给我。还有什么可以帮您的吗？
handoff-closed = 本次对话已结束，感谢您的联系！
queue-still_waiting = 您已在排队等待人工客服：目前排在第 { $position } 位，预计等待约 { $minutes } 分钟。您可以继续在这里留言，客服都能看到。
queue-still_waiting_no_agent = 您已在排队等待人工客服：目前排在第 { $position } 位。目前没有会说中文的客服在线，因此我无法承诺等待时间——一旦有客服上线，我们会在这里回复您。
queue-noted = 已记下，我会转告客服，客服接入后就能看到。您目前排在第 { $position } 位，预计等待约 { $minutes } 分钟。
queue-noted_no_agent = 已记下，我会转告客服，客服接入后就能看到。目前没有会说中文的客服在线；一旦有客服上线，我们会在这里回复您。
queue-still_queued = 您的人工客服请求仍然有效：目前排在第 { $position } 位。
queue-update = 排队进度更新：您现在排在第 { $position } 位，预计等待约 { $minutes } 分钟。
queue-agent_available = 现在有会说中文的客服在线了。您目前排在第 { $position } 位，预计等待约 { $minutes } 分钟。
queue-no_agent = 目前没有会说中文的客服在线。您的请求仍在排队中（第 { $position } 位），一旦有客服上线，我们会在这里回复您。
handoff-withdrawn = 好的，已为您取消人工客服请求。还有什么可以帮您的吗？
queue-wait_any = 好的：将由第一位空闲的客服回复您，可能会使用其他语言。您目前排在第 { $position } 位。
queue-answer_later = 好的，您的请求将继续排队。您可以关闭聊天窗口，客服的回复会保留在这里等您查看。
survey-ces = 解决您的问题有多容易？请从 1（非常困难）到 7（非常容易）中选择一个分数。
survey-csat = 您对本次服务的满意程度如何？请从 1 到 5 打分（1 = 非常不满意，5 = 非常满意）。
survey-thanks = { $variant ->
   *[0] 感谢您的反馈！
    [1] 谢谢您抽空评价！
}
error-too_long = 您的消息太长了（上限 { $limit } 个字符），请精简后再发送。
error-unsupported_media = 抱歉，我在这里只能读取文字消息，请用文字描述您的问题。转接人工客服后，客服可以查看您发送的文件。
error-order_system = 暂时无法查询订单：订单系统没有响应。请几分钟后再试，或输入“人工客服”，由工作人员为您处理。
orders_limited = 目前无法在此对话中查询更多订单。请稍后再试，或要求转人工，同事会帮助您。
link-code = 要将此对话与您的其他渠道关联，请在那里发送“/link { $code }”。验证码10分钟内有效。
link-done = 完成：您的渠道已关联。现在我记得您在任一渠道中告诉我们的所有信息。
link-invalid = 该验证码无效，可能已过期。请在您的另一个渠道发送“/link”获取新的验证码。

## Button labels

button-order_status = 查询订单
button-delivery_info = 配送信息
button-return_request = 申请退货
button-refund_status = 退款进度
button-payment_methods = 支付方式
button-store_hours = 营业时间与联系方式
button-account_help = 账户帮助
button-human_agent = 人工客服
button-notify_me = 订单状态提醒
button-yes = 是
button-no = 否
button-something_else = 其他
button-another_order = 其他订单
button-queue_wait_any = 等待其他语言客服
button-queue_bot = 继续与智能助手对话
button-queue_later = 稍后回复我

## Order status names

status-created = 待付款
status-paid = 已付款
status-shipped = 配送中
status-delivered = 已送达
status-cancelled = 已取消
status-refund_pending = 退款处理中
status-refund_done = 已退款

## Dates

date = { $year }年{ $month }月{ $day }日

# Linking channels: the channel that made the code confirms; too many attempts are refused.
link-confirm = 有一个新渠道想加入此对话并查看您在这里告诉我们的内容。是您本人吗？是 / 否
link-pending = 快完成了：请在您获得代码的另一个渠道中确认。
link-declined = 渠道未关联。
link-limited = 关联尝试次数过多。请等待几分钟，然后在另一个渠道发送“/link”获取新代码。
