//! OAuth refresh against a real HTTPS token endpoint on 127.0.0.1: a
//! hand-written HTTP/1.1 server behind tokio-rustls, with a certificate from
//! a throwaway CA made by rcgen, on real vault files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine as _;
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tessera_core::audit::AuditAction;
use tessera_core::crypto::KdfParams;
use tessera_core::oauth::{self, FIELD_CLIENT_SECRET, FIELD_REFRESH_TOKEN, FIELD_TOKEN_ENDPOINT};
use tessera_core::{
    CustomField, Error, HttpOptions, ItemDetails, ItemKind, ItemMeta, LockedVault, NewItem, OAuthConfig,
    OAuthError, Vault, Zeroizing,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls;

const PW: &str = "correct horse battery staple";
// Characters that RFC 6749 §2.3.1 form-encoding must handle.
const CLIENT_ID: &str = "tessera client:1";
const CLIENT_SECRET: &str = "s3cr%t +/=:é";

// ---- the token endpoint ---------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Normal,
    /// 200 with an HTML page.
    Garbage,
    /// 500 with a plain-text body.
    Http500,
}

struct AuthServer {
    client_secret: Option<String>,
    valid_refresh: HashSet<String>,
    rotate: bool,
    mode: Mode,
    issued: u32,
    /// One entry per request: whether grant type, client auth and refresh
    /// token all checked out.
    seen: Vec<bool>,
}

struct Request {
    method: String,
    path: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

struct Reply {
    status: u16,
    content_type: &'static str,
    body: String,
}

fn json(status: u16, body: serde_json::Value) -> Reply {
    Reply {
        status,
        content_type: "application/json",
        body: body.to_string(),
    }
}

fn oauth_error(status: u16, code: &str) -> Reply {
    json(
        status,
        serde_json::json!({ "error": code, "error_description": "see RFC 6749" }),
    )
}

fn form(body: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// Undoes client_secret_basic: base64, then form-decoding of each half.
fn basic_credentials(header: &str) -> Option<(String, String)> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(header.strip_prefix("Basic ")?)
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (id, secret) = text.split_once(':')?;
    let decode = |s: &str| form(format!("x={s}").as_bytes()).remove("x");
    Some((decode(id)?, decode(secret)?))
}

impl AuthServer {
    fn handle(&mut self, req: &Request) -> Reply {
        match self.mode {
            Mode::Garbage => {
                return Reply {
                    status: 200,
                    content_type: "text/html",
                    body: "<html><body>token service moved</body></html>".into(),
                }
            }
            Mode::Http500 => {
                return Reply {
                    status: 500,
                    content_type: "text/plain",
                    body: "Internal Server Error".into(),
                }
            }
            Mode::Normal => {}
        }
        self.seen.push(false);
        if req.method != "POST" || req.path != "/oauth/token" {
            return oauth_error(404, "not_found");
        }
        if req.headers.get("content-type").map(String::as_str) != Some("application/x-www-form-urlencoded") {
            return oauth_error(400, "invalid_request");
        }
        let params = form(&req.body);
        if params.get("grant_type").map(String::as_str) != Some("refresh_token") {
            return oauth_error(400, "unsupported_grant_type");
        }
        let authorized = match &self.client_secret {
            Some(secret) => {
                req.headers
                    .get("authorization")
                    .and_then(|h| basic_credentials(h))
                    == Some((CLIENT_ID.to_owned(), secret.clone()))
                    && !params.contains_key("client_secret")
            }
            None => {
                !req.headers.contains_key("authorization")
                    && params.get("client_id").map(String::as_str) == Some(CLIENT_ID)
            }
        };
        if !authorized {
            return oauth_error(401, "invalid_client");
        }
        let Some(presented) = params.get("refresh_token") else {
            return oauth_error(400, "invalid_request");
        };
        if !self.valid_refresh.contains(presented) {
            return oauth_error(400, "invalid_grant");
        }
        self.issued += 1;
        let n = self.issued;
        *self.seen.last_mut().unwrap() = true;
        let mut body = serde_json::json!({
            "access_token": format!("at-{n}"),
            "token_type": "Bearer",
            "expires_in": 3600,
        });
        if self.rotate {
            // RFC 9700 §4.14.2: the old refresh token dies with the new one's birth.
            self.valid_refresh.remove(presented);
            let new = format!("rt-{n}");
            self.valid_refresh.insert(new.clone());
            body["refresh_token"] = new.into();
        }
        json(200, body)
    }
}

struct Endpoint {
    addr: SocketAddr,
    ca_der: Vec<u8>,
    state: Arc<Mutex<AuthServer>>,
}

impl Endpoint {
    fn url(&self) -> String {
        format!("https://127.0.0.1:{}/oauth/token", self.addr.port())
    }

