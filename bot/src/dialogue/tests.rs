//! The dialogue on the shipped content, with hand-made parses (the NLU is tested in its own crate)
//! and the demo back office on a real SQLite file.

use std::path::{Path, PathBuf};

use komek_handoff::Reason;
use komek_nlu::content::Content;
use komek_nlu::emotion::{Emotion, EmotionLabel};
use komek_nlu::entities::Entity;
use komek_nlu::parse::{EscalationHint as Hint, LangResult, Scored};
use komek_nlu::{Lang, Parse};

use super::*;
use crate::backoffice::seed_demo_orders;
use crate::channel::Channel;
use crate::clock::now_ms;
use crate::events::EventBody;
use crate::store::{ConversationRow, Store};

fn content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/content")
}

/// The dialogue over the demo orders, and the folder holding their database.
async fn dialogue() -> (Dialogue, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let store = Store::open(&format!("sqlite:{}", dir.path().join("komek.db").display())).await.expect("store");
    seed_demo_orders(&store, now_ms()).await.expect("demo orders");
    let intents = Content::load(&content()).expect("content").intents;
    let responses = responses::Responses::load(&content().join("responses")).expect("replies");
    let script = Script::load(&content().join("dialogue.toml"), &intents, &responses).expect("dialogue.toml");
    let phrases = phrases::Phrases::load(&content().join("phrases")).expect("phrases");
    (Dialogue { responses, script, backoffice: BackOffice::Demo(store), phrases }, dir)
}

fn parse(intent: &str, confidence: f32, order: Option<&str>) -> Parse {
    Parse {
        lang: LangResult { code: Lang::En, confidence: 0.9, romanized: false, unsupported: None },
        intent: Scored { name: intent.into(), confidence, threshold: None },
        ranking: vec![Scored { name: intent.into(), confidence, threshold: None }],
        entities: order.map(|o| Entity { kind: "order_id".into(), value: o.into(), start: 0, end: o.chars().count() }).into_iter().collect(),
        emotion: Emotion { label: EmotionLabel::Neutral, score: 0.9 },
        escalate: Hint { needed: false, reason: None },
        form: Default::default(),
    }
}

/// How `text` (parsed as `p`) is understood after `m`, in English.
fn resolved(d: &Dialogue, m: &Memory, text: &str, p: &Parse) -> Resolved {
    d.resolve(m, &Input { text, button: None, parse: p, lang: Lang::En })
}

fn memory() -> Memory {
    let conv = ConversationRow {
        id: "c_1".into(),
        customer_id: "u_1".into(),
        session_id: Some("s_1".into()),
        channel: Channel::Web,
        state: ConvState::Bot,
        created_at: 0,
    };
    Memory::new(&conv, Lang::En)
}

/// The dialogue's answer to `text` (parsed as `p`) after `memory`, which then folds the exchange in.
async fn say(d: &Dialogue, memory: &mut Memory, text: &str, p: &Parse, escalation: Option<Reason>) -> Decision {
    memory.fold("c_1", 1, &EventBody::CustomerMessage { text: text.into(), lang: Lang::En, button: None, attachment: None });
    let input = Input { text, button: None, parse: p, lang: Lang::En };
    let resolved = d.resolve(memory, &input);
    let decision = d.respond(memory, &input, &resolved, escalation).await.expect("respond");
    for (name, value) in &decision.facts {
        memory.fold("c_1", 1, &EventBody::Fact { name: name.clone(), value: value.clone() });
    }
    for (i, r) in decision.replies.iter().enumerate() {
        let last = i + 1 == decision.replies.len();
        let intent = (!decision.intent.is_empty()).then(|| decision.intent.clone());
        let awaiting = if last { decision.awaiting.clone() } else { None };
        let body = EventBody::BotMessage { text: r.text.clone(), lang: Lang::En, key: r.key.clone(), intent, buttons: r.buttons.clone(), awaiting, proactive: false };
        memory.fold("c_1", 1, &body);
    }
    decision
}

fn keys(d: &Decision) -> Vec<&str> {
    d.replies.iter().map(|r| r.key.as_str()).collect()
}

