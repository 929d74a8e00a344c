//! corio-sync (under construction in this commit).
