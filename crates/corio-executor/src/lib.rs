//! corio-executor (under construction in this commit).
