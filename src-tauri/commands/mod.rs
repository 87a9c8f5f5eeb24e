pub mod consent;
pub mod items;
pub mod session;
