//! Monte Carlo forecasts from daily throughput: "how many items by a date" and "when
//! will N items be done", at 50%, 85% and 95% confidence. Each trial replays the
//! future a day at a time, each day's throughput drawn at random from the days of a
//! past window; the answers are percentiles over the trials.
//!
//! The random numbers come from SplitMix64 (Steele, Lea and Flood, 2014: the 64-bit
//! generator Java's `SplittableRandom` uses and xoshiro's authors recommend for
//! seeding): a dozen lines, with no dependency, whose whole state is the seed, so a
//! forecast is reproduced exactly from `--seed`. Its quality is far beyond what
//! drawing one of a few dozen days needs.

use serde::Serialize;

/// Trials per forecast: enough that the 95% figure moves by at most a day or an item
/// between seeds on ordinary histories.
pub const TRIALS: usize = 10_000;

/// The confidence levels forecasts give, in percent.
pub const CONFIDENCES: [usize; 3] = [50, 85, 95];

/// A trial that has not finished after this many days stops there: reported as "later
/// than" the horizon.
pub const HORIZON_DAYS: usize = 3_650;

/// SplitMix64: each call adds the golden-ratio increment to the state and mixes it.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (n > 0), by Lemire's multiply-shift: no modulo bias worth
    /// the name for the small `n` of a window of days.
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

/// At `confidence`% of trials, at least `items` were done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HowMany {
    pub confidence: usize,
    pub items: usize,
}

/// At `confidence`% of trials, the items were done within `days` days; `None` when
/// they were not within [`HORIZON_DAYS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct When {
    pub confidence: usize,
    pub days: Option<usize>,
}

/// How many items will be done in the next `days` days, drawing each day from
/// `samples` (items done per day over the window). `None` without samples.
pub fn how_many(samples: &[usize], days: usize, seed: u64) -> Option<Vec<HowMany>> {
    if samples.is_empty() {
        return None;
    }
    let mut rng = SplitMix64::new(seed);
    let mut totals: Vec<usize> = (0..TRIALS)
        .map(|_| (0..days).map(|_| samples[rng.below(samples.len())]).sum())
        .collect();
    totals.sort_unstable();
    Some(
        CONFIDENCES
            .iter()
            .map(|&confidence| {
                // The most items that at least `confidence`% of trials reached: with
                // totals ascending, the one with that share of trials at or above it.
                let at_or_above = (confidence * TRIALS).div_ceil(100);
                HowMany {
                    confidence,
                    items: totals[TRIALS - at_or_above],
                }
            })
            .collect(),
    )
}

/// In how many days `items` items will be done, drawing each day from `samples`.
/// `None` without samples, or when no day of the window had anything done.
pub fn when(samples: &[usize], items: usize, seed: u64) -> Option<Vec<When>> {
    if samples.iter().all(|&s| s == 0) {
        return None;
    }
    let mut rng = SplitMix64::new(seed);
    let mut days: Vec<usize> = (0..TRIALS)
        .map(|_| {
            let (mut done, mut day) = (0, 0);
            while done < items && day <= HORIZON_DAYS {
                done += samples[rng.below(samples.len())];
                day += 1;
            }
            day
        })
        .collect();
    days.sort_unstable();
    Some(
        CONFIDENCES
            .iter()
            .map(|&confidence| {
                // Nearest rank: the fewest days within which `confidence`% finished.
                let rank = (confidence * TRIALS).div_ceil(100).max(1);
                let d = days[rank - 1];
                When {
                    confidence,
                    days: (d <= HORIZON_DAYS).then_some(d),
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_gives_the_reference_sequence() {
        // The published sequence for seed 0.
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(rng.next_u64(), 0x06C4_5D18_8009_454F);
        let mut rng = SplitMix64::new(7);
        assert!((0..1000).all(|_| rng.below(3) < 3));
    }

    #[test]
    fn a_steady_team_is_forecast_exactly() {
        // Two items every day: 5 days give 10 at every confidence; 7 items take 4 days.
        let all = |items| CONFIDENCES.map(|confidence| HowMany { confidence, items });
        assert_eq!(how_many(&[2, 2, 2], 5, 1), Some(all(10).to_vec()));
        let within = |d| {
            CONFIDENCES.map(|confidence| When {
                confidence,
                days: Some(d),
            })
        };
        assert_eq!(when(&[2], 7, 1), Some(within(4).to_vec()));
        assert_eq!(when(&[0, 0], 1, 1), None, "nothing was ever done");
        assert_eq!(how_many(&[], 3, 1), None);
    }

    #[test]
    fn more_confidence_means_fewer_items_or_more_days_and_a_seed_repeats() {
        let samples = [0, 0, 1, 3, 0, 2, 5, 0, 1, 0];
        let many = how_many(&samples, 14, 42).expect("a forecast");
        assert!(many[0].items >= many[1].items && many[1].items >= many[2].items);
        let days = when(&samples, 20, 42).expect("a forecast");
        assert!(days[0].days <= days[1].days && days[1].days <= days[2].days);
        assert_eq!(how_many(&samples, 14, 42), Some(many));
        assert_eq!(when(&samples, 20, 42), Some(days));
        // 12 items in 10 days: 1.2 a day, so the median of 14 days is near 17.
        let median = how_many(&samples, 14, 42).expect("a forecast")[0].items;
        assert!((14..=20).contains(&median), "{median}");
    }
}
