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
            && tx.send(frame).is_err() {
                // Nobody listens any more.
                channels.remove(address);
            }
    }

    pub fn listeners(&self) -> usize {
        self.channels.lock().expect("hub lock").values().map(|tx| tx.receiver_count()).sum()
    }
}
