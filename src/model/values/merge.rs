//! Helm's coalescing of values over chart defaults, the one merge both the values check (what
//! the schema validates) and the pages (the components a preset deploys) use.
//!
//! Decisions: maps merge key by key, keys matched as Helm sees them (`1:` and `"1":` are one
//! key); anything else (scalars, lists) replaces the default wholesale; a `null` in the
//! overriding values deletes the key (Helm's way to drop a default), also when the defaults do
//! not have it. A map only the overriding values have is taken as it is. Tags on maps are
//! ignored, like go-yaml does; a tagged scalar is a string to Helm, so a tagged null deletes
//! nothing.

use crate::util::yaml::{key_str, untag};
use serde_yaml_ng::Value as Y;

/// `user` merged over `defaults` (see the module notes).
pub fn merge(defaults: &Y, user: &Y) -> Y {
    let mut out = defaults.clone();
    coalesce(&mut out, user);
    out
}

/// Merges `user` into `defaults` in place (see the module notes).
pub fn coalesce(defaults: &mut Y, user: &Y) {
    let (Y::Mapping(u), true) = (untag(user), untag(defaults).is_mapping()) else {
        *defaults = user.clone();
        return;
    };
    while let Y::Tagged(t) = defaults {
        *defaults = std::mem::take(&mut t.value);
    }
    let Y::Mapping(d) = defaults else {
        return;
    };
    for (k, v) in u {
        let key = key_str(k);
        let existing = d.keys().find(|dk| key_str(dk) == key).cloned();
        if matches!(v, Y::Null) {
            if let Some(ek) = existing {
                d.shift_remove(&ek);
            }
            continue;
        }
        match existing {
            Some(ek) => {
                if let Some(slot) = d.get_mut(&ek) {
                    coalesce(slot, v);
                }
            }
            None => {
                d.insert(k.clone(), v.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(text: &str) -> Y {
        serde_yaml_ng::from_str(text).unwrap()
    }

    #[test]
    fn merges_like_helm() {
        let d = y("a: {b: 1, c: 2}\nl: [1, 2]\nx: 1\nz: 0\n");
        let merged = merge(
            &d,
            &y("a: {b: 3, c: null}\nl: [3]\ny: {}\nz: null\nnew: null\n"),
        );
        assert_eq!(merged, y("a: {b: 3}\nl: [3]\nx: 1\ny: {}\n"));
    }

    #[test]
    fn null_deletes_in_json_too() {
        // The values check validates the JSON of the merge: the deleted key is gone there too.
        let d = y("a: {b: 1, c: 2}\nl: [1, 2]\nx: 1\n");
        let merged = merge(&d, &y("a: {b: 3, c: null}\nl: [3]\ny: {}\n"));
        assert_eq!(
            crate::util::yaml::to_json(&merged),
            serde_json::json!({"a": {"b": 3}, "l": [3], "x": 1, "y": {}})
        );
    }

    #[test]
    fn keys_and_tags_as_helm_sees_them() {
        let d = y("1: one\nm: !t {a: 1}\n");
        let merged = merge(&d, &y("'1': uno\nm: {b: 2}\nt: !t ~\n"));
        assert_eq!(merged, y("1: uno\nm: {a: 1, b: 2}\nt: !t ~\n"));
        // A map over a scalar (or the reverse) replaces it.
        assert_eq!(merge(&y("a: 1\n"), &y("a: {b: 2}\n")), y("a: {b: 2}\n"));
        assert_eq!(merge(&y("a: {b: 2}\n"), &y("a: 1\n")), y("a: 1\n"));
    }
}
