//! Typed items and their value history.
//!
//! An item row holds plaintext ids, kind and timestamps; its name, service,
//! tags, env var and scopes are sealed together as `meta` (read at unlock for
//! the search index), notes and extra fields as `details`, and every value it
//! ever had as one sealed row per version in `item_values`.

use crate::audit::{self, AuditAction};
use crate::crypto;
use crate::error::{Error, Result};
use crate::health::ValueFacts;
use crate::rotation::RotationPolicy;
use crate::vault::{now_ms, Header, Keys, Vault};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use unicode_normalization::UnicodeNormalization;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

pub const ITEM_SCHEMA_VERSION: i64 = 1;
const MAX_NAME_LEN: usize = 256;
const MAX_VALUE_LEN: usize = 1 << 20;

pub type ItemId = [u8; 16];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    ApiKey,
    Token,
    Secret,
    Passkey,
    Credential,
    Identity,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::ApiKey => "api_key",
            ItemKind::Token => "token",
            ItemKind::Secret => "secret",
            ItemKind::Passkey => "passkey",
            ItemKind::Credential => "credential",
            ItemKind::Identity => "identity",
        }
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ItemKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "api_key" | "api-key" => ItemKind::ApiKey,
            "token" => ItemKind::Token,
            "secret" => ItemKind::Secret,
            "passkey" => ItemKind::Passkey,
            "credential" => ItemKind::Credential,
            "identity" => ItemKind::Identity,
            _ => {
                return Err(Error::invalid(format!(
                    "unknown kind {s:?} (expected api_key, token, secret, passkey, credential or identity)"
                )))
            }
        })
    }
}

/// What the search index knows of an item. Sealed as the `meta` field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemMeta {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_var: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<RotationPolicy>,
    /// Facts about the current value (version, age, strength, a keyed
    /// fingerprint), kept here so the health scan opens no value. Absent in
    /// items written before it existed; [`Vault::backfill_value_facts`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<ValueFacts>,
    /// The token endpoint refused the stored refresh token: the user must
    /// authorise again before the item can be refreshed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub needs_reauth: bool,
}

/// An extra named field, such as a TOTP seed or a hidden custom field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct CustomField {
    pub name: String,
    pub value: String,
    #[serde(default)]
    pub hidden: bool,
}

/// Everything else about an item. Sealed as the `details` field; may hold
/// secrets, so it is wiped on drop.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct ItemDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<CustomField>,
}

/// A new item with its first value.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub kind: ItemKind,
    pub meta: ItemMeta,
    pub details: ItemDetails,
    pub value: Zeroizing<String>,
    /// Milliseconds since the Unix epoch.
    pub expires_at: Option<i64>,
}

/// Metadata of one item, never a secret value. What `list` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ItemSummary {
    pub id: String,
    pub kind: ItemKind,
    pub name: String,
    pub service: Option<String>,
    pub tags: Vec<String>,
    pub env_var: Option<String>,
    pub scopes: Vec<String>,
    /// Milliseconds since the Unix epoch, as are the other times.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub created_at: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub updated_at: i64,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub expires_at: Option<i64>,
    pub policy: Option<RotationPolicy>,
    /// Which value is current and when it was set; `None` for items
    /// written before this was recorded.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub version: Option<i64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub value_set_at: Option<i64>,
    /// For the health scan only; never serialized (it holds the value's
    /// fingerprint).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub facts: Option<ValueFacts>,
    /// The token endpoint refused the refresh token: authorise again.
    #[serde(default)]
    pub needs_reauth: bool,
}

/// One item's metadata and details; the value is fetched separately.
#[derive(Debug, Clone)]
pub struct ItemView {
    pub summary: ItemSummary,
    pub details: ItemDetails,
    pub versions: i64,
}

/// One version of an item's value.
#[derive(Debug, Clone)]
pub struct ValueVersion {
    pub seq: i64,
    pub created_at: i64,
    pub retired_at: Option<i64>,
    pub value: Zeroizing<String>,
}

/// A change to an item's metadata; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ItemEdit {
    pub name: Option<String>,
    pub service: Option<Option<String>>,
    pub env_var: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub scopes: Option<Vec<String>>,
    pub notes: Option<Option<String>>,
    pub username: Option<Option<String>>,
    pub url: Option<Option<String>>,
    pub expires_at: Option<Option<i64>>,
    pub policy: Option<Option<RotationPolicy>>,
}

