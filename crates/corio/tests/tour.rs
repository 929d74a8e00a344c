//! Smoke check: the guided tour (`cargo run --example tour`) runs to its end without an
//! error, a panic or a hang. Its output is for people and is not compared to a golden.

#[path = "../examples/tour/main.rs"]
mod tour;

#[test]
fn the_tour_runs_to_its_end() {
    tour::main().expect("every section of the tour succeeds");
}
