//! The boundary every request crosses: paths and queries must be UTF-8 without control characters
//! (400 otherwise), and every error leaves as the API's JSON — also those axum makes itself (405,
//! 413 from a body limit, 400 for a bad path) — with `X-Content-Type-Options: nosniff` on all.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::ApiError;

/// Largest error body rewritten (axum's own are short texts; ours are JSON already).
const MAX_PLAIN_ERROR: usize = 4096;

pub async fn checked(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let raw = format!("{}{}", uri.path(), uri.query().map(|q| format!("?{q}")).unwrap_or_default());
    let mut response = match percent_decoded(&raw) {
        None => ApiError::bad_request("invalid_path", "the path or query is not UTF-8 text").into_response(),
        Some(text) if super::has_forbidden_control(&text) => {
            ApiError::bad_request("invalid_path", "the path or query has a control character").into_response()
        }
        Some(_) => as_json(next.run(request).await).await,
    };
    response.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// `%xx` decoded (and `+` kept): `None` when the bytes are not UTF-8.
fn percent_decoded(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// An error response that is not JSON becomes the API's JSON error with the same status.
async fn as_json(response: Response) -> Response {
    let status = response.status();
    let is_json = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, MAX_PLAIN_ERROR).await.map(|b| String::from_utf8_lossy(&b).trim().to_string()).unwrap_or_default();
    let code = match status {
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        s if s.is_server_error() => "internal",
        _ => "invalid_request",
    };
    let message = if text.is_empty() { status.canonical_reason().unwrap_or("error").to_string() } else { text };
    let mut json = ApiError::new(status, code, message).into_response();
    // Keep what the original said about the response (Allow, Retry-After…), but not its body's type.
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            json.headers_mut().insert(name.clone(), value.clone());
        }
    }
    json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_decode_and_refuse_bad_bytes() {
        assert_eq!(percent_decoded("/a%20b").as_deref(), Some("/a b"));
        assert_eq!(percent_decoded("/a%00b").as_deref(), Some("/a\0b"));
        assert!(super::super::has_forbidden_control(&percent_decoded("/a%00b").unwrap()));
        assert_eq!(percent_decoded("/a%ffb"), None, "not UTF-8");
        assert_eq!(percent_decoded("/100%").as_deref(), Some("/100%"));
    }
}
