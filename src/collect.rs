//! Fallible mapping into a `Vec`, as a plain loop.
//!
//! Why not `.map(f).collect::<Result<Vec<_>, _>>()`: each such call site
//! compiles the standard library's machinery for fallible collection (the
//! `GenericShunt` adapter, `try_process` and a `Vec::from_iter` of its own),
//! which in wasm is several hundred bytes a site, where this loop is little
//! more than the call of `f` and a push. For code off the hot paths; a
//! mapping that fails with `None` goes through it as `ok_or(())` and `.ok()`.

/// `f` of each item, in order, or the first error `f` returns.
pub fn try_map<I: IntoIterator, T, E>(
    items: I,
    mut f: impl FnMut(I::Item) -> Result<T, E>,
) -> Result<Vec<T>, E> {
    // No capacity from the items' size hint: a JavaScript array-like
    // claims its own length, and reserving for a length of 1e8 before its
    // first item fails held a gigabyte of wasm memory (which never shrinks).
    let mut mapped = Vec::new();
    for item in items {
        mapped.push(f(item)?);
    }
    Ok(mapped)
}

#[cfg(test)]
mod tests {
    use super::try_map;

    /// Halves even numbers; an odd one is an error naming it.
    fn halve(number: u32) -> Result<u32, String> {
        if number.is_multiple_of(2) {
            Ok(number / 2)
        } else {
            Err(format!("{number} is odd"))
        }
    }

    /// Numbers, and what halving them gives.
    type Case = (&'static [u32], Result<Vec<u32>, &'static str>);

    #[test]
    fn maps_in_order_or_stops_at_the_first_error() {
        let cases: [Case; 4] = [
            (&[], Ok(vec![])),
            (&[8, 2, 6], Ok(vec![4, 1, 3])),
            (&[2, 3, 4, 5], Err("3 is odd")),
            (&[1, 3], Err("1 is odd")),
        ];
        for (numbers, expected) in cases {
            let mut calls = 0;
            let mapped = try_map(numbers.iter().copied(), |number| {
                calls += 1;
                halve(number)
            });
            assert_eq!(
                mapped,
                expected.clone().map_err(String::from),
                "{numbers:?}"
            );
            // Nothing after the first error is mapped.
            let first_error = numbers.iter().position(|number| number % 2 == 1);
            assert_eq!(
                calls,
                first_error.map_or(numbers.len(), |at| at + 1),
                "{numbers:?}"
            );
        }
    }

    /// Items that claim more than memory holds, the first of them an error.
    struct Claiming;

    impl Iterator for Claiming {
        type Item = u32;
        fn next(&mut self) -> Option<u32> {
            Some(1)
        }
        fn size_hint(&self) -> (usize, Option<usize>) {
            (usize::MAX / 2, None)
        }
    }

    /// What the items claim to hold is not reserved before they are mapped
    /// (reserving it would fail here: more than memory holds).
    #[test]
    fn reserves_nothing_for_items_it_has_not_mapped() {
        assert_eq!(try_map(Claiming, halve), Err("1 is odd".to_string()));
    }
}
