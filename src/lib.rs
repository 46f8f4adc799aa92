//! preflight: compile bilingual (en-US / zh-CN) preparation guides into checklists.
//!
//! The pipeline, one module per stage: [`project`] discovers sources →
//! [`parse`] reads Markdown into the [`model`] → [`render`] turns models into output
//! files → [`emit`] writes them atomically. See ARCHITECTURE.md.

pub mod build;
pub mod diag;
pub mod emit;
pub mod history;
pub mod ids;
pub mod keys;
pub mod manifest;
pub mod matching;
pub mod model;
pub mod pairfile;
pub mod pairs;
pub mod parse;
pub mod project;
pub mod render;
pub mod rules;
pub mod run;
pub mod source;
pub mod sync;
pub mod term;
pub mod walk;

pub use diag::{Diagnostic, Severity};
pub use model::Guide;
pub use source::Source;
