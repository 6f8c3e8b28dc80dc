//! Memory under hostile load, measured on this very process (the service runs in it): concurrent
//! logins with random usernames, and many sockets opened and closed. One test at a time (a lock),
//! so one test's memory is not another's.

use std::sync::Mutex;

use komek_tests::TestService;
use reqwest::StatusCode;
use serde_json::json;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The resident set of this process, in MiB.
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kb: f64 = status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.split_whitespace().next()?.parse().ok()).expect("VmRSS");
    kb / 1024.0
}

fn random_name() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).unwrap();
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// 200 logins at once, each a random username from its own address: Argon2 runs one per core in
/// reused memory, the rest wait (or are told to come back), so the process stays under 300 MiB.
#[test]
fn concurrent_logins_with_random_names_keep_memory_bounded() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let service = TestService::start_with("hostile-login-memory", |c| c.trusted_proxy_header = Some("x-forwarded-for".into())).await;
        let before = rss_mib();
        let http = reqwest::Client::new();
        let mut peak = before;
        for round in 0..3 {
            let logins = (0..200).map(|i| {
                let (http, url) = (http.clone(), service.url("/api/v1/agent/login"));
                async move {
                    let r = http
                        .post(url)
                        .header("x-forwarded-for", format!("10.{round}.{}.{}", i / 250, i % 250))
                        .json(&json!({"username": random_name(), "password": "not the password"}))
                        .send()
                        .await
                        .unwrap();
                    r.status()
                }
            });
            let statuses = futures_util::future::join_all(logins).await;
            assert!(
                statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::SERVICE_UNAVAILABLE),
                "401 or 503 (busy), never a failure: {statuses:?}"
            );
            assert!(statuses.contains(&StatusCode::UNAUTHORIZED), "some were checked");
            peak = peak.max(rss_mib());
        }
        let after = rss_mib();
        eprintln!("RSS before {before:.0} MiB, peak {peak:.0} MiB, after {after:.0} MiB");
        assert!(after < 300.0, "RSS {after:.0} MiB after 600 hostile logins");
        assert!(after - before < 100.0, "grew by {:.0} MiB", after - before);
        service.stop().await;
    });
}

/// 10,000 customer sockets (100 sessions × 100) opened and closed: the hub keeps no channel.
#[test]
fn ten_thousand_sockets_leave_the_hub_empty() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let _ = rlimit::increase_nofile_limit(8192);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        use futures_util::StreamExt;
        let service = TestService::start_with("hostile-sockets", |c| c.trusted_proxy_header = Some("x-forwarded-for".into())).await;
        let http = reqwest::Client::new();
        let mut sessions = Vec::new();
        for i in 0..100 {
            let r = http.post(service.url("/api/v1/chat/sessions")).header("x-forwarded-for", format!("10.9.0.{i}")).json(&json!({})).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::CREATED);
            let v: serde_json::Value = r.json().await.unwrap();
            sessions.push((v["session_id"].as_str().unwrap().to_string(), v["token"].as_str().unwrap().to_string()));
        }
        let hub = service.running.as_ref().unwrap().hub.clone();
        let before = rss_mib();
        let ws = service.base.replace("http://", "ws://");
        for round in 0..100 {
            let opens = sessions.iter().map(|(id, token)| {
                let url = format!("{ws}/api/v1/chat/sessions/{id}/ws?token={token}");
                async move {
                    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.expect("socket opens");
                    socket.close(None).await.expect("close sent");
                    // Drain until the server's close answer.
                    while let Some(Ok(_)) = socket.next().await {}
                }
            });
            futures_util::future::join_all(opens).await;
            if round == 0 {
                eprintln!("hub after the first round: {} channels", hub.len());
            }
        }
        // The server handles each close right after answering it; allow it to catch up (bounded).
        for _ in 0..100 {
            if hub.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let after = rss_mib();
        eprintln!("RSS before {before:.0} MiB, after 10,000 sockets {after:.0} MiB");
        assert_eq!(hub.len(), 0, "no channel is left behind");
        assert!(after - before < 50.0, "grew by {:.0} MiB", after - before);
        service.stop().await;
    });
}
