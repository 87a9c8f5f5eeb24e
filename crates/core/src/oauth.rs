//! OAuth 2.0 refresh-token rotation for token items (RFC 6749 §6, RFC 9700).
//!
//! An OAuth token item is an item of kind `token` whose value history is
//! the access token, and whose sealed details hold the client as custom
//! fields: `oauth.token_endpoint`, `oauth.client_id`, `oauth.client_secret`
//! (hidden, optional), `oauth.refresh_token` (hidden) and `oauth.scope`
//! (optional). A refresh appends the new access token as a new version and,
//! when the server rotates it, replaces the refresh token; `invalid_grant`
//! marks the item `needs_reauth`. Any other failure changes nothing stored.

use crate::audit::{self, AuditAction};
use crate::error::{Error, Result};
use crate::health::ValueFacts;
use crate::items::{
    self, append_value, open_details, parse_id, seal_item, CustomField, ItemDetails, ItemId, ItemKind,
    ItemMeta, ItemSummary, NewItem,
};
use crate::vault::{now_ms, Vault};
use base64::Engine as _;
use serde::Deserialize;
use std::fmt;
use std::time::Duration;
use zeroize::Zeroizing;

pub const FIELD_TOKEN_ENDPOINT: &str = "oauth.token_endpoint";
pub const FIELD_CLIENT_ID: &str = "oauth.client_id";
pub const FIELD_CLIENT_SECRET: &str = "oauth.client_secret";
pub const FIELD_REFRESH_TOKEN: &str = "oauth.refresh_token";
pub const FIELD_SCOPE: &str = "oauth.scope";

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
/// A token response is a few hundred bytes; anything far larger is not one.
const MAX_RESPONSE_LEN: usize = 64 * 1024;
const MAX_TOKEN_LEN: usize = 16 * 1024;
/// Caps `expires_in` so a silly value cannot overflow the expiry time.
const MAX_EXPIRES_IN_SECS: u64 = 10 * 365 * 24 * 3600;

/// How a refresh failed. No variant carries a token, a secret or a piece of
/// the response body that could hold one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    #[error("the token endpoint refused the refresh token (invalid_grant); authorise this item again")]
    InvalidGrant,
    #[error("the token endpoint answered with OAuth error {code:?}")]
    Server { code: String },
    #[error("the token endpoint is unreachable: {0}")]
    Unreachable(String),
    #[error("the token endpoint did not answer in time")]
    Timeout,
    #[error("the token endpoint sent a bad response: {0}")]
    BadResponse(String),
}

/// Transport settings. Production uses the default: the webpki roots only.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// For the whole exchange: connect, TLS, request and response.
    pub timeout: Duration,
    /// Extra trust anchors (DER), so tests can trust a loopback endpoint's
    /// self-signed CA.
    pub extra_root_certs_der: Vec<Vec<u8>>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            extra_root_certs_der: Vec::new(),
        }
    }
}

/// The client side of an OAuth item: where to refresh and as whom.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthConfig {
    /// An `https://` URL.
    pub token_endpoint: String,
    pub client_id: String,
    /// Present for a confidential client (sent with HTTP Basic), absent for
    /// a public one (the client id goes in the body).
    pub client_secret: Option<Zeroizing<String>>,
    /// Sent with every refresh when set (space-separated scopes).
    pub scope: Option<String>,
}

impl fmt::Debug for OAuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthConfig")
            .field("token_endpoint", &self.token_endpoint)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "<hidden>"))
            .field("scope", &self.scope)
            .finish()
    }
}

/// A successful token response (RFC 6749 §5.1).
#[derive(Clone, PartialEq, Eq)]
pub struct TokenResponse {
    pub access_token: Zeroizing<String>,
    pub token_type: Option<String>,
    pub expires_in: Option<u64>,
    /// Present when the server rotates the refresh token (RFC 9700 §4.14.2).
    pub refresh_token: Option<Zeroizing<String>>,
    /// The scope granted, when the server says.
    pub scope: Option<String>,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"<hidden>")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "<hidden>"))
            .field("scope", &self.scope)
            .finish()
    }
}