    fn http(&self) -> HttpOptions {
        HttpOptions {
            timeout: Duration::from_secs(10),
            extra_root_certs_der: vec![self.ca_der.clone()],
        }
    }

    fn set_mode(&self, mode: Mode) {
        self.state.lock().unwrap().mode = mode;
    }

    fn requests(&self) -> Vec<bool> {
        self.state.lock().unwrap().seen.clone()
    }
}

/// A CA and a leaf for 127.0.0.1 and localhost, signed by it.
fn tls_config() -> (rustls::ServerConfig, Vec<u8>) {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Tessera test CA");
    ca_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let ca = ca_params.self_signed(&ca_key).unwrap();

    let mut leaf_params =
        rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
    leaf_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    leaf_params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &ca, &ca_key).unwrap();

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
        )
        .unwrap();
    (config, ca.der().to_vec())
}

async fn read_request<S: AsyncReadExt + Unpin>(stream: &mut S) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > 16 * 1024 {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buf[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let path = request_line.next()?.to_owned();
    if request_line.next()? != "HTTP/1.1" {
        return None;
    }
    let mut headers = HashMap::new();
    for line in lines {
        let (k, v) = line.split_once(':')?;
        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
    }
    let len: usize = headers.get("content-length")?.parse().ok()?;
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(len);
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

async fn serve(acceptor: tokio_rustls::TlsAcceptor, tcp: TcpStream, state: Arc<Mutex<AuthServer>>) {
    let Ok(mut tls) = acceptor.accept(tcp).await else {
        return;
    };
    let reply = match read_request(&mut tls).await {
        Some(req) => state.lock().unwrap().handle(&req),
        None => oauth_error(400, "invalid_request"),
    };
    let reason = match reply.status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        _ => "Internal Server Error",
    };
    let head = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        reply.status,
        reply.content_type,
        reply.body.len()
    );
    let _ = tls.write_all(head.as_bytes()).await;
    let _ = tls.write_all(reply.body.as_bytes()).await;
    let _ = tls.shutdown().await;
}

async fn endpoint(client_secret: Option<&str>, refresh_token: &str, rotate: bool) -> Endpoint {
    let (config, ca_der) = tls_config();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = Arc::new(Mutex::new(AuthServer {
        client_secret: client_secret.map(str::to_owned),
        valid_refresh: HashSet::from([refresh_token.to_owned()]),
        rotate,
        mode: Mode::Normal,
        issued: 0,
        seen: Vec::new(),
    }));
    let shared = state.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(serve(acceptor.clone(), tcp, shared.clone()));
        }
    });
    Endpoint { addr, ca_der, state }
}

// ---- vault helpers ----------------------------------------------------------------

async fn fresh(dir: &Path) -> (PathBuf, Vault) {
    let path = dir.join("vault.db");
    let vault = Vault::create(&path, PW, KdfParams::FLOOR).await.unwrap();
    (path, vault)
}

async fn reopen(path: &Path) -> Vault {
    LockedVault::open(path).await.unwrap().unlock(PW).await.unwrap()
}

fn config(url: &str, secret: Option<&str>) -> OAuthConfig {
    OAuthConfig::new(url, CLIENT_ID, secret.map(|s| Zeroizing::new(s.to_owned()))).unwrap()
}

