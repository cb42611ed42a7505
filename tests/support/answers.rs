//! Whether a typed output kept everything an answer said: the answer's JSON beside the output
//! serialized back, compared as the wire means them.

use serde_json::Value;

/// `Ok` when `decoded` (a typed output serialized back to JSON) says what `sent` (the JSON
/// answer) said: an absent field and `null` are the same (an `Option` that was not sent
/// serializes as `null`), numbers are compared by value (`5` decoded as an `f64` comes back
/// as `5.0`). Otherwise the path of the first difference and both values there.
pub fn lossless(sent: &Value, decoded: &Value) -> Result<(), String> {
    compare(sent, decoded, &mut String::from("$"))
}

fn compare(sent: &Value, decoded: &Value, path: &mut String) -> Result<(), String> {
    let same = match (sent, decoded) {
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
                let (x, y) = (
                    a.get(key).unwrap_or(&Value::Null),
                    b.get(key).unwrap_or(&Value::Null),
                );
                let len = path.len();
                path.push('.');
                path.push_str(key);
                compare(x, y, path)?;
                path.truncate(len);
            }
            true
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                compare(x, y, path)?;
                path.truncate(len);
            }
            true
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (a, b) => a == b,
    };
    if same {
        Ok(())
    } else {
        Err(format!(
            "at {path} the answer says {sent} but the typed output holds {decoded}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nulls_and_number_forms_are_the_same_but_lost_or_changed_values_are_not() {
        assert!(lossless(
            &json!({"a": 1, "b": {"c": [5]}}),
            &json!({"a": 1.0, "b": {"c": [5.0]}, "d": null})
        )
        .is_ok());
        let e = lossless(
            &json!({"a": {"b": [1, {"wireName": "x"}]}}),
            &json!({"a": {"b": [1, {"wire_name": "x", "wireName": null}]}}),
        )
        .unwrap_err();
        assert_eq!(
            e,
            "at $.a.b[1].wireName the answer says \"x\" but the typed output holds null"
        );
        assert!(lossless(&json!([1, 2]), &json!([1])).is_err());
        assert!(lossless(&json!("A"), &json!("B")).is_err());
    }
}