/// A new value for an item, and the record of why.
#[derive(Debug, Clone)]
pub struct Rotation {
    pub value: Zeroizing<String>,
    /// Why, for the audit log.
    pub reason: String,
    /// Who asked, for the audit log (`cli`, `app`, ...).
    pub actor: String,
    /// A new expiry; `None` keeps the old one unless the value is a JWT
    /// with its own `exp`.
    pub expires_at: Option<Option<i64>>,
}

pub fn id_to_string(id: &ItemId) -> String {
    uuid::Uuid::from_bytes(*id).hyphenated().to_string()
}

pub(crate) fn parse_id(s: &str) -> Option<ItemId> {
    uuid::Uuid::parse_str(s).ok().map(|u| *u.as_bytes())
}

/// The form of a name used for uniqueness and lookup: NFKC, lower case.
pub fn fold_name(name: &str) -> String {
    name.nfkc().collect::<String>().to_lowercase()
}

// ---- validation -------------------------------------------------------------

fn check_text(what: &str, s: &str, max: usize) -> Result<()> {
    if s.trim().is_empty() {
        return Err(Error::invalid(format!("{what} must not be empty")));
    }
    if s.chars().count() > max {
        return Err(Error::invalid(format!("{what} is longer than {max} characters")));
    }
    if s.chars().any(|c| c.is_control()) {
        return Err(Error::invalid(format!(
            "{what} must not contain control characters"
        )));
    }
    Ok(())
}

pub fn validate_env_var(v: &str) -> Result<()> {
    let mut chars = v.chars();
    let ok_first = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !ok_first || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Error::invalid(format!(
            "{v:?} is not a valid environment variable name (letters, digits and _, not starting with a digit)"
        )));
    }
    Ok(())
}

fn validate_meta(meta: &ItemMeta) -> Result<()> {
    check_text("the name", &meta.name, MAX_NAME_LEN)?;
    if meta.name.trim() != meta.name {
        return Err(Error::invalid("the name must not start or end with spaces"));
    }
    if let Some(s) = &meta.service {
        check_text("the service", s, MAX_NAME_LEN)?;
    }
    for t in &meta.tags {
        check_text("a tag", t, 64)?;
    }
    for s in &meta.scopes {
        check_text("a scope", s, MAX_NAME_LEN)?;
    }
    if let Some(v) = &meta.env_var {
        validate_env_var(v)?;
    }
    if let Some(p) = &meta.policy {
        p.validate()?;
    }
    Ok(())
}

/// Checks an item about to be stored: its metadata and, if any, its value.
pub(crate) fn validate_new(meta: &ItemMeta, value: Option<&str>) -> Result<()> {
    validate_meta(meta)?;
    match value {
        Some(v) => validate_value(v),
        None => Err(Error::invalid("the item has no value")),
    }
}

fn validate_value(value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid("the value must not be empty"));
    }
    if value.len() > MAX_VALUE_LEN {
        return Err(Error::invalid("the value is larger than 1 MiB"));
    }
    Ok(())
}

// ---- sealing ----------------------------------------------------------------

pub(crate) struct Sealed {
    pub meta: Vec<u8>,
    pub details: Vec<u8>,
}

fn field_aad(header: &Header, id: &ItemId, kind: ItemKind, field: &str) -> Vec<u8> {
    crypto::aad(&header.vault_id, id, kind.as_str(), field)
}

fn value_field(seq: i64) -> String {
    format!("value/{seq}")
}

pub(crate) fn seal_json<T: Serialize>(
    keys: &Keys,
    header: &Header,
    id: &ItemId,
    kind: ItemKind,
    field: &str,
    v: &T,
) -> Result<Vec<u8>> {
    let json = Zeroizing::new(serde_json::to_vec(v).map_err(|e| Error::Storage(e.to_string()))?);
    Ok(keys.fields.seal(&json, &field_aad(header, id, kind, field))?)
}

pub(crate) fn seal_item(
    keys: &Keys,
    header: &Header,
    id: &ItemId,
    kind: ItemKind,
    meta: &ItemMeta,
    details: &ItemDetails,
) -> Result<Sealed> {
    Ok(Sealed {
        meta: seal_json(keys, header, id, kind, "meta", meta)?,
        details: seal_json(keys, header, id, kind, "details", details)?,
    })
}

