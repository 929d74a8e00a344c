//! The job queue and thread counts that the thread pool ([`ThreadPool`]) and the process
//! pool share, with the rules both follow: a push claims a parked thread if there is one,
//! else starts a thread if the limit allows and the threads about to look at the queue
//! are fewer than its jobs; a parked thread that wakes unclaimed takes itself off the
//! idle count.
//!
//! [`ThreadPool`]: crate::ThreadPool

use std::collections::VecDeque;
use std::sync::Arc;

use crate::error::SubmitError;

/// The queue and the thread counts, kept under the pool's one lock.
pub(crate) struct JobQueue<J> {
    pub(crate) jobs: VecDeque<J>,
    /// Threads alive (running a job, idle, or starting); in the process pool, the manager
    /// threads, each owning one worker process.
    pub(crate) threads: usize,
    /// Threads parked waiting for a job and not yet claimed by a notify.
    pub(crate) idle: usize,
    /// Threads running a job. The others (`threads - busy - idle`) are starting or just
    /// finished a job: each will look at the queue before it parks.
    pub(crate) busy: usize,
    /// Notifies sent and not yet consumed by a waking thread (a wake without one is
    /// spurious or a timeout).
    pub(crate) notified: usize,
    /// No new jobs; threads exit once the queue is empty.
    pub(crate) shutdown: bool,
    /// Set when the pool broke (its initializer failed): it refuses jobs and fails queued
    /// ones.
    pub(crate) broken: Option<Arc<str>>,
}

/// What a push leaves its caller to do once the lock is released.
#[must_use]
pub(crate) enum Staffing {
    /// Wake one parked thread: it was claimed for the job.
    NotifyOne,
    /// Start one more thread: it was counted in `threads` already.
    StartThread,
    /// Nothing: a thread about to look at the queue will take the job.
    None,
}

impl<J> JobQueue<J> {
    pub(crate) fn new() -> Self {
        JobQueue {
            jobs: VecDeque::new(),
            threads: 0,
            idle: 0,
            busy: 0,
            notified: 0,
            shutdown: false,
            broken: None,
        }
    }

    /// Queues `job` unless the pool is broken or shut down (then gives it back), and says
    /// which thread will take it: a parked one, else a new one if fewer than
    /// `max_threads` run and more jobs wait than threads are about to look at the queue,
    /// else a busy one once done.
    pub(crate) fn push(
        &mut self,
        job: J,
        max_threads: usize,
    ) -> Result<Staffing, (J, SubmitError)> {
        if let Some(why) = &self.broken {
            return Err((job, SubmitError::Broken(why.clone())));
        }
        if self.shutdown {
            return Err((job, SubmitError::Shutdown));
        }
        self.jobs.push_back(job);
        if self.idle > 0 {
            self.idle -= 1;
            self.notified += 1;
            Ok(Staffing::NotifyOne)
        } else if self.threads < max_threads
            && self.jobs.len() > self.threads - self.busy - self.idle
        {
            self.threads += 1;
            Ok(Staffing::StartThread)
        } else {
            Ok(Staffing::None)
        }
    }

    /// Takes the oldest job for a thread, which counts as busy until it takes `busy` down
    /// again.
    pub(crate) fn take(&mut self) -> Option<J> {
        let job = self.jobs.pop_front()?;
        self.busy += 1;
        Some(job)
    }

    /// For a parked thread that woke: consumes the notify that claimed it (its push
    /// already took it off `idle`) and returns `true`, else takes it off `idle` and
    /// returns `false` (a spurious wake, a timeout, or a shutdown).
    pub(crate) fn woken(&mut self) -> bool {
        if self.notified > 0 {
            self.notified -= 1;
            true
        } else {
            self.idle -= 1;
            false
        }
    }
}
