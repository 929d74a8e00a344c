//! corio-reactor (under construction in this commit).