pub(crate) fn seal_value(
    keys: &Keys,
    header: &Header,
    id: &ItemId,
    kind: ItemKind,
    seq: i64,
    v: &str,
) -> Result<Vec<u8>> {
    Ok(keys
        .fields
        .seal(v.as_bytes(), &field_aad(header, id, kind, &value_field(seq)))?)
}

fn corrupt(label: &str, id: &ItemId) -> Error {
    Error::Corrupt(format!(
        "item {label} ({}) does not decrypt; other items are unaffected",
        id_to_string(id)
    ))
}

pub(crate) fn open_meta(
    keys: &Keys,
    header: &Header,
    id: &ItemId,
    kind: ItemKind,
    blob: &[u8],
) -> Result<ItemMeta> {
    let plain = keys
        .fields
        .open(blob, &field_aad(header, id, kind, "meta"))
        .map_err(|_| corrupt("metadata of", id))?;
    serde_json::from_slice(&plain).map_err(|_| corrupt("metadata of", id))
}

pub(crate) fn open_details(
    keys: &Keys,
    header: &Header,
    id: &ItemId,
    kind: ItemKind,
    name: &str,
    blob: &[u8],
) -> Result<ItemDetails> {
    let plain = keys
        .fields
        .open(blob, &field_aad(header, id, kind, "details"))
        .map_err(|_| corrupt(&format!("{name:?}"), id))?;
    serde_json::from_slice(&plain).map_err(|_| corrupt(&format!("{name:?}"), id))
}

fn open_value(
    keys: &Keys,
    header: &Header,
    id: &ItemId,
    kind: ItemKind,
    name: &str,
    seq: i64,
    blob: &[u8],
) -> Result<Zeroizing<String>> {
    let plain = keys
        .fields
        .open(blob, &field_aad(header, id, kind, &value_field(seq)))
        .map_err(|_| corrupt(&format!("{name:?}"), id))?;
    let s = std::str::from_utf8(&plain).map_err(|_| corrupt(&format!("{name:?}"), id))?;
    Ok(Zeroizing::new(s.to_owned()))
}

pub(crate) fn name_tag(keys: &Keys, name: &str) -> Vec<u8> {
    let folded = Zeroizing::new(fold_name(name));
    keys.names.tag(&[folded.as_bytes()])
}

pub(crate) fn parse_kind(s: &str, id: &ItemId) -> Result<ItemKind> {
    s.parse()
        .map_err(|_| Error::Corrupt(format!("item {} has an unknown kind", id_to_string(id))))
}

fn to_id(raw: &[u8]) -> Result<ItemId> {
    raw.try_into()
        .map_err(|_| Error::Corrupt("an item id is malformed".into()))
}

pub(crate) fn summary(
    id: &ItemId,
    kind: ItemKind,
    meta: ItemMeta,
    created: i64,
    updated: i64,
    expires: Option<i64>,
) -> ItemSummary {
    ItemSummary {
        policy: meta.policy,
        version: meta.current.as_ref().map(|f| f.version),
        value_set_at: meta.current.as_ref().map(|f| f.set_at),
        facts: meta.current,
        id: id_to_string(id),
        kind,
        name: meta.name,
        service: meta.service,
        tags: meta.tags,
        env_var: meta.env_var,
        scopes: meta.scopes,
        created_at: created,
        updated_at: updated,
        expires_at: expires,
        needs_reauth: meta.needs_reauth,
    }
}

type ItemRow = (Vec<u8>, String, i64, i64, Option<i64>, Vec<u8>, Vec<u8>);
/// id, kind, created, updated, expires, sealed meta.
pub(crate) type SummaryRow = (Vec<u8>, String, i64, i64, Option<i64>, Vec<u8>);

/// An item's row with its metadata opened (details still sealed).
pub(crate) struct Located {
    pub(crate) id: ItemId,
    pub(crate) kind: ItemKind,
    pub(crate) meta: ItemMeta,
    pub(crate) created: i64,
    pub(crate) updated: i64,
    pub(crate) expires: Option<i64>,
    pub(crate) details_blob: Vec<u8>,
}

