use komek_nlu::Lang;

use super::*;

fn config() -> QualityConfig {
    QualityConfig::parse(include_str!("../../../models/content/quality.toml")).expect("quality.toml parses")
}

/// Builds a conversation a step at a time, ids and seconds counting up.
struct Log {
    steps: Vec<Step>,
    at: i64,
}

impl Log {
    fn new() -> Self {
        Log { steps: Vec::new(), at: 1_000_000 }
    }
    fn after(mut self, seconds: i64) -> Self {
        self.at += seconds * 1000;
        self
    }
    fn push(mut self, what: What) -> Self {
        self.at += 1000;
        let id = self.steps.len() as i64 + 1;
        self.steps.push(Step { id, at: self.at, what });
        self
    }
    fn customer(self, text: &str, lang: Lang, intent: Option<&str>) -> Self {
        self.push(What::Customer { text: text.into(), lang: Some(lang), intent: intent.map(Into::into), upset: false, wants_person: false, button: None })
    }
    fn upset(self, text: &str, lang: Lang, intent: Option<&str>, wants_person: bool) -> Self {
        self.push(What::Customer { text: text.into(), lang: Some(lang), intent: intent.map(Into::into), upset: true, wants_person, button: None })
    }
    fn asks_person(self, text: &str, lang: Lang) -> Self {
        self.push(What::Customer { text: text.into(), lang: Some(lang), intent: Some("human_agent".into()), upset: false, wants_person: true, button: None })
    }
    fn bot(self, key: &str, text: &str, lang: Lang) -> Self {
        self.push(What::Bot { key: key.into(), text: text.into(), lang, asks: None, proactive: false })
    }
    fn bot_asks(self, key: &str, fact: &str, lang: Lang) -> Self {
        self.push(What::Bot { key: key.into(), text: "?".into(), lang, asks: Some(fact.into()), proactive: false })
    }
    fn agent(self, text: &str, lang: Lang) -> Self {
        self.push(What::Agent { text: text.into(), lang: Some(lang), agent: "aigerim".into() })
    }
    fn handoff(self, reason: Reason) -> Self {
        self.push(What::Handoff { reason })
    }
    fn joined(self) -> Self {
        self.push(What::Joined { agent: "aigerim".into() })
    }
    fn closed(self, reason: &str) -> Self {
        self.push(What::Closed { reason: reason.into(), while_waiting: false })
    }
    fn score(&self) -> Scorecard {
        let context = Context { channel: "web".into(), lang: Some(Lang::Ru), now: self.at + 1000, ..Default::default() };
        score(&self.steps, &context, &config())
    }
}

fn verdict(card: &Scorecard, c: Criterion) -> Option<bool> {
    card.criteria[&c].pass
}

/// A routine order question answered by the bot, thanked and closed with the survey.
fn smooth() -> Log {
    Log::new()
        .customer("где мой заказ 12345", Lang::Ru, Some("order_status"))
        .push(What::Fact { name: "order_id".into() })
        .bot("order_status.shipped", "Заказ 12345 отправлен", Lang::Ru)
        .customer("спасибо, до свидания", Lang::Ru, Some("goodbye"))
        .bot("goodbye_survey", "Рад помочь! Оцените, пожалуйста", Lang::Ru)
        .closed("customer_goodbye")
}

#[test]
fn the_config_names_every_criterion_and_every_language() {
    let config = config();
    for c in Criterion::ALL {
        assert!(config.weight(c) > 0, "{} has no weight", c.as_str());
    }
    let total: u32 = Criterion::ALL.iter().map(|c| config.weight(*c)).sum();
    assert_eq!(total, 100, "weights add up to the 100-point score");
    for lang in Lang::ALL {
        let w = config.words(lang);
        assert!(!w.empathy.is_empty() && !w.rude.is_empty() && !w.further_help.is_empty() && w.asks.contains_key("order_id"), "{lang}");
    }
}

#[test]
fn a_smooth_bot_conversation_passes_and_is_easy() {
    let card = smooth().score();
    let failed: Vec<_> = card.failed().collect();
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(card.score, 100);
    assert_eq!(card.effort.score, 7, "{:?}", card.effort);
    assert!(card.ended);
    assert_eq!(verdict(&card, Criterion::AgentWording), None, "no agent: not applicable");
    assert_eq!(verdict(&card, Criterion::NoteLeak), None);
}

