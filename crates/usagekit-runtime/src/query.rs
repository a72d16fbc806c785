use serde::Serialize;

/// A request's query string, encoded in one pass.
///
/// Generated operations push every query parameter here instead of calling
/// `RequestBuilder::query` once per parameter, which rewrites the URL each time
/// (most parameters are usually unset). Encoding is the same
/// `application/x-www-form-urlencoded` that reqwest uses.
pub struct QueryString {
    encoded: form_urlencoded::Serializer<'static, String>,
    error: Option<String>,
}

impl Default for QueryString {
    fn default() -> Self {
        Self {
            encoded: form_urlencoded::Serializer::new(String::new()),
            error: None,
        }
    }
}

impl QueryString {
    /// Appends the pairs `param` serializes to (none for an unset optional parameter).
    pub fn push<T: Serialize + ?Sized>(mut self, param: &T) -> Self {
        if self.error.is_none()
            && let Err(error) =
                param.serialize(serde_urlencoded::Serializer::new(&mut self.encoded))
        {
            self.error = Some(format!("cannot encode a query parameter: {error}"));
        }
        self
    }

    /// Appends the encoded pairs to `url`'s query, keeping any query it already has.
    pub fn apply(mut self, url: &mut reqwest::Url) -> Result<(), String> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let encoded = self.encoded.finish();
        if encoded.is_empty() {
            return Ok(());
        }
        match url.query().filter(|existing| !existing.is_empty()) {
            Some(existing) => {
                let joined = format!("{existing}&{encoded}");
                url.set_query(Some(&joined));
            }
            None => url.set_query(Some(&encoded)),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use progenitor_client::QueryParam;

    fn encoded(base: &str, build: impl FnOnce(QueryString) -> QueryString) -> String {
        let mut url = reqwest::Url::parse(base).unwrap();
        build(QueryString::default()).apply(&mut url).unwrap();
        url.to_string()
    }

    #[test]
    fn matches_what_reqwest_builds_one_parameter_at_a_time() {
        let start = Some(1_730_419_200_i64);
        let unset: Option<String> = None;
        let ids = Some(vec!["proj a".to_owned(), "proj&b".to_owned()]);
        let ours = encoded("http://127.0.0.1/x", |q| {
            q.push(&QueryParam::new("start_time", &start))
                .push(&QueryParam::new("page", &unset))
                .push(&QueryParam::new("project_ids", &ids))
        });
        let theirs = reqwest::Client::new()
            .get("http://127.0.0.1/x")
            .query(&QueryParam::new("start_time", &start))
            .query(&QueryParam::new("page", &unset))
            .query(&QueryParam::new("project_ids", &ids))
            .build()
            .unwrap()
            .url()
            .to_string();
        assert_eq!(ours, theirs);
        assert_eq!(
            ours,
            "http://127.0.0.1/x?start_time=1730419200&project_ids=proj+a&project_ids=proj%26b"
        );
    }

    #[test]
    fn nothing_set_leaves_the_url_alone_and_an_existing_query_is_kept() {
        let none: Option<i64> = None;
        assert_eq!(
            encoded("http://127.0.0.1/x", |q| q
                .push(&QueryParam::new("a", &none))),
            "http://127.0.0.1/x"
        );
        assert_eq!(
            encoded("http://127.0.0.1/x?v=1", |q| q
                .push(&QueryParam::new("a", &2))),
            "http://127.0.0.1/x?v=1&a=2"
        );
    }

    #[test]
    fn a_value_that_cannot_be_a_query_is_an_error() {
        let mut url = reqwest::Url::parse("http://127.0.0.1/x").unwrap();
        let nested = vec![vec![1]];
        let error = QueryString::default()
            .push(&QueryParam::new("a", &nested))
            .apply(&mut url)
            .unwrap_err();
        assert!(
            error.starts_with("cannot encode a query parameter"),
            "{error}"
        );
        assert_eq!(url.as_str(), "http://127.0.0.1/x");
    }
}
