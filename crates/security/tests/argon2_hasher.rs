//! `Argon2Hasher`: argon2id with OWASP parameters, fresh salts, verification, the dummy hash.

use prosektor_application::PasswordHasher;
use prosektor_domain::{PasswordHash, PlainPassword};
use prosektor_security::Argon2Hasher;

/// The parameters every hash must carry (OWASP: 19 MiB, 2 passes, 1 lane).
const OWASP: &str = "$argon2id$v=19$m=19456,t=2,p=1$";

fn password(text: &str) -> PlainPassword {
    PlainPassword::new(text).unwrap()
}

#[tokio::test]
async fn hashes_verify_the_right_password_only() {
    let hasher = Argon2Hasher::new().unwrap();
    let right = password("correct horse battery");
    let hash = hasher.hash(&right).await.unwrap();
    assert!(hash.as_str().starts_with(OWASP), "parameters of the hash");
    assert!(!hash.as_str().contains("correct"));

    assert_eq!(hasher.verify(&right, &hash).await, Ok(true));
    assert_eq!(
        hasher
            .verify(&password("correct horse battery!"), &hash)
            .await,
        Ok(false)
    );
}

#[tokio::test]
async fn every_hash_has_a_fresh_salt() {
    let hasher = Argon2Hasher::new().unwrap();
    let same = password("same password");
    let first = hasher.hash(&same).await.unwrap();
    let second = hasher.hash(&same).await.unwrap();
    assert_ne!(first, second);
    let salt = |hash: &PasswordHash| hash.as_str().split('$').nth(4).unwrap().to_owned();
    assert_ne!(salt(&first), salt(&second));
    // 16 bytes of salt are 22 characters of unpadded base64.
    assert_eq!(salt(&first).len(), 22);
}

#[tokio::test]
async fn the_dummy_hash_has_the_real_parameters_and_matches_nothing_typed() {
    let hasher = Argon2Hasher::new().unwrap();
    let dummy = hasher.dummy_hash();
    // Its parameters are the ones hashes are made with: changing MEMORY_KIB, PASSES or LANES
    // means hashing 32 random bytes with the new ones into DUMMY_HASH.
    assert!(dummy.as_str().starts_with(OWASP));
    assert_eq!(dummy.as_str(), Argon2Hasher::DUMMY_HASH);
    assert_eq!(
        hasher
            .verify(&password("any password at all"), &dummy)
            .await,
        Ok(false)
    );
}

#[tokio::test]
async fn an_unreadable_hash_is_an_error_not_a_mismatch() {
    let hasher = Argon2Hasher::new().unwrap();
    let unreadable = PasswordHash::parse("$argon2id$not-a-phc-string").unwrap();
    assert!(
        hasher
            .verify(&password("any password at all"), &unreadable)
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashes_beyond_the_concurrency_limit_wait_their_turn_and_all_complete() {
    assert!(Argon2Hasher::default_concurrency() >= 1);
    let hasher = Argon2Hasher::with_concurrency(2).unwrap();
    let right = password("queued password");
    let hash = hasher.hash(&right).await.unwrap();
    let checks = (0..6).map(|attempt| {
        let hasher = hasher.clone();
        let hash = hash.clone();
        let typed = if attempt % 2 == 0 {
            password("queued password")
        } else {
            password("another password")
        };
        tokio::spawn(async move { hasher.verify(&typed, &hash).await })
    });
    let results = futures::future::try_join_all(checks).await.unwrap();
    assert_eq!(
        results,
        [
            Ok(true),
            Ok(false),
            Ok(true),
            Ok(false),
            Ok(true),
            Ok(false)
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_that_give_up_never_push_hashing_past_its_bound() {
    let hasher = Argon2Hasher::with_concurrency(1).unwrap();
    let hash = hasher.hash(&password("a password to check")).await.unwrap();
    let watcher = {
        let hasher = hasher.clone();
        tokio::spawn(async move {
            let mut most = 0;
            for _ in 0..400 {
                most = most.max(hasher.running());
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
            most
        })
    };
    // Each caller gives up long before its hash could end (a client with a short timeout); the
    // next one arrives at once. A slot freed by the caller instead of the hash would let them all
    // hash at the same time.
    let wrong = password("a wrong password");
    for _ in 0..12 {
        let check = hasher.verify(&wrong, &hash);
        let _ = tokio::time::timeout(std::time::Duration::from_millis(2), check).await;
    }
    assert_eq!(watcher.await.unwrap(), 1, "hashes running at once");
}
