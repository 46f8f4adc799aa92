mod build;
mod cli;
mod fixtures;
mod pair;
mod sync;