async fn add_oauth_item(v: &mut Vault, name: &str, cfg: &OAuthConfig) {
    let meta = ItemMeta {
        name: name.into(),
        service: Some("Example IdP".into()),
        ..Default::default()
    };
    let item = NewItem::oauth(meta, cfg, Zeroizing::new("at-0".into()), "rt-0", None).unwrap();
    v.add(item).await.unwrap();
}

/// Everything stored about an item that a failed refresh must not change.
#[derive(Debug, PartialEq)]
struct Snapshot {
    values: Vec<(i64, i64, Option<i64>, String)>,
    details: ItemDetails,
    updated_at: i64,
    expires_at: Option<i64>,
    needs_reauth: bool,
}

async fn snapshot(v: &mut Vault, name: &str) -> Snapshot {
    let view = v.item(name).await.unwrap();
    let (_, history) = v.history(name).await.unwrap();
    Snapshot {
        values: history
            .into_iter()
            .map(|h| (h.seq, h.created_at, h.retired_at, h.value.to_string()))
            .collect(),
        details: view.details,
        updated_at: view.summary.updated_at,
        expires_at: view.summary.expires_at,
        needs_reauth: view.summary.needs_reauth,
    }
}

async fn stored_refresh_token(v: &mut Vault, name: &str) -> String {
    oauth::refresh_token(&v.item(name).await.unwrap().details)
        .unwrap()
        .to_string()
}

async fn audit_actions(v: &mut Vault) -> Vec<(AuditAction, String)> {
    v.audit_log()
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.detail))
        .collect()
}

fn code(e: &Error) -> &'static str {
    e.code()
}

// ---- the cases ---------------------------------------------------------------------

#[tokio::test]
async fn refresh_without_rotation_appends_the_access_token_and_keeps_the_refresh_token() {
    let server = endpoint(Some(CLIENT_SECRET), "rt-0", false).await;
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = fresh(dir.path()).await;
    add_oauth_item(&mut v, "idp", &config(&server.url(), Some(CLIENT_SECRET))).await;

    let before = chrono::Utc::now().timestamp_millis();
    let out = v.refresh_oauth("idp", &server.http()).await.unwrap();
    assert_eq!(out.version, 2);
    assert!(!out.refresh_token_rotated);
    assert_eq!(out.token_type.as_deref(), Some("Bearer"));
    let expires = out.summary.expires_at.unwrap();
    assert!(
        (before + 3_600_000..=before + 3_700_000).contains(&expires),
        "{expires}"
    );
    assert_eq!(
        server.requests(),
        [true],
        "grant type, Basic auth and refresh token checked out"
    );
    v.close().await.unwrap();

    let mut v = reopen(&path).await;
    assert_eq!(*v.value("idp").await.unwrap(), "at-1");
    let (_, history) = v.history("idp").await.unwrap();
    let values: Vec<_> = history.iter().map(|h| h.value.as_str()).collect();
    assert_eq!(values, ["at-0", "at-1"], "rotation appends, never overwrites");
    assert!(history[0].retired_at.is_some() && history[1].retired_at.is_none());
    assert_eq!(stored_refresh_token(&mut v, "idp").await, "rt-0");
    assert_eq!(v.item("idp").await.unwrap().summary.expires_at, Some(expires));

    // Again: the same refresh token still works.
    v.refresh_oauth("idp", &server.http()).await.unwrap();
    assert_eq!(*v.value("idp").await.unwrap(), "at-2");
    let log = audit_actions(&mut v).await;
    let refreshed: Vec<_> = log
        .iter()
        .filter(|(a, _)| *a == AuditAction::TokenRefreshed)
        .collect();
    assert_eq!(refreshed.len(), 2);
    for (_, detail) in &log {
        assert!(
            !detail.contains("at-") && !detail.contains("rt-") && !detail.contains("s3cr"),
            "{detail}"
        );
    }
}

