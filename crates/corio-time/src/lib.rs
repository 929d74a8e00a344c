//! corio-time (under construction in this commit).
