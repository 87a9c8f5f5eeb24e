//! tessera-core: the encrypted vault and every rule of the product.
//! No UI, no terminal, no printing: the CLI and the desktop shell are thin
//! adapters over this crate.
#![forbid(unsafe_code)]

pub mod audit;
pub mod crypto;
pub mod device;
pub mod error;
pub mod items;
pub mod keychain;
pub mod prefs;
pub mod rotation;
pub mod search;
pub mod store;
pub mod strength;
pub mod transfer;
pub mod vault;

pub use error::{Error, Result};
pub use items::{
    CustomField, Field, ItemDetails, ItemEdit, ItemKind, ItemMeta, ItemSummary, ItemView, NewItem,
    ValueVersion,
};
pub use search::{Filters, Index, Query};
pub use vault::{LockedVault, Vault};
pub use zeroize::Zeroizing;
