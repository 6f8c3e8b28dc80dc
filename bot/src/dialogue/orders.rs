//! Actions on an order: which order the customer means (given now, picked from a list, found by
//! their phone or e-mail, or remembered), then its status, refund, return, address or updates.

use komek_handoff::Reason;
use komek_nlu::Lang;

use super::understand::{ANOTHER_ORDER, ORDER_BUTTON, Resolved};
use super::{Action, Decision, Dialogue, Input, Memory, Transition, entities, pick};
use crate::backoffice::{Order, OrderStatus};
use crate::error::BotError;
use crate::events::{Awaiting, Button};

/// Which order an action is about, or what to ask first.
enum Target {
    Order(String),
    /// Several are possible: the customer picks one.
    Choose(Vec<String>),
    /// Nothing to go on: ask for the number.
    Ask,
    /// Looked up by phone or e-mail and nothing found.
    NotFoundByContact,
}

impl Dialogue {
    pub(super) async fn order_action(
        &self,
        d: &mut Decision,
        memory: &Memory,
        input: &Input<'_>,
        resolved: &Resolved,
        action: Action,
    ) -> Result<(), BotError> {
        let (lang, intent) = (input.lang, resolved.intent.as_str());
        let pick = pick(memory);
        let awaiting = |slot: &str| Some(Awaiting { intent: intent.to_string(), slot: slot.into() });
        let target = match self.target(memory, input, resolved, action).await {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!(error = %e, "order lookup failed");
                d.replies.push(self.reply(lang, "error.order_system", &[], pick));
                return Ok(());
            }
        };
        let order_id = match target {
            Target::Order(id) => id,
            Target::Choose(ids) => {
                let mut reply = self.reply(lang, "which_order", &[], pick);
                reply.buttons = ids.iter().map(|id| Button { id: format!("{ORDER_BUTTON}{id}"), label: format!("#{id}") }).collect();
                reply.buttons.push(Button { id: ANOTHER_ORDER.into(), label: self.responses.button(lang, ANOTHER_ORDER) });
                d.replies.push(reply);
                d.awaiting = awaiting("order_id");
                return Ok(());
            }
            Target::Ask => {
                d.replies.push(self.reply(lang, if action == Action::Return { "return_request.info" } else { "ask_order_id" }, &[], pick));
                d.awaiting = awaiting("order_id");
                return Ok(());
            }
            Target::NotFoundByContact => {
                d.replies.push(self.reply(lang, "contact_not_found", &[], pick));
                d.awaiting = awaiting("order_id");
                return Ok(());
            }
        };
        let order = match self.backoffice.order(&order_id).await {
            Ok(Some(order)) => order,
            Ok(None) => {
                d.replies.push(self.reply(lang, "order_not_found", &[("order_id", &order_id)], pick));
                d.awaiting = awaiting("order_id");
                return Ok(());
            }
            Err(e) => {
                tracing::warn!(error = %e, "order lookup failed");
                d.replies.push(self.reply(lang, "error.order_system", &[], pick));
                return Ok(());
            }
        };
        if memory.facts.get("order_id") != Some(&order.id) {
            d.facts.push(("order_id".into(), order.id.clone()));
        }
        let vars = self.order_vars(lang, &order);
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        match action {
            Action::OrderStatus => d.replies.push(self.reply(lang, &format!("order_status.{}", order.status.as_str()), &vars, pick)),
            Action::RefundStatus => {
                let key = match order.status {
                    OrderStatus::RefundPending => "refund_status.pending",
                    OrderStatus::RefundDone => "refund_status.done",
                    _ => "refund_status.none",
                };
                d.replies.push(self.reply(lang, key, &vars, pick));
            }
            Action::Return => {
                let key = match order.status {
                    OrderStatus::Delivered => "return_request.started",
                    OrderStatus::RefundPending => "refund_status.pending",
                    OrderStatus::RefundDone => "refund_status.done",
                    _ => "return_request.not_delivered",
                };
                d.replies.push(self.reply(lang, key, &vars, pick));
            }
            Action::Subscribe => {
                d.replies.push(self.reply(lang, "notify_me.subscribed", &vars, pick));
                if !memory.subscriptions.contains(&order.id) {
                    d.subscribe = Some(order.id.clone());
                }
            }
            Action::ChangeAddress if !order.status.address_changeable() => {
                d.replies.push(self.reply(lang, "change_address.too_late", &vars, pick));
                d.transition = Some(Transition::HandOff(Reason::SensitiveIntent));
            }
            Action::ChangeAddress => match &resolved.address {
                Some(address) => {
                    let mut vars = vars.clone();
                    vars.push(("address", address));
                    d.replies.push(self.reply(lang, "change_address.done", &vars, pick));
                    d.facts.push(("address".into(), address.clone()));
                }
                None => {
                    d.replies.push(self.reply(lang, "change_address.ask_address", &vars, pick));
                    d.awaiting = awaiting("address");
                }
            },
            _ => {}
        }
        Ok(())
    }

    /// Which order the customer means. Orders named in this message come first (several: they
    /// pick); then a phone or e-mail to look them up by; then what the conversation remembers —
    /// but an irreversible action (a return, an address change) on a remembered order is confirmed
    /// first, since the customer may well mean another one.
    async fn target(&self, memory: &Memory, input: &Input<'_>, resolved: &Resolved, action: Action) -> Result<Target, BotError> {
        if let Some(id) = &resolved.order {
            return Ok(Target::Order(id.clone()));
        }
        let mut given = entities(input.parse, "order_id");
        given.dedup();
        match given.len() {
            0 => {}
            1 => return Ok(Target::Order(given.remove(0))),
            _ => return Ok(Target::Choose(given)),
        }
        let asked = memory.awaiting.as_ref().is_some_and(|a| a.slot == "order_id" || a.slot == "contact");
        let contacts: Vec<(&str, String)> = ["phone", "email"]
            .into_iter()
            .flat_map(|kind| entities(input.parse, kind).into_iter().map(move |v| (kind, v)))
            .collect();
        // A phone or e-mail in a request about an order without its number is given to find the
        // order ("lost the number, my e-mail is …, was it delivered?"), asked for or not.
        if input.button.is_none() && !contacts.is_empty() {
            let mut found: Vec<String> = Vec::new();
            for (kind, value) in &contacts {
                for order in self.backoffice.orders_by_contact(kind, value).await? {
                    if !found.contains(&order.id) {
                        found.push(order.id);
                    }
                }
            }
            return Ok(match found.len() {
                0 => Target::NotFoundByContact,
                1 => Target::Order(found.remove(0)),
                _ => Target::Choose(found),
            });
        }
        if input.button == Some(ANOTHER_ORDER) {
            return Ok(Target::Ask);
        }
        let Some(remembered) = memory.facts.get("order_id") else { return Ok(Target::Ask) };
        let irreversible = matches!(action, Action::Return | Action::ChangeAddress);
        // Continuing the same request (e.g. the address after "which address?") is about the order
        // it started with.
        let continuing = memory.awaiting.as_ref().is_some_and(|a| a.intent == resolved.intent);
        // A button under an answer about the order ("start a return" under "no refund for 100011")
        // is about that order.
        let from_order_answer = input.button.is_some()
            && memory.last_answer.as_ref().is_some_and(|(_, intent)| intent.as_deref().is_some_and(|i| self.script.action(i).needs_order()));
        let continuing = continuing || from_order_answer;
        if irreversible && !asked && !continuing {
            let mut known = memory.own_orders.clone();
            if !known.contains(remembered) {
                known.push(remembered.clone());
            }
            return Ok(Target::Choose(known));
        }
        Ok(Target::Order(remembered.clone()))
    }

    pub(super) fn order_vars(&self, lang: Lang, order: &Order) -> Vec<(&'static str, String)> {
        vec![
            ("order_id", order.id.clone()),
            ("status", self.responses.status(lang, order.status.as_str())),
            ("date", self.responses.date(lang, order.status_date)),
            ("amount", self.responses.money(lang, order.amount, &order.currency)),
        ]
    }
}