#[test]
fn the_bot_asking_for_an_order_number_it_has_is_a_repeat_ask() {
    let card = Log::new()
        .customer("заказ 12345 где", Lang::Ru, Some("order_status"))
        .push(What::Fact { name: "order_id".into() })
        .bot_asks("ask_order_id", "order_id", Lang::Ru)
        .score();
    assert_eq!(verdict(&card, Criterion::RepeatAsk), Some(false));
    assert_eq!(card.criteria[&Criterion::RepeatAsk].event_ids, vec![2, 3]);
    assert!(card.effort.reasons.iter().any(|r| r.what == "repeat_ask"));
    // After "not found", asking again is asking for a correct number.
    let card = Log::new()
        .customer("заказ 99999", Lang::Ru, Some("order_status"))
        .push(What::Fact { name: "order_id".into() })
        .bot("order_not_found", "Не нашёл такой заказ", Lang::Ru)
        .bot_asks("ask_order_id", "order_id", Lang::Ru)
        .score();
    assert_eq!(verdict(&card, Criterion::RepeatAsk), Some(true));
}

#[test]
fn an_agent_asking_again_for_the_order_number_is_a_repeat_ask() {
    let card = Log::new()
        .customer("заказ 12345 не пришёл, позовите оператора", Lang::Ru, Some("order_status"))
        .push(What::Fact { name: "order_id".into() })
        .handoff(Reason::CustomerRequest)
        .joined()
        .agent("Здравствуйте! Подскажите номер заказа?", Lang::Ru)
        .score();
    assert_eq!(verdict(&card, Criterion::RepeatAsk), Some(false));
    assert_eq!(card.criteria[&Criterion::RepeatAsk].who, Some(Who::Agent));
}

#[test]
fn an_agent_answering_in_another_language_is_a_mismatch() {
    let card = Log::new()
        .customer("тапсырысым қайда", Lang::Kk, Some("order_status"))
        .handoff(Reason::CustomerRequest)
        .joined()
        .agent("Здравствуйте, сейчас посмотрю", Lang::Ru)
        .score();
    assert_eq!(verdict(&card, Criterion::LanguageMismatch), Some(false));
    // A customer who picked the agent's language is answered in it.
    let card = Log::new()
        .customer("тапсырысым қайда", Lang::Kk, Some("order_status"))
        .push(What::LanguagePicked { lang: Lang::Ru })
        .handoff(Reason::CustomerRequest)
        .joined()
        .agent("Здравствуйте, сейчас посмотрю", Lang::Ru)
        .score();
    assert_eq!(verdict(&card, Criterion::LanguageMismatch), Some(true));
}

#[test]
fn a_late_first_reply_and_a_long_gap_are_slow() {
    let fast = Log::new().asks_person("оператора", Lang::Ru).handoff(Reason::CustomerRequest).after(20).joined().agent("Здравствуйте!", Lang::Ru).score();
    assert_eq!(verdict(&fast, Criterion::SlowReply), Some(true));
    let slow = Log::new().asks_person("оператора", Lang::Ru).handoff(Reason::CustomerRequest).after(200).joined().agent("Здравствуйте!", Lang::Ru).score();
    assert_eq!(verdict(&slow, Criterion::SlowReply), Some(false));
    let gap = Log::new()
        .asks_person("оператора", Lang::Ru)
        .handoff(Reason::CustomerRequest)
        .joined()
        .agent("Здравствуйте!", Lang::Ru)
        .customer("мой заказ не пришёл", Lang::Ru, Some("order_status"))
        .after(400)
        .agent("Проверила, завтра привезут", Lang::Ru)
        .score();
    assert_eq!(verdict(&gap, Criterion::SlowReply), Some(false));
    assert_eq!(gap.criteria[&Criterion::SlowReply].event_ids, vec![5, 6]);
}

