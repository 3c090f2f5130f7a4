//! Elasticsearch's `ip` field type: which texts are addresses, how they
//! compare, and what a CIDR query value covers.
//!
//! An `ip` field does not match text against text. Elasticsearch parses the
//! document value and the query value into 128-bit addresses and compares
//! numbers, so `::ffff:10.0.0.1` matches `10.0.0.1`, `10.0.0.1/8` matches
//! `10.200.3.4`, and `10.0.0.010` is no address at all. Rust's
//! `std::net` parsers disagree with Elasticsearch on several inputs (hextets
//! of more than four digits, zone ids, the `::ffff:` display form), so this
//! module mirrors Elasticsearch's own parser instead.
//!
//! Sources, cited below in parentheses by these short names (paraphrased,
//! never copied):
//!
//! - InetAddresses: elastic/elasticsearch,
//!   `server/src/main/java/org/elasticsearch/common/network/InetAddresses.java`,
//!   a Guava fork; `forString` parses an address, `parseCidr` a network,
//!   `toAddrString` formats one.
//! - InetAddressesTests: elastic/elasticsearch,
//!   `server/src/test/java/org/elasticsearch/common/network/InetAddressesTests.java`,
//!   the list of bogus inputs, the formatting cases and the CIDR cases.
//! - IpFieldMapper: elastic/elasticsearch,
//!   `server/src/main/java/org/elasticsearch/index/mapper/IpFieldMapper.java`;
//!   a document value goes through `forString` (a failure rejects the
//!   document unless `ignore_malformed`), `termQuery` sends a value holding
//!   `/` to `parseCidr` and anything else to `forString`, and `rangeQuery`
//!   turns exclusive bounds into inclusive ones with `nextUp`/`nextDown`.
//! - InetAddressPoint: apache/lucene,
//!   `lucene/core/src/java/org/apache/lucene/document/InetAddressPoint.java`;
//!   `encode` stores IPv4 as IPv4-mapped IPv6 (16 bytes), points compare as
//!   unsigned big-endian bytes, and `newPrefixQuery` clears the host bits for
//!   the lower bound and sets them for the upper bound.
//! - InetAddress: OpenJDK `java/net/InetAddress.java`; `getByAddress` turns
//!   16 bytes that form an IPv4-mapped address into an `Inet4Address`.
//!
//! Elasticsearch's parser was rewritten in August 2025 (elastic/elasticsearch
//! pull request #132463, "Optimize IP field parsing"). This module follows the
//! rewritten parser; where the two differ, the comment on the behaviour says so.

use std::fmt;
use std::ops::{Bound, Range, RangeBounds};

/// An address as Elasticsearch stores it: 128 bits, IPv4 as IPv4-mapped IPv6.
///
/// The derived ordering is the numeric one, which is Lucene's: points compare
/// as unsigned big-endian bytes (InetAddressPoint). Every IPv4 address
/// therefore sorts inside `::ffff:0.0.0.0 ..= ::ffff:255.255.255.255`, above
/// `::1` and below `2001:db8::`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IpAddress(pub u128);

/// `::ffff:0:0`, the start of the IPv4-mapped block (RFC 4291 section 2.5.5.2).
const IPV4_MAPPED_PREFIX: u128 = 0xffff << 32;

/// The 96 high bits that identify an IPv4-mapped address.
const IPV4_MAPPED_MASK: u128 = u128::MAX << 32;

impl IpAddress {
    /// `::`, the smallest address (Lucene's `InetAddressPoint.MIN_VALUE`).
    pub const MIN: IpAddress = IpAddress(0);

    /// `ffff:…:ffff`, the largest address (Lucene's `InetAddressPoint.MAX_VALUE`).
    pub const MAX: IpAddress = IpAddress(u128::MAX);

    /// The IPv4 address `a.b.c.d`, stored as `::ffff:a.b.c.d` the way Lucene's
    /// `InetAddressPoint.encode` stores every 4-byte address.
    pub const fn from_ipv4(octets: [u8; 4]) -> IpAddress {
        IpAddress(IPV4_MAPPED_PREFIX | u32::from_be_bytes(octets) as u128)
    }

    /// The four octets when this is an IPv4(-mapped) address, `None` for IPv6.
    ///
    /// Only the mapped block `::ffff:0:0/96` counts: the JDK turns exactly
    /// those 16-byte addresses into an `Inet4Address` (InetAddress), while the
    /// deprecated IPv4-compatible form `::1.2.3.4` stays IPv6.
    pub fn to_ipv4(self) -> Option<[u8; 4]> {
        let is_mapped = self.0 & IPV4_MAPPED_MASK == IPV4_MAPPED_PREFIX;
        is_mapped.then(|| (self.0 as u32).to_be_bytes())
    }
}

impl fmt::Display for IpAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format(*self))
    }
}