#[tokio::test]
async fn an_order_number_is_asked_once_then_remembered() {
    let (d, _dir) = dialogue().await;
    let mut m = memory();
    let asked = say(&d, &mut m, "where is my order", &parse("order_status", 0.95, None), None).await;
    assert_eq!(keys(&asked), ["ask_order_id"]);
    assert_eq!(asked.awaiting.as_ref().map(|a| a.slot.as_str()), Some("order_id"));
    // A bare number answers the question, whatever the parse made of it.
    let answered = say(&d, &mut m, "100017", &parse("oos", 0.3, Some("100017")), None).await;
    assert_eq!(keys(&answered), ["order_status.shipped"]);
    assert!(answered.replies[0].text.contains("100017"));
    assert_eq!(answered.facts, [("order_id".to_string(), "100017".to_string())]);
    // Later questions about the order use the number already given.
    let again = say(&d, &mut m, "and when will it arrive?", &parse("order_status", 0.9, None), None).await;
    assert_eq!(keys(&again), ["order_status.shipped"]);
    assert!(again.facts.is_empty(), "nothing new to remember");
}

#[tokio::test]
async fn an_unknown_order_is_said_so_and_asked_again() {
    let (d, _dir) = dialogue().await;
    let mut m = memory();
    let r = say(&d, &mut m, "status of 999999 please", &parse("order_status", 0.9, Some("999999")), None).await;
    assert_eq!(keys(&r), ["order_not_found"]);
    assert!(r.facts.is_empty(), "an unknown number is not remembered");
    assert_eq!(r.awaiting.map(|a| a.slot), Some("order_id".to_string()));
}

#[tokio::test]
async fn an_address_changes_before_shipping_and_goes_to_a_person_after() {
    let (d, _dir) = dialogue().await;
    let mut m = memory();
    let asked = say(&d, &mut m, "change the delivery address of 100002", &parse("change_address", 0.9, Some("100002")), None).await;
    assert_eq!(keys(&asked), ["change_address.ask_address"]);
    let done = say(&d, &mut m, "12 Abay ave, apt 5, Almaty", &parse("oos", 0.2, None), None).await;
    assert_eq!(keys(&done), ["change_address.done"]);
    assert!(done.facts.contains(&("address".to_string(), "12 Abay ave, apt 5, Almaty".to_string())));

    let mut m = memory();
    let late = say(&d, &mut m, "change address for 100017", &parse("change_address", 0.9, Some("100017")), None).await;
    assert_eq!(keys(&late), ["change_address.too_late"]);
    assert_eq!(late.transition, Some(Transition::HandOff(Reason::SensitiveIntent)));
}

#[tokio::test]
async fn a_goodbye_after_help_asks_for_the_survey() {
    let (d, _dir) = dialogue().await;
    let mut m = memory();
    let plain = say(&d, &mut m, "bye", &parse("goodbye", 0.9, None), None).await;
    assert_eq!(plain.transition, Some(Transition::Close));
    assert_eq!(keys(&plain), ["goodbye"]);

    let mut m = memory();
    say(&d, &mut m, "what are your hours", &parse("store_hours", 0.9, None), None).await;
    let survey = say(&d, &mut m, "thanks, bye", &parse("goodbye", 0.9, None), None).await;
    assert_eq!(keys(&survey), ["goodbye_survey", "survey.ces"]);
    assert_eq!(survey.awaiting.map(|a| a.intent), Some(SURVEY.to_string()));
    assert_eq!(survey.replies[1].buttons.len(), 7, "CES 1–7");
}

#[tokio::test]
async fn out_of_scope_twice_offers_a_person() {
    let (d, _dir) = dialogue().await;
    let mut m = memory();
    let first = say(&d, &mut m, "can you book me a flight", &parse("oos", 0.9, None), None).await;
    assert_eq!(keys(&first), ["oos"]);
    let second = say(&d, &mut m, "a flight to Paris?", &parse("oos", 0.9, None), None).await;
    assert_eq!(keys(&second), ["oos_again"]);
    assert!(second.replies[0].buttons.iter().any(|b| b.id == "human_agent"));
}

