//! corio-runtime (under construction in this commit).
