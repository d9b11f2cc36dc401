//! The snippet injected before `</body>` of every served page: the page's state (server
//! instance, site generation, the current build error) as JSON, and the live-reload client.

use super::http::{Current, CLIENT_PATH, EVENTS_PATH};

/// The live-reload client, served at [`CLIENT_PATH`].
pub const CLIENT_JS: &str = include_str!("client.js");

/// `<script type="application/json">` state (data, which a Content-Security-Policy does not
/// block) + `<script src>` of the client. The JSON has every `<` escaped, so no finding text can
/// close the script element.
pub fn snippet(instance: &str, current: &Current) -> String {
    let state = format!(
        "{{\"instance\":{},\"generation\":{},\"events\":{},\"error\":{}}}",
        serde_json::Value::from(instance),
        current.generation,
        serde_json::Value::from(EVENTS_PATH),
        current.error.as_deref().unwrap_or("null")
    )
    .replace('<', "\\u003c");
    format!(
        "<script type=\"application/json\" id=\"__spark-docs-state\">{state}</script>\n<script src=\"{CLIENT_PATH}\"></script>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn state_cannot_close_the_script_element() {
        let current = Current {
            files: Arc::default(),
            base_path: "/".into(),
            generation: 3,
            error: Some(
                r#"{"problems":[{"message":"</script><script>alert(1)</script>"}]}"#.into(),
            ),
        };
        let s = snippet("abc", &current);
        let state = s.split("</script>").next().unwrap();
        assert!(!state.contains("<script>alert"), "{s}");
        let json = state.split_once('>').unwrap().1;
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(v["generation"], 3);
        assert_eq!(
            v["error"]["problems"][0]["message"],
            "</script><script>alert(1)</script>"
        );
    }
}