#[tokio::test]
async fn a_rotated_refresh_token_is_stored_and_the_old_one_is_dead() {
    let server = endpoint(Some(CLIENT_SECRET), "rt-0", true).await;
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = fresh(dir.path()).await;
    let cfg = config(&server.url(), Some(CLIENT_SECRET));
    add_oauth_item(&mut v, "idp", &cfg).await;

    let out = v.refresh_oauth("idp", &server.http()).await.unwrap();
    assert!(out.refresh_token_rotated);
    assert_eq!(stored_refresh_token(&mut v, "idp").await, "rt-1");
    v.close().await.unwrap();

    // The server now refuses the old refresh token (straight to the protocol,
    // so the vault is not marked).
    let e = oauth::refresh(&cfg, "rt-0", &server.http()).await.unwrap_err();
    assert_eq!(code(&e), "oauth.invalid_grant");

    let mut v = reopen(&path).await;
    let out = v.refresh_oauth("idp", &server.http()).await.unwrap();
    assert_eq!(out.version, 3);
    assert_eq!(*v.value("idp").await.unwrap(), "at-2");
    assert_eq!(stored_refresh_token(&mut v, "idp").await, "rt-2");
    let view = v.item("idp").await.unwrap();
    // The refresh token stays a hidden field, and there is only one.
    let rts: Vec<&CustomField> = view
        .details
        .fields
        .iter()
        .filter(|f| f.name == FIELD_REFRESH_TOKEN)
        .collect();
    assert_eq!(rts.len(), 1);
    assert!(rts[0].hidden);
    assert_eq!(server.requests(), [true, false, true]);
}

#[tokio::test]
async fn a_public_client_sends_its_id_in_the_body() {
    let server = endpoint(None, "rt-0", false).await;
    let dir = tempfile::tempdir().unwrap();
    let (_, mut v) = fresh(dir.path()).await;
    add_oauth_item(&mut v, "public", &config(&server.url(), None)).await;
    v.refresh_oauth("public", &server.http()).await.unwrap();
    assert_eq!(*v.value("public").await.unwrap(), "at-1");
    assert_eq!(server.requests(), [true]);
}

#[tokio::test]
async fn invalid_grant_marks_needs_reauth_persistently_and_leaves_the_tokens() {
    // The server knows another refresh token than the one stored.
    let server = endpoint(Some(CLIENT_SECRET), "rt-other", false).await;
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = fresh(dir.path()).await;
    add_oauth_item(&mut v, "idp", &config(&server.url(), Some(CLIENT_SECRET))).await;
    let before = snapshot(&mut v, "idp").await;

    let e = v.refresh_oauth("idp", &server.http()).await.unwrap_err();
    assert!(matches!(e, Error::OAuth(OAuthError::InvalidGrant)), "{e:?}");
    assert_eq!(code(&e), "oauth.invalid_grant");
    assert!(!e.to_string().contains("rt-0"));
    let listed = v.list(&Default::default()).await.unwrap();
    assert!(
        listed.iter().any(|s| s.name == "idp" && s.needs_reauth),
        "the index knows too"
    );
    v.close().await.unwrap();

    let mut v = reopen(&path).await;
    let after = snapshot(&mut v, "idp").await;
    assert!(after.needs_reauth, "needs_reauth survives re-opening");
    assert_eq!(after.values, before.values, "the value history is untouched");
    assert_eq!(
        after.details, before.details,
        "the refresh token and client are untouched"
    );
    assert_eq!(after.expires_at, before.expires_at);
    assert!(audit_actions(&mut v)
        .await
        .iter()
        .any(|(a, _)| *a == AuditAction::ReauthNeeded));

    // Authorising again stores the new tokens and clears the flag; the
    // next refresh works.
    let out = v
        .reauthorize_oauth(
            "idp",
            Zeroizing::new("at-fresh".into()),
            Zeroizing::new("rt-other".into()),
            None,
        )
        .await
        .unwrap();
    assert!(!out.summary.needs_reauth);
    let out = v.refresh_oauth("idp", &server.http()).await.unwrap();
    assert!(!out.summary.needs_reauth);
    let (_, history) = v.history("idp").await.unwrap();
    let values: Vec<_> = history.iter().map(|h| h.value.as_str()).collect();
    assert_eq!(values, ["at-0", "at-fresh", "at-1"]);
}