/// What a successful [`Vault::refresh_oauth`] stored.
#[derive(Debug, Clone)]
pub struct RefreshOutcome {
    pub summary: ItemSummary,
    /// The version number of the new access token in the value history.
    pub version: i64,
    /// True if the server sent a new refresh token and it was stored.
    pub refresh_token_rotated: bool,
    pub token_type: Option<String>,
    /// The scope the server says it granted, if it said.
    pub scope: Option<String>,
}

// ---- configuration ------------------------------------------------------------

fn no_controls(what: &str, s: &str) -> Result<()> {
    if s.trim().is_empty() {
        return Err(Error::invalid(format!("{what} must not be empty")));
    }
    if s.chars().any(char::is_control) {
        return Err(Error::invalid(format!(
            "{what} must not contain control characters"
        )));
    }
    Ok(())
}

/// RFC 6749 Appendix A: tokens are 1*VSCHAR (printable ASCII).
fn is_token_text(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_TOKEN_LEN && s.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

fn check_token(what: &str, s: &str) -> Result<()> {
    if is_token_text(s) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "{what} must be 1 to {MAX_TOKEN_LEN} printable ASCII characters"
        )))
    }
}

fn check_endpoint(endpoint: &str) -> Result<reqwest::Url> {
    let url =
        reqwest::Url::parse(endpoint).map_err(|_| Error::invalid("the token endpoint is not a valid URL"))?;
    if url.scheme() != "https" {
        return Err(Error::invalid(
            "the token endpoint must be an https:// URL: plain http would expose the client secret and tokens",
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::invalid("the token endpoint URL has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid(
            "the token endpoint URL must not carry credentials; set the client id and secret instead",
        ));
    }
    // RFC 6749 §3.2: the endpoint URI must not include a fragment.
    if url.fragment().is_some() {
        return Err(Error::invalid("the token endpoint URL must not have a #fragment"));
    }
    Ok(url)
}

fn find<'a>(details: &'a ItemDetails, name: &str) -> Option<&'a CustomField> {
    details.fields.iter().find(|f| f.name.eq_ignore_ascii_case(name))
}

fn set_field(details: &mut ItemDetails, name: &str, value: &str, hidden: bool) {
    match details
        .fields
        .iter_mut()
        .find(|f| f.name.eq_ignore_ascii_case(name))
    {
        Some(f) => {
            // Assigning drops the old String without wiping it; wipe it first.
            zeroize::Zeroize::zeroize(&mut f.value);
            f.value.push_str(value);
            f.hidden = hidden;
        }
        None => details.fields.push(CustomField {
            name: name.to_owned(),
            value: value.to_owned(),
            hidden,
        }),
    }
}

fn remove_field(details: &mut ItemDetails, name: &str) {
    // Removed fields zeroize on drop.
    details.fields.retain(|f| !f.name.eq_ignore_ascii_case(name));
}

impl OAuthConfig {
    /// A validated configuration without a scope.
    pub fn new(
        token_endpoint: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: Option<Zeroizing<String>>,
    ) -> Result<Self> {
        let cfg = Self {
            token_endpoint: token_endpoint.into(),
            client_id: client_id.into(),
            client_secret,
            scope: None,
        };
        cfg.validate()?;
        Ok(cfg)
    }

    pub fn validate(&self) -> Result<()> {
        check_endpoint(&self.token_endpoint)?;
        no_controls("the client id", &self.client_id)?;
        if let Some(secret) = &self.client_secret {
            no_controls("the client secret", secret)?;
        }
        if let Some(scope) = &self.scope {
            no_controls("the scope", scope)?;
        }
        Ok(())
    }

    /// Reads the configuration from an item's details: `None` if the item
    /// has no OAuth fields at all, `input.invalid` if they are incomplete.
    pub fn from_details(details: &ItemDetails) -> Result<Option<Self>> {
        let get = |name: &str| find(details, name).map(|f| f.value.clone());
        let endpoint = get(FIELD_TOKEN_ENDPOINT);
        let client_id = get(FIELD_CLIENT_ID);
        let (token_endpoint, client_id) = match (endpoint, client_id) {
            (None, None) => return Ok(None),
            (Some(e), Some(c)) => (e, c),
            (None, Some(_)) => {
                return Err(Error::invalid(format!(
                    "the item has no {FIELD_TOKEN_ENDPOINT} field"
                )))
            }
            (Some(_), None) => {
                return Err(Error::invalid(format!("the item has no {FIELD_CLIENT_ID} field")))
            }
        };
        let cfg = Self {
            token_endpoint,
            client_id,
            client_secret: get(FIELD_CLIENT_SECRET).map(Zeroizing::new),
            scope: get(FIELD_SCOPE),
        };
        cfg.validate()?;
        Ok(Some(cfg))
    }