const ITEM_SELECT: &str =
    "SELECT id, kind, created_at, updated_at, expires_at, meta, details FROM items WHERE ";

fn open_located(keys: &Keys, header: &Header, row: ItemRow) -> Result<Located> {
    let (id, kind, created, updated, expires, meta, details_blob) = row;
    let id = to_id(&id)?;
    let kind = parse_kind(&kind, &id)?;
    let meta = open_meta(keys, header, &id, kind, &meta)?;
    Ok(Located {
        id,
        kind,
        meta,
        created,
        updated,
        expires,
        details_blob,
    })
}

/// The item with this id, read on `conn`: a write transaction's, when the
/// caller is about to update it.
pub(crate) async fn locate_id(
    conn: &mut sqlx::SqliteConnection,
    keys: &Keys,
    header: &Header,
    id: &ItemId,
) -> Result<Located> {
    let row: Option<ItemRow> = sqlx::query_as(&format!("{ITEM_SELECT} id = ?"))
        .bind(&id[..])
        .fetch_optional(&mut *conn)
        .await?;
    let row = row.ok_or_else(|| Error::NotFound(id_to_string(id)))?;
    open_located(keys, header, row)
}

/// Which value of an item to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Value,
    Name,
    Service,
    Env,
    Username,
    Url,
    Notes,
    Custom(String),
}

impl FromStr for Field {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.to_lowercase().as_str() {
            "" => return Err(Error::invalid("the field name must not be empty")),
            "value" | "password" | "secret" => Field::Value,
            "name" => Field::Name,
            "service" => Field::Service,
            "env" | "env_var" => Field::Env,
            "username" | "user" => Field::Username,
            "url" => Field::Url,
            "notes" => Field::Notes,
            _ => Field::Custom(s.to_owned()),
        })
    }
}

impl Vault {
    async fn locate(&mut self, name_or_id: &str) -> Result<Located> {
        let tag = name_tag(&self.keys, name_or_id);
        let row: Option<ItemRow> = sqlx::query_as(&format!("{ITEM_SELECT} name_tag = ?"))
            .bind(&tag)
            .fetch_optional(&mut self.store.conn)
            .await?;
        if let Some(row) = row {
            return open_located(&self.keys, &self.header, row);
        }
        match parse_id(name_or_id) {
            Some(id) => locate_id(&mut self.store.conn, &self.keys, &self.header, &id)
                .await
                .map_err(|e| match e {
                    Error::NotFound(_) => Error::NotFound(name_or_id.to_owned()),
                    other => other,
                }),
            None => Err(Error::NotFound(name_or_id.to_owned())),
        }
    }

    /// Adds an item with its first value. Names are unique, ignoring case.
    pub async fn add(&mut self, mut item: NewItem) -> Result<ItemSummary> {
        validate_meta(&item.meta)?;
        validate_value(&item.value)?;
        let id: ItemId = *uuid::Uuid::new_v4().as_bytes();
        let now = now_ms();
        item.meta.current = Some(ValueFacts::of(&self.keys, &item.value, 1, now));
        if item.expires_at.is_none() {
            item.expires_at = jwt_expiry(&item.value);
        }
        let sealed = seal_item(
            &self.keys,
            &self.header,
            &id,
            item.kind,
            &item.meta,
            &item.details,
        )?;
        let value = seal_value(&self.keys, &self.header, &id, item.kind, 1, &item.value)?;
        let tag = name_tag(&self.keys, &item.meta.name);
        let mut tx = self.store.begin_write().await?;
        insert_item(&mut tx, &id, item.kind, &tag, now, now, item.expires_at, &sealed)
            .await
            .map_err(|e| exists_or(e, &item.meta.name))?;
        insert_value(&mut tx, &id, 1, now, None, &value).await?;
        audit::append(
            &mut tx,
            &self.keys,
            &self.header,
            AuditAction::ItemAdded,
            Some(&id),
            &item.meta.name,
        )
        .await?;
        tx.commit().await?;
        let s = summary(&id, item.kind, item.meta, now, now, item.expires_at);
        if let Some(index) = &mut self.index {
            index.upsert(s.clone());
        }
        Ok(s)
    }

