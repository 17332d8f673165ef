//! 32 concurrent reservations of one account's attempts, limited to 5: exactly 5 are allowed, so
//! parallel guesses cannot pass the limit, and every reservation is counted.

use std::time::Duration;

use prosektor_application::{Throttle, ThrottleDecision, ThrottleKey, ThrottleRule};
use prosektor_domain::Email;
use prosektor_persistence::PgThrottle;

use crate::support;

const CONTENDERS: usize = 32;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_of_32_concurrent_reservations_are_allowed() {
    let db = support::database().await;
    let pool = support::wide_pool(&db).await;
    let throttle = PgThrottle::new(pool.clone());
    let rule = ThrottleRule {
        max_attempts: 5,
        window: Duration::from_secs(900),
    };
    let account = ThrottleKey::account(&Email::parse("race@example.com").unwrap());
    let client = ThrottleKey::client("198.51.100.7".parse().unwrap());
    let now = support::now();

    let tasks: Vec<_> = (0..CONTENDERS)
        .map(|_| {
            let throttle = throttle.clone();
            let attempts = [(client.clone(), rule), (account.clone(), rule)];
            tokio::spawn(async move { throttle.reserve(&attempts, now).await })
        })
        .collect();
    let decisions: Vec<_> = futures::future::join_all(tasks)
        .await
        .into_iter()
        .map(|joined| joined.unwrap().unwrap())
        .collect();
    let allowed = decisions
        .iter()
        .filter(|decision| **decision == ThrottleDecision::Allowed)
        .count();
    assert_eq!(allowed, 5, "{decisions:?}");
    let counted: i32 = support::scalar(
        &pool,
        &format!(
            "SELECT attempts FROM throttle_counters WHERE key = '{}'",
            account.as_str()
        ),
    )
    .await;
    assert_eq!(counted, 32);
}
