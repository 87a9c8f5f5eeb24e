//! tessera-core: the encrypted vault and every rule of the product.
//! No UI, no terminal, no printing: the CLI and the desktop shell are thin
//! adapters over this crate.
#![forbid(unsafe_code)]

pub mod agent;
pub mod audit;
pub mod consent;
pub mod crypto;
pub mod device;
pub mod error;
pub mod health;
pub mod items;
pub mod jwt;
pub mod keychain;
pub mod oauth;
pub mod prefs;
pub mod refs;
pub mod rotation;
pub mod search;
pub mod store;
pub mod strength;
pub mod transfer;
pub mod vault;

pub use error::{Error, Result};
pub use items::{
    CustomField, Field, ItemDetails, ItemEdit, ItemKind, ItemMeta, ItemSummary, ItemView, NewItem, Rotation,
    ValueVersion,
};
pub use oauth::{HttpOptions, OAuthConfig, OAuthError, RefreshOutcome, TokenResponse};
pub use search::{Filters, Index, Query};
pub use vault::{LockedVault, Vault};
pub use zeroize::Zeroizing;