#[tokio::test]
async fn a_pleasantry_gives_way_to_the_question_behind_it() {
    let (d, _dir) = dialogue().await;
    let mut m = memory();
    let mut p = parse("greeting", 0.6, None);
    p.ranking.push(Scored { name: "store_hours".into(), confidence: 0.3, threshold: None });
    let r = say(&d, &mut m, "hello! when are you open?", &p, None).await;
    assert_eq!((r.intent.as_str(), keys(&r)), ("store_hours", vec!["store_hours"]));
}

#[tokio::test]
async fn the_policy_decides_a_handoff_and_the_bot_falls_silent_while_people_handle_it() {
    let (d, _dir) = dialogue().await;
    let mut m = memory();
    let r = say(&d, &mut m, "a person please", &parse("human_agent", 0.95, None), Some(Reason::CustomerRequest)).await;
    assert_eq!(keys(&r), ["handoff.customer_request"]);
    assert_eq!(r.transition, Some(Transition::HandOff(Reason::CustomerRequest)));

    m.fold("c_1", 2, &EventBody::StateChanged { from: ConvState::Bot, to: ConvState::WaitingAgent, reason: "customer_request".into() });
    // While waiting, a routine question is still answered, and the request for a person stands.
    let waiting = say(&d, &mut m, "where is 100017?", &parse("order_status", 0.9, Some("100017")), None).await;
    assert_eq!(waiting.replies.len(), 1, "{waiting:?}");
    assert!(waiting.replies[0].key.starts_with("order_status."), "{waiting:?}");
    assert_eq!((waiting.transition, waiting.queue_note), (None, Some(QueueNote::StillQueued)));
    // A complaint is passed on to the person coming, who is asked for again.
    let noted = say(&d, &mut m, "this is outrageous", &parse("complaint", 0.9, None), None).await;
    assert!(noted.replies.is_empty() && noted.transition.is_none() && noted.queue_note == Some(QueueNote::Noted), "{noted:?}");
    let again = say(&d, &mut m, "a person please", &parse("human_agent", 0.95, None), None).await;
    assert_eq!(again.queue_note, Some(QueueNote::StillWaiting));

    m.fold("c_1", 3, &EventBody::StateChanged { from: ConvState::WaitingAgent, to: ConvState::WithAgent, reason: "agent_claimed".into() });
    let silent = say(&d, &mut m, "it's about 100018", &parse("order_status", 0.9, Some("100018")), None).await;
    assert!(silent.replies.is_empty() && silent.transition.is_none() && silent.queue_note.is_none());
    assert_eq!(silent.facts, [("order_id".to_string(), "100018".to_string())], "the agent gets the number");
}

#[tokio::test]
async fn a_clicked_button_is_the_intent() {
    let (d, _dir) = dialogue().await;
    let m = memory();
    let p = parse("oos", 0.1, None);
    let input = Input { text: "Delivery", button: Some("delivery_info"), parse: &p, lang: Lang::En };
    assert_eq!(d.resolve(&m, &input).intent, "delivery_info");
    let unknown = Input { button: Some("no_such_button"), ..input };
    assert_eq!(d.resolve(&m, &unknown).intent, "oos", "an unknown id is not trusted");
}

fn with_orders(mut p: Parse, orders: &[&str]) -> Parse {
    for o in orders {
        p.entities.push(Entity { kind: "order_id".into(), value: (*o).into(), start: 0, end: 0 });
    }
    p
}

fn unsure(intent: &str, confidence: f32, others: &[(&str, f32)]) -> Parse {
    let mut p = parse(intent, confidence, None);
    p.intent.threshold = Some(0.7);
    p.ranking = std::iter::once((intent, confidence)).chain(others.iter().copied()).map(|(n, c)| Scored { name: n.into(), confidence: c, threshold: Some(0.7) }).collect();
    p
}

