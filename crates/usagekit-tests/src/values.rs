//! Random values a schema allows, written as JSON text, for property tests of the
//! generated types: numbers as digits (decimals up to 19 of them, more than an
//! `f64` holds), optional properties present or absent, nullable ones `null`
//! sometimes, and enum values and union kinds the spec does not list yet.

use serde_json::Value;

/// What a provider may send that its spec does not list yet.
pub const UNLISTED: &str = "not_listed_yet";

/// Values of the schemas of one normalised document (`$ref`s resolve in it).
pub struct Values<'d> {
    document: &'d Value,
    rng: fastrand::Rng,
}

impl<'d> Values<'d> {
    pub fn new(document: &'d Value, seed: u64) -> Self {
        Self {
            document,
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    /// A random value `schema` allows, as JSON text.
    pub fn value(&mut self, schema: &'d Value) -> String {
        let mut out = String::new();
        self.write(schema, 0, &mut out);
        out
    }

    fn resolve(&self, mut schema: &'d Value) -> &'d Value {
        for _ in 0..32 {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let pointer = reference.trim_start_matches('#');
            match self.document.pointer(pointer) {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }

    /// `allOf` parts' properties and required names, merged.
    fn merged(
        &self,
        schema: &'d Value,
        properties: &mut Vec<(&'d str, &'d Value)>,
        required: &mut Vec<&'d str>,
    ) {
        let schema = self.resolve(schema);
        if let Some(own) = schema.get("properties").and_then(Value::as_object) {
            for (key, value) in own {
                if !properties.iter().any(|(k, _)| k == key) {
                    properties.push((key, value));
                }
            }
        }
        required.extend(
            schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str),
        );
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.merged(part, properties, required);
        }
    }

    fn write(&mut self, schema: &'d Value, depth: usize, out: &mut String) {
        let schema = self.resolve(schema);
        let get = |key: &str| schema.get(key);
        if get("nullable") == Some(&Value::Bool(true)) && self.rng.u8(0..4) == 0 {
            out.push_str("null");
            return;
        }
        if let Some(values) = get("enum")
            .and_then(Value::as_array)
            .filter(|v| !v.is_empty())
        {
            let strings = values.iter().all(Value::is_string);
            if strings && self.rng.u8(0..8) == 0 {
                out.push_str(&Value::from(UNLISTED).to_string());
            } else {
                out.push_str(&values[self.rng.usize(0..values.len())].to_string());
            }
            return;
        }
        let branches = get("oneOf")
            .or_else(|| get("anyOf"))
            .and_then(Value::as_array);
        if let Some(branches) = branches.filter(|b| !b.is_empty()) {
            let tag = get("discriminator")
                .and_then(|d| d.get("propertyName"))
                .and_then(Value::as_str);
            if let Some(tag) = tag
                && self.rng.u8(0..10) == 0
            {
                out.push_str(&serde_json::json!({tag: UNLISTED, "n": 1}).to_string());
                return;
            }
            let branch = &branches[self.rng.usize(0..branches.len())];
            self.write(branch, depth + 1, out);
            return;
        }
        let kind = get("type").and_then(Value::as_str);
        let object =
            kind == Some("object") || get("properties").is_some() || get("allOf").is_some();
        if object {
            self.object(schema, depth, out);
            return;
        }
        let format = get("format").and_then(Value::as_str).unwrap_or_default();
        let bound = |key: &str| get(key).and_then(Value::as_i64);
        match kind {
            Some("array") => {
                let min = get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
                let count = if depth > 5 {
                    min
                } else {
                    min + self.rng.usize(0..3)
                };
                out.push('[');
                for i in 0..count {
                    if i > 0 {
                        out.push(',');
                    }
                    match get("items") {
                        Some(items) => self.write(items, depth + 1, out),
                        None => out.push('1'),
                    }
                }
                out.push(']');
            }
            Some("string") => {
                let text = match format {
                    "date-time" => format!(
                        "2026-{:02}-{:02}T{:02}:{:02}:00Z",
                        self.rng.u8(1..13),
                        self.rng.u8(1..29),
                        self.rng.u8(0..24),
                        self.rng.u8(0..60)
                    ),
                    "date" => format!("2026-{:02}-{:02}", self.rng.u8(1..13), self.rng.u8(1..29)),
                    "uuid" => {
                        let hex = |rng: &mut fastrand::Rng, n: usize| -> String {
                            (0..n).map(|_| rng.digit(16)).collect()
                        };
                        format!(
                            "{}-{}-4{}-8{}-{}",
                            hex(&mut self.rng, 8),
                            hex(&mut self.rng, 4),
                            hex(&mut self.rng, 3),
                            hex(&mut self.rng, 3),
                            hex(&mut self.rng, 12)
                        )
                    }
                    "decimal" => self.decimal(),
                    _ => {
                        let min = get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
                        let max = get("maxLength")
                            .and_then(Value::as_u64)
                            .map_or(min + 8, |m| m as usize);
                        let len = self.rng.usize(min..=max.max(min));
                        (0..len).map(|_| self.rng.alphanumeric()).collect()
                    }
                };
                out.push_str(&Value::from(text).to_string());
            }
            Some("integer") => {
                let (low, high) = if format == "int32" {
                    (i64::from(i32::MIN), i64::from(i32::MAX))
                } else {
                    (i64::MIN, i64::MAX)
                };
                let low = bound("minimum").unwrap_or(low).max(low);
                let high = bound("maximum").unwrap_or(high).min(high);
                // Mostly small counts, sometimes the extremes.
                let value = match self.rng.u8(0..8) {
                    0 => low,
                    1 => high,
                    _ => self
                        .rng
                        .i64(low.max(-1_000_000)..=high.min(1_000_000_000).max(low)),
                };
                out.push_str(&value.to_string());
            }
            Some("number") if format == "decimal" => out.push_str(&self.decimal()),
            Some("number") => {
                let low = get("minimum").and_then(Value::as_f64).unwrap_or(-1e6);
                let value = low.max(0.0) + self.rng.f64() * 1e6;
                // serde_json writes the shortest text that reads back the same.
                out.push_str(&Value::from(value).to_string());
            }
            Some("boolean") => out.push_str(if self.rng.bool() { "true" } else { "false" }),
            _ => {
                let any = ["null", "1", "\"x\"", "[1,\"y\"]", "{\"a\":true}"];
                out.push_str(any[self.rng.usize(0..any.len())]);
            }
        }
    }

    fn object(&mut self, schema: &'d Value, depth: usize, out: &mut String) {
        let (mut properties, mut required) = (Vec::new(), Vec::new());
        self.merged(schema, &mut properties, &mut required);
        out.push('{');
        let mut first = true;
        let mut member = |out: &mut String, key: &str| {
            if !std::mem::take(&mut first) {
                out.push(',');
            }
            out.push_str(&Value::from(key).to_string());
            out.push(':');
        };
        if properties.is_empty() {
            // A map: a few entries of its values' schema.
            if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
                for i in 0..self.rng.usize(0..3) {
                    member(out, &format!("k{i}"));
                    self.write(values, depth + 1, out);
                }
            }
        }
        for (key, property) in properties {
            if required.contains(&key) || (depth < 6 && self.rng.bool()) {
                member(out, key);
                self.write(property, depth + 1, out);
            }
        }
        out.push('}');
    }

    /// Up to 19 significant digits, as many as `1234.567890123456789`.
    fn decimal(&mut self) -> String {
        let whole = self.rng.u32(0..10_000);
        let places = self.rng.usize(0..16);
        let fraction: String = (0..places).map(|_| self.rng.digit(10)).collect();
        let sign = if self.rng.u8(0..10) == 0 { "-" } else { "" };
        if fraction.is_empty() {
            format!("{sign}{whole}")
        } else {
            format!("{sign}{whole}.{fraction}")
        }
    }
}