#[test]
fn an_upset_customer_is_acknowledged_before_the_solution() {
    // Upset while waiting: the joining agent answers without a word about it.
    let cold = Log::new()
        .asks_person("оператора позовите", Lang::Ru)
        .handoff(Reason::CustomerRequest)
        .bot("handoff.customer_request", "Передаю коллеге", Lang::Ru)
        .upset("это ужас, третий раз пишу, где заказ", Lang::Ru, Some("order_status"), false)
        .bot("queue.noted", "Передам. Вы первый в очереди", Lang::Ru)
        .joined()
        .agent("Заказ будет завтра.", Lang::Ru)
        .score();
    assert_eq!(verdict(&cold, Criterion::EmpathyMissed), Some(false));
    assert_eq!(cold.criteria[&Criterion::EmpathyMissed].who, Some(Who::Agent));
    // The bot's own handoff apology acknowledges an upset customer.
    let handed = Log::new()
        .upset("это ужас, где заказ", Lang::Ru, Some("order_status"), true)
        .handoff(Reason::NegativeEmotion)
        .bot("handoff.negative_emotion", "Мне очень жаль, что так вышло. Передаю коллеге", Lang::Ru)
        .joined()
        .agent("Заказ будет завтра.", Lang::Ru)
        .score();
    assert_eq!(verdict(&handed, Criterion::EmpathyMissed), Some(true));
    let warm = Log::new()
        .upset("это ужас, третий раз пишу, где заказ", Lang::Ru, Some("order_status"), true)
        .handoff(Reason::NegativeEmotion)
        .joined()
        .agent("Понимаю, как это неприятно, извините. Заказ будет завтра.", Lang::Ru)
        .score();
    assert_eq!(verdict(&warm, Criterion::EmpathyMissed), Some(true));
    assert_eq!(verdict(&smooth().score(), Criterion::EmpathyMissed), None, "nobody upset: not applicable");
}

#[test]
fn a_request_for_a_person_left_with_the_bot_is_a_missed_escalation() {
    let missed = Log::new()
        .asks_person("позовите живого человека", Lang::Ru)
        .bot("oos", "Не понял вас", Lang::Ru)
        .customer("ладно", Lang::Ru, None)
        .score();
    assert_eq!(verdict(&missed, Criterion::EscalationMissed), Some(false));
    assert_eq!(missed.criteria[&Criterion::EscalationMissed].event_ids, vec![1]);
    let kept = Log::new().asks_person("позовите живого человека", Lang::Ru).handoff(Reason::CustomerRequest).score();
    assert_eq!(verdict(&kept, Criterion::EscalationMissed), Some(true));
}

#[test]
fn a_routine_question_handed_over_is_needless() {
    let needless = Log::new().customer("какие способы оплаты", Lang::Ru, Some("payment_methods")).handoff(Reason::BusinessRule).score();
    assert_eq!(verdict(&needless, Criterion::EscalationNeedless), Some(false));
    let complaint = Log::new().customer("хочу пожаловаться", Lang::Ru, Some("complaint")).handoff(Reason::SensitiveIntent).score();
    assert_eq!(verdict(&complaint, Criterion::EscalationNeedless), Some(true));
    let misses = Log::new()
        .customer("бла", Lang::Ru, Some("order_status"))
        .bot("oos", "?", Lang::Ru)
        .customer("бла бла", Lang::Ru, Some("order_status"))
        .bot("oos_again", "?", Lang::Ru)
        .handoff(Reason::RepeatedMisunderstanding)
        .score();
    assert_eq!(verdict(&misses, Criterion::EscalationNeedless), Some(true));
}

#[test]
fn a_conversation_left_in_the_queue_is_unresolved_and_its_promise_broken() {
    let log = Log::new()
        .asks_person("оператора", Lang::Ru)
        .handoff(Reason::CustomerRequest)
        .bot("handoff.customer_request", "Передаю коллеге", Lang::Ru)
        .push(What::Closed { reason: "idle".into(), while_waiting: true });
    let card = log.score();
    assert_eq!(verdict(&card, Criterion::Unresolved), Some(false));
    assert_eq!(verdict(&card, Criterion::PromiseBroken), Some(false));
    assert_eq!(verdict(&card, Criterion::ClosingMissed), None);
    assert!(card.effort.score <= 5, "{:?}", card.effort);
    // Open and recent: not judged yet.
    let open = Log::new().asks_person("оператора", Lang::Ru).handoff(Reason::CustomerRequest).bot("handoff.customer_request", "Передаю", Lang::Ru);
    let card = open.score();
    assert!(!card.ended);
    assert_eq!(verdict(&card, Criterion::Unresolved), None);
    assert_eq!(verdict(&card, Criterion::PromiseBroken), Some(true));
}