#[tokio::test]
async fn an_unsure_guess_is_asked_about_never_acted_on() {
    let (d, _dir) = dialogue().await;
    let mut m = memory();
    let p = unsure("complaint", 0.39, &[("change_address", 0.3), ("store_hours", 0.1), ("oos", 0.05)]);
    let input = Input { text: "hmm the thing with my stuff", button: None, parse: &p, lang: Lang::En };
    let resolved = d.resolve(&m, &input);
    assert!(!resolved.sure);
    let r = say(&d, &mut m, "hmm the thing with my stuff", &p, None).await;
    assert_eq!(keys(&r), ["clarify"]);
    assert!(r.transition.is_none(), "no complaint, no handoff on a guess");
    let ids: Vec<&str> = r.replies[0].buttons.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["complaint", "change_address", "store_hours", "something_else", "human_agent"]);
}

#[tokio::test]
async fn a_clear_reading_below_threshold_is_acted_on_only_when_the_step_informs_or_asks() {
    let (d, _dir) = dialogue().await;
    let m = memory();
    // No order number: starting a return only asks which order — no turn lost to "did you mean".
    let p = unsure("return_request", 0.62, &[("goodbye", 0.1), ("oos", 0.05)]);
    let r = resolved(&d, &m, "gotta send back the shoes", &p);
    assert_eq!((r.understood, r.intent.as_str()), (Understood::Act, "return_request"));
    // Information is harmless too.
    let p = unsure("delivery_info", 0.55, &[("order_status", 0.15)]);
    assert_eq!(resolved(&d, &m, "delivery fee for small orders?", &p).understood, Understood::Act);
    // With the one order given the return would start: only on a reading that stands out.
    let p = with_orders(unsure("return_request", 0.62, &[("refund_status", 0.3)]), &["100003"]);
    assert!(matches!(resolved(&d, &m, "money back 100003", &p).understood, Understood::Clarify(_)));
    let p = with_orders(unsure("return_request", 0.62, &[("goodbye", 0.1)]), &["100003"]);
    assert_eq!(resolved(&d, &m, "send back 100003", &p).understood, Understood::Act);
    // A close second reading, or a handoff intent, is still asked about.
    let p = unsure("delivery_info", 0.55, &[("order_status", 0.3)]);
    assert!(matches!(resolved(&d, &m, "the delivery thing", &p).understood, Understood::Clarify(_)));
    let p = unsure("complaint", 0.65, &[("oos", 0.1)]);
    assert!(matches!(resolved(&d, &m, "hmm that courier", &p).understood, Understood::Clarify(_)));
}

#[tokio::test]
async fn a_topic_without_a_request_gets_its_requests_to_choose_from() {
    let (d, _dir) = dialogue().await;
    let m = memory();
    let vague = unsure("oos", 0.5, &[("greeting", 0.2), ("refund_status", 0.1)]);
    assert_eq!(resolved(&d, &m, "question about my money", &vague).understood, Understood::Clarify(vec!["refund_status".into(), "payment_methods".into()]));
    assert_eq!(resolved(&d, &m, "вопрос по деньгам", &vague).understood, Understood::Clarify(vec!["refund_status".into(), "payment_methods".into()]));
    // A sure reading, or a long message, is not a bare topic.
    assert_eq!(resolved(&d, &m, "how do I pay with money", &parse("payment_methods", 0.95, None)).understood, Understood::Act);
    assert_ne!(resolved(&d, &m, "i have a question about money and the weather and my neighbours", &vague).understood, Understood::Clarify(vec!["refund_status".into(), "payment_methods".into()]));
}

#[tokio::test]
async fn a_rejected_answer_is_a_miss_and_the_same_answer_is_not_repeated() {
    let (d, _dir) = dialogue().await;
    let mut m = memory();
    say(&d, &mut m, "how can I pay", &parse("payment_methods", 0.95, None), None).await;
    let again = say(&d, &mut m, "and if kaspi payment fails what do i do", &parse("payment_methods", 0.9, None), None).await;
    assert_eq!(keys(&again), ["followup_more"], "not the same list again");
    assert_eq!(m.misses, 1);
    let mut m = memory();
    say(&d, &mut m, "how can I pay", &parse("payment_methods", 0.95, None), None).await;
    let rejected = say(&d, &mut m, "no, that's not what I asked", &parse("payment_methods", 0.5, None), None).await;
    assert_eq!(keys(&rejected), ["not_helpful"]);
    assert_eq!(m.misses, 1);
    assert!(rejected.replies[0].buttons.iter().any(|b| b.id == "human_agent"));
}

