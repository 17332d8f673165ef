//! [`Argon2Hasher`]: the [`PasswordHasher`] port with argon2id and OWASP's parameters, run on
//! tokio's blocking pool so that a hash (tens of milliseconds of CPU) never stalls the async
//! runtime, and at most [`Argon2Hasher::default_concurrency`] at a time, so that a login flood
//! neither takes every core from the other requests nor holds 19 MiB per waiting login (hashes
//! beyond the limit wait their turn without a thread). Neither passwords nor hashes are ever logged.
//!
//! The bound holds under cancellation: a hash's slot belongs to the blocking task computing it, not
//! to the request awaiting it, so a client that gives up frees the slot only when the hash it
//! started has finished.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use argon2::password_hash::{self, PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use async_trait::async_trait;
use prosektor_application::{HasherError, PasswordHasher};
use prosektor_domain::{PasswordHash, PlainPassword};
use tokio::sync::Semaphore;

/// argon2id with OWASP's recommended parameters: 19 MiB of memory, 2 passes, 1 lane; 16-byte salts
/// from the operating system's secure generator (argon2's own `hash_password`).
#[derive(Debug, Clone)]
pub struct Argon2Hasher {
    params: Params,
    dummy: PasswordHash,
    slots: Arc<Semaphore>,
    running: Arc<AtomicUsize>,
}

impl Argon2Hasher {
    /// Memory cost in KiB (OWASP: 19 MiB).
    pub const MEMORY_KIB: u32 = 19_456;
    /// Number of passes (OWASP: 2).
    pub const PASSES: u32 = 2;
    /// Degree of parallelism (OWASP: 1).
    pub const LANES: u32 = 1;

    /// The hash an unknown email's login is verified against, so that it costs what a known one
    /// does: these very parameters over 32 random bytes that were thrown away once hashed, so
    /// that no typed password matches it. A constant rather than a hash computed at start-up,
    /// which would cost every server start (and every test server) one hash for nothing.
    pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$0iEdcmZ+bomOPG16r1QvrQ$XLMNs43KxTLPwd7sahJMNi1bBIPxfR6TH8n75rSxIaU";

    /// A hasher running at most [`Self::default_concurrency`] hashes at once (see
    /// [`Self::with_concurrency`]).
    ///
    /// # Errors
    /// [`HasherError`] when the parameters are refused or the system's random generator fails.
    pub fn new() -> Result<Self, HasherError> {
        Self::with_concurrency(Self::default_concurrency())
    }

    /// Half the machine's cores, at least one: the other half stays with the requests that do not
    /// hash.
    pub fn default_concurrency() -> usize {
        std::thread::available_parallelism().map_or(1, |cores| (cores.get() / 2).max(1))
    }

    /// A hasher running at most `concurrency` hashes at once (at least one).
    ///
    /// # Errors
    /// [`HasherError`] when the parameters are refused.
    pub fn with_concurrency(concurrency: usize) -> Result<Self, HasherError> {
        let params = Params::new(Self::MEMORY_KIB, Self::PASSES, Self::LANES, None)
            .map_err(|error| HasherError(error.to_string()))?;
        let dummy = PasswordHash::parse(Self::DUMMY_HASH)
            .map_err(|error| HasherError(error.to_string()))?;
        Ok(Self {
            params,
            dummy,
            slots: Arc::new(Semaphore::new(concurrency.max(1))),
            running: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// How many hashes are being computed right now (never more than the concurrency bound).
    pub fn running(&self) -> usize {
        self.running.load(Ordering::Relaxed)
    }
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    #[tracing::instrument(skip_all)]
    async fn hash(&self, password: &PlainPassword) -> Result<PasswordHash, HasherError> {
        let params = self.params.clone();
        let password = password.expose().to_owned();
        self.off_runtime(move || hash_with(&params, password.as_bytes()))
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn verify(
        &self,
        password: &PlainPassword,
        hash: &PasswordHash,
    ) -> Result<bool, HasherError> {
        let params = self.params.clone();
        let password = password.expose().to_owned();
        let hash = hash.as_str().to_owned();
        self.off_runtime(move || {
            // The hash's own parameters and salt are used; the output is compared in constant time.
            match argon2id(params).verify_password(password.as_bytes(), hash.as_str()) {
                Ok(()) => Ok(true),
                Err(password_hash::Error::PasswordInvalid) => Ok(false),
                Err(error) => Err(HasherError(error.to_string())),
            }
        })
        .await
    }

    fn dummy_hash(&self) -> PasswordHash {
        self.dummy.clone()
    }
}

/// The argon2id context for `params`.
fn argon2id(params: Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes `password` with a fresh random salt, as a PHC string.
fn hash_with(params: &Params, password: &[u8]) -> Result<PasswordHash, HasherError> {
    let phc = argon2id(params.clone())
        .hash_password(password)
        .map_err(|error| HasherError(error.to_string()))?;
    PasswordHash::parse(&phc.to_string()).map_err(|error| HasherError(error.to_string()))
}

/// Sets `argon2_slots_busy` to `busy` hashes running.
fn report_busy(busy: usize) {
    metrics::gauge!("argon2_slots_busy").set(u32::try_from(busy).map_or(f64::MAX, f64::from));
}

impl Argon2Hasher {
    /// Runs CPU-heavy `work` on tokio's blocking pool once a slot is free. The slot moves into the
    /// blocking task: if the caller is cancelled (a client disconnects), the hash it started keeps
    /// its slot until it ends, so no more than the bound ever run at once.
    async fn off_runtime<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, HasherError> + Send + 'static,
    ) -> Result<T, HasherError> {
        let slot = Arc::clone(&self.slots)
            .acquire_owned()
            .await
            .map_err(|error| HasherError(format!("hashing slots closed: {error}")))?;
        let running = Arc::clone(&self.running);
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            report_busy(running.fetch_add(1, Ordering::Relaxed) + 1);
            let result = work();
            report_busy(running.fetch_sub(1, Ordering::Relaxed) - 1);
            result
        })
        .await
        .map_err(|error| HasherError(format!("hashing task failed: {error}")))?
    }
}