#[test]
fn an_agent_who_promises_to_come_back_and_closes_broke_it() {
    let card = Log::new()
        .asks_person("оператора", Lang::Ru)
        .handoff(Reason::CustomerRequest)
        .joined()
        .agent("Я уточню и вернусь к вам с ответом.", Lang::Ru)
        .closed("agent_closed")
        .score();
    assert_eq!(verdict(&card, Criterion::PromiseBroken), Some(false));
    assert_eq!(card.criteria[&Criterion::PromiseBroken].agent.as_deref(), Some("aigerim"));
}

#[test]
fn a_subscription_whose_order_changed_without_a_message_is_broken() {
    let log = Log::new()
        .customer("сообщите когда отправят 12345", Lang::Ru, Some("notify_me"))
        .push(What::Subscribed { order_id: "12345".into() })
        .bot("notify_me.subscribed", "Сообщу", Lang::Ru);
    let changed = log.at + 5_000;
    let context = |now| Context { channel: "web".into(), lang: Some(Lang::Ru), order_changes: vec![("12345".into(), changed)], now, ..Default::default() };
    let card = score(&log.steps, &context(changed + 120_000), &config());
    assert_eq!(verdict(&card, Criterion::PromiseBroken), Some(false));
    let told = log.push(What::Bot { key: "notify_me.update".into(), text: "Отправлен".into(), lang: Lang::Ru, asks: None, proactive: true });
    let mut steps = told.steps.clone();
    steps.last_mut().unwrap().at = changed + 1_000;
    let card = score(&steps, &context(changed + 120_000), &config());
    assert_eq!(verdict(&card, Criterion::PromiseBroken), Some(true));
}

#[test]
fn an_agent_closing_without_offering_more_help_missed_the_closing() {
    let base = || Log::new().asks_person("оператора", Lang::Ru).handoff(Reason::CustomerRequest).joined().agent("Здравствуйте! Заказ завтра.", Lang::Ru);
    let abrupt = base().closed("agent_closed").bot("survey.ces", "Оцените", Lang::Ru).score();
    assert_eq!(verdict(&abrupt, Criterion::ClosingMissed), Some(false));
    let kind = base().agent("Могу ещё чем-то помочь?", Lang::Ru).closed("agent_closed").bot("survey.ces", "Оцените", Lang::Ru).score();
    assert_eq!(verdict(&kind, Criterion::ClosingMissed), Some(true));
}

#[test]
fn rude_words_and_a_leaked_note_fail_the_agent() {
    let card = Log::new()
        .asks_person("оператора", Lang::Ru)
        .handoff(Reason::CustomerRequest)
        .joined()
        .push(What::Note { text: "Клиент скандальный, вернуть деньги без проверки склада".into() })
        .agent("Успокойтесь, это не моя проблема", Lang::Ru)
        .agent("Клиент скандальный, вернуть деньги без проверки склада", Lang::Ru)
        .score();
    assert_eq!(verdict(&card, Criterion::AgentWording), Some(false));
    assert_eq!(card.criteria[&Criterion::AgentWording].event_ids, vec![5]);
    assert_eq!(verdict(&card, Criterion::NoteLeak), Some(false));
    assert_eq!(card.criteria[&Criterion::NoteLeak].event_ids, vec![4, 6]);
    assert_eq!(card.score, 100 - config().weight(Criterion::AgentWording) as u8 - config().weight(Criterion::NoteLeak) as u8);
}

#[test]
fn effort_grows_with_what_the_customer_went_through() {
    let easy = smooth().score().effort.score;
    let hard = Log::new()
        .customer("где заказ", Lang::Ru, None)
        .bot("oos", "Не понял", Lang::Ru)
        .customer("ГДЕ МОЙ ЗАКАЗ", Lang::Ru, None)
        .bot("oos_again", "Не понял", Lang::Ru)
        .customer("оператора!!!", Lang::Ru, Some("human_agent"))
        .handoff(Reason::RepeatedMisunderstanding)
        .after(600)
        .joined()
        .agent("Здравствуйте", Lang::Ru)
        .closed("agent_closed")
        .score()
        .effort;
    assert!(hard.score + 3 <= easy, "easy {easy}, hard {hard:?}");
    assert!(hard.reasons.iter().any(|r| r.what == "waiting"));
    assert!(hard.reasons.iter().any(|r| r.what == "misunderstanding"));
}
