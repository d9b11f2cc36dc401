//! Whether a Spark property value parses as the property's type, the way Spark's own converters
//! parse it (`ConfigHelpers`, `JavaUtils.byteStringAs`/`timeStringAs`), and whether a value is a
//! documentation placeholder that must not be judged.
//!
//! Decisions: the rules are Spark's, not friendlier ones — `1.5g` is rejected ("Fractional values
//! are not supported"), `4G` and ` 4g ` are accepted (lower-cased and trimmed), a size or
//! duration without a suffix is a number in the entry's default unit, booleans are `true`/`false`
//! in any case. `list` and `string`/`regex` values are not judged (a list's elements only when the
//! catalog knows the allowed values).

use super::spark_catalog::{Property, ValueType};

/// Why `value` does not parse as `property`'s type (in the property's version line), or `None`
/// when it does, when the type is unknown or free-form, or when the value is a placeholder.
pub fn value_error(property: &Property, value: &str) -> Option<String> {
    let ty = property.value_type?;
    if is_placeholder(value) {
        return None;
    }
    parse_as(
        ty,
        &property.values,
        property.values_case_insensitive,
        value,
    )
    .err()
}

/// Parses `value` as `ty`; `values` are an enum's (or a list's elements') allowed values.
pub fn parse_as(
    ty: ValueType,
    values: &[&str],
    case_insensitive: bool,
    value: &str,
) -> Result<(), String> {
    let v = value.trim();
    match ty {
        ValueType::Boolean => {
            if v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false") {
                Ok(())
            } else {
                Err(format!("`{value}` is not a boolean (true or false)"))
            }
        }
        ValueType::Int => java_integer(v)
            .filter(|n| i32::try_from(*n).is_ok())
            .map(drop)
            .ok_or_else(|| format!("`{value}` is not an integer (32-bit)")),
        ValueType::Long => java_integer(v)
            .map(drop)
            .ok_or_else(|| format!("`{value}` is not an integer")),
        ValueType::Double | ValueType::Decimal => {
            if java_double(v) {
                Ok(())
            } else {
                Err(format!("`{value}` is not a number"))
            }
        }
        ValueType::Size => size(v).map_err(|e| format!("`{value}` is not a size: {e}")),
        ValueType::Duration => duration(v).map_err(|e| format!("`{value}` is not a duration: {e}")),
        ValueType::Enum => {
            if values.is_empty() || in_values(values, case_insensitive, v) {
                Ok(())
            } else {
                Err(format!(
                    "`{value}` is not one of {}",
                    values
                        .iter()
                        .map(|x| format!("`{x}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
        }
        ValueType::List => {
            if values.is_empty() {
                return Ok(());
            }
            for item in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                if !in_values(values, case_insensitive, item) {
                    return Err(format!(
                        "`{item}` is not one of {}",
                        values
                            .iter()
                            .map(|x| format!("`{x}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
            Ok(())
        }
        ValueType::String | ValueType::Regex => Ok(()),
    }
}

fn in_values(values: &[&str], case_insensitive: bool, v: &str) -> bool {
    values.iter().any(|x| {
        if case_insensitive {
            x.eq_ignore_ascii_case(v)
        } else {
            *x == v
        }
    })
}

/// Java's `Integer.parseInt`/`Long.parseLong`: optional sign, decimal digits.
fn java_integer(v: &str) -> Option<i64> {
    let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.strip_prefix('+').unwrap_or(v).parse().ok()
}

/// Java's `Double.parseDouble` (decimal forms; `NaN`, `Infinity`, a `d`/`f` suffix).
fn java_double(v: &str) -> bool {
    let body = v.strip_prefix(['+', '-']).unwrap_or(v);
    if matches!(body, "NaN" | "Infinity") {
        return true;
    }
    let body = body.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(body);
    !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && body.parse::<f64>().is_ok()
}

const BYTE_SUFFIXES: &[&str] = &["b", "k", "kb", "m", "mb", "g", "gb", "t", "tb", "p", "pb"];
const TIME_SUFFIXES: &[&str] = &["us", "ms", "s", "m", "min", "h", "d"];

/// `JavaUtils.byteStringAs` behind `Utils.byteFromString`: optional `-`, digits, optional suffix
/// (`b`, `k`/`kb`, `m`/`mb`, `g`/`gb`, `t`/`tb`, `p`/`pb`), case-insensitive; no fractions.
pub fn size(v: &str) -> Result<(), String> {
    let s = v.trim().to_ascii_lowercase();
    let s = s.strip_prefix('-').unwrap_or(&s);
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &s[digits..];
    if digits > 0 && rest.starts_with('.') {
        return Err("fractional values are not supported (write `1536m`, not `1.5g`)".into());
    }
    if digits == 0 {
        return Err("expected a number with an optional unit such as `512m` or `4g`".into());
    }
    if rest.is_empty() || BYTE_SUFFIXES.contains(&rest) {
        Ok(())
    } else {
        Err(format!(
            "unknown unit `{}` (use b, k, m, g, t or p, optionally followed by b)",
            rest.trim_start()
        ))
    }
}

/// `JavaUtils.timeStringAs` behind `Utils.timeStringAs`: optional `-`, digits, optional suffix
/// (`us`, `ms`, `s`, `m`/`min`, `h`, `d`), case-insensitive; no fractions.
pub fn duration(v: &str) -> Result<(), String> {
    let s = v.trim().to_ascii_lowercase();
    let s = s.strip_prefix('-').unwrap_or(&s);
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &s[digits..];
    if digits > 0 && rest.starts_with('.') {
        return Err("fractional values are not supported (write `1500ms`, not `1.5s`)".into());
    }
    if digits == 0 {
        return Err("expected a number with an optional unit such as `120s` or `5min`".into());
    }
    if rest.is_empty() || TIME_SUFFIXES.contains(&rest) {
        Ok(())
    } else {
        Err(format!(
            "unknown unit `{}` (use us, ms, s, m or min, h, d)",
            rest.trim_start()
        ))
    }
}

/// A value the docs leave for the reader or a template to fill in: `<...>`, `${...}`, `{{ ... }}`,
/// `$VAR`, `%(name)s`.
pub fn is_placeholder(v: &str) -> bool {
    if v.contains("${") || v.contains("{{") || v.contains("%(") {
        return true;
    }
    if let Some(open) = v.find('<') {
        if v[open..].contains('>') {
            return true;
        }
    }
    let b = v.as_bytes();
    b.windows(2)
        .any(|w| w[0] == b'$' && (w[1].is_ascii_alphabetic() || w[1] == b'_' || w[1] == b'('))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ValueType::*;

    fn ok(ty: ValueType, v: &str) -> bool {
        parse_as(ty, &[], false, v).is_ok()
    }

    #[test]
    fn booleans_any_case() {
        for v in ["true", "false", "TRUE", "False", " true "] {
            assert!(ok(Boolean, v), "{v}");
        }
        for v in ["yes", "1", "on", "", "tru"] {
            assert!(!ok(Boolean, v), "{v}");
        }
    }

    #[test]
    fn integers_and_numbers() {
        assert!(ok(Int, "200"));
        assert!(ok(Int, "-1"));
        assert!(ok(Int, "+5"));
        assert!(!ok(Int, "2147483648"));
        assert!(ok(Long, "2147483648"));
        assert!(!ok(Int, "4g"));
        assert!(!ok(Int, "1.0"));
        assert!(!ok(Long, ""));
        assert!(ok(Double, "0.5"));
        assert!(ok(Double, "1e3"));
        assert!(ok(Double, "2"));
        assert!(ok(Double, "1.5d"));
        assert!(!ok(Double, "half"));
        assert!(ok(Decimal, "0.25"));
    }

    #[test]
    fn sizes_like_byte_string_as() {
        for v in [
            "4g", "512m", "1024", "4G", "64mb", "100k", "1b", "2tb", " 8g ", "-1",
        ] {
            assert!(size(v).is_ok(), "{v}");
        }
        assert!(size("1.5g").unwrap_err().contains("fractional"));
        for v in ["4 gb", "4gib", "g", "", "four"] {
            assert!(size(v).is_err(), "{v}");
        }
    }

    #[test]
    fn durations_like_time_string_as() {
        for v in [
            "120s", "5min", "100ms", "60", "1h", "7d", "10us", "2m", "-1", "30S",
        ] {
            assert!(duration(v).is_ok(), "{v}");
        }
        assert!(duration("1.5s").unwrap_err().contains("fractional"));
        for v in ["5 minutes", "10sec", "", "s", "2w"] {
            assert!(duration(v).is_err(), "{v}");
        }
    }

    #[test]
    fn enums_and_lists() {
        let pull = ["Always", "Never", "IfNotPresent"];
        assert!(parse_as(Enum, &pull, false, "IfNotPresent").is_ok());
        assert!(parse_as(Enum, &pull, false, "ifnotpresent").is_err());
        assert!(parse_as(Enum, &["connect", "classic"], true, "CONNECT").is_ok());
        assert!(parse_as(List, &["a", "b"], false, "a, b").is_ok());
        assert!(parse_as(List, &["a", "b"], false, "a,c").is_err());
        assert!(parse_as(List, &[], false, "anything,goes").is_ok());
        assert!(parse_as(String, &[], false, "x").is_ok());
    }

    #[test]
    fn placeholders_are_not_judged() {
        for v in [
            "<memory>",
            "${EXECUTOR_MEMORY}",
            "{{ .Values.memory }}",
            "$MEM",
            "%(mem)s",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
        for v in ["4g", "a<b", "$", "100$"] {
            assert!(!is_placeholder(v), "{v}");
        }
    }
}
