//! The agent's wire format: one JSON object per line each way. A connection
//! carries one request and its answer, except that a request for secrets may
//! be answered with a consent question, which the client answers on the same
//! connection.

use crate::consent::Decision;
use crate::items::ItemSummary;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// Bumped when a message changes meaning; client and agent must agree.
pub const PROTOCOL_VERSION: u32 = 1;
/// Longest line either side reads: a request for many secrets, or an answer
/// with many values, stays well under it.
pub const MAX_LINE: usize = 16 << 20;

/// One secret a client wants: an item and a field of it (`value` for the
/// value itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Want {
    pub item: String,
    pub field: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    Status,
    Unlock {
        password: Zeroizing<String>,
    },
    Lock,
    /// Stop the agent (it locks first).
    Quit,
    List {
        #[serde(default)]
        text: Option<String>,
        #[serde(default)]
        kind: Option<String>,
        #[serde(default)]
        tag: Option<String>,
    },
    /// Secrets, all or none. `for_program` is the program the tessera CLI
    /// will hand them to (`tessera run`); it is believed only from the CLI.
    Secrets {
        wants: Vec<Want>,
        #[serde(default)]
        for_program: Option<String>,
    },
    /// The user's answer to [`Response::AskConsent`].
    Answer {
        decision: Decision,
    },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum Response {
    Status {
        version: u32,
        unlocked: bool,
        vault: String,
        idle_lock_seconds: u64,
    },
    Done,
    Items {
        items: Vec<ItemSummary>,
        /// Items that could not be read, described (never their contents),
        /// so a client served by the agent warns as a direct read does.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        damaged: Vec<String>,
    },
    /// In the order asked for.
    Secrets {
        values: Vec<Zeroizing<String>>,
    },
    /// The program has no decision for these items yet: ask the user and
    /// send [`Request::Answer`].
    AskConsent {
        program: String,
        items: Vec<String>,
    },
    Error {
        code: String,
        message: String,
        /// Which of the wanted secrets failed, if one did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        want: Option<usize>,
    },
}

impl Response {
    pub fn error(e: &crate::Error) -> Self {
        Response::Error {
            code: e.code().to_owned(),
            message: e.to_string(),
            want: match e {
                crate::Error::Remote { want, .. } => *want,
                _ => None,
            },
        }
    }
}