    /// An item's metadata and details, without its value.
    pub async fn item(&mut self, name_or_id: &str) -> Result<ItemView> {
        let loc = self.locate(name_or_id).await?;
        let details = self.details_of(&loc)?;
        let (versions,): (i64,) = sqlx::query_as("SELECT count(*) FROM item_values WHERE item_id = ?")
            .bind(&loc.id[..])
            .fetch_one(&mut self.store.conn)
            .await?;
        Ok(ItemView {
            summary: summary(&loc.id, loc.kind, loc.meta, loc.created, loc.updated, loc.expires),
            details,
            versions,
        })
    }

    /// The current value of an item. Its details are opened too, so damage
    /// anywhere in the item is reported rather than half-read.
    pub async fn value(&mut self, name_or_id: &str) -> Result<Zeroizing<String>> {
        let loc = self.locate(name_or_id).await?;
        self.details_of(&loc)?;
        Ok(self.current_value(&loc).await?.2)
    }

    fn details_of(&self, loc: &Located) -> Result<ItemDetails> {
        open_details(
            &self.keys,
            &self.header,
            &loc.id,
            loc.kind,
            &loc.meta.name,
            &loc.details_blob,
        )
    }

    /// The newest value of a located item: its seq, when it was set, and
    /// the value.
    async fn current_value(&mut self, loc: &Located) -> Result<(i64, i64, Zeroizing<String>)> {
        let (seq, created, blob): (i64, i64, Vec<u8>) = sqlx::query_as(
            "SELECT seq, created_at, value FROM item_values WHERE item_id = ? ORDER BY seq DESC LIMIT 1",
        )
        .bind(&loc.id[..])
        .fetch_optional(&mut self.store.conn)
        .await?
        .ok_or_else(|| corrupt(&format!("{:?}", loc.meta.name), &loc.id))?;
        let value = open_value(
            &self.keys,
            &self.header,
            &loc.id,
            loc.kind,
            &loc.meta.name,
            seq,
            &blob,
        )?;
        Ok((seq, created, value))
    }

    /// One field of an item: its value, a metadata field, or a custom field.
    pub async fn field(&mut self, name_or_id: &str, field: &Field) -> Result<Zeroizing<String>> {
        if *field == Field::Value {
            return self.value(name_or_id).await;
        }
        let view = self.item(name_or_id).await?;
        let missing = || Error::FieldNotFound {
            item: view.summary.name.clone(),
            field: format!("{field:?}").to_lowercase(),
        };
        let found = match field {
            Field::Value => None,
            Field::Name => Some(view.summary.name.clone()),
            Field::Service => view.summary.service.clone(),
            Field::Env => view.summary.env_var.clone(),
            Field::Username => view.details.username.clone(),
            Field::Url => view.details.url.clone(),
            Field::Notes => view.details.notes.clone(),
            Field::Custom(name) => {
                let f = view
                    .details
                    .fields
                    .iter()
                    .find(|f| f.name.eq_ignore_ascii_case(name));
                match f {
                    Some(f) => Some(f.value.clone()),
                    None => {
                        return Err(Error::FieldNotFound {
                            item: view.summary.name.clone(),
                            field: name.clone(),
                        })
                    }
                }
            }
        };
        found.map(Zeroizing::new).ok_or_else(missing)
    }

    /// Every value the item has had, oldest first.
    pub async fn history(&mut self, name_or_id: &str) -> Result<(ItemSummary, Vec<ValueVersion>)> {
        let loc = self.locate(name_or_id).await?;
        let rows: Vec<(i64, i64, Option<i64>, Vec<u8>)> = sqlx::query_as(
            "SELECT seq, created_at, retired_at, value FROM item_values WHERE item_id = ? ORDER BY seq",
        )
        .bind(&loc.id[..])
        .fetch_all(&mut self.store.conn)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for (seq, created_at, retired_at, blob) in rows {
            out.push(ValueVersion {
                seq,
                created_at,
                retired_at,
                value: open_value(
                    &self.keys,
                    &self.header,
                    &loc.id,
                    loc.kind,
                    &loc.meta.name,
                    seq,
                    &blob,
                )?,
            });
        }
        let s = summary(&loc.id, loc.kind, loc.meta, loc.created, loc.updated, loc.expires);
        Ok((s, out))
    }

