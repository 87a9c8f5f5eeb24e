//! Errors as the UI receives them: `{code, message}`, never a secret.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ErrorPayload {
    pub code: String,
    pub message: String,
}

impl From<tessera_core::Error> for ErrorPayload {
    fn from(e: tessera_core::Error) -> Self {
        Self {
            code: e.code().to_owned(),
            message: e.to_string(),
        }
    }
}

impl ErrorPayload {
    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            code: "input.invalid".into(),
            message: message.into(),
        }
    }
    pub fn locked() -> Self {
        tessera_core::Error::Locked.into()
    }
}

pub type CmdResult<T> = Result<T, ErrorPayload>;
