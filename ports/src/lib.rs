//! The seed ports live in `examples/` (one example a seed program: `s0-06-call-later.py` →
//! `cargo run -p corio-ports --example s0_06_call_later`) and their recorded Python outputs in
//! `goldens/`; `cargo xtask goldens [AREA]` runs and compares them. This library is empty: the
//! package exists so that the ports and ~900 KB of goldens are not shipped with the facade.
