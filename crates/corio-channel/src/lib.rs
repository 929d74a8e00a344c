//! corio-channel (under construction in this commit).
