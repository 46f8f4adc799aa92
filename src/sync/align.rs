//! Global sequence alignment (Needleman–Wunsch) of two lists by a similarity score.
//!
//! One inserted step must read as one extra step, not as every later step differing:
//! a gap costs less than a run of bad matches, and a good match is worth more than
//! its two gaps. With no evidence either way (equal similarities) items pair up in
//! order and the gaps go last.

/// Score of a match with similarity 0: a small prior for "same position, same kind".
const MATCH_BASE: f64 = 0.2;
/// How much similarity adds to a match.
const MATCH_GAIN: f64 = 2.0;
/// Cost of leaving one item without a counterpart.
const GAP: f64 = -0.6;

/// Largest table the aligner fills (cells); beyond it items pair in order. Real
/// procedures have tens of steps; this bounds time and memory on hostile input.
const MAX_CELLS: usize = 4_000_000;

/// Pairs of indices in order; `None` on one side is a gap (an item only the other has).
pub fn align<A, B>(a: &[A], b: &[B], sim: impl Fn(&A, &B) -> f64) -> Vec<(Option<usize>, Option<usize>)> {
    let (n, m) = (a.len(), b.len());
    if (n + 1).saturating_mul(m + 1) > MAX_CELLS {
        return (0..n.max(m)).map(|i| ((i < n).then_some(i), (i < m).then_some(i))).collect();
    }
    let w = m + 1;
    let mut score = vec![0.0f64; (n + 1) * w];
    // 0 = diagonal, 1 = up (a[i] unmatched), 2 = left (b[j] unmatched)
    let mut step = vec![0u8; (n + 1) * w];
    for i in 1..=n {
        score[i * w] = GAP * i as f64;
        step[i * w] = 1;
    }
    for j in 1..=m {
        score[j] = GAP * j as f64;
        step[j] = 2;
    }
    for i in 1..=n {
        for j in 1..=m {
            let diag = score[(i - 1) * w + j - 1] + MATCH_BASE + MATCH_GAIN * sim(&a[i - 1], &b[j - 1]);
            let up = score[(i - 1) * w + j] + GAP;
            let left = score[i * w + j - 1] + GAP;
            // The trace runs backwards from the end, so preferring a gap on ties
            // puts the gaps of an evidence-free alignment last.
            let (best, dir) = if up >= diag && up >= left {
                (up, 1)
            } else if left >= diag {
                (left, 2)
            } else {
                (diag, 0)
            };
            score[i * w + j] = best;
            step[i * w + j] = dir;
        }
    }
    let mut out = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        match step[i * w + j] {
            0 if i > 0 && j > 0 => {
                out.push((Some(i - 1), Some(j - 1)));
                i -= 1;
                j -= 1;
            }
            1 if i > 0 => {
                out.push((Some(i - 1), None));
                i -= 1;
            }
            _ => {
                out.push((None, Some(j - 1)));
                j -= 1;
            }
        }
    }
    out.reverse();
    out
}

/// Jaccard similarity of two sorted, deduplicated key lists; both empty reads as
/// "no evidence" (a neutral 0.3), not as a perfect match.
pub fn jaccard(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.3;
    }
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    both as f64 / (a.len() + b.len() - both) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eq(a: &&str, b: &&str) -> f64 {
        if a == b { 1.0 } else { 0.0 }
    }

    #[test]
    fn one_insertion_is_one_gap() {
        let a = ["a", "b", "c", "d"];
        let b = ["a", "x", "b", "c", "d"];
        let got = align(&a, &b, eq);
        assert_eq!(
            got,
            [(Some(0), Some(0)), (None, Some(1)), (Some(1), Some(2)), (Some(2), Some(3)), (Some(3), Some(4))]
        );
    }

    #[test]
    fn without_evidence_items_pair_in_order() {
        let a = ["p", "q", "r"];
        let b = ["s", "t"];
        let got = align(&a, &b, |_, _| 0.3);
        assert_eq!(got, [(Some(0), Some(0)), (Some(1), Some(1)), (Some(2), None)]);
    }

    #[test]
    fn huge_inputs_pair_in_order_without_a_table() {
        let a = vec![0u8; 5000];
        let b = vec![0u8; 4000];
        let got = align(&a, &b, |_, _| 1.0);
        assert_eq!(got.len(), 5000);
        assert_eq!(got[3999], (Some(3999), Some(3999)));
        assert_eq!(got[4000], (Some(4000), None));
    }

    #[test]
    fn deletion_in_the_middle_is_found_by_its_keys() {
        let a = ["a", "b", "c"];
        let b = ["a", "c"];
        assert_eq!(align(&a, &b, eq), [(Some(0), Some(0)), (Some(1), None), (Some(2), Some(1))]);
    }
}
