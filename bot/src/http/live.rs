//! One live WebSocket, for customers and agents alike: hub frames out, the client's text frames in.
//! The credential that opened it is checked again every [`RECHECK`]: when it ends (logout, expiry,
//! a role change, an erased session) the socket closes with [`ENDED`] and a reason.

use std::future::Future;
use std::sync::Arc;

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket};
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio::sync::{broadcast, watch};

use crate::chat::hub::outgoing;

/// How often the credential of an open socket is checked again.
pub const RECHECK: Duration = Duration::from_secs(2);
/// The close code of a socket whose credential ended (4000–4999: the application's own).
pub const ENDED: u16 = 4001;
/// The close code when the node stops (RFC 6455 "service restart": the client may reconnect).
pub const RESTART: u16 = 1012;

/// Pumps until either side ends: `first` (if any) is sent at once, then every hub frame; each text
/// frame from the client goes to `on_text`, and what it returns (an error frame) is sent back.
/// `still_valid` is asked every [`RECHECK`]; `false` closes the socket with [`ENDED`].
/// `closing` turning true (the node stops) closes it with [`RESTART`], so the client reconnects to
/// another node.
pub async fn pump<F, Fut, V, VFut>(
    socket: WebSocket,
    mut events: broadcast::Receiver<Arc<str>>,
    first: Option<String>,
    mut closing: watch::Receiver<bool>,
    mut on_text: F,
    mut still_valid: V,
)
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Option<String>>,
    V: FnMut() -> VFut,
    VFut: Future<Output = bool>,
{
    let (mut tx, mut rx) = socket.split();
    if let Some(first) = first
        && tx.send(WsMessage::Text(first.into())).await.is_err()
    {
        return;
    }
    if *closing.borrow() {
        let _ = tx.send(WsMessage::Close(Some(restart()))).await;
        return;
    }
    let mut recheck = tokio::time::interval(RECHECK);
    recheck.tick().await;
    loop {
        let reply = tokio::select! {
            Ok(()) = closing.changed() => {
                if *closing.borrow() {
                    let _ = tx.send(WsMessage::Close(Some(restart()))).await;
                    break;
                }
                None
            }
            _ = recheck.tick() => {
                if still_valid().await {
                    None
                } else {
                    let frame = CloseFrame { code: ENDED, reason: "the login or session has ended".into() };
                    let _ = tx.send(WsMessage::Close(Some(frame))).await;
                    break;
                }
            }
            event = events.recv() => match outgoing(event) {
                Some(frame) => Some(frame.to_string()),
                None => break,
            },
            incoming = rx.next() => match incoming {
                Some(Ok(WsMessage::Text(text))) => on_text(text.to_string()).await,
                Some(Ok(WsMessage::Binary(_))) => {
                    Some(json!({"type": "error", "error": {"code": "invalid_frame", "message": "send JSON text frames"}}).to_string())
                }
                Some(Ok(WsMessage::Close(_))) => {
                    // Answer the client's close at once (it waits for ours).
                    let _ = tx.send(WsMessage::Close(None)).await;
                    break;
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

fn restart() -> CloseFrame {
    CloseFrame { code: RESTART, reason: "this server is stopping; reconnect".into() }
}
