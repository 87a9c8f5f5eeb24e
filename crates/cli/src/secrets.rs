//! Where passwords and values come from: files, standard input, or a prompt
//! without echo. Everything read here is held in zeroizing buffers.

use std::io::{IsTerminal, Read};
use std::path::Path;
use tessera_core::{Error, Result, Zeroizing};

/// Drops one trailing newline (`\n` or `\r\n`), as editors and `echo` add one.
fn chomp(mut s: Zeroizing<String>) -> Zeroizing<String> {
    if s.ends_with('\n') {
        s.pop();
        if s.ends_with('\r') {
            s.pop();
        }
    }
    s
}

pub fn read_file(path: &Path, what: &str) -> Result<Zeroizing<String>> {
    let bytes = Zeroizing::new(
        std::fs::read(path)
            .map_err(|e| Error::invalid(format!("cannot read the {what} file {}: {e}", path.display())))?,
    );
    let s =
        std::str::from_utf8(&bytes).map_err(|_| Error::invalid(format!("the {what} file is not UTF-8")))?;
    Ok(chomp(Zeroizing::new(s.to_owned())))
}

pub fn read_stdin_value() -> Result<Zeroizing<String>> {
    let mut buf = Zeroizing::new(Vec::new());
    std::io::stdin().read_to_end(&mut buf)?;
    let s =
        std::str::from_utf8(&buf).map_err(|_| Error::invalid("the value on standard input is not UTF-8"))?;
    Ok(chomp(Zeroizing::new(s.to_owned())))
}

fn prompt(label: &str) -> Result<Zeroizing<String>> {
    if !std::io::stderr().is_terminal() && !std::io::stdin().is_terminal() {
        return Err(Error::invalid(
            "no password given: use --password-file (or TESSERA_PASSWORD_FILE), or run in a terminal",
        ));
    }
    rpassword::prompt_password(label)
        .map(Zeroizing::new)
        .map_err(|e| Error::invalid(format!("cannot read the password: {e}")))
}

/// The master password: from the password file if given, else a prompt.
pub fn master_password(file: Option<&Path>) -> Result<Zeroizing<String>> {
    match file {
        Some(p) => read_file(p, "password"),
        None => prompt("Master password: "),
    }
}

/// A new password: from a file, or typed twice.
pub fn new_password(file: Option<&Path>, label: &str) -> Result<Zeroizing<String>> {
    if let Some(p) = file {
        return read_file(p, "password");
    }
    let first = prompt(&format!("{label}: "))?;
    let second = prompt(&format!("{label} again: "))?;
    if *first != *second {
        return Err(Error::invalid("the two passwords differ"));
    }
    Ok(first)
}
