//! Authorisation in one place: what a principal may do to a conversation. Every agent handler,
//! the file proxy, typing frames and the sockets ask [`decide`]; nothing else grants access.
//!
//! | action | customer | agent | supervisor | admin |
//! |---|---|---|---|---|
//! | read | own conversation | queued, or owns it | any | any |
//! | reply, typing | own conversation | owns it | owns it | — |
//! | note | — | owns it | any handed to people, or owns it | — |
//! | release, close | — | owns it | any handed to people | — |
//! | export, erase a customer | — | — | — | any |

use crate::agents::Agent;
use crate::error::BotError;
use crate::store::{HandoffRow, HandoffStatus, SessionRow};

/// Who asks.
#[derive(Clone, Copy, Debug)]
pub enum Principal<'a> {
    /// A customer through one of their sessions.
    Customer(&'a SessionRow),
    /// An agent or a supervisor (the role is the agent's).
    Agent(&'a Agent),
    /// The back office (admin token).
    Admin,
}

/// What they want to do to a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Transcript, brief, notes, files.
    Read,
    /// Write to the customer (an agent's message or a customer's own), or show typing.
    Reply,
    /// An internal note.
    Note,
    /// Hand back to the bot or close.
    Finish,
    /// Export or erase the customer's data.
    CustomerData,
}

/// The conversation as authorisation sees it: whose it is and its latest handoff.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    pub customer_id: &'a str,
    pub handoff: Option<&'a HandoffRow>,
}

/// `Ok` when `who` may do `what` to `target`; otherwise the reason as [`BotError::Forbidden`].
pub fn decide(who: Principal<'_>, what: Action, target: Target<'_>) -> Result<(), BotError> {
    let allowed = match who {
        Principal::Admin => matches!(what, Action::Read | Action::CustomerData),
        Principal::Customer(session) => matches!(what, Action::Read | Action::Reply) && session.customer_id == target.customer_id,
        Principal::Agent(agent) => {
            let owns = target.handoff.is_some_and(|h| h.owned_by(&agent.id));
            // An agent may read back what they handled (their scorecards point into it).
            let handled = target.handoff.is_some_and(|h| h.handled_by(&agent.id));
            let handed_over = target.handoff.is_some();
            let queued = target.handoff.is_some_and(|h| h.status == HandoffStatus::Queued);
            let supervisor = agent.is_supervisor();
            match what {
                Action::Read => owns || handled || queued || supervisor,
                Action::Reply => owns,
                Action::Note | Action::Finish => owns || (supervisor && handed_over),
                Action::CustomerData => false,
            }
        }
    };
    if allowed { Ok(()) } else { Err(BotError::Forbidden(why(who, what))) }
}

fn why(who: Principal<'_>, what: Action) -> &'static str {
    match (who, what) {
        (Principal::Agent(_), Action::CustomerData) | (Principal::Customer(_), _) => "not allowed",
        (Principal::Agent(a), Action::Note | Action::Finish) if a.is_supervisor() => "this conversation was never handed to a person",
        _ => "this conversation is not yours",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::AgentRole;
    use crate::channel::Channel;

    fn agent(id: &str, role: AgentRole) -> Agent {
        Agent { id: id.into(), username: id.into(), role, languages: vec!["en".into()], capacity: 3 }
    }

    fn handoff(status: HandoffStatus, owner: Option<&str>) -> HandoffRow {
        HandoffRow {
            id: "h".into(),
            conversation_id: "c".into(),
            reason: komek_handoff::Reason::ALL[0],
            rule: "r".into(),
            language: "en".into(),
            priority: 1,
            status,
            requested_at: 0,
            offered_to: None,
            offered_at: None,
            agent_id: owner.map(str::to_string),
            claimed_at: None,
            first_reply_at: None,
            brief: "{}".into(),
        }
    }

    #[test]
    fn the_matrix() {
        let (a1, a2, sup) = (agent("a1", AgentRole::Agent), agent("a2", AgentRole::Agent), agent("s", AgentRole::Supervisor));
        let claimed = handoff(HandoffStatus::Claimed, Some("a1"));
        let queued = handoff(HandoffStatus::Queued, None);
        let on = |h| Target { customer_id: "u1", handoff: Some(h) };
        let ok = |who, what, t| decide(who, what, t).is_ok();
        for what in [Action::Read, Action::Reply, Action::Note, Action::Finish] {
            assert!(ok(Principal::Agent(&a1), what, on(&claimed)), "the owner may {what:?}");
            assert!(!ok(Principal::Agent(&a2), what, on(&claimed)), "another agent may not {what:?}");
        }
        assert!(ok(Principal::Agent(&sup), Action::Read, on(&claimed)));
        assert!(!ok(Principal::Agent(&sup), Action::Reply, on(&claimed)), "supervisors do not write in others' conversations");
        assert!(ok(Principal::Agent(&sup), Action::Note, on(&claimed)) && ok(Principal::Agent(&sup), Action::Finish, on(&claimed)));
        assert!(ok(Principal::Agent(&a2), Action::Read, on(&queued)), "anyone may read a queued handoff's brief");
        let closed = HandoffRow { status: HandoffStatus::Closed, ..claimed.clone() };
        assert!(ok(Principal::Agent(&a1), Action::Read, on(&closed)), "the agent who handled it may read it back");
        assert!(!ok(Principal::Agent(&a1), Action::Reply, on(&closed)) && !ok(Principal::Agent(&a2), Action::Read, on(&closed)));
        assert!(!ok(Principal::Agent(&a2), Action::Note, on(&queued)));
        let never = Target { customer_id: "u1", handoff: None };
        assert!(!ok(Principal::Agent(&a1), Action::Read, never) && !ok(Principal::Agent(&sup), Action::Note, never));
        assert!(!ok(Principal::Agent(&sup), Action::CustomerData, never) && ok(Principal::Admin, Action::CustomerData, never));
        let session = SessionRow { id: "s1".into(), customer_id: "u1".into(), token_hash: String::new(), locale: None, channel: Channel::Web };
        assert!(ok(Principal::Customer(&session), Action::Read, never));
        assert!(!ok(Principal::Customer(&session), Action::Read, Target { customer_id: "u2", handoff: None }));
        assert!(!ok(Principal::Customer(&session), Action::Note, never));
    }
}