/// Parses an address the way Elasticsearch's ip field accepts it (documents
/// and query values alike): `InetAddresses.forString` (IpFieldMapper).
///
/// - IPv4 is exactly four decimal octets of 0–255, without leading zeros
///   (`010.0.0.1` is rejected, not read as octal or decimal), signs, hex or
///   shorthand forms (InetAddresses `textToNumericFormatV4`, InetAddressesTests).
/// - IPv6 is eight hextets, or fewer around one `::` that stands for at least
///   one zero hextet; hex digits in either case; the last two hextets may be
///   written as a dotted IPv4 address (InetAddresses `textToNumericFormatV6`,
///   `convertDottedQuadToHex`).
/// - A zone id after `%` is ignored (`fe80::1%eth0`), but a `%` with nothing
///   after it is rejected (InetAddresses `ipStringToBytes`).
/// - Nothing else: no brackets, no surrounding whitespace, no port, no prefix.
pub fn parse(text: &str) -> Option<IpAddress> {
    let address = without_zone_id(text)?;
    // A colon anywhere means IPv6, else a dot means IPv4, else it is neither
    // (InetAddresses `ipStringToBytes`).
    if address.contains(':') {
        parse_ipv6(address).map(IpAddress)
    } else if address.contains('.') {
        parse_ipv4(address).map(IpAddress::from_ipv4)
    } else {
        None
    }
}

/// Drops a zone id (`%eth0`), which Elasticsearch ignores rather than stores.
///
/// Elasticsearch 7.10 (pull request #60172) began accepting zone ids on IPv6
/// only, and rejected them after a dotted quad (`::1.2.3.4%0`, `1.2.3.4%0`).
/// The August 2025 rewrite cuts the text at the first `%` before choosing the
/// address family, so both of those parse now; this follows the rewrite. A
/// trailing `%` with an empty zone id is rejected by both.
fn without_zone_id(text: &str) -> Option<&str> {
    match text.find('%') {
        None => Some(text),
        Some(percent) if percent + 1 == text.len() => None,
        Some(percent) => Some(&text[..percent]),
    }
}

/// Four dot-separated octets (InetAddresses `textToNumericFormatV4`).
fn parse_ipv4(text: &str) -> Option<[u8; 4]> {
    let mut octets = [0u8; 4];
    let mut parts = text.split('.');
    for octet in &mut octets {
        *octet = parse_octet(parts.next()?)?;
    }
    parts.next().is_none().then_some(octets)
}

/// One decimal octet: ASCII digits only, 0–255, and no leading zero, because
/// no standard says whether `010` means 8 or 10 (the reason Guava gives;
/// InetAddressesTests lists `016.016.016.016` as bogus).
///
/// ASCII only: before the 2025 rewrite Java's `Character.digit` also let
/// non-ASCII digits such as fullwidth `１` through; the rewrite rejects any
/// non-ASCII byte, and so does this.
fn parse_octet(text: &str) -> Option<u8> {
    let all_digits = !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit());
    let leading_zero = text.len() > 1 && text.starts_with('0');
    // More than three digits without a leading zero is at least 1000.
    if !all_digits || leading_zero || text.len() > 3 {
        return None;
    }
    text.parse().ok()
}

/// Hextets with at most one `::`, possibly ending in a dotted quad.
fn parse_ipv6(text: &str) -> Option<u128> {
    if text.contains('.') {
        parse_hextets(&dotted_quad_as_hextets(text)?)
    } else {
        parse_hextets(text)
    }
}

/// Rewrites a trailing dotted quad as two hextets (`::ffff:1.2.3.4` becomes
/// `::ffff:0102:0304`), which is how Elasticsearch parses it (InetAddresses
/// `convertDottedQuadToHex`). The quad is whatever follows the last colon, so
/// a dot before any colon (`1.2.3.4::`) is rejected.
fn dotted_quad_as_hextets(text: &str) -> Option<String> {
    let last_colon = text.rfind(':')?;
    let (hextets, quad) = text.split_at(last_colon + 1);
    if hextets.contains('.') {
        return None;
    }
    let [a, b, c, d] = parse_ipv4(quad)?;
    Some(format!("{hextets}{a:02x}{b:02x}:{c:02x}{d:02x}"))
}

/// Eight hextets, or fewer around one `::` that must replace at least one
/// zero hextet, so `1:2:3:4::5:6:7:8` is rejected (InetAddresses
/// `textToNumericFormatV6`, InetAddressesTests).
fn parse_hextets(text: &str) -> Option<u128> {
    let hextets = match text.split_once("::") {
        None => Some(hextet_list(text)?).filter(|list| list.len() == 8)?,
        Some((before, after)) => {
            let mut list = hextet_list(before)?;
            let tail = hextet_list(after)?;
            if list.len() + tail.len() > 7 {
                return None;
            }
            list.resize(8 - tail.len(), 0);
            list.extend(tail);
            list
        }
    };
    Some(
        hextets
            .iter()
            .fold(0, |bits, &hextet| (bits << 16) | u128::from(hextet)),
    )
}

/// Colon-separated hextets; an empty text is an empty list (the side of a
/// `::` at either end), while an empty hextet between colons is an error, so
/// a single leading or trailing colon and a second `::` are rejected.
fn hextet_list(text: &str) -> Option<Vec<u16>> {
    if text.is_empty() {
        return Some(Vec::new());
    }
    text.split(':').map(parse_hextet).collect()
}

/// One hextet: hex digits of either case whose value fits in 16 bits.
///
/// Elasticsearch does not limit the number of digits (`00001` is 1; Guava
/// itself allows four), only the value: `3ffe::10000` is bogus in
/// InetAddressesTests. The 2025 rewrite accumulates digits in a Java `int`
/// without an overflow check, so nine or more digits can wrap around into
/// range there; this rejects those, as Elasticsearch did before.
fn parse_hextet(text: &str) -> Option<u16> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    let significant = text.trim_start_matches('0');
    if significant.is_empty() {
        return Some(0);
    }
    if significant.len() > 4 {
        return None;
    }
    u16::from_str_radix(significant, 16).ok()
}

