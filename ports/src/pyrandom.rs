//! CPython's `random` module, bit for bit, for the ports whose seed program calls
//! `random.seed(n)` and then `randrange`/`randint`/`random`: the same Mersenne Twister
//! (MT19937), seeded the way `random.seed(int)` seeds it, and the same derivations of
//! integers and floats from its output, so a port draws the very numbers Python drew.
//!
//! A port reaches it as `util::pyrandom` (`use corio_ports as util;`).

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// A `random.Random` instance: MT19937 plus CPython's `getrandbits`, `_randbelow`,
/// `randrange`, `randint` and `random`.
#[allow(missing_debug_implementations)] // 624 words of generator state say nothing useful
pub struct PyRandom {
    state: [u32; N],
    index: usize,
}

impl PyRandom {
    /// `random.seed(seed)` for a non-negative int: the seed's 32-bit words, least
    /// significant first (`[0]` for 0), go through MT's `init_by_array`.
    pub fn new(seed: u64) -> PyRandom {
        let low = seed as u32;
        let high = (seed >> 32) as u32;
        let key: &[u32] = if high == 0 { &[low] } else { &[low, high] };
        let mut rng = PyRandom {
            state: [0; N],
            index: N,
        };
        rng.init_by_array(key);
        rng
    }

    fn init_genrand(&mut self, s: u32) {
        self.state[0] = s;
        for i in 1..N {
            let prev = self.state[i - 1];
            self.state[i] = 1_812_433_253u32
                .wrapping_mul(prev ^ (prev >> 30))
                .wrapping_add(i as u32);
        }
        self.index = N;
    }

    fn init_by_array(&mut self, key: &[u32]) {
        self.init_genrand(19_650_218);
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..N.max(key.len()) {
            let prev = self.state[i - 1];
            self.state[i] = (self.state[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                self.state[0] = self.state[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            let prev = self.state[i - 1];
            self.state[i] = (self.state[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1_566_083_941))
                .wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                self.state[0] = self.state[N - 1];
                i = 1;
            }
        }
        // Assures a non-zero initial state, as in the reference code.
        self.state[0] = 0x8000_0000;
    }

    /// MT19937's `genrand_uint32`.
    fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            for k in 0..N {
                let y = (self.state[k] & UPPER_MASK) | (self.state[(k + 1) % N] & LOWER_MASK);
                let mag = if y & 1 == 1 { MATRIX_A } else { 0 };
                self.state[k] = self.state[(k + M) % N] ^ (y >> 1) ^ mag;
            }
            self.index = 0;
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `getrandbits(k)` for `0 <= k <= 64`: 32-bit words, least significant first, the
    /// last one cut down to its top bits.
    pub fn getrandbits(&mut self, k: u32) -> u64 {
        assert!(k <= 64, "getrandbits supports at most 64 bits here");
        let mut out = 0u64;
        let mut shift = 0;
        let mut left = k;
        while left > 0 {
            let mut word = self.next_u32();
            if left < 32 {
                word >>= 32 - left;
            }
            out |= u64::from(word) << shift;
            shift += 32;
            left = left.saturating_sub(32);
        }
        out
    }

    /// `_randbelow(n)` (`_randbelow_with_getrandbits`): rejection sampling with
    /// `k = n.bit_length()` bits.
    fn randbelow(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let k = 64 - n.leading_zeros();
        loop {
            let r = self.getrandbits(k);
            if r < n {
                return r;
            }
        }
    }

    /// `randrange(stop)`: an int in `0..stop`.
    ///
    /// # Panics
    ///
    /// If `stop` is 0 (Python raises `ValueError: empty range for randrange()`).
    pub fn randrange(&mut self, stop: u64) -> u64 {
        assert!(stop > 0, "empty range for randrange()");
        self.randbelow(stop)
    }

    /// `randint(a, b)`: an int in `a..=b`.
    ///
    /// # Panics
    ///
    /// If `b < a` (Python raises `ValueError: empty range for randrange()`).
    pub fn randint(&mut self, a: i64, b: i64) -> i64 {
        assert!(b >= a, "empty range for randrange()");
        let offset = match b.abs_diff(a).checked_add(1) {
            Some(width) => self.randbelow(width),
            None => self.getrandbits(64), // the whole i64 range
        };
        a.wrapping_add_unsigned(offset)
    }

    /// `random()`: a float in `[0, 1)` with 53 random bits.
    pub fn random(&mut self) -> f64 {
        let a = u64::from(self.next_u32() >> 5);
        let b = u64::from(self.next_u32() >> 6);
        (a as f64 * 67_108_864.0 + b as f64) / 9_007_199_254_740_992.0
    }
}
