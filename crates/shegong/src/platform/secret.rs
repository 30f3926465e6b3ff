//! Comparing secrets. Every comparison of a secret with a presented value — CSRF tokens, bearer
//! tokens, TOTP codes, MACs — goes through [`eq`], which takes the same time wherever the first
//! difference is (`subtle`), so a response time does not tell an attacker how many leading
//! characters were right. A source scan in the tests refuses any other constant-time comparison
//! (a second `subtle` call, a hand-written XOR loop), so there is one to review.

/// Whether `a` and `b` are equal, in constant time for inputs of equal length. The length itself
/// is not hidden: compare digests (e.g. SHA-256 of both) when it is secret too.
pub fn eq(a: impl AsRef<[u8]>, b: impl AsRef<[u8]>) -> bool {
    bool::from(subtle::ConstantTimeEq::ct_eq(a.as_ref(), b.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_only_when_every_byte_is() {
        assert!(eq("abc", "abc"));
        assert!(!eq("abc", "abd"));
        assert!(!eq("ab", "abc"));
        assert!(!eq("abc", "ab"));
        assert!(eq("", ""));
        assert!(eq(String::from("k1"), b"k1"));
        assert!(eq([1u8, 2, 3], vec![1u8, 2, 3]));
        assert!(!eq([1u8, 2, 3], [1u8, 2, 4]));
    }

    /// Lines (`file:line`) of the crate's sources outside this file that `hit` matches.
    fn elsewhere(hit: impl Fn(&str) -> bool) -> Vec<String> {
        crate::platform::db::tests::source_lines(hit)
            .into_iter()
            .filter(|l| !l.replace('\\', "/").contains("platform/secret.rs:"))
            .collect()
    }

    #[test]
    fn no_other_constant_time_comparison() {
        // The `subtle` crate, or the constant-time comparison of another crate, used directly.
        let direct = elsewhere(|line| {
            let code = line.split("//").next().unwrap_or("");
            ["subtle::", "ConstantTimeEq", "ct_eq", "constant_time_eq", "verify_slice", "verify_truncated"]
                .iter()
                .any(|p| code.contains(p))
        });
        assert!(direct.is_empty(), "compare secrets with platform::secret::eq: {direct:#?}");
        // A hand-written loop: differences of two byte strings XOR-ed into an accumulator.
        let loops = elsewhere(|line| {
            let code = line.split("//").next().unwrap_or("");
            code.contains('^')
                && (code.contains("|=") || code.contains("fold(") || code.contains("| (") || code.contains("|("))
        });
        assert!(loops.is_empty(), "compare secrets with platform::secret::eq: {loops:#?}");
    }
}
