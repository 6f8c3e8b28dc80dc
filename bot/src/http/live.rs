//! One live WebSocket, for customers and agents alike: hub frames out, the client's text frames in.

use std::future::Future;
use std::sync::Arc;

use axum::extract::ws::{Message as WsMessage, WebSocket};
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio::sync::broadcast;

use crate::chat::hub::outgoing;

/// Pumps until either side ends: `first` (if any) is sent at once, then every hub frame; each text
/// frame from the client goes to `on_text`, and what it returns (an error frame) is sent back.
pub async fn pump<F, Fut>(socket: WebSocket, mut events: broadcast::Receiver<Arc<str>>, first: Option<String>, mut on_text: F)
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Option<String>>,
{
    let (mut tx, mut rx) = socket.split();
    if let Some(first) = first
        && tx.send(WsMessage::Text(first.into())).await.is_err()
    {
        return;
    }
    loop {
        let reply = tokio::select! {
            event = events.recv() => match outgoing(event) {
                Some(frame) => Some(frame.to_string()),
                None => break,
            },
            incoming = rx.next() => match incoming {
                Some(Ok(WsMessage::Text(text))) => on_text(text.to_string()).await,
                Some(Ok(WsMessage::Binary(_))) => {
                    Some(json!({"type": "error", "error": {"code": "invalid_frame", "message": "send JSON text frames"}}).to_string())
                }
                Some(Ok(_)) => None,
                Some(Err(_)) | None => break,
            },
        };
        if let Some(frame) = reply
            && tx.send(WsMessage::Text(frame.into())).await.is_err()
        {
            break;
        }
    }
}
