//! Command-line front end of the generator.
fn main() {}