/// What a KQL value on an ip field means: one address, or a CIDR network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpQuery {
    /// Matches this address only (Lucene's `newExactQuery`).
    Address(IpAddress),
    /// Matches every address from `first` to `last`, both included
    /// (Lucene's `newPrefixQuery`).
    Network {
        /// The network address: the host bits cleared.
        first: IpAddress,
        /// The last address: the host bits set.
        last: IpAddress,
    },
}

impl IpQuery {
    /// Whether a document value matches this query value.
    pub fn contains(&self, address: IpAddress) -> bool {
        match *self {
            IpQuery::Address(expected) => address == expected,
            IpQuery::Network { first, last } => first <= address && address <= last,
        }
    }
}

/// Parses a query value: an address or `address/prefix`. The error message is
/// lower case, no trailing period, quotes the input, and says what
/// Elasticsearch would complain about.
///
/// Any `/` makes the value a CIDR network (IpFieldMapper `termQuery`); an
/// invalid value is a 400 error in Elasticsearch, not a non-match.
pub fn parse_query(text: &str) -> Result<IpQuery, String> {
    if text.contains('/') {
        parse_cidr(text)
    } else {
        parse(text)
            .map(IpQuery::Address)
            .ok_or_else(|| not_an_address(text))
    }
}

/// Parses a bound of a range query (`ip > 10.0.0.0`).
///
/// Bounds go through `forString` only, so a CIDR network is an error there
/// (IpFieldMapper `rangeQuery`).
pub fn parse_range_bound(text: &str) -> Result<IpAddress, String> {
    parse(text).ok_or_else(|| not_an_address(text))
}

/// Whether `address` lies within a range query's bounds.
///
/// Elasticsearch makes exclusive bounds inclusive with Lucene's
/// `nextUp`/`nextDown` and matches nothing when that would pass the end of
/// the address space (IpFieldMapper `rangeQuery`); on 128-bit numbers that is
/// exactly strict comparison. A bound written as IPv4 still orders against
/// IPv6 values numerically: `ip < 10.0.0.0` matches `::1`.
pub fn in_range(address: IpAddress, lower: Bound<IpAddress>, upper: Bound<IpAddress>) -> bool {
    (lower, upper).contains(&address)
}

/// `InetAddresses.parseCidr` followed by Lucene's `newPrefixQuery`, checked in
/// the same order so the first complaint is Elasticsearch's first complaint.
fn parse_cidr(text: &str) -> Result<IpQuery, String> {
    let [address_text, prefix_text] = split_like_java(text)[..] else {
        return Err(format!(
            "`{text}` is not a cidr network of the form ip/prefix"
        ));
    };
    let invalid = |reason: String| format!("`{text}` is not a cidr network: {reason}");
    let address = parse(address_text)
        .ok_or_else(|| invalid(format!("`{address_text}` is not an ip string literal")))?;
    let is_ipv4 = address.to_ipv4().is_some();
    // `::ffff:10.0.0.0/8` parses to a 4-byte address (InetAddress), so Elasticsearch
    // cannot tell a v4 from a v6 prefix length and refuses it (InetAddresses
    // `parseCidr`; InetAddressesTests rejects `::ffff:0:0/96`).
    if is_ipv4 && address_text.contains(':') {
        return Err(invalid(
            "cidr notation is not allowed with an ipv6-mapped ipv4 address, \
             as the prefix length could be meant for ipv4 or ipv6"
                .to_string(),
        ));
    }
    let prefix = parse_prefix_length(prefix_text).map_err(invalid)?;
    let max_prefix = if is_ipv4 { 32 } else { 128 };
    if !(0..=max_prefix).contains(&prefix) {
        return Err(invalid(format!(
            "illegal prefix length {prefix}, it must be 0-32 for ipv4 ranges and 0-128 for ipv6 ranges"
        )));
    }
    // An IPv4 prefix counts bits of the 32-bit address, which sits below the
    // 96-bit mapped prefix (InetAddressPoint `newPrefixQuery` masks the 4-byte form).
    // The range check above makes the prefix non-negative.
    let prefix_bits = if is_ipv4 { 96 + prefix } else { prefix };
    Ok(network(address, prefix_bits.unsigned_abs()))
}

/// Java's `String.split("/")`: trailing empty fields are dropped, so
/// `10.0.0.0/8/` splits into two fields and Elasticsearch reads it as
/// `10.0.0.0/8`, while `10.0.0.0/` is a single field and an error.
fn split_like_java(text: &str) -> Vec<&str> {
    let mut fields: Vec<&str> = text.split('/').collect();
    while fields.last() == Some(&"") {
        fields.pop();
    }
    fields
}

/// Java's `Integer.parseInt`, which `parseCidr` uses: an optional `+` or `-`
/// sign, then decimal digits, within `i32` (`+8`, `08` and `-0` are fine).
/// Rust's `i32::from_str` accepts the same ASCII forms; Java would also take
/// non-ASCII decimal digits, which this rejects.
fn parse_prefix_length(text: &str) -> Result<i32, String> {
    text.parse()
        .map_err(|_| format!("prefix length `{text}` is not an integer"))
}

