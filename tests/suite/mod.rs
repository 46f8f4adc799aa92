mod build;
mod cli;
mod fixtures;