    /// Writes the configuration into `details`, replacing any earlier one.
    /// The refresh token is left as it is.
    pub fn write_to(&self, details: &mut ItemDetails) {
        set_field(details, FIELD_TOKEN_ENDPOINT, &self.token_endpoint, false);
        set_field(details, FIELD_CLIENT_ID, &self.client_id, false);
        match &self.client_secret {
            Some(s) => set_field(details, FIELD_CLIENT_SECRET, s, true),
            None => remove_field(details, FIELD_CLIENT_SECRET),
        }
        match &self.scope {
            Some(s) => set_field(details, FIELD_SCOPE, s, false),
            None => remove_field(details, FIELD_SCOPE),
        }
    }
}

/// The stored refresh token of an OAuth item, if any.
pub fn refresh_token(details: &ItemDetails) -> Option<Zeroizing<String>> {
    find(details, FIELD_REFRESH_TOKEN).map(|f| Zeroizing::new(f.value.clone()))
}

/// Stores `token` as the item's refresh token (a hidden field).
pub fn set_refresh_token(details: &mut ItemDetails, token: &str) {
    set_field(details, FIELD_REFRESH_TOKEN, token, true);
}

impl NewItem {
    /// A `token` item holding an OAuth client and its tokens: the access
    /// token is the first value, the rest goes into the sealed details.
    pub fn oauth(
        meta: ItemMeta,
        cfg: &OAuthConfig,
        access_token: Zeroizing<String>,
        refresh_token: &str,
        expires_at: Option<i64>,
    ) -> Result<NewItem> {
        cfg.validate()?;
        check_token("the access token", &access_token)?;
        check_token("the refresh token", refresh_token)?;
        let mut details = ItemDetails::default();
        cfg.write_to(&mut details);
        set_refresh_token(&mut details, refresh_token);
        Ok(NewItem {
            kind: ItemKind::Token,
            meta,
            details,
            value: access_token,
            expires_at,
        })
    }
}

// ---- the protocol -------------------------------------------------------------

/// The body and client authentication of a refresh request.
pub(crate) struct EncodedRequest {
    /// `Basic …` for a confidential client.
    pub authorization: Option<Zeroizing<String>>,
    pub body: Zeroizing<String>,
}

fn form_encode(s: &str) -> Zeroizing<String> {
    Zeroizing::new(form_urlencoded::byte_serialize(s.as_bytes()).collect())
}

/// client_secret_basic (RFC 6749 §2.3.1): id and secret are each
/// form-urlencoded, joined with `:`, then base64-encoded.
pub(crate) fn basic_auth(client_id: &str, client_secret: &str) -> Zeroizing<String> {
    let mut pair = form_encode(client_id);
    pair.push(':');
    pair.push_str(&form_encode(client_secret));
    let mut out = Zeroizing::new(String::from("Basic "));
    base64::engine::general_purpose::STANDARD.encode_string(pair.as_bytes(), &mut out);
    out
}

/// RFC 6749 §6, with §2.3.1 client authentication, or the client id in the
/// body for a public client (§3.2.1).
pub(crate) fn encode_request(cfg: &OAuthConfig, refresh_token: &str) -> EncodedRequest {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("grant_type", "refresh_token");
    form.append_pair("refresh_token", refresh_token);
    if let Some(scope) = &cfg.scope {
        form.append_pair("scope", scope);
    }
    let authorization = match &cfg.client_secret {
        Some(secret) => Some(basic_auth(&cfg.client_id, secret)),
        None => {
            form.append_pair("client_id", &cfg.client_id);
            None
        }
    };
    EncodedRequest {
        authorization,
        body: Zeroizing::new(form.finish()),
    }
}