/// The network of `prefix_bits` leading bits around `address`: host bits
/// cleared for the first address and set for the last, whatever they were
/// (InetAddressPoint `newPrefixQuery`): `10.1.2.3/8` is
/// `10.0.0.0 ..= 10.255.255.255`, not an error.
fn network(address: IpAddress, prefix_bits: u32) -> IpQuery {
    let host_bits = u128::MAX.checked_shr(prefix_bits).unwrap_or(0);
    IpQuery::Network {
        first: IpAddress(address.0 & !host_bits),
        last: IpAddress(address.0 | host_bits),
    }
}

/// Elasticsearch says "'…' is not an IP string literal." (InetAddresses `forString`).
fn not_an_address(text: &str) -> String {
    format!("`{text}` is not an ip string literal")
}

/// Canonical text (IPv4 dotted for mapped addresses, RFC 5952 for IPv6), for explanations.
///
/// This is what Elasticsearch shows for a stored value: Lucene decodes a
/// mapped address to an `Inet4Address` (InetAddress), printed dotted, and
/// anything else goes through `toAddrString` (InetAddresses): lower-case hex
/// without leading zeros, the longest run of two or more zero hextets as `::`
/// (the leftmost on a tie), and no dotted quad for other IPv6 addresses
/// (`::1.2.3.4` prints as `::102:304`).
pub fn format(address: IpAddress) -> String {
    match address.to_ipv4() {
        Some([a, b, c, d]) => format!("{a}.{b}.{c}.{d}"),
        None => format_ipv6(address.0),
    }
}

fn format_ipv6(bits: u128) -> String {
    let hextets: [u16; 8] = std::array::from_fn(|index| (bits >> (112 - 16 * index)) as u16);
    let join = |slice: &[u16]| {
        let texts: Vec<String> = slice.iter().map(|hextet| format!("{hextet:x}")).collect();
        texts.join(":")
    };
    match longest_zero_run(&hextets) {
        Some(run) => format!(
            "{}::{}",
            join(&hextets[..run.start]),
            join(&hextets[run.end..])
        ),
        None => join(&hextets),
    }
}