#[tokio::test]
async fn garbage_and_http_500_are_bad_responses_and_change_nothing() {
    let server = endpoint(Some(CLIENT_SECRET), "rt-0", true).await;
    let dir = tempfile::tempdir().unwrap();
    let (_, mut v) = fresh(dir.path()).await;
    add_oauth_item(&mut v, "idp", &config(&server.url(), Some(CLIENT_SECRET))).await;
    let before = snapshot(&mut v, "idp").await;
    let audit_before = audit_actions(&mut v).await.len();

    for mode in [Mode::Garbage, Mode::Http500] {
        server.set_mode(mode);
        let e = v.refresh_oauth("idp", &server.http()).await.unwrap_err();
        assert_eq!(code(&e), "oauth.bad_response", "{e}");
        assert!(!e.to_string().contains("token service moved") && !e.to_string().contains("Internal"));
        assert_eq!(snapshot(&mut v, "idp").await, before);
    }
    assert_eq!(
        audit_actions(&mut v).await.len(),
        audit_before,
        "nothing was logged as done"
    );

    // The endpoint recovers; so does the item.
    server.set_mode(Mode::Normal);
    v.refresh_oauth("idp", &server.http()).await.unwrap();
    assert_eq!(*v.value("idp").await.unwrap(), "at-1");
}

#[tokio::test]
async fn another_oauth_error_is_named_and_changes_nothing() {
    let server = endpoint(Some("the real secret"), "rt-0", false).await;
    let dir = tempfile::tempdir().unwrap();
    let (_, mut v) = fresh(dir.path()).await;
    add_oauth_item(&mut v, "idp", &config(&server.url(), Some(CLIENT_SECRET))).await;
    let before = snapshot(&mut v, "idp").await;
    let e = v.refresh_oauth("idp", &server.http()).await.unwrap_err();
    assert_eq!(code(&e), "oauth.error");
    assert!(e.to_string().contains("invalid_client"), "{e}");
    assert_eq!(snapshot(&mut v, "idp").await, before);
}

#[tokio::test]
async fn an_endpoint_that_never_answers_times_out() {
    // Accepts TCP, then says nothing: the TLS handshake never completes.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (held_tx, held_rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let mut held = Vec::new();
        tokio::select! {
            _ = async { while let Ok((s, _)) = listener.accept().await { held.push(s); } } => {}
            _ = held_rx => {}
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let (_, mut v) = fresh(dir.path()).await;
    let url = format!("https://127.0.0.1:{port}/oauth/token");
    add_oauth_item(&mut v, "idp", &config(&url, Some(CLIENT_SECRET))).await;
    let before = snapshot(&mut v, "idp").await;

    let http = HttpOptions {
        timeout: Duration::from_millis(500),
        extra_root_certs_der: vec![],
    };
    let start = Instant::now();
    let e = v.refresh_oauth("idp", &http).await.unwrap_err();
    let took = start.elapsed();
    assert_eq!(code(&e), "oauth.timeout", "{e}");
    assert!(
        took >= Duration::from_millis(450) && took < Duration::from_secs(5),
        "{took:?}"
    );
    assert_eq!(snapshot(&mut v, "idp").await, before);
    drop(held_tx);
}

#[tokio::test]
async fn nothing_listening_is_unreachable() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dir = tempfile::tempdir().unwrap();
    let (_, mut v) = fresh(dir.path()).await;
    let url = format!("https://127.0.0.1:{port}/oauth/token");
    add_oauth_item(&mut v, "idp", &config(&url, Some(CLIENT_SECRET))).await;
    let before = snapshot(&mut v, "idp").await;
    let e = v.refresh_oauth("idp", &HttpOptions::default()).await.unwrap_err();
    assert_eq!(code(&e), "oauth.unreachable", "{e}");
    assert!(e.to_string().contains("refused"), "{e}");
    assert_eq!(snapshot(&mut v, "idp").await, before);
}

