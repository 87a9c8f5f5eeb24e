pub mod consent;
pub mod health;
pub mod items;
pub mod prefs;
pub mod session;
