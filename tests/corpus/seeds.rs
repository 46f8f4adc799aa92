//! The seed pair the project started from (`../shared/seeds/002_…` en, `003_…` zh): its
//! one structural drift is step 3 (two sub-steps and a paragraph in en-US, three
//! sub-steps in zh-CN), and nothing is reported that is not really different.

use preflight::Source;
use preflight::diag::Severity;

fn seed(name: &str, locale: &str) -> preflight::Guide {
    let dir = super::corpus_dir().join("../seeds");
    let path = dir.join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let source = Source::decode(name, &bytes).unwrap();
    preflight::parse::parse_guide(&source, locale).0
}

#[test]
fn seed_pair_reports_the_step_3_drift_and_nothing_spurious() {
    let en = seed("002_5962a41d864c2247.txt", "en-US");
    let zh = seed("003_0eff3ee07ceb90ac.txt", "zh-CN");
    let c = preflight::sync::compare(&en, &zh);
    let errors: Vec<_> = c.findings.iter().filter(|f| f.severity == Severity::Error).collect();
    assert_eq!(errors.len(), 1, "{:#?}", c.findings);
    let extra = errors[0];
    assert_eq!(extra.code, "sync::extra-substep");
    assert_eq!(extra.step.as_ref().map(ToString::to_string).as_deref(), Some("task_skw_3pw_5db.s0.p1.3.3"));
    assert_eq!(extra.zh.as_ref().map(|l| l.line), Some(25));
    let step3 = |id: &str| id == "task_skw_3pw_5db.s0.p1.3" || id.starts_with("task_skw_3pw_5db.s0.p1.3.");
    for f in &c.findings {
        let step = f.step.as_ref().map(ToString::to_string).unwrap_or_default();
        let step = step.as_str();
        match f.code.as_str() {
            // Step 3 itself: the en paragraph's screenshot and note live in zh's extra sub-step.
            "sync::extra-substep" | "sync::image-differs" | "sync::missing-note" => assert!(step3(step), "{f:#?}"),
            // Real differences: the sign-up link is in en step 1 only, the verification
            // link in zh step 2 only.
            "sync::link-differs" => {
                assert!(["task_skw_3pw_5db.s0.p1.1", "task_skw_3pw_5db.s0.p1.2"].contains(&step), "{f:#?}")
            }
            other => panic!("unexpected finding {other}: {f:#?}"),
        }
    }
    // Steps 1 to 4 and the sub-steps 3.1 and 3.2 align with each other.
    let aligned: Vec<_> = c.steps.iter().filter(|(a, b)| a.is_some() && b.is_some()).collect();
    assert_eq!(aligned.len(), 6, "{:?}", c.steps);
}
