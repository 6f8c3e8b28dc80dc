//! Komek's human handoff. Pure: values in, decisions out; no network, database or clock (the time is
//! an input), so every decision is testable and measurable alone.
//!
//! - [`policy`]: whether the latest message hands the conversation to a person, and which rule fired.
//! - [`brief`]: what the agent sees so the customer never repeats themselves.
//! - [`queue`]: priority, the order an agent should take handoffs in, and routing by language and load.
//! - [`sla`]: waiting and first-reply clocks.
//! - [`quality`]: every conversation's automatic effort score and QA scorecard.

pub mod brief;
pub mod conversation;
mod error;
pub mod policy;
pub mod quality;
pub mod queue;
pub mod sla;
pub mod texts;

pub use brief::{Brief, OrderFacts, build_brief};
pub use conversation::{Conversation, CustomerInfo, PastContact, Role, Signal, Turn};
pub use error::HandoffError;
pub use policy::{Escalation, Policy, Reason};
