//! Models → output files. Pure: every function here maps values to bytes; nothing
//! reads the file system or the clock, so output is byte-identical across runs.

pub mod json;
pub mod site;
pub mod sync;
pub mod text;

/// One file to write, with its path relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}
