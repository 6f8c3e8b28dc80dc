//! Live events to connected clients: one broadcast channel per widget session (or other address),
//! created when someone listens and dropped when nobody does. Frames are JSON text, serialised once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::broadcast;

/// Frames a slow client may fall behind by before it is told to resynchronise.
const CAPACITY: usize = 256;

#[derive(Clone, Default)]
pub struct Hub {
    channels: Arc<Mutex<HashMap<String, broadcast::Sender<Arc<str>>>>>,
}

impl Hub {
    pub fn subscribe(&self, address: &str) -> broadcast::Receiver<Arc<str>> {
        let mut channels = self.channels.lock().expect("hub lock");
        channels.entry(address.to_string()).or_insert_with(|| broadcast::channel(CAPACITY).0).subscribe()
    }

    /// A listener of `address` went away: when it was the last, the channel goes too (otherwise
    /// only a later publish would notice, and sessions nobody writes to again would stay forever).
    pub fn release(&self, address: &str) {
        let mut channels = self.channels.lock().expect("hub lock");
        if channels.get(address).is_some_and(|tx| tx.receiver_count() == 0) {
            channels.remove(address);
        }
    }

    /// Channels open now (tests and metrics).
    pub fn len(&self) -> usize {
        self.channels.lock().expect("hub lock").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The same frame to every open channel (e.g. "re-read what you missed").
    pub fn publish_all(&self, frame: Arc<str>) {
        let channels = self.channels.lock().expect("hub lock");
        for tx in channels.values() {
            let _ = tx.send(frame.clone());
        }
    }

    pub fn publish(&self, address: &str, frame: Arc<str>) {
        let mut channels = self.channels.lock().expect("hub lock");
        if let Some(tx) = channels.get(address)
            && tx.send(frame).is_err()
        {
            // Nobody listens any more.
            channels.remove(address);
        }
    }
}

/// What a live socket sends next for a hub event: the frame itself, or — when the client fell
/// behind — a `resync` telling it to re-read from its last id; `None` when the hub is gone.
pub fn outgoing(event: Result<Arc<str>, broadcast::error::RecvError>) -> Option<Arc<str>> {
    match event {
        Ok(frame) => Some(frame),
        Err(broadcast::error::RecvError::Lagged(_)) => Some(Arc::from(r#"{"type":"resync"}"#)),
        Err(broadcast::error::RecvError::Closed) => None,
    }
}
