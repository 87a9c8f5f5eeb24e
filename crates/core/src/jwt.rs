//! Reading the claims of a JSON Web Token (RFC 7519) for display and for
//! expiry. The signature is not checked: Tessera holds the token on the
//! user's behalf, it does not rely on it, and the issuer's key is not known.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The registered claims a person wants to see; times in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct JwtClaims {
    pub algorithm: Option<String>,
    pub issuer: Option<String>,
    pub subject: Option<String>,
    pub audience: Vec<String>,
    pub scopes: Vec<String>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub expires_at: Option<i64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub issued_at: Option<i64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub not_before: Option<i64>,
}

#[derive(Deserialize)]
struct Header {
    alg: Option<String>,
}

/// The claims of `token` if it is a compact JWS (three base64url parts whose
/// first two are JSON objects); `None` for anything else, such as an opaque
/// API key. Bearer prefixes and surrounding spaces are ignored.
pub fn decode(token: &str) -> Option<JwtClaims> {
    let token = token.trim();
    let token = token
        .strip_prefix("Bearer ")
        .or_else(|| token.strip_prefix("bearer "))
        .unwrap_or(token);
    let mut parts = token.split('.');
    let (header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || header.is_empty() || payload.is_empty() {
        return None;
    }
    let header: Header = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
    let claims: serde_json::Map<String, Value> =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    let text = |k: &str| claims.get(k).and_then(Value::as_str).map(str::to_owned);
    let time = |k: &str| {
        claims
            .get(k)
            .and_then(Value::as_f64)
            .filter(|s| s.is_finite() && *s >= 0.0 && *s < 1e11)
            .map(|s| (s * 1000.0) as i64)
    };
    let strings = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            _ => vec![],
        }
    };
    // OAuth puts scopes in a space-separated `scope` (RFC 8693 §4.2);
    // Microsoft and others use a `scp` array.
    let mut scopes: Vec<String> = match claims.get("scope") {
        Some(Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
        other => strings(other),
    };
    if scopes.is_empty() {
        scopes = match claims.get("scp") {
            Some(Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
            other => strings(other),
        };
    }
    Some(JwtClaims {
        algorithm: header.alg,
        issuer: text("iss"),
        subject: text("sub"),
        audience: strings(claims.get("aud")),
        scopes,
        expires_at: time("exp"),
        issued_at: time("iat"),
        not_before: time("nbf"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    #[test]
    fn decodes_the_example_of_rfc_7519() {
        // RFC 7519 §3.1, verbatim (the payload has CR LF line breaks).
        let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.\
                     eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.\
                     dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let c = decode(token).unwrap();
        assert_eq!(c.algorithm.as_deref(), Some("HS256"));
        assert_eq!(c.issuer.as_deref(), Some("joe"));
        assert_eq!(c.expires_at, Some(1_300_819_380_000));
        assert!(c.audience.is_empty());
    }

    #[test]
    fn audience_and_scopes_in_either_shape() {
        let header = b64(r#"{"alg":"RS256","typ":"JWT"}"#);
        let one = format!(
            "{header}.{}.sig",
            b64(r#"{"aud":"api://x","scope":"read write","iat":1700000000,"nbf":1700000000.5}"#)
        );
        let c = decode(&format!("Bearer {one}")).unwrap();
        assert_eq!(c.audience, vec!["api://x"]);
        assert_eq!(c.scopes, vec!["read", "write"]);
        assert_eq!(c.issued_at, Some(1_700_000_000_000));
        assert_eq!(c.not_before, Some(1_700_000_000_500));
        let many = format!("{header}.{}.", b64(r#"{"aud":["a","b"],"scp":["User.Read"]}"#));
        let c = decode(&many).unwrap();
        assert_eq!(c.audience, vec!["a", "b"]);
        assert_eq!(c.scopes, vec!["User.Read"]);
    }

    #[test]
    fn anything_else_is_not_a_jwt() {
        let header = b64(r#"{"alg":"none"}"#);
        for v in [
            "sk_live_abcdef0123456789",
            "a.b.c",
            "ghp_x.y",
            &format!("{header}.{}", b64("{}")),
            &format!("{header}.{}.s.extra", b64("{}")),
            &format!("{header}.{}.s", b64("[1,2]")),
            &format!("{header}.{}.s", b64(r#"{"exp":"soon"}"#)),
        ] {
            let c = decode(v);
            // A string `exp` is simply not a time; the rest are not JWTs.
            assert!(c.is_none() || c.unwrap().expires_at.is_none(), "{v}");
        }
        assert!(decode("a.b.c").is_none());
        assert!(decode(&format!("{header}.{}.s", b64("[1,2]"))).is_none());
    }
}
