//! The password hashers: a few threads, each holding one Argon2 working
//! memory for life, so hashing costs a fixed amount of memory and CPU
//! whatever the load.
//!
//! Every Argon2 hash needs 19 MiB. Run on actix's blocking pool (up to
//! hundreds of threads), each thread that ever hashed kept its 19 MiB in its
//! malloc arena, and a burst of sign-ups grew the service until the kernel
//! killed it. Here at most [`HasherSettings::count`] hashes run at once, in
//! memory allocated once at start; a request that finds every hasher busy
//! waits its turn (first come, first served) for at most
//! [`HasherSettings::wait`], then gets [`HashError::Busy`] (a 503 with
//! `Retry-After`), which costs nothing.

use std::{
    panic::{AssertUnwindSafe, catch_unwind},
    sync::{Arc, Mutex, PoisonError, mpsc},
    time::Duration,
};

use argon2::Block;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

use crate::{config::HasherSettings, domain::new_user::Password};

pub mod argon2id;

use argon2id::{MEMORY_BLOCKS, PasswordError};

/// Why a hashing request was not answered.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Every hasher stayed busy for the whole wait; retry later.
    #[error("every password hasher is busy")]
    Busy,
    /// The hash itself failed (a stored hash that cannot be read, no RNG).
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// The job panicked (the hasher logs it and carries on), or the pool
    /// is shutting down.
    #[error("a password hasher stopped")]
    Stopped,
}

/// Work for a hasher: run in its thread, given its memory.
type Job = Box<dyn FnOnce(&mut [Block]) + Send>;

/// The pool: one per process, in `AppState`.
pub struct PasswordHashers {
    /// One permit per hasher: holding one guarantees an idle thread.
    permits: Arc<Semaphore>,
    jobs: mpsc::Sender<Job>,
    wait: Duration,
}

impl PasswordHashers {
    /// Starts `settings.count` hasher threads, each with its own
    /// [`MEMORY_BLOCKS`] KiB. The threads end when the pool is dropped.
    pub fn start(settings: &HasherSettings) -> anyhow::Result<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..settings.count {
            // Allocated (and every page touched) here, once: the memory the
            // service needs for hashing is visible from the first second.
            let memory = vec![Block::new(); MEMORY_BLOCKS].into_boxed_slice();
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("password-hasher-{n}"))
                .spawn(move || work(&queue, memory))
                .map_err(|e| anyhow::anyhow!("cannot start password hasher {n}: {e}"))?;
        }
        tracing::info!(
            hashers = settings.count,
            memory_mib = settings.count * MEMORY_BLOCKS / 1024,
            wait_ms = u64::try_from(settings.wait.as_millis()).unwrap_or(u64::MAX),
            "password hashers started"
        );
        Ok(Self {
            permits: Arc::new(Semaphore::new(settings.count)),
            jobs,
            wait: settings.wait,
        })
    }

    /// The PHC string of `password`, with a fresh salt.
    pub async fn hash(&self, password: Password) -> Result<String, HashError> {
        self.run(move |memory| argon2id::hash(&password, memory))
            .await?
            .map_err(HashError::from)
    }

    /// Whether `candidate` matches the stored PHC string.
    pub async fn verify(&self, candidate: String, phc: String) -> Result<bool, HashError> {
        self.run(move |memory| argon2id::verify(&candidate, &phc, memory))
            .await?
            .map_err(HashError::from)
    }

    /// Runs `work` on the next idle hasher, waiting at most `wait` for one.
    async fn run<T, F>(&self, work: F) -> Result<T, HashError>
    where
        T: Send + 'static,
        F: FnOnce(&mut [Block]) -> T + Send + 'static,
    {
        let permit = self.acquire().await?;
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move |memory| {
            // The permit travels with the job and is released only when the
            // work is done, even if the caller gave up (a client that hangs
            // up mid-login): the hashes running never outnumber the hashers.
            let _permit = permit;
            let _ = answer.send(work(memory));
        });
        self.jobs.send(job).map_err(|_| HashError::Stopped)?;
        answered.await.map_err(|_| HashError::Stopped)
    }

    async fn acquire(&self) -> Result<OwnedSemaphorePermit, HashError> {
        if let Ok(permit) = Arc::clone(&self.permits).try_acquire_owned() {
            return Ok(permit);
        }
        match tokio::time::timeout(self.wait, Arc::clone(&self.permits).acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            // The semaphore is never closed; treat it as stopped if it were.
            Ok(Err(_)) => Err(HashError::Stopped),
            // Logged once, with the request, where the 503 is answered.
            Err(_) => Err(HashError::Busy),
        }
    }
}

