//! corio (under construction in this commit).