#[tokio::test]
async fn ok_is_acknowledged_and_ends_nothing() {
    let (d, _dir) = dialogue().await;
    let mut m = memory();
    say(&d, &mut m, "where is my order", &parse("order_status", 0.95, None), None).await;
    let r = say(&d, &mut m, "ok", &parse("goodbye", 0.4, None), None).await;
    assert_eq!(keys(&r), ["ack"]);
    assert!(r.transition.is_none());
    assert_eq!(m.awaiting.map(|a| a.slot), Some("order_id".to_string()), "still waiting for the number");
}

#[tokio::test]
async fn noise_and_unknown_languages_get_an_honest_answer() {
    let (d, _dir) = dialogue().await;
    let mut m = memory();
    let mut p = parse("complaint", 0.87, None);
    p.form = komek_nlu::form::MessageForm::Code;
    let r = say(&d, &mut m, "thread 'main' panicked at src/main.rs:2:5", &p, None).await;
    assert_eq!(keys(&r), ["clarify_noise"]);
    assert!(r.transition.is_none());
    let mut p = parse("oos", 0.9, None);
    p.lang.unsupported = Some("ja".into());
    let r = say(&d, &mut m, "注文はどこですか", &p, None).await;
    assert_eq!(keys(&r), ["unsupported_language"]);
    assert_eq!(r.reply_lang, Some(Lang::En));
    assert!(r.replies[0].text.contains("Қазақша") && r.replies[0].text.contains("Русский"), "{}", r.replies[0].text);
    assert_eq!(m.misses, 0, "neither is a miss");
}

#[tokio::test]
async fn several_orders_are_asked_about_and_a_tap_picks_one() {
    let (d, _dir) = dialogue().await;
    let mut m = memory();
    let p = with_orders(parse("return_request", 0.9, None), &["100004", "100011"]);
    let r = say(&d, &mut m, "i want to return stuff from 100004 and 100011", &p, None).await;
    assert_eq!(keys(&r), ["which_order"]);
    let ids: Vec<&str> = r.replies[0].buttons.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["order:100004", "order:100011", "another_order"]);
    m.fold("c_1", 2, &EventBody::CustomerMessage { text: "#100011".into(), lang: Lang::En, button: Some("order:100011".into()), attachment: None });
    let p = parse("oos", 0.1, None);
    let input = Input { text: "#100011", button: Some("order:100011"), parse: &p, lang: Lang::En };
    let resolved = d.resolve(&m, &input);
    let picked = d.respond(&m, &input, &resolved, None).await.unwrap();
    assert_eq!(keys(&picked), ["return_request.started"]);
    assert!(picked.replies[0].text.contains("100011"));
}

#[tokio::test]
async fn a_remembered_order_is_confirmed_before_a_return() {
    let (d, _dir) = dialogue().await;
    let mut m = memory();
    say(&d, &mut m, "where is 100003", &parse("order_status", 0.95, Some("100003")), None).await;
    let r = say(&d, &mut m, "I want to return an item", &parse("return_request", 0.9, None), None).await;
    assert_eq!(keys(&r), ["which_order"], "not silently about 100003");
    let status = say(&d, &mut m, "and when does it come?", &parse("order_status", 0.9, None), None).await;
    assert_eq!(keys(&status), ["order_status.shipped"], "a question about the order needs no confirmation");
}

#[tokio::test]
async fn no_order_number_then_a_phone_finds_the_order() {
    let (d, _dir) = dialogue().await;
    let mut m = memory();
    say(&d, &mut m, "where is my order", &parse("order_status", 0.95, None), None).await;
    let r = say(&d, &mut m, "I don't remember the number", &parse("oos", 0.4, None), None).await;
    assert_eq!(keys(&r), ["ask_contact"]);
    let mut p = parse("oos", 0.3, None);
    p.entities.push(Entity { kind: "phone".into(), value: "+77015550003".into(), start: 0, end: 12 });
    let found = say(&d, &mut m, "8 701 555 00 03", &p, None).await;
    assert_eq!(keys(&found), ["order_status.shipped"], "customer 3 has one order, 100003 (shipped)");
    assert!(found.replies[0].text.contains("100003"));
    let mut p = parse("oos", 0.3, None);
    p.entities.push(Entity { kind: "phone".into(), value: "+77015550099".into(), start: 0, end: 12 });
    let mut m2 = memory();
    say(&d, &mut m2, "where is my order", &parse("order_status", 0.95, None), None).await;
    let none = say(&d, &mut m2, "+7 701 555 00 99", &p, None).await;
    assert_eq!(keys(&none), ["contact_not_found"]);
}

