mod build;
mod cli;
mod fixtures;
mod manifest;
mod pair;
mod run;
mod site;
mod sync;
