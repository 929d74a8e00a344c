//! A tiny deterministic generator (SplitMix64), so that every runtime sleeps the same
//! delays in every run.

/// The fixed seed of the sleep case.
pub(crate) const SEED: u64 = 0x5EED_C0DE_1234_ABCD;

#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..bound` (the modulo bias is below 1e-9 for the bounds used here).
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_in_range() {
        let a: Vec<u64> = (0..5)
            .scan(SplitMix64::new(SEED), |r, _| Some(r.below(10)))
            .collect();
        let b: Vec<u64> = (0..5)
            .scan(SplitMix64::new(SEED), |r, _| Some(r.below(10)))
            .collect();
        assert_eq!(a, b);
        assert!(a.iter().all(|&x| x < 10));
    }
}