/// A hasher thread: takes the next job, runs it in its own memory, and
/// stops when the pool (the sending side) is gone.
fn work(queue: &Mutex<mpsc::Receiver<Job>>, mut memory: Box<[Block]>) {
    loop {
        // The lock is held only while waiting for a job, never while hashing.
        let job = match queue.lock().unwrap_or_else(PoisonError::into_inner).recv() {
            Ok(job) => job,
            Err(_) => return,
        };
        // A panic loses that one answer (the caller sees `Stopped`), not the hasher.
        if catch_unwind(AssertUnwindSafe(|| job(&mut memory))).is_err() {
            tracing::error!("a password hashing job panicked");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    fn pool(count: usize, wait_ms: u64) -> PasswordHashers {
        PasswordHashers::start(&HasherSettings {
            count,
            wait: Duration::from_millis(wait_ms),
        })
        .unwrap()
    }

    #[tokio::test]
    async fn a_hash_from_the_pool_verifies() {
        let hashers = pool(1, 2000);
        let phc = hashers
            .hash(Password::parse("correct horse battery").unwrap())
            .await
            .unwrap();
        assert!(
            hashers
                .verify("correct horse battery".into(), phc.clone())
                .await
                .unwrap()
        );
        assert!(!hashers.verify("wrong".into(), phc).await.unwrap());
    }

    #[tokio::test]
    async fn with_every_hasher_busy_past_the_wait_the_answer_is_busy() {
        let hashers = pool(1, 50);
        let (release, released) = std::sync::mpsc::channel::<()>();
        let blocker = hashers.run(move |_| released.recv().ok());
        let blocked = async {
            // Let the blocker take the only hasher first.
            tokio::time::sleep(Duration::from_millis(20)).await;
            let started = Instant::now();
            let outcome = hashers.run(|_| ()).await;
            let _ = release.send(());
            (outcome, started.elapsed())
        };
        let (first, (second, waited)) = tokio::join!(blocker, blocked);
        assert!(first.is_ok());
        assert!(matches!(second, Err(HashError::Busy)), "{second:?}");
        assert!(waited >= Duration::from_millis(50), "{waited:?}");
    }

    #[tokio::test]
    async fn a_waiting_request_gets_the_hasher_when_it_frees_up() {
        let hashers = pool(1, 5000);
        let (release, released) = std::sync::mpsc::channel::<()>();
        let blocker = hashers.run(move |_| released.recv().ok());
        let waiter = async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            let waiting = hashers.run(|_| "served");
            let freeing = async {
                tokio::time::sleep(Duration::from_millis(50)).await;
                let _ = release.send(());
            };
            tokio::join!(waiting, freeing).0
        };
        let (_, served) = tokio::join!(blocker, waiter);
        assert_eq!(served.unwrap(), "served");
    }

    #[tokio::test]
    async fn a_panicking_job_costs_its_answer_but_not_the_hasher() {
        let hashers = pool(1, 2000);
        let panicked = hashers.run::<(), _>(|_| panic!("boom")).await;
        assert!(matches!(panicked, Err(HashError::Stopped)));
        assert_eq!(
            hashers.run(|memory| memory.len()).await.unwrap(),
            MEMORY_BLOCKS
        );
    }
}