/// `expires_in` is a number, but some servers send it as a string.
#[derive(Deserialize)]
#[serde(untagged)]
enum Seconds {
    Number(u64),
    Text(String),
}

#[derive(Deserialize)]
struct RawResponse {
    access_token: Option<Zeroizing<String>>,
    token_type: Option<String>,
    expires_in: Option<Seconds>,
    refresh_token: Option<Zeroizing<String>>,
    scope: Option<String>,
    error: Option<String>,
    // Read so the shape is complete; never shown, since a server may echo
    // anything in it.
    #[allow(dead_code)]
    error_description: Option<String>,
}

/// RFC 6749 §5.2 error codes are `%x20-21 / %x23-5B / %x5D-7E`; named in a
/// message only if it looks like a plain code word, never like a token.
fn safe_error_code(code: &str) -> String {
    let plain = !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-' || b == b'.');
    if plain {
        code.to_owned()
    } else {
        "<unrecognised code>".to_owned()
    }
}

fn bad(msg: impl Into<String>) -> OAuthError {
    OAuthError::BadResponse(msg.into())
}

/// Reads a token endpoint's answer: a §5.1 success or a §5.2 error.
pub(crate) fn parse_response(status: u16, body: &[u8]) -> std::result::Result<TokenResponse, OAuthError> {
    let success = (200..300).contains(&status);
    let raw: RawResponse = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(_) if success => {
            return Err(bad(format!(
                "HTTP {status} but the body is not a JSON token response"
            )))
        }
        Err(_) => return Err(bad(format!("HTTP {status} without an OAuth error response"))),
    };
    // An `error` member wins even on 200: some servers answer errors so.
    if let Some(code) = raw.error.as_deref() {
        return Err(match code {
            "invalid_grant" => OAuthError::InvalidGrant,
            other => OAuthError::Server {
                code: safe_error_code(other),
            },
        });
    }
    if !success {
        return Err(bad(format!("HTTP {status} without an OAuth error code")));
    }
    let access_token = raw
        .access_token
        .ok_or_else(|| bad("the response has no access_token"))?;
    if !is_token_text(&access_token) {
        return Err(bad("the access_token is empty, too long or not printable ASCII"));
    }
    // An empty refresh_token means no rotation, not a token.
    let refresh_token = raw.refresh_token.filter(|t| !t.is_empty());
    if refresh_token.as_deref().is_some_and(|t| !is_token_text(t)) {
        return Err(bad("the refresh_token is too long or not printable ASCII"));
    }
    let expires_in = match raw.expires_in {
        None => None,
        Some(Seconds::Number(n)) => Some(n),
        Some(Seconds::Text(t)) => Some(t.trim().parse().map_err(|_| bad("expires_in is not a number"))?),
    };
    Ok(TokenResponse {
        access_token,
        token_type: raw.token_type,
        expires_in,
        refresh_token,
        scope: raw.scope,
    })
}

/// Names a transport failure without quoting the URL or anything sent.
fn transport_error(e: &reqwest::Error) -> OAuthError {
    if e.is_timeout() {
        return OAuthError::Timeout;
    }
    if let Some(found) = classify(e) {
        return found;
    }
    if e.is_connect() {
        OAuthError::Unreachable("could not connect (DNS, network or TLS)".into())
    } else if e.is_body() || e.is_decode() {
        OAuthError::Unreachable("the connection broke while reading the answer".into())
    } else {
        OAuthError::Unreachable("the request failed".into())
    }
}