#[tokio::test]
async fn an_untrusted_certificate_is_unreachable() {
    let server = endpoint(Some(CLIENT_SECRET), "rt-0", false).await;
    let dir = tempfile::tempdir().unwrap();
    let (_, mut v) = fresh(dir.path()).await;
    add_oauth_item(&mut v, "idp", &config(&server.url(), Some(CLIENT_SECRET))).await;
    let before = snapshot(&mut v, "idp").await;
    // The webpki roots only, as in production: the test CA is unknown.
    let e = v.refresh_oauth("idp", &HttpOptions::default()).await.unwrap_err();
    assert_eq!(code(&e), "oauth.unreachable", "{e}");
    assert!(
        e.to_string().contains("TLS failed: invalid peer certificate"),
        "{e}"
    );
    assert_eq!(snapshot(&mut v, "idp").await, before);
    assert!(server.requests().is_empty(), "no request reached the server");
}

#[tokio::test]
async fn plain_http_is_refused_before_any_connection() {
    assert_eq!(
        OAuthConfig::new("http://127.0.0.1:8080/oauth/token", CLIENT_ID, None)
            .unwrap_err()
            .code(),
        "input.invalid"
    );
    // Even an item that holds an http endpoint (written by hand) is refused.
    let dir = tempfile::tempdir().unwrap();
    let (_, mut v) = fresh(dir.path()).await;
    let field = |name: &str, value: &str, hidden| CustomField {
        name: name.into(),
        value: value.into(),
        hidden,
    };
    v.add(NewItem {
        kind: ItemKind::Token,
        meta: ItemMeta {
            name: "plain".into(),
            ..Default::default()
        },
        details: ItemDetails {
            fields: vec![
                field(FIELD_TOKEN_ENDPOINT, "http://127.0.0.1:9/oauth/token", false),
                field("oauth.client_id", CLIENT_ID, false),
                field(FIELD_CLIENT_SECRET, CLIENT_SECRET, true),
                field(FIELD_REFRESH_TOKEN, "rt-0", true),
            ],
            notes: None,
            username: None,
            url: None,
        },
        value: Zeroizing::new("at-0".into()),
        expires_at: None,
    })
    .await
    .unwrap();
    let e = v
        .refresh_oauth("plain", &HttpOptions::default())
        .await
        .unwrap_err();
    assert_eq!(code(&e), "input.invalid");
    assert!(e.to_string().contains("https://"), "{e}");
}

#[tokio::test]
async fn items_that_are_not_oauth_tokens_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut v) = fresh(dir.path()).await;
    for (kind, name) in [(ItemKind::Token, "bearer"), (ItemKind::ApiKey, "key")] {
        v.add(NewItem {
            kind,
            meta: ItemMeta {
                name: name.into(),
                ..Default::default()
            },
            details: ItemDetails::default(),
            value: Zeroizing::new("v".into()),
            expires_at: None,
        })
        .await
        .unwrap();
        let e = v.refresh_oauth(name, &HttpOptions::default()).await.unwrap_err();
        assert_eq!(code(&e), "input.invalid", "{name}");
    }
    let e = v
        .refresh_oauth("missing", &HttpOptions::default())
        .await
        .unwrap_err();
    assert_eq!(code(&e), "item.not_found");

    // The builder checks what it is given.
    let cfg = config("https://127.0.0.1:1/oauth/token", None);
    let meta = ItemMeta {
        name: "x".into(),
        ..Default::default()
    };
    assert!(NewItem::oauth(meta.clone(), &cfg, Zeroizing::new("at".into()), "", None).is_err());
    assert!(NewItem::oauth(meta, &cfg, Zeroizing::new("a\nt".into()), "rt", None).is_err());
}
