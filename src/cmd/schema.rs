use super::CmdResult;

pub fn run() -> CmdResult {
    print!("{}", preflight::render::json::guide_schema());
    Ok(0)
}