#[tokio::test]
async fn the_pending_question_survives_a_language_switch() {
    let (d, _dir) = dialogue().await;
    let mut m = memory();
    say(&d, &mut m, "where is my order", &parse("order_status", 0.95, None), None).await;
    let r = say(&d, &mut m, "in kazakh please", &parse("language_change", 0.95, None), None).await;
    assert_eq!(keys(&r), ["language_changed", "ask_order_id"]);
    assert_eq!(r.awaiting.as_ref().map(|a| a.intent.as_str()), Some("order_status"));
    let answered = say(&d, &mut m, "нөмірі 100031", &parse("oos", 0.3, Some("100031")), None).await;
    assert_eq!(keys(&answered), ["order_status.shipped"]);
}

#[tokio::test]
async fn only_a_real_goodbye_ends_the_conversation() {
    let (d, _dir) = dialogue().await;
    let mut m = memory();
    say(&d, &mut m, "what are your hours", &parse("store_hours", 0.9, None), None).await;
    // The model read "nope" as a goodbye; without a word of farewell it is an acknowledgement.
    let light = say(&d, &mut m, "nope", &parse("goodbye", 0.9, None), None).await;
    assert_eq!(keys(&light), ["ack"]);
    assert_eq!(light.transition, None);
    // "perfect thanks, bye!" read as thanks still ends it: it says goodbye.
    let bye = say(&d, &mut m, "perfect thanks, bye!", &parse("thanks", 0.9, None), None).await;
    assert_eq!(bye.transition, Some(Transition::Close));
}

#[tokio::test]
async fn the_order_number_answers_the_pending_request_not_a_new_one() {
    let (d, _dir) = dialogue().await;
    let mut m = memory();
    let asked = say(&d, &mut m, "change the delivery address", &parse("change_address", 0.95, None), None).await;
    assert_eq!(keys(&asked), ["ask_order_id"]);
    // "Order number 100002" reads as a status question; here it is the answer to "which order?".
    let r = say(&d, &mut m, "order number 100002", &parse("order_status", 0.95, Some("100002")), None).await;
    assert_eq!(keys(&r), ["change_address.ask_address"]);
}

#[tokio::test]
async fn a_withdrawn_request_is_left_alone() {
    let (d, _dir) = dialogue().await;
    let mut m = memory();
    say(&d, &mut m, "change the delivery address of 100002", &parse("change_address", 0.9, Some("100002")), None).await;
    let r = say(&d, &mut m, "never mind, leave it as it is", &parse("oos", 0.3, None), None).await;
    assert_eq!(keys(&r), ["withdrawn"]);
    assert!(r.facts.is_empty(), "the withdrawal is not saved as the new address");
    assert_eq!(r.awaiting, None);
}

#[tokio::test]
async fn a_language_change_needs_a_language() {
    let (d, _dir) = dialogue().await;
    let mut m = memory();
    let mut p = parse("language_change", 0.9, Some("100009"));
    p.ranking.push(Scored { name: "notify_me".into(), confidence: 0.3, threshold: None });
    let r = say(&d, &mut m, "please write to me here when 100009 changes", &p, None).await;
    assert_eq!(keys(&r), ["notify_me.subscribed"]);
}

#[tokio::test]
async fn no_order_number_is_not_a_password_question() {
    let (d, _dir) = dialogue().await;
    let mut m = memory();
    // The model read "can't find my number" as account help; the phrase says what it is.
    let r = say(&d, &mut m, "I don't have the number of my order", &parse("account_help", 0.9, None), None).await;
    assert_eq!(keys(&r), ["ask_contact"]);
    assert_eq!(r.awaiting.map(|a| a.slot), Some("contact".to_string()));
}
