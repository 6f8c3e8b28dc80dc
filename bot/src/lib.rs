//! The Komek service as a library: the `komek` binary is a thin wrapper around [`cli::run`], and
//! end-to-end tests start the same code in-process.

pub mod agents;
pub mod analytics;
pub mod authz;
pub mod backoffice;
pub mod channel;
pub mod chat;
pub mod cli;
pub mod clock;
pub mod cluster;
pub mod config;
pub mod dialogue;
pub mod error;
pub mod events;
pub mod http;
pub mod models;
pub mod purge;
pub mod quality;
pub mod secrets;
pub mod server;
pub mod store;
pub mod telegram;