/// Looks down the error chain for a TLS or socket error.
fn classify(err: &(dyn std::error::Error + 'static)) -> Option<OAuthError> {
    if let Some(tls) = err.downcast_ref::<rustls::Error>() {
        // rustls names the certificate problem, never any payload.
        return Some(OAuthError::Unreachable(format!("TLS failed: {tls}")));
    }
    if let Some(io) = err.downcast_ref::<std::io::Error>() {
        // io::Error's source() skips the error it wraps (tokio-rustls and
        // hyper nest theirs in it), so look inside first.
        if let Some(found) = io.get_ref().and_then(|inner| classify(inner)) {
            return Some(found);
        }
        match io.kind() {
            std::io::ErrorKind::TimedOut => return Some(OAuthError::Timeout),
            std::io::ErrorKind::ConnectionRefused => {
                return Some(OAuthError::Unreachable("connection refused".into()))
            }
            std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted => {
                return Some(OAuthError::Unreachable("the connection was reset".into()))
            }
            _ => {}
        }
    }
    err.source().and_then(classify)
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn client(url: &reqwest::Url, http: &HttpOptions) -> Result<reqwest::Client> {
    if http.timeout.is_zero() {
        return Err(Error::invalid("the timeout must be more than zero"));
    }
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .https_only(true)
        // A redirect could carry the refresh token somewhere else.
        .redirect(reqwest::redirect::Policy::none())
        .timeout(http.timeout)
        .connect_timeout(http.timeout)
        .user_agent(concat!("tessera/", env!("CARGO_PKG_VERSION")));
    for der in &http.extra_root_certs_der {
        builder = builder.add_root_certificate(
            reqwest::Certificate::from_der(der)
                .map_err(|_| Error::invalid("an extra root certificate is not valid DER"))?,
        );
    }
    if is_loopback(url) {
        // A proxy cannot reach our loopback; a proxy set for the outside
        // world must not swallow it.
        builder = builder.no_proxy();
    }
    builder
        .build()
        .map_err(|_| Error::invalid("the HTTPS client could not be set up (a bad extra root certificate?)"))
}

/// Reads the body up to [`MAX_RESPONSE_LEN`] into wiped memory.
async fn read_body(mut resp: reqwest::Response) -> std::result::Result<Zeroizing<Vec<u8>>, OAuthError> {
    let mut body = Zeroizing::new(Vec::new());
    while let Some(chunk) = resp.chunk().await.map_err(|e| transport_error(&e))? {
        if body.len() + chunk.len() > MAX_RESPONSE_LEN {
            return Err(bad("the answer is larger than 64 KiB"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Performs the refresh-token grant (RFC 6749 §6) against the configured
/// endpoint over HTTPS. Stores nothing.
pub async fn refresh(cfg: &OAuthConfig, refresh_token: &str, http: &HttpOptions) -> Result<TokenResponse> {
    cfg.validate()?;
    check_token("the stored refresh token", refresh_token)?;
    let url = check_endpoint(&cfg.token_endpoint)?;
    let client = client(&url, http)?;
    let mut req = encode_request(cfg, refresh_token);
    // reqwest and hyper keep their own copies of the body and headers, which
    // they do not wipe; ours are wiped.
    let mut builder = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(reqwest::header::ACCEPT, "application/json")
        .body(std::mem::take(&mut *req.body));
    if let Some(auth) = &req.authorization {
        let mut value = reqwest::header::HeaderValue::from_str(auth)
            .map_err(|_| Error::invalid("the client id or secret cannot be sent in a header"))?;
        value.set_sensitive(true);
        builder = builder.header(reqwest::header::AUTHORIZATION, value);
    }
    let resp = builder.send().await.map_err(|e| transport_error(&e))?;
    let status = resp.status().as_u16();
    let body = read_body(resp).await?;
    Ok(parse_response(status, &body)?)
}

// ---- the vault ----------------------------------------------------------------

fn expiry(now: i64, expires_in: Option<u64>) -> Option<i64> {
    let secs = expires_in?.min(MAX_EXPIRES_IN_SECS);
    // Capped above, so this fits comfortably.
    Some(now.saturating_add(i64::try_from(secs).unwrap_or(0).saturating_mul(1000)))
}

impl Vault {
    /// Refreshes an OAuth token item: performs the refresh-token grant and,
    /// in one transaction, appends the new access token to the value
    /// history, stores a rotated refresh token, sets the expiry and clears
    /// `needs_reauth`. On `invalid_grant` the item is marked `needs_reauth`
    /// (tokens untouched) and the error returned; on any other failure
    /// nothing stored changes.
    pub async fn refresh_oauth(&mut self, name_or_id: &str, http: &HttpOptions) -> Result<RefreshOutcome> {
        let view = self.item(name_or_id).await?;
        let name = &view.summary.name;
        if view.summary.kind != ItemKind::Token {
            return Err(Error::invalid(format!(
                "{name:?} is not a token item (its kind is {}); only token items refresh over OAuth",
                view.summary.kind
            )));
        }
        let cfg = OAuthConfig::from_details(&view.details)?.ok_or_else(|| {
            Error::invalid(format!(
                "{name:?} has no OAuth client (no {FIELD_TOKEN_ENDPOINT})"
            ))
        })?;
        let refresh_token = refresh_token(&view.details)
            .ok_or_else(|| Error::invalid(format!("{name:?} has no {FIELD_REFRESH_TOKEN}")))?;
        let id =
            parse_id(&view.summary.id).ok_or_else(|| Error::Corrupt("an item id is malformed".into()))?;
        match refresh(&cfg, &refresh_token, http).await {
            Ok(resp) => self.store_tokens(&id, &resp, AuditAction::TokenRefreshed).await,
            Err(Error::OAuth(OAuthError::InvalidGrant)) => {
                self.mark_needs_reauth(&id).await?;
                Err(OAuthError::InvalidGrant.into())
            }
            Err(e) => Err(e),
        }
    }

    /// Stores tokens from a fresh authorisation (outside Tessera) on an
    /// OAuth token item, and clears `needs_reauth`.
    pub async fn reauthorize_oauth(
        &mut self,
        name_or_id: &str,
        access_token: Zeroizing<String>,
        refresh_token: Zeroizing<String>,
        expires_in: Option<u64>,
    ) -> Result<RefreshOutcome> {
        check_token("the access token", &access_token)?;
        check_token("the refresh token", &refresh_token)?;
        let view = self.item(name_or_id).await?;
        if view.summary.kind != ItemKind::Token || OAuthConfig::from_details(&view.details)?.is_none() {
            return Err(Error::invalid(format!(
                "{:?} is not an OAuth token item",
                view.summary.name
            )));
        }
        let id =
            parse_id(&view.summary.id).ok_or_else(|| Error::Corrupt("an item id is malformed".into()))?;
        let resp = TokenResponse {
            access_token,
            token_type: None,
            expires_in,
            refresh_token: Some(refresh_token),
            scope: None,
        };
        self.store_tokens(&id, &resp, AuditAction::ItemRotated).await
    }

    /// Reads the item afresh inside the write transaction, so a change made
    /// by another process during the network round trip is kept, and a
    /// refresh token the server just issued is never lost.
    async fn store_tokens(
        &mut self,
        id: &ItemId,
        resp: &TokenResponse,
        action: AuditAction,
    ) -> Result<RefreshOutcome> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let items::Located {
            kind,
            created,
            mut meta,
            details_blob,
            ..
        } = items::locate_id(&mut tx, &self.keys, &self.header, id).await?;
        let mut details = open_details(&self.keys, &self.header, id, kind, &meta.name, &details_blob)?;
        meta.needs_reauth = false;
        if let Some(rt) = &resp.refresh_token {
            set_refresh_token(&mut details, rt);
        }
        let expires = expiry(now, resp.expires_in);
        let seq = append_value(
            &mut tx,
            &self.keys,
            &self.header,
            id,
            kind,
            now,
            &resp.access_token,
        )
        .await?;
        meta.current = Some(ValueFacts::of(&self.keys, &resp.access_token, seq, now));
        let sealed = seal_item(&self.keys, &self.header, id, kind, &meta, &details)?;
        sqlx::query("UPDATE items SET meta = ?, details = ?, updated_at = ?, expires_at = ? WHERE id = ?")
            .bind(&sealed.meta)
            .bind(&sealed.details)
            .bind(now)
            .bind(expires)
            .bind(&id[..])
            .execute(&mut *tx)
            .await?;
        let rotated = resp.refresh_token.is_some();
        let detail = format!(
            "{} (version {seq}){}",
            meta.name,
            if rotated { ", new refresh token" } else { "" }
        );
        audit::append(&mut tx, &self.keys, &self.header, action, Some(id), &detail).await?;
        tx.commit().await?;
        let summary = items::summary(id, kind, meta, created, now, expires);
        if let Some(index) = &mut self.index {
            index.upsert(summary.clone());
        }
        Ok(RefreshOutcome {
            summary,
            version: seq,
            refresh_token_rotated: rotated,
            token_type: resp.token_type.clone(),
            scope: resp.scope.clone(),
        })
    }

    /// Sets `needs_reauth`; values and details stay as they are.
    async fn mark_needs_reauth(&mut self, id: &ItemId) -> Result<()> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let items::Located {
            kind,
            created,
            expires,
            mut meta,
            ..
        } = items::locate_id(&mut tx, &self.keys, &self.header, id).await?;
        meta.needs_reauth = true;
        let sealed = crate::items::seal_json(&self.keys, &self.header, id, kind, "meta", &meta)?;
        sqlx::query("UPDATE items SET meta = ?, updated_at = ? WHERE id = ?")
            .bind(&sealed)
            .bind(now)
            .bind(&id[..])
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            &self.keys,
            &self.header,
            AuditAction::ReauthNeeded,
            Some(id),
            &format!("{}: invalid_grant", meta.name),
        )
        .await?;
        tx.commit().await?;
        let summary = items::summary(id, kind, meta, created, now, expires);
        if let Some(index) = &mut self.index {
            index.upsert(summary);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(secret: Option<&str>) -> OAuthConfig {
        OAuthConfig::new(
            "https://auth.example.com/oauth/token",
            "my client:1",
            secret.map(|s| Zeroizing::new(s.to_owned())),
        )
        .unwrap()
    }

    fn decode_basic(header: &str) -> String {
        let b64 = header.strip_prefix("Basic ").unwrap();
        let raw = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
        String::from_utf8(raw).unwrap()
    }

    #[test]
    fn basic_auth_form_encodes_id_and_secret_before_base64() {
        // RFC 6749 §2.3.1: ':' in the id must not be taken for the separator.
        let h = basic_auth("my client:1", "s3cr%t +/=é");
        assert_eq!(decode_basic(&h), "my+client%3A1:s3cr%25t+%2B%2F%3D%C3%A9");
        // Plain ASCII ids and secrets come through unchanged.
        let h = basic_auth("s6BhdRkqt3", "7Fjfp0ZBr1KtDRbnfVdmIw");
        assert_eq!(*h, "Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3");
    }

    #[test]
    fn confidential_client_authenticates_with_basic_public_client_sends_its_id() {
        let r = encode_request(&cfg(Some("pw")), "tGzv3JOkF0XG5Qx2TlKWIA");
        assert_eq!(
            decode_basic(r.authorization.as_deref().unwrap()),
            "my+client%3A1:pw"
        );
        assert_eq!(
            *r.body,
            "grant_type=refresh_token&refresh_token=tGzv3JOkF0XG5Qx2TlKWIA"
        );

        let mut public = cfg(None);
        public.scope = Some("read write".into());
        let r = encode_request(&public, "a+b/c=");
        assert!(r.authorization.is_none());
        assert_eq!(
            *r.body,
            "grant_type=refresh_token&refresh_token=a%2Bb%2Fc%3D&scope=read+write&client_id=my+client%3A1"
        );
    }

    #[test]
    fn success_responses_parse() {
        let body = br#"{"access_token":"2YotnFZFEjr1zCsicMWpAA","token_type":"Bearer","expires_in":3600,
                        "refresh_token":"tGzv3JOkF0XG5Qx2TlKWIA","scope":"read","extra":1}"#;
        let r = parse_response(200, body).unwrap();
        assert_eq!(*r.access_token, "2YotnFZFEjr1zCsicMWpAA");
        assert_eq!(r.token_type.as_deref(), Some("Bearer"));
        assert_eq!(r.expires_in, Some(3600));
        assert_eq!(
            r.refresh_token.as_deref().map(String::as_str),
            Some("tGzv3JOkF0XG5Qx2TlKWIA")
        );
        assert_eq!(r.scope.as_deref(), Some("read"));

        let r = parse_response(
            200,
            br#"{"access_token":"x","expires_in":"60","refresh_token":""}"#,
        )
        .unwrap();
        assert_eq!(r.expires_in, Some(60));
        assert!(r.refresh_token.is_none(), "an empty refresh_token is no rotation");
        assert!(r.token_type.is_none());
    }

    #[test]
    fn error_responses_map_to_codes_without_echoing_the_body() {
        let e = parse_response(
            400,
            br#"{"error":"invalid_grant","error_description":"tok_SECRET revoked"}"#,
        );
        assert_eq!(e.unwrap_err(), OAuthError::InvalidGrant);
        let e = parse_response(401, br#"{"error":"invalid_client"}"#).unwrap_err();
        assert_eq!(
            e,
            OAuthError::Server {
                code: "invalid_client".into()
            }
        );
        // Some servers send errors with 200.
        let e = parse_response(200, br#"{"error":"invalid_grant"}"#).unwrap_err();
        assert_eq!(e, OAuthError::InvalidGrant);
        // A code that could be a token is not repeated.
        let e = parse_response(400, br#"{"error":"AbC.SECRET_TOKEN_123"}"#).unwrap_err();
        assert!(!e.to_string().contains("SECRET"), "{e}");
        for (status, body) in [
            (500, &b"<html>Internal Server Error</html>"[..]),
            (200, b"access_token=SECRET&token_type=bearer"),
            (200, br#"{"token_type":"Bearer"}"#),
            (200, br#"{"access_token":""}"#),
            (200, br#"{"access_token":"a\nb"}"#),
            (200, br#"{"access_token":"ok","expires_in":"soon"}"#),
            (200, br#"["access_token"]"#),
            (503, br#"{"message":"SECRET"}"#),
        ] {
            let e = parse_response(status, body).unwrap_err();
            assert!(matches!(e, OAuthError::BadResponse(_)), "{status} {e:?}");
            assert!(!e.to_string().contains("SECRET"), "{e}");
            assert_eq!(Error::from(e).code(), "oauth.bad_response");
        }
    }

    #[test]
    fn endpoints_must_be_https() {
        for bad in [
            "http://auth.example.com/token",
            "ftp://auth.example.com/token",
            "auth.example.com/token",
            "https://user:pw@auth.example.com/token",
            "https://auth.example.com/token#x",
        ] {
            let e = OAuthConfig::new(bad, "id", None).unwrap_err();
            assert_eq!(e.code(), "input.invalid", "{bad}");
        }
        assert!(OAuthConfig::new("https://127.0.0.1:8443/token?tenant=a", "id", None).is_ok());
        assert!(OAuthConfig::new("https://auth.example.com/token", " ", None).is_err());
    }

    #[test]
    fn config_round_trips_through_details_and_hides_secrets() {
        let mut c = cfg(Some("pw"));
        c.scope = Some("read".into());
        let mut d = ItemDetails::default();
        c.write_to(&mut d);
        set_refresh_token(&mut d, "rt1");
        assert_eq!(OAuthConfig::from_details(&d).unwrap().unwrap(), c);
        assert_eq!(*refresh_token(&d).unwrap(), "rt1");
        let hidden: Vec<_> = d
            .fields
            .iter()
            .filter(|f| f.hidden)
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(hidden, [FIELD_CLIENT_SECRET, FIELD_REFRESH_TOKEN]);
        // Rewriting replaces, it does not duplicate.
        set_refresh_token(&mut d, "rt2");
        c.client_secret = None;
        c.write_to(&mut d);
        assert_eq!(d.fields.len(), 4);
        assert_eq!(*refresh_token(&d).unwrap(), "rt2");
        let shown = format!("{:?}", cfg(Some("hunter2-secret")));
        assert!(
            !shown.contains("hunter2") && shown.contains("<hidden>"),
            "{shown}"
        );
        let resp = parse_response(
            200,
            br#"{"access_token":"at-hunter2","refresh_token":"rt-hunter2"}"#,
        )
        .unwrap();
        assert!(!format!("{resp:?}").contains("hunter2"));

        assert!(OAuthConfig::from_details(&ItemDetails::default())
            .unwrap()
            .is_none());
        d.fields.retain(|f| f.name != FIELD_CLIENT_ID);
        assert_eq!(OAuthConfig::from_details(&d).unwrap_err().code(), "input.invalid");
    }

    #[test]
    fn expiry_is_capped() {
        assert_eq!(expiry(1_000, Some(60)), Some(61_000));
        assert_eq!(expiry(1_000, None), None);
        assert!(expiry(1_000, Some(u64::MAX)).unwrap() > 1_000);
    }
}
