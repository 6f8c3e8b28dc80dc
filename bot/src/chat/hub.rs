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