    /// Appends a new value; the previous one stays in the history, retired.
    pub async fn rotate(&mut self, name_or_id: &str, new_value: &str, reason: &str) -> Result<ItemSummary> {
        self.rotate_with(
            name_or_id,
            Rotation {
                value: Zeroizing::new(new_value.to_owned()),
                reason: reason.to_owned(),
                actor: String::new(),
                expires_at: None,
            },
        )
        .await
    }

    /// Appends a new value, retiring the current one, and records who, when
    /// and why in the audit log. Nothing is overwritten.
    pub async fn rotate_with(&mut self, name_or_id: &str, r: Rotation) -> Result<ItemSummary> {
        validate_value(&r.value)?;
        let loc = self.locate(name_or_id).await?;
        // Opening the details first means a damaged item is reported, not
        // rotated half-way.
        self.details_of(&loc)?;
        let now = now_ms();
        let mut meta = loc.meta;
        let expires = match r.expires_at {
            Some(e) => e,
            None => jwt_expiry(&r.value).or(loc.expires),
        };
        let mut tx = self.store.begin_write().await?;
        let seq = append_value(
            &mut tx,
            &self.keys,
            &self.header,
            &loc.id,
            loc.kind,
            now,
            &r.value,
        )
        .await?;
        meta.current = Some(ValueFacts::of(&self.keys, &r.value, seq, now));
        let sealed_meta = seal_json(&self.keys, &self.header, &loc.id, loc.kind, "meta", &meta)?;
        sqlx::query("UPDATE items SET meta = ?, updated_at = ?, expires_at = ? WHERE id = ?")
            .bind(&sealed_meta)
            .bind(now)
            .bind(expires)
            .bind(&loc.id[..])
            .execute(&mut *tx)
            .await?;
        let mut detail = format!("{} (version {seq})", meta.name);
        if !r.actor.is_empty() {
            detail.push_str(&format!(" by {}", r.actor));
        }
        if !r.reason.is_empty() {
            detail.push_str(&format!(": {}", r.reason));
        }
        audit::append(
            &mut tx,
            &self.keys,
            &self.header,
            AuditAction::ItemRotated,
            Some(&loc.id),
            &detail,
        )
        .await?;
        tx.commit().await?;
        let s = summary(&loc.id, loc.kind, meta, loc.created, now, expires);
        if let Some(index) = &mut self.index {
            index.upsert(s.clone());
        }
        Ok(s)
    }

    /// Makes an old value current again by appending it as a new version,
    /// so the history still shows every step.
    pub async fn restore_version(&mut self, name_or_id: &str, seq: i64, actor: &str) -> Result<ItemSummary> {
        let (s, history) = self.history(name_or_id).await?;
        let Some(old) = history.iter().find(|v| v.seq == seq) else {
            return Err(Error::invalid(format!(
                "{:?} has no version {seq} (it has 1 to {})",
                s.name,
                history.len()
            )));
        };
        if old.retired_at.is_none() {
            return Err(Error::invalid(format!(
                "version {seq} of {:?} is already current",
                s.name
            )));
        }
        let value = old.value.clone();
        self.rotate_with(
            &s.id,
            Rotation {
                value,
                reason: format!("restored version {seq}"),
                actor: actor.to_owned(),
                expires_at: None,
            },
        )
        .await
    }

    /// The value that the last rotation retired, while the item's grace
    /// period lasts; after it, `rotation.grace_over`.
    pub async fn previous_value(&mut self, name_or_id: &str) -> Result<Zeroizing<String>> {
        let (s, mut history) = self.history(name_or_id).await?;
        let grace_days = s.policy.as_ref().and_then(|p| p.grace_days).unwrap_or(0);
        if history.len() < 2 {
            return Err(Error::invalid(format!("{:?} has never been rotated", s.name)));
        }
        let prev = history.swap_remove(history.len() - 2);
        let retired = prev.retired_at.unwrap_or(0);
        let until = retired.saturating_add(i64::from(grace_days) * crate::health::DAY_MS);
        if now_ms() >= until {
            return Err(Error::GraceOver(s.name));
        }
        Ok(prev.value.clone())
    }

