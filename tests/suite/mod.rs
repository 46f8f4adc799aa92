mod build;
mod cli;
mod fixtures;
mod sync;