/// The longest run of at least two zero hextets, the leftmost on a tie
/// (InetAddresses `compressLongestRunOfZeroes`; RFC 5952 section 4.2).
fn longest_zero_run(hextets: &[u16; 8]) -> Option<Range<usize>> {
    let mut best: Option<Range<usize>> = None;
    let mut start = 0;
    while start < hextets.len() {
        if hextets[start] != 0 {
            start += 1;
            continue;
        }
        let end = (start..hextets.len())
            .find(|&index| hextets[index] != 0)
            .unwrap_or(hextets.len());
        let best_len = best.as_ref().map_or(1, |run| run.len());
        if end - start > best_len {
            best = Some(start..end);
        }
        start = end;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddress {
        parse(text).unwrap_or_else(|| panic!("{text:?} should parse"))
    }

    fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddress {
        IpAddress::from_ipv4([a, b, c, d])
    }

    fn network(text: &str) -> (IpAddress, IpAddress) {
        match parse_query(text) {
            Ok(IpQuery::Network { first, last }) => (first, last),
            other => panic!("{text:?} should be a network, got {other:?}"),
        }
    }

    fn query_error(text: &str) -> String {
        parse_query(text).expect_err(text)
    }

    // --- IPv4 -------------------------------------------------------------

    #[test]
    fn ipv4_is_stored_as_ipv4_mapped_ipv6() {
        // (InetAddressPoint `encode`): 1.2.3.4 is indexed as ::ffff:1.2.3.4.
        assert_eq!(ip("1.2.3.4"), IpAddress(0xffff_0102_0304));
        assert_eq!(ip("192.168.0.1"), v4(192, 168, 0, 1));
    }

    #[test]
    fn ipv4_extremes_parse() {
        assert_eq!(ip("0.0.0.0"), IpAddress(0xffff_0000_0000));
        assert_eq!(ip("255.255.255.255"), IpAddress(0xffff_ffff_ffff));
    }

    #[test]
    fn ipv4_octet_above_255_is_rejected() {
        for text in [
            "256.0.0.0",
            "1.2.3.256",
            "257.0.0.0",
            "1000.1.1.1",
            "12345.67899.1.1",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn ipv4_leading_zeros_are_rejected() {
        // (InetAddressesTests) lists 016.016.016.016, 000.000.000.000 and 000 as bogus.
        for text in [
            "016.016.016.016",
            "000.000.000.000",
            "01.2.3.4",
            "1.2.3.04",
            "00.0.0.0",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn ipv4_wrong_octet_count_is_rejected() {
        for text in [
            "42",
            "42.42",
            "42.42.42",
            "42.42.42.42.42",
            "42..42.42",
            "42.42.42.42.",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
        for text in [
            ".42.42.42.42",
            "...42.42.42.42",
            "42.42.42.42...",
            ".",
            "...",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn ipv4_signs_hex_and_exponents_are_rejected() {
        // All from (InetAddressesTests)' bogus inputs.
        for text in [
            "42.42.42.-0",
            "42.42.42.+0",
            "+1.+2.+3.4",
            "1.2.3.4e0",
            "0x0a.0x0a.0x0a.0x0a",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn ipv4_non_ascii_digits_are_rejected() {
        // The 2025 rewrite of (InetAddresses `ipStringToBytes`) refuses non-ASCII bytes.
        assert_eq!(parse("１.２.３.４"), None);
    }

    // --- IPv6 -------------------------------------------------------------

    #[test]
    fn ipv6_compressed_and_expanded_forms_are_equal() {
        let expected = IpAddress(0x2001_0db8_0000_0000_0000_0000_0000_0001);
        assert_eq!(ip("2001:db8::1"), expected);
        assert_eq!(ip("2001:0db8:0000:0000:0000:0000:0000:0001"), expected);
        assert_eq!(ip("2001:db8:0:0:0:0:0:1"), expected);
        assert_eq!(ip("2001:db8:0::0:1"), expected);
    }

    #[test]
    fn ipv6_hex_digits_are_case_insensitive() {
        assert_eq!(ip("2001:DB8::ABCD"), ip("2001:db8::abcd"));
        assert_eq!(
            ip("FEDC:BA98:7654:3210:FEDC:BA98:7654:3210"),
            IpAddress(0xfedc_ba98_7654_3210_fedc_ba98_7654_3210)
        );
    }

    #[test]
    fn ipv6_double_colon_at_either_end() {
        assert_eq!(ip("::"), IpAddress(0));
        assert_eq!(ip("::1"), IpAddress(1));
        assert_eq!(ip("1::"), IpAddress(1 << 112));
        // Seven hextets and a `::` standing for one zero (InetAddressesTests).
        assert_eq!(
            ip("::7:6:5:4:3:2:1"),
            IpAddress(0x0000_0007_0006_0005_0004_0003_0002_0001)
        );
        assert_eq!(
            ip("7:6:5:4:3:2:1::"),
            IpAddress(0x0007_0006_0005_0004_0003_0002_0001_0000)
        );
    }

    #[test]
    fn ipv6_hextet_may_have_more_than_four_digits_when_its_value_fits() {
        // (InetAddresses `textToNumericFormatV6`) limits the value, not the digits.
        assert_eq!(ip("::00001"), IpAddress(1));
        assert_eq!(ip("0000000ffff::"), IpAddress(0xffff << 112));
        assert_eq!(parse("3ffe::10000"), None);
        assert_eq!(parse("::100000000"), None);
    }

    #[test]
    fn ipv6_malformed_texts_are_rejected() {
        // Taken from (InetAddressesTests)' bogus inputs.
        let bogus = [
            ":",
            ":::",
            "3ffe:::1",
            "3ffe::1::1",
            "1::2::3::4:5",
            "2001::db:::1",
            "::7:6:5:4:3:2:",
            ":6:5:4:3:2:1::",
            "FEDC:9878",
            "3ffe::1.net",
            "3ffe::goog",
            "3ffe::-0",
            "3ffe::+0",
            "3ffe::-1",
            "2001:db8::1:",
            ":2001:db8::1",
            ":1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:",
            ":1:2:3:4:5:6:",
        ];
        for text in bogus {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn ipv6_wrong_hextet_count_is_rejected() {
        // `::` must stand for at least one hextet; nine hextets are too many (InetAddressesTests).
        for text in [
            "::7:6:5:4:3:2:1:0",
            "7:6:5:4:3:2:1:0::",
            "9:8:7:6:5:4:3::2:1",
            "0:1:2:3::4:5:6:7",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
        assert_eq!(parse("3ffe:0:0:0:0:0:0:0:1"), None);
        assert_eq!(parse("1:2:3:4:5:6:7"), None);
    }

    #[test]
    fn ipv6_embedded_ipv4_is_the_last_two_hextets() {
        // (InetAddresses `convertDottedQuadToHex`); cases from (InetAddressesTests).
        assert_eq!(ip("7::0.128.0.127"), ip("7::80:7f"));
        assert_eq!(ip("7::128.128.0.127"), ip("7::8080:7f"));
        assert_eq!(ip("1:2:3:4:5:6:1.2.3.4"), ip("1:2:3:4:5:6:102:304"));
    }

    #[test]
    fn ipv6_malformed_embedded_ipv4_is_rejected() {
        let bogus = [
            "::1.2.3",
            "::1.2.3.4.5",
            "::1.2.3.4:",
            "1.2.3.4::",
            "::256.1.1.1",
            "::01.2.3.4",
        ];
        for text in bogus {
            assert_eq!(parse(text), None, "{text}");
        }
        // Eight hextets plus the quad's two, and a quad after a lone colon.
        assert_eq!(parse("1:2:3:4:5:6:7:8:1.2.3.4"), None);
        assert_eq!(parse(":1.2.3.4"), None);
    }

    #[test]
    fn ipv6_brackets_whitespace_and_garbage_are_rejected() {
        for text in [
            "[::1]", " ::1", "::1 ", "::1/128x", "::g", "fe80::1%", "%eth0", "%",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn ipv6_zone_id_is_ignored() {
        // (InetAddresses `ipStringToBytes`): everything after `%` is a scope id.
        assert_eq!(ip("fe80::1%eth0"), ip("fe80::1"));
        assert_eq!(ip("::1%0"), IpAddress(1));
        assert_eq!(ip("::1%%"), IpAddress(1));
    }

    #[test]
    fn zone_id_after_a_dotted_quad_is_ignored_as_in_the_2025_parser() {
        // Elasticsearch 7.10–9.1 rejected these; the rewrite cuts at `%` first.
        assert_eq!(ip("1.2.3.4%0"), v4(1, 2, 3, 4));
        assert_eq!(ip("::1.2.3.4%0"), IpAddress(0x0102_0304));
    }

    // --- Neither ----------------------------------------------------------

    #[test]
    fn empty_and_garbage_are_rejected() {
        for text in [
            "",
            "bogus",
            "bogus.com",
            "192.168.0.1.com",
            "localhost",
            "0x0a",
            "42",
            "true",
            "-1",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    // --- IPv4-mapped equivalence ------------------------------------------

    #[test]
    fn ipv4_mapped_forms_equal_plain_ipv4() {
        let plain = ip("1.2.3.4");
        assert_eq!(ip("::ffff:1.2.3.4"), plain);
        assert_eq!(ip("::FFFF:1.2.3.4"), plain);
        assert_eq!(ip("0:0:0:0:0:ffff:1.2.3.4"), plain);
        assert_eq!(ip("::ffff:102:304"), plain);
        assert_eq!(ip("0000:0000:0000:0000:0000:ffff:0102:0304"), plain);
    }

    #[test]
    fn ipv4_compatible_form_is_not_ipv4() {
        // Only ::ffff:0:0/96 becomes an Inet4Address (InetAddress); ::1.2.3.4 is ::102:304
        // (InetAddressesTests formats it so).
        assert_eq!(ip("::1.2.3.4"), IpAddress(0x0102_0304));
        assert_ne!(ip("::1.2.3.4"), ip("1.2.3.4"));
        assert_eq!(ip("::1.2.3.4").to_ipv4(), None);
    }

    #[test]
    fn mapped_address_query_matches_plain_document_value() {
        let query = parse_query("::ffff:10.0.0.1").unwrap();
        assert!(query.contains(ip("10.0.0.1")));
        assert!(parse_query("10.0.0.1")
            .unwrap()
            .contains(ip("::ffff:a00:1")));
    }

    #[test]
    fn to_ipv4_reports_only_the_mapped_block() {
        assert_eq!(ip("10.0.0.1").to_ipv4(), Some([10, 0, 0, 1]));
        assert_eq!(ip("::fffe:a00:1").to_ipv4(), None);
        assert_eq!(ip("1::ffff:a00:1").to_ipv4(), None);
    }

    // --- Formatting -------------------------------------------------------

    #[test]
    fn format_mapped_addresses_as_dotted_ipv4() {
        assert_eq!(format(ip("::ffff:1.2.3.4")), "1.2.3.4");
        assert_eq!(format(ip("0.0.0.0")), "0.0.0.0");
        assert_eq!(format(ip("255.255.255.255")), "255.255.255.255");
    }

    #[test]
    fn format_ipv6_as_elasticsearch_does() {
        // The `toAddrString` cases of (InetAddressesTests).
        let cases = [
            ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
            ("2001:0:0:4:0:0:0:8", "2001:0:0:4::8"),
            ("2001:0:0:4:5:6:7:8", "2001::4:5:6:7:8"),
            ("2001:0:3:4:5:6:7:8", "2001:0:3:4:5:6:7:8"),
            ("0:0:3:0:0:0:0:ffff", "0:0:3::ffff"),
            ("0:0:0:4:0:0:0:ffff", "::4:0:0:0:ffff"),
            ("0:0:0:0:5:0:0:ffff", "::5:0:0:ffff"),
            ("1:0:0:4:0:0:7:8", "1::4:0:0:7:8"),
            ("::", "::"),
            ("0:0:0:0:0:0:0:0", "::"),
            ("0:0:0:0:0:0:0:1", "::1"),
            ("2001:0658:022a:cafe::", "2001:658:22a:cafe::"),
            ("::1.2.3.4", "::102:304"),
        ];
        for (input, expected) in cases {
            assert_eq!(format(ip(input)), expected, "{input}");
        }
    }

    #[test]
    fn format_uses_lower_case_and_drops_zone_ids() {
        assert_eq!(format(ip("2001:DB8::ABCD")), "2001:db8::abcd");
        assert_eq!(format(ip("FE80::1%eth0")), "fe80::1");
        assert_eq!(
            format(IpAddress::MAX),
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
        );
    }

    #[test]
    fn format_round_trips_through_parse() {
        for text in [
            "10.1.2.3",
            "::",
            "::1",
            "2001:db8::8:800:200c:417a",
            "fe80::",
            "1:0:0:4::7:8",
            "::fffe:a00:1",
        ] {
            assert_eq!(parse(&format(ip(text))), Some(ip(text)), "{text}");
        }
    }

    #[test]
    fn display_matches_format() {
        assert_eq!(ip("2001:db8::1").to_string(), "2001:db8::1");
        assert_eq!(ip("::ffff:10.0.0.1").to_string(), "10.0.0.1");
    }

    // --- Query values: single addresses -----------------------------------

    #[test]
    fn query_without_slash_is_one_address() {
        assert_eq!(
            parse_query("10.0.0.1"),
            Ok(IpQuery::Address(v4(10, 0, 0, 1)))
        );
        let query = parse_query("2001:db8::1").unwrap();
        assert!(query.contains(ip("2001:0db8::0001")));
        assert!(!query.contains(ip("2001:db8::2")));
    }

    #[test]
    fn invalid_query_address_is_an_error() {
        assert_eq!(
            query_error("10.0.0.256"),
            "`10.0.0.256` is not an ip string literal"
        );
        assert_eq!(query_error(""), "`` is not an ip string literal");
        assert_eq!(
            query_error("010.0.0.1"),
            "`010.0.0.1` is not an ip string literal"
        );
    }

    // --- Query values: CIDR networks --------------------------------------

    #[test]
    fn cidr_ipv4_covers_its_block() {
        let (first, last) = network("192.168.0.0/24");
        assert_eq!((first, last), (v4(192, 168, 0, 0), v4(192, 168, 0, 255)));
        let query = parse_query("192.168.0.0/24").unwrap();
        assert!(query.contains(ip("192.168.0.77")));
        assert!(query.contains(ip("::ffff:192.168.0.1")));
        assert!(!query.contains(ip("192.168.1.0")));
        assert!(!query.contains(ip("192.167.255.255")));
    }

    #[test]
    fn cidr_host_bits_are_masked_not_rejected() {
        // (InetAddressPoint `newPrefixQuery`) clears and sets the host bits of any address.
        assert_eq!(
            network("10.1.2.3/8"),
            (v4(10, 0, 0, 0), v4(10, 255, 255, 255))
        );
        assert_eq!(
            network("2001:db8::1/32"),
            (
                ip("2001:db8::"),
                ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")
            )
        );
    }

    #[test]
    fn cidr_ipv4_zero_prefix_covers_ipv4_only() {
        let (first, last) = network("0.0.0.0/0");
        assert_eq!((first, last), (v4(0, 0, 0, 0), v4(255, 255, 255, 255)));
        let query = parse_query("1.2.3.4/0").unwrap();
        assert!(query.contains(ip("8.8.8.8")));
        assert!(!query.contains(ip("::1")));
        assert!(!query.contains(ip("2001:db8::1")));
    }

    #[test]
    fn cidr_ipv4_full_prefix_is_one_address() {
        let query = parse_query("1.2.3.4/32").unwrap();
        assert_eq!(network("1.2.3.4/32"), (v4(1, 2, 3, 4), v4(1, 2, 3, 4)));
        assert!(query.contains(ip("1.2.3.4")));
        assert!(!query.contains(ip("1.2.3.5")));
    }

    #[test]
    fn cidr_ipv6_covers_its_block() {
        let query = parse_query("2001:db8::/32").unwrap();
        assert!(query.contains(ip("2001:db8:ffff::1")));
        assert!(query.contains(ip("2001:DB8::")));
        assert!(!query.contains(ip("2001:db9::")));
        assert!(!query.contains(ip("10.0.0.1")));
    }

    #[test]
    fn cidr_ipv6_zero_prefix_covers_everything_including_ipv4() {
        assert_eq!(network("::/0"), (IpAddress::MIN, IpAddress::MAX));
        assert!(parse_query("::/0").unwrap().contains(ip("1.2.3.4")));
    }

    #[test]
    fn cidr_ipv6_full_prefix_is_one_address() {
        assert_eq!(network("::1/128"), (IpAddress(1), IpAddress(1)));
        assert_eq!(
            network("::fffe:0:0/128"),
            (ip("::fffe:0:0"), ip("::fffe:0:0"))
        );
    }

    #[test]
    fn cidr_ipv6_network_may_span_the_ipv4_block() {
        // (InetAddressesTests) accepts ::fffe:0:0/95: an IPv6 address, so no mapped ambiguity.
        let query = parse_query("::fffe:0:0/95").unwrap();
        assert!(query.contains(ip("10.0.0.1")));
        assert!(query.contains(ip("::fffe:1:2")));
    }

    #[test]
    fn cidr_on_ipv4_compatible_address_is_ipv6() {
        assert_eq!(network("::10.0.0.0/104"), (ip("::a00:0"), ip("::aff:ffff")));
    }

    #[test]
    fn cidr_on_mapped_address_is_refused() {
        // (InetAddresses `parseCidr`) and (InetAddressesTests) (`::ffff:0:0/96`).
        for text in [
            "::ffff:0:0/96",
            "::ffff:10.0.0.0/104",
            "::FFFF:10.0.0.0/8",
            "0:0:0:0:0:ffff:a00:0/8",
        ] {
            assert!(
                query_error(text).contains("ipv6-mapped ipv4 address"),
                "{text}"
            );
        }
    }

    #[test]
    fn cidr_prefix_out_of_range_is_an_error() {
        // (InetAddressesTests): 192.168.1.42/33 and ::1/129 are illegal.
        for text in ["192.168.1.42/33", "::1/129", "1.2.3.4/-1", "::/-5"] {
            assert!(
                query_error(text).contains("illegal prefix length"),
                "{text}"
            );
        }
    }

    #[test]
    fn cidr_prefix_takes_java_integer_forms() {
        // Integer.parseInt accepts a sign and leading zeros.
        assert_eq!(network("10.0.0.0/+8"), network("10.0.0.0/8"));
        assert_eq!(network("10.0.0.0/08"), network("10.0.0.0/8"));
        assert_eq!(network("10.0.0.0/-0"), network("10.0.0.0/0"));
    }

    #[test]
    fn cidr_prefix_that_is_not_an_integer_is_an_error() {
        for text in [
            "1.2.3.4/abc",
            "1.2.3.4/8.0",
            "1.2.3.4/ 8",
            "1.2.3.4/+",
            "1.2.3.4/99999999999",
            "fe80::1/64%eth0",
        ] {
            assert!(query_error(text).contains("is not an integer"), "{text}");
        }
    }

    #[test]
    fn cidr_with_wrong_number_of_fields_is_an_error() {
        // (InetAddressesTests): "" gives "Expected [ip/prefix] but was []".
        for text in [
            "1.2.3.4/",
            "1.2.3.4/8/1",
            "1.2.3.4//8",
            "/",
            "//",
            "1.2.3.4///",
        ] {
            assert!(
                query_error(text).contains("of the form ip/prefix"),
                "{text}"
            );
        }
    }

    #[test]
    fn cidr_trailing_slashes_are_dropped_like_java_split() {
        assert_eq!(network("10.0.0.0/8/"), network("10.0.0.0/8"));
        assert_eq!(network("10.0.0.0/8//"), network("10.0.0.0/8"));
    }

    #[test]
    fn cidr_with_invalid_address_is_an_error() {
        assert_eq!(
            query_error("10.0.0.256/8"),
            "`10.0.0.256/8` is not a cidr network: `10.0.0.256` is not an ip string literal"
        );
        assert!(query_error("/8").contains("`` is not an ip string literal"));
        // The address is checked before the prefix, as in `parseCidr`.
        assert!(query_error("bogus/abc").contains("`bogus` is not an ip string literal"));
    }

    #[test]
    fn cidr_address_may_carry_a_zone_id() {
        assert_eq!(network("fe80::1%eth0/64"), network("fe80::/64"));
    }

    #[test]
    fn error_messages_are_lower_case_quoted_and_unpunctuated() {
        let inputs = [
            "BOGUS",
            "10.0.0.256",
            "X/8",
            "::FFFF:0:0/96",
            "1.2.3.4/33",
            "1.2.3.4/X",
            "1.2.3.4/8/9",
        ];
        for input in inputs {
            let message = query_error(input);
            assert!(message.contains(&format!("`{input}`")), "{message}");
            let outside_quotes: String = message.split('`').step_by(2).collect();
            assert_eq!(outside_quotes, outside_quotes.to_lowercase(), "{message}");
            assert!(!message.ends_with('.'), "{message}");
        }
    }

    // --- Ordering and ranges ----------------------------------------------

    #[test]
    fn ipv4_orders_numerically_not_textually() {
        assert!(ip("1.2.3.4") < ip("1.2.3.10"));
        assert!(ip("9.255.255.255") < ip("10.0.0.0"));
        assert!(ip("10.0.0.0") < ip("10.0.0.1"));
    }

    #[test]
    fn ipv6_below_the_mapped_block_sorts_before_all_ipv4() {
        assert!(ip("::1") < ip("0.0.0.0"));
        assert!(ip("::fffe:ffff:ffff") < ip("0.0.0.0"));
        assert!(ip("255.255.255.255") < ip("::1:0:0:0"));
        assert!(ip("255.255.255.255") < ip("2001:db8::"));
        assert!(
            IpAddress::MIN <= ip("::")
                && ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == IpAddress::MAX
        );
    }

    #[test]
    fn range_bounds_are_inclusive_or_exclusive() {
        let (low, high) = (ip("10.0.0.0"), ip("10.0.0.255"));
        let inclusive = |address| in_range(address, Bound::Included(low), Bound::Included(high));
        let exclusive = |address| in_range(address, Bound::Excluded(low), Bound::Excluded(high));
        assert!(inclusive(low) && inclusive(high) && inclusive(ip("10.0.0.7")));
        assert!(!exclusive(low) && !exclusive(high) && exclusive(ip("10.0.0.7")));
        assert!(!inclusive(ip("10.0.1.0")));
    }

    #[test]
    fn range_open_ends_reach_the_address_space_limits() {
        assert!(in_range(
            IpAddress::MIN,
            Bound::Unbounded,
            Bound::Included(ip("::1"))
        ));
        assert!(in_range(
            IpAddress::MAX,
            Bound::Included(ip("::1")),
            Bound::Unbounded
        ));
        // `ip < 10.0.0.0` takes in IPv6 addresses below the mapped block.
        assert!(in_range(
            ip("::1"),
            Bound::Unbounded,
            Bound::Excluded(ip("10.0.0.0"))
        ));
    }

    #[test]
    fn range_beyond_the_limits_matches_nothing() {
        // (IpFieldMapper `rangeQuery`): `gt` the maximum or `lt` the minimum is MatchNoDocs.
        assert!(!in_range(
            IpAddress::MAX,
            Bound::Excluded(IpAddress::MAX),
            Bound::Unbounded
        ));
        assert!(!in_range(
            IpAddress::MIN,
            Bound::Unbounded,
            Bound::Excluded(IpAddress::MIN)
        ));
    }

    #[test]
    fn range_bound_must_be_a_single_address() {
        assert_eq!(parse_range_bound("::ffff:10.0.0.1"), Ok(v4(10, 0, 0, 1)));
        assert_eq!(
            parse_range_bound("10.0.0.0/8"),
            Err("`10.0.0.0/8` is not an ip string literal".to_string())
        );
        assert!(parse_range_bound("").is_err());
    }
}
