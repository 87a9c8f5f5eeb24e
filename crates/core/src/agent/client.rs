//! The client side of the agent's socket, for the CLI.

use super::protocol::{Request, Response, MAX_LINE};
use crate::error::{Error, Result};
use std::path::Path;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixStream;
use zeroize::Zeroizing;

pub struct AgentClient {
    conn: BufReader<UnixStream>,
}

impl AgentClient {
    /// Connects to a running agent; `None` when none listens there.
    pub async fn connect(socket: &Path) -> Result<Option<AgentClient>> {
        match UnixStream::connect(socket).await {
            Ok(s) => Ok(Some(AgentClient {
                conn: BufReader::new(s),
            })),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    pub async fn send(&mut self, request: &Request) -> Result<()> {
        let mut bytes = Zeroizing::new(serde_json::to_vec(request).map_err(|e| Error::Io(e.to_string()))?);
        bytes.push(b'\n');
        self.conn
            .get_mut()
            .write_all(&bytes)
            .await
            .map_err(|e| Error::AgentLost(e.to_string()))
    }

    /// The next response. The agent going away mid-request is
    /// `agent.lost`; an error it sends back keeps its code.
    pub async fn receive(&mut self) -> Result<Response> {
        let mut line = Zeroizing::new(Vec::new());
        let n = (&mut self.conn)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .await
            .map_err(|e| Error::AgentLost(e.to_string()))?;
        if n == 0 || !line.ends_with(b"\n") {
            return Err(Error::AgentLost(
                "the agent closed the connection before answering".into(),
            ));
        }
        let r: Response = serde_json::from_slice(&line)
            .map_err(|_| Error::AgentLost("the agent sent something unreadable".into()))?;
        match r {
            Response::Error { code, message, want } => Err(Error::Remote {
                code: crate::error::known_code(&code),
                message,
                want,
            }),
            other => Ok(other),
        }
    }

    pub async fn call(&mut self, request: &Request) -> Result<Response> {
        self.send(request).await?;
        self.receive().await
    }
}
