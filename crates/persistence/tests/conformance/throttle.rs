//! `PgThrottle`: fixed windows per key, limits per rule, giving back and forgetting attempts, and
//! purging ended windows.

use std::time::Duration;

use chrono::TimeDelta;
use prosektor_application::{Throttle, ThrottleDecision, ThrottleKey, ThrottleRule};
use prosektor_domain::Email;
use prosektor_persistence::PgThrottle;

use crate::support::{database, now, scalar};

const RULE: ThrottleRule = ThrottleRule {
    max_attempts: 2,
    window: Duration::from_secs(60),
};

fn account(email: &str) -> ThrottleKey {
    ThrottleKey::account(&Email::parse(email).unwrap())
}

#[tokio::test]
async fn a_key_is_limited_past_its_rule_until_its_window_ends() {
    let db = database().await;
    let throttle = PgThrottle::new(db.connection().clone());
    let key = account("a@example.com");
    let start = now();
    for _ in 0..2 {
        assert_eq!(
            throttle.reserve(&[(key.clone(), RULE)], start).await,
            Ok(ThrottleDecision::Allowed)
        );
    }
    let later = start + TimeDelta::seconds(15);
    assert_eq!(
        throttle.reserve(&[(key.clone(), RULE)], later).await,
        Ok(ThrottleDecision::Limited {
            retry_after: Duration::from_secs(45)
        })
    );
    // Another key is not affected, but a reservation of both is limited by the one over its rule.
    let other = account("b@example.com");
    assert_eq!(
        throttle.reserve(&[(other.clone(), RULE)], later).await,
        Ok(ThrottleDecision::Allowed)
    );
    assert!(matches!(
        throttle
            .reserve(&[(other.clone(), RULE), (key.clone(), RULE)], later)
            .await,
        Ok(ThrottleDecision::Limited { .. })
    ));
    // A new window starts once the old one has ended.
    let after = start + TimeDelta::seconds(61);
    assert_eq!(
        throttle.reserve(&[(key, RULE)], after).await,
        Ok(ThrottleDecision::Allowed)
    );
}

#[tokio::test]
async fn released_attempts_do_not_count_and_cleared_keys_start_over() {
    let db = database().await;
    let throttle = PgThrottle::new(db.connection().clone());
    let key = account("a@example.com");
    let at = now();
    for _ in 0..5 {
        assert_eq!(
            throttle.reserve(&[(key.clone(), RULE)], at).await,
            Ok(ThrottleDecision::Allowed)
        );
        throttle
            .release(std::slice::from_ref(&key), at)
            .await
            .unwrap();
    }
    throttle.reserve(&[(key.clone(), RULE)], at).await.unwrap();
    throttle.reserve(&[(key.clone(), RULE)], at).await.unwrap();
    assert!(matches!(
        throttle.reserve(&[(key.clone(), RULE)], at).await,
        Ok(ThrottleDecision::Limited { .. })
    ));
    throttle.clear(&key).await.unwrap();
    assert_eq!(
        throttle.reserve(&[(key, RULE)], at).await,
        Ok(ThrottleDecision::Allowed)
    );
}

#[tokio::test]
async fn ended_windows_are_purged_and_live_ones_kept() {
    let db = database().await;
    let throttle = PgThrottle::new(db.connection().clone());
    let at = now();
    for n in 0..3 {
        let key = account(&format!("old{n}@example.com"));
        throttle.reserve(&[(key, RULE)], at).await.unwrap();
    }
    let long = ThrottleRule {
        window: Duration::from_secs(3600),
        ..RULE
    };
    throttle
        .reserve(&[(account("live@example.com"), long)], at)
        .await
        .unwrap();
    let purged = throttle
        .purge_expired(at + TimeDelta::seconds(120))
        .await
        .unwrap();
    assert_eq!(purged, 3);
    let left: i64 = scalar(db.connection(), "SELECT count(*) FROM throttle_counters").await;
    assert_eq!(left, 1);
}
