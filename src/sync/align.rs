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

/// Half-width of the band of the table the aligner fills, around the line from the
/// first pair to the last. Within it an alignment may run this many items ahead of the
/// proportional diagonal; lists of up to this many items are aligned in full. The band
/// keeps time and memory linear in the length of the lists.
const BAND: usize = 64;

/// Largest band the aligner fills (cells); beyond it items pair in order. This bounds
/// time and memory on hostile input (tens of thousands of sections).
const MAX_CELLS: usize = 4_000_000;

/// Pairs of indices in order; `None` on one side is a gap (an item only the other has).
pub fn align<A, B>(a: &[A], b: &[B], sim: impl Fn(&A, &B) -> f64) -> Vec<(Option<usize>, Option<usize>)> {
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 {
        return (0..n).map(|i| (Some(i), None)).chain((0..m).map(|j| (None, Some(j)))).collect();
    }
    // Row i holds columns lo[i]..=hi[i]: within BAND of the diagonal in either direction.
    let (lo, hi): (Vec<usize>, Vec<usize>) = (0..=n)
        .map(|i| {
            let centre = i * m / n;
            let lo = centre.saturating_sub(BAND).min(i.saturating_sub(BAND) * m / n);
            let hi = (centre + BAND).max(((i + BAND) * m).div_ceil(n)).min(m);
            (if i == 0 { 0 } else { lo }, if i == n { m } else { hi })
        })
        .unzip();
    let mut offsets = Vec::with_capacity(n + 2);
    offsets.push(0usize);
    for i in 0..=n {
        offsets.push(offsets[i] + hi[i] - lo[i] + 1);
    }
    let cells = offsets[n + 1];
    if cells > MAX_CELLS {
        return (0..n.max(m)).map(|i| ((i < n).then_some(i), (i < m).then_some(i))).collect();
    }
    let at = |i: usize, j: usize| (lo[i] <= j && j <= hi[i]).then(|| offsets[i] + j - lo[i]);
    let mut score = vec![f64::NEG_INFINITY; cells];
    // 0 = diagonal, 1 = up (a[i] unmatched), 2 = left (b[j] unmatched)
    let mut step = vec![0u8; cells];
    for j in 0..=hi[0] {
        score[j] = GAP * j as f64;
        step[j] = 2;
    }
    for i in 1..=n {
        for j in lo[i]..=hi[i] {
            let here = offsets[i] + j - lo[i];
            let get = |cell: Option<usize>| cell.map_or(f64::NEG_INFINITY, |c| score[c]);
            if j == 0 {
                score[here] = GAP * i as f64;
                step[here] = 1;
                continue;
            }
            let diag = get(at(i - 1, j - 1)) + MATCH_BASE + MATCH_GAIN * sim(&a[i - 1], &b[j - 1]);
            let up = get(at(i - 1, j)) + GAP;
            let left = get(at(i, j - 1)) + GAP;
            // The trace runs backwards from the end, so preferring a gap on ties
            // puts the gaps of an evidence-free alignment last.
            let (best, dir) = if up >= diag && up >= left {
                (up, 1)
            } else if left >= diag {
                (left, 2)
            } else {
                (diag, 0)
            };
            score[here] = best;
            step[here] = dir;
        }
    }
    let mut out = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let dir = at(i, j).map_or(if i > 0 { 1 } else { 2 }, |c| step[c]);
        match dir {
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
pub fn jaccard<T: Ord>(a: &[T], b: &[T]) -> f64 {
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
        let a = vec![0u8; 50_000];
        let b = vec![0u8; 40_000];
        let got = align(&a, &b, |_, _| 1.0);
        assert_eq!(got.len(), 50_000);
        assert_eq!(got[39_999], (Some(39_999), Some(39_999)));
        assert_eq!(got[40_000], (Some(40_000), None));
    }

    #[test]
    fn long_lists_align_in_a_band() {
        // 3,000 items, one dropped near the start and one inserted near the end: found
        // without filling the 9-million-cell table.
        let a: Vec<u32> = (0..3000).collect();
        let b: Vec<u32> = (0..3000).filter(|x| *x != 10).chain([5000]).collect();
        let got = align(&a, &b, |x, y| if x == y { 1.0 } else { 0.0 });
        assert_eq!(got.len(), 3001);
        assert_eq!(got[10], (Some(10), None));
        assert_eq!(got[11], (Some(11), Some(10)));
        assert_eq!(got[3000], (None, Some(2999)));
        // Very unequal lengths still end at both ends.
        let short = [7u32];
        let got = align(&a, &short, |x, y| if x == y { 1.0 } else { 0.0 });
        assert_eq!(got.iter().filter(|p| p.1.is_some()).count(), 1);
        assert!(got.contains(&(Some(7), Some(0))));
    }

    #[test]
    fn deletion_in_the_middle_is_found_by_its_keys() {
        let a = ["a", "b", "c"];
        let b = ["a", "c"];
        assert_eq!(align(&a, &b, eq), [(Some(0), Some(0)), (Some(1), None), (Some(2), Some(1))]);
    }
}
