//! The dialogue: what the bot says, driven by the content in `models/content/responses`.

pub mod responses;