    /// Fills in the value facts of items written before they were kept,
    /// by opening each such item's current value once. Returns how many.
    pub async fn backfill_value_facts(&mut self) -> Result<usize> {
        let missing: Vec<String> = self
            .load_index()
            .await?
            .items()
            .filter(|s| s.facts.is_none())
            .map(|s| s.id.clone())
            .collect();
        for id in &missing {
            let loc = self.locate(id).await?;
            let (seq, created, value) = self.current_value(&loc).await?;
            let mut meta = loc.meta;
            meta.current = Some(ValueFacts::of(&self.keys, &value, seq, created));
            let sealed = seal_json(&self.keys, &self.header, &loc.id, loc.kind, "meta", &meta)?;
            let mut tx = self.store.begin_write().await?;
            sqlx::query("UPDATE items SET meta = ? WHERE id = ?")
                .bind(&sealed)
                .bind(&loc.id[..])
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            let s = summary(&loc.id, loc.kind, meta, loc.created, loc.updated, loc.expires);
            if let Some(index) = &mut self.index {
                index.upsert(s);
            }
        }
        Ok(missing.len())
    }

    /// Changes an item's metadata. Its values are untouched.
    pub async fn edit(&mut self, name_or_id: &str, edit: ItemEdit) -> Result<ItemSummary> {
        let loc = self.locate(name_or_id).await?;
        let mut details = self.details_of(&loc)?;
        let old_name = loc.meta.name.clone();
        let mut meta = loc.meta;
        let mut expires = loc.expires;
        if let Some(n) = edit.name {
            meta.name = n;
        }
        if let Some(v) = edit.service {
            meta.service = v;
        }
        if let Some(v) = edit.env_var {
            meta.env_var = v;
        }
        if let Some(v) = edit.tags {
            meta.tags = v;
        }
        if let Some(v) = edit.scopes {
            meta.scopes = v;
        }
        if let Some(v) = edit.notes {
            details.notes = v;
        }
        if let Some(v) = edit.username {
            details.username = v;
        }
        if let Some(v) = edit.url {
            details.url = v;
        }
        if let Some(v) = edit.expires_at {
            expires = v;
        }
        if let Some(v) = edit.policy {
            meta.policy = v;
        }
        validate_meta(&meta)?;
        let now = now_ms();
        let sealed = seal_item(&self.keys, &self.header, &loc.id, loc.kind, &meta, &details)?;
        let tag = name_tag(&self.keys, &meta.name);
        let mut tx = self.store.begin_write().await?;
        sqlx::query("UPDATE items SET name_tag = ?, meta = ?, details = ?, updated_at = ?, expires_at = ? WHERE id = ?")
            .bind(&tag)
            .bind(&sealed.meta)
            .bind(&sealed.details)
            .bind(now)
            .bind(expires)
            .bind(&loc.id[..])
            .execute(&mut *tx)
            .await
            .map_err(|e| exists_or(e, &meta.name))?;
        let detail = if old_name == meta.name {
            old_name
        } else {
            format!("{old_name} -> {}", meta.name)
        };
        audit::append(
            &mut tx,
            &self.keys,
            &self.header,
            AuditAction::ItemEdited,
            Some(&loc.id),
            &detail,
        )
        .await?;
        tx.commit().await?;
        let s = summary(&loc.id, loc.kind, meta, loc.created, now, expires);
        if let Some(index) = &mut self.index {
            index.upsert(s.clone());
        }
        Ok(s)
    }

