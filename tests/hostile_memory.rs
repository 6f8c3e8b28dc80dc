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
            assert!(statuses.iter().any(|s| *s == StatusCode::UNAUTHORIZED), "some were checked");
            peak = peak.max(rss_mib());
        }
        let after = rss_mib();
        eprintln!("RSS before {before:.0} MiB, peak {peak:.0} MiB, after {after:.0} MiB");
        assert!(after < 300.0, "RSS {after:.0} MiB after 600 hostile logins");
        assert!(after - before < 100.0, "grew by {:.0} MiB", after - before);
        service.stop().await;
    });
}
