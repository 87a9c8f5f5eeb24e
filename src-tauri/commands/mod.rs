pub mod items;
pub mod prefs;
pub mod session;