    /// Deletes an item and its whole history.
    pub async fn remove(&mut self, name_or_id: &str) -> Result<ItemSummary> {
        let loc = self.locate(name_or_id).await?;
        let mut tx = self.store.begin_write().await?;
        sqlx::query("DELETE FROM items WHERE id = ?")
            .bind(&loc.id[..])
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            &self.keys,
            &self.header,
            AuditAction::ItemRemoved,
            Some(&loc.id),
            &loc.meta.name,
        )
        .await?;
        tx.commit().await?;
        if let Some(index) = &mut self.index {
            index.remove(&id_to_string(&loc.id));
        }
        Ok(summary(
            &loc.id,
            loc.kind,
            loc.meta,
            loc.created,
            loc.updated,
            loc.expires,
        ))
    }

    /// An item with its full value history, in the form import takes (for
    /// backups and for undoing a delete).
    pub async fn export_item(&mut self, name_or_id: &str) -> Result<crate::transfer::ImportedItem> {
        let view = self.item(name_or_id).await?;
        let (_, history) = self.history(&view.summary.id).await?;
        let s = view.summary;
        Ok(crate::transfer::ImportedItem {
            kind: s.kind,
            meta: ItemMeta {
                name: s.name,
                service: s.service,
                tags: s.tags,
                env_var: s.env_var,
                scopes: s.scopes,
                policy: s.policy,
                current: None,
                needs_reauth: s.needs_reauth,
            },
            details: view.details.clone(),
            created_at: Some(s.created_at),
            updated_at: Some(s.updated_at),
            expires_at: s.expires_at,
            versions: history
                .into_iter()
                .map(|v| crate::transfer::ImportedValue {
                    value: v.value.to_string(),
                    created_at: Some(v.created_at),
                    retired_at: v.retired_at,
                })
                .collect(),
        })
    }

    /// Reads every item's metadata. Items whose metadata does not open are
    /// reported separately; the rest still load.
    pub(crate) async fn read_summaries(&mut self) -> Result<(Vec<ItemSummary>, Vec<Error>)> {
        let rows: Vec<SummaryRow> =
            sqlx::query_as("SELECT id, kind, created_at, updated_at, expires_at, meta FROM items")
                .fetch_all(&mut self.store.conn)
                .await?;
        let mut ok = Vec::with_capacity(rows.len());
        let mut bad = Vec::new();
        for (id, kind, created, updated, expires, meta) in rows {
            let opened = to_id(&id).and_then(|id| {
                let kind = parse_kind(&kind, &id)?;
                let meta = open_meta(&self.keys, &self.header, &id, kind, &meta)?;
                Ok(summary(&id, kind, meta, created, updated, expires))
            });
            match opened {
                Ok(s) => ok.push(s),
                Err(e) => bad.push(e),
            }
        }
        Ok((ok, bad))
    }
}

/// The `exp` of a value that is a JWT.
fn jwt_expiry(value: &str) -> Option<i64> {
    crate::jwt::decode(value).and_then(|c| c.expires_at)
}

fn exists_or(e: sqlx::Error, name: &str) -> Error {
    if let sqlx::Error::Database(db) = &e {
        if db.is_unique_violation() {
            return Error::Exists(name.to_owned());
        }
    }
    e.into()
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_item(
    conn: &mut sqlx::SqliteConnection,
    id: &ItemId,
    kind: ItemKind,
    tag: &[u8],
    created: i64,
    updated: i64,
    expires: Option<i64>,
    sealed: &Sealed,
) -> std::result::Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO items (id, kind, name_tag, schema_version, created_at, updated_at, expires_at, meta, details)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id[..])
    .bind(kind.as_str())
    .bind(tag)
    .bind(ITEM_SCHEMA_VERSION)
    .bind(created)
    .bind(updated)
    .bind(expires)
    .bind(&sealed.meta)
    .bind(&sealed.details)
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

/// Retires the current value and appends `value` as the next version, inside
/// the caller's transaction. Returns the new version's number.
pub(crate) async fn append_value(
    conn: &mut sqlx::SqliteConnection,
    keys: &Keys,
    header: &Header,
    id: &ItemId,
    kind: ItemKind,
    now: i64,
    value: &str,
) -> Result<i64> {
    let (last,): (i64,) = sqlx::query_as("SELECT coalesce(max(seq), 0) FROM item_values WHERE item_id = ?")
        .bind(&id[..])
        .fetch_one(&mut *conn)
        .await?;
    let seq = last + 1;
    let blob = seal_value(keys, header, id, kind, seq, value)?;
    sqlx::query("UPDATE item_values SET retired_at = ? WHERE item_id = ? AND retired_at IS NULL")
        .bind(now)
        .bind(&id[..])
        .execute(&mut *conn)
        .await?;
    insert_value(conn, id, seq, now, None, &blob).await?;
    Ok(seq)
}

pub(crate) async fn insert_value(
    conn: &mut sqlx::SqliteConnection,
    id: &ItemId,
    seq: i64,
    created: i64,
    retired: Option<i64>,
    blob: &[u8],
) -> Result<()> {
    sqlx::query(
        "INSERT INTO item_values (item_id, seq, created_at, retired_at, value) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(&id[..])
    .bind(seq)
    .bind(created)
    .bind(retired)
    .bind(blob)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
