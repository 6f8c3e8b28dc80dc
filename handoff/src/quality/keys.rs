//! The bot's reply keys that say what a bot message did: met a need, or missed it. One list for the
//! bot's own memory of the conversation (runs of misses, whether the need was met; the service
//! re-exports these from `dialogue::memory`) and for the scorecard.

/// Reply key prefixes that answer a request (rather than ask, greet or fail). The scorecard takes a
/// key ending in `.` as a prefix and the others whole ([`super::config::key_in`]).
pub const RESOLVING_KEYS: &[&str] = &[
    "order_status.",
    "refund_status.",
    "return_request.started",
    "change_address.done",
    "notify_me.subscribed",
    "delivery_info",
    "payment_methods",
    "store_hours",
    "account_help",
];

/// Reply keys that mean the bot did not understand or could not help.
pub const MISS_KEYS: &[&str] = &["oos", "oos_again", "not_helpful", "followup_more"];

/// Reply keys with which the bot asks what was meant (one tap per meaning). The scorecard counts
/// them as misses too (the customer had to say it again); the bot's memory does not.
pub const CLARIFY_KEYS: &[&str] = &["clarify", "clarify_noise"];
