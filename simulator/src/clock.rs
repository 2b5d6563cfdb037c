//! Simulated time: what every status date and lifecycle step is measured with.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::config::ClockMode;

/// Simulated time, as a [`Duration`] since the simulator started, mapped to wall-clock
/// dates by adding the wall-clock time of the start.
#[derive(Debug)]
pub(crate) struct Clock {
    mode: ClockMode,
    started: Instant,
    started_wall: Duration,
    offset: Duration,
}

impl Clock {
    /// A clock that starts now.
    pub(crate) fn new(mode: ClockMode) -> Self {
        Clock {
            mode,
            started: Instant::now(),
            started_wall: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default(),
            offset: Duration::ZERO,
        }
    }

    /// Simulated time since the start.
    pub(crate) fn now(&self) -> Duration {
        match self.mode {
            ClockMode::Real => self.started.elapsed().saturating_add(self.offset),
            ClockMode::Manual => self.offset,
        }
    }

    /// Moves simulated time forward.
    pub(crate) fn advance(&mut self, by: Duration) {
        self.offset = self.offset.saturating_add(by);
    }

    /// The wall-clock date (since the Unix epoch) of a simulated time.
    pub(crate) fn wall(&self, at: Duration) -> Duration {
        self.started_wall.saturating_add(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_advanced() {
        let mut clock = Clock::new(ClockMode::Manual);
        assert_eq!(clock.now(), Duration::ZERO);
        clock.advance(Duration::from_millis(1500));
        assert_eq!(clock.now(), Duration::from_millis(1500));
        assert_eq!(
            clock.wall(clock.now()) - clock.wall(Duration::ZERO),
            Duration::from_millis(1500)
        );
    }

    #[test]
    fn real_clock_includes_advances() {
        let mut clock = Clock::new(ClockMode::Real);
        clock.advance(Duration::from_secs(3600));
        assert!(clock.now() >= Duration::from_secs(3600));
    }

    #[test]
    fn huge_advances_saturate_instead_of_overflowing() {
        for mode in [ClockMode::Real, ClockMode::Manual] {
            let mut clock = Clock::new(mode);
            clock.advance(Duration::MAX);
            clock.advance(Duration::from_secs(1));
            assert_eq!(clock.now(), Duration::MAX);
            assert_eq!(clock.wall(clock.now()), Duration::MAX);
        }
    }
}
