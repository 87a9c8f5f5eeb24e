//! `tessera`: the command-line face of the vault. Each command parses its
//! input, calls one tessera-core function and renders the result.
#![forbid(unsafe_code)]

mod agent;
mod commands;
mod output;
mod prefs;
mod rotation;
mod run;
mod secrets;

use clap::{Args, Parser, Subcommand};
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "tessera",
    version,
    about = "A personal vault for API keys, tokens and secrets"
)]
pub struct Cli {
    /// Vault file [default: $XDG_DATA_HOME/tessera/vault.db]
    #[arg(long, global = true, env = "TESSERA_VAULT", value_name = "PATH")]
    pub vault: Option<PathBuf>,
    /// Read the master password from this file instead of prompting
    #[arg(long, global = true, env = "TESSERA_PASSWORD_FILE", value_name = "PATH")]
    pub password_file: Option<PathBuf>,
    /// Print machine-readable JSON
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Clone, Default)]
pub struct KdfArgs {
    /// Argon2id memory in MiB [default: 256]
    #[arg(long, value_name = "N")]
    pub kdf_memory_mib: Option<u32>,
    /// Argon2id passes [default: calibrated to about one second, at least 3]
    #[arg(long, value_name = "N")]
    pub kdf_iterations: Option<u32>,
    /// Argon2id lanes [default: 4]
    #[arg(long, value_name = "N")]
    pub kdf_parallelism: Option<u32>,
}

#[derive(Args, Clone)]
#[group(required = true, multiple = false)]
pub struct ValueSource {
    /// Read the value from standard input (one trailing newline is dropped)
    #[arg(long)]
    pub value_stdin: bool,
    /// Generate a random value
    #[arg(long)]
    pub generate: bool,
}

#[derive(Args, Clone)]
#[group(required = false, multiple = false)]
pub struct RotateSource {
    /// Read the new value from standard input (one trailing newline is dropped)
    #[arg(long)]
    pub value_stdin: bool,
    /// Generate a random value with the flags below, not the item's own generator
    #[arg(long)]
    pub generate: bool,
}

#[derive(Args, Clone, Default)]
pub struct PolicyArgs {
    /// Rotate at least every DAYS days
    #[arg(long, value_name = "DAYS")]
    pub max_age: Option<u32>,
    /// Warn this many days before expiry or a due rotation [default: 14]
    #[arg(long, value_name = "DAYS")]
    pub warn: Option<u32>,
    /// Keep the previous value available this many days after a rotation
    #[arg(long, value_name = "DAYS")]
    pub grace: Option<u32>,
    /// Where the service rotates this key (shown with reminders)
    #[arg(long, value_name = "URL")]
    pub rotate_url: Option<String>,
    /// Length of generated values (sets the item's generator)
    #[arg(long, value_name = "N")]
    pub gen_length: Option<usize>,
    /// Prefix of generated values, such as sk_live_
    #[arg(long, value_name = "P")]
    pub gen_prefix: Option<String>,
    /// alphanumeric, hex, base64url or symbols
    #[arg(long, value_name = "A")]
    pub gen_alphabet: Option<String>,
    /// A dash after every N generated characters (0: none)
    #[arg(long, value_name = "N")]
    pub gen_group: Option<usize>,
}

/// An OAuth 2.0 token: the value is the access token, and `tessera rotate`
/// refreshes it at the token endpoint.
#[derive(Args, Clone, Default)]
pub struct OAuthArgs {
    /// The token endpoint (https) of an OAuth 2.0 token
    #[arg(long, value_name = "URL", requires_all = ["client_id", "refresh_token_file"])]
    pub token_endpoint: Option<String>,
    /// The OAuth client id
    #[arg(long, value_name = "ID", requires = "token_endpoint")]
    pub client_id: Option<String>,
    /// A file holding the OAuth client secret (confidential clients)
    #[arg(long, value_name = "PATH", requires = "token_endpoint")]
    pub client_secret_file: Option<PathBuf>,
    /// A file holding the refresh token
    #[arg(long, value_name = "PATH")]
    pub refresh_token_file: Option<PathBuf>,
}

#[derive(Args, Clone)]
pub struct GeneratorArgs {
    /// Random characters to generate (after the prefix)
    #[arg(long, default_value_t = 40, value_name = "N")]
    pub length: usize,
    /// Text in front of the generated value, such as sk_live_
    #[arg(long, default_value = "", value_name = "P")]
    pub prefix: String,
    /// alphanumeric, hex, base64url or symbols
    #[arg(long, default_value = "alphanumeric", value_name = "A")]
    pub alphabet: String,
}

#[derive(Subcommand)]
pub enum Command {
    /// Create a new vault
    Init(KdfArgs),
    /// Add an item: api-key, token or secret
    Add {
        #[arg(value_name = "KIND")]
        kind: String,
        name: String,
        #[arg(long)]
        service: Option<String>,
        /// Environment variable name used by `run` and `inject`
        #[arg(long = "env", value_name = "VAR")]
        env_var: Option<String>,
        #[arg(long = "scope", value_name = "S")]
        scopes: Vec<String>,
        #[arg(long = "tag", value_name = "T")]
        tags: Vec<String>,
        /// Expiry date, YYYY-MM-DD (or RFC 3339)
        #[arg(long, value_name = "DATE")]
        expires: Option<String>,
        #[arg(long)]
        notes: Option<String>,
        #[arg(long)]
        username: Option<String>,
        #[arg(long)]
        url: Option<String>,
        #[command(flatten)]
        source: ValueSource,
        #[command(flatten)]
        generator: GeneratorArgs,
        #[command(flatten)]
        oauth: OAuthArgs,
    },
    /// Print an item's value (or another field) and a newline
    Get {
        name: String,
        /// value, username, url, notes, service, env, name, or a custom field
        #[arg(long, default_value = "value")]
        field: String,
        /// The value the last rotation retired, while its grace period lasts
        #[arg(long, conflicts_with = "field")]
        previous: bool,
    },
    /// List items, never their values
    List {
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        tag: Option<String>,
        #[arg(long)]
        search: Option<String>,
    },
    /// Show an item's metadata; the value stays hidden unless --reveal
    Show {
        name: String,
        #[arg(long)]
        reveal: bool,
    },
    /// Change an item's metadata
    Edit {
        name: String,
        #[arg(long = "name", value_name = "NEW_NAME")]
        new_name: Option<String>,
        #[arg(long)]
        service: Option<String>,
        #[arg(long = "env", value_name = "VAR")]
        env_var: Option<String>,
        /// Replace the scopes (repeat for several)
        #[arg(long = "scope", value_name = "S")]
        scopes: Vec<String>,
        /// Replace the tags (repeat for several)
        #[arg(long = "tag", value_name = "T")]
        tags: Vec<String>,
        #[arg(long, value_name = "DATE", conflicts_with = "no_expires")]
        expires: Option<String>,
        /// Remove the expiry date
        #[arg(long)]
        no_expires: bool,
        #[arg(long)]
        notes: Option<String>,
        #[arg(long)]
        username: Option<String>,
        #[arg(long)]
        url: Option<String>,
        /// Remove these fields: service, env, scopes, tags, notes, username, url
        #[arg(long = "clear", value_name = "FIELD")]
        clear: Vec<String>,
    },
    /// Delete an item and its history
    Rm {
        name: String,
        /// Do not ask for confirmation
        #[arg(long, short)]
        yes: bool,
    },
    /// Give an item a new value; the old one stays in its history.
    /// Without --value-stdin or --generate, the item's own generator is used.
    Rotate {
        name: String,
        #[command(flatten)]
        source: RotateSource,
        #[command(flatten)]
        generator: GeneratorArgs,
        /// Why, for the audit log
        #[arg(long, default_value = "")]
        reason: String,
        /// The new value's expiry date, YYYY-MM-DD [default: the old one, or a JWT's exp]
        #[arg(long, value_name = "DATE", conflicts_with = "no_expires")]
        expires: Option<String>,
        /// The new value does not expire
        #[arg(long)]
        no_expires: bool,
        /// For an OAuth token signed in again: its new refresh token (the
        /// access token comes with --value-stdin)
        #[arg(long, value_name = "PATH", requires = "value_stdin")]
        refresh_token_file: Option<PathBuf>,
    },
    /// Make an old value current again (appended as a new version)
    Restore {
        name: String,
        /// The version to bring back (see `tessera history`)
        version: i64,
    },
    /// Show or set an item's rotation policy
    Policy {
        name: String,
        #[command(flatten)]
        policy: PolicyArgs,
        /// Remove the policy (and the item's generator)
        #[arg(long, conflicts_with_all = ["max_age", "warn", "grace", "rotate_url", "gen_length", "gen_prefix", "gen_alphabet", "gen_group"])]
        clear: bool,
    },
    /// What needs attention: expired, expiring, overdue, never rotated, shared or weak values
    Status {
        /// Report values never rotated after this many days
        #[arg(long, default_value_t = 180, value_name = "DAYS")]
        never_rotated_days: u32,
    },
    /// Show every value an item has had
    History {
        name: String,
        #[arg(long)]
        reveal: bool,
    },
    /// Change the master password
    Passwd {
        #[arg(long, value_name = "PATH")]
        new_password_file: Option<PathBuf>,
        #[command(flatten)]
        kdf: KdfArgs,
    },
    /// Import dotenv, bitwarden (JSON), keepassxc (CSV) or tessera-backup files
    Import {
        format: String,
        file: PathBuf,
        /// Password of a tessera-backup file [default: the vault's password]
        #[arg(long, value_name = "PATH")]
        backup_password_file: Option<PathBuf>,
    },
    /// Write an encrypted backup of the whole vault
    Export {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Password for the backup [default: the vault's password]
        #[arg(long, value_name = "PATH")]
        backup_password_file: Option<PathBuf>,
    },
    /// Put the device secret from a recovery kit into this device's keyring
    RestoreDeviceSecret,
    /// Show the audit log; --verify checks its hash chain
    Audit {
        #[arg(long)]
        verify: bool,
    },
    /// Keep the vault unlocked for other commands (foreground; see `unlock`)
    Agent {
        /// Lock after this many seconds without a request
        #[arg(long, default_value_t = 900, value_name = "SECS")]
        idle_timeout: u64,
        /// Ask for the master password and start unlocked
        #[arg(long)]
        unlock: bool,
        /// Stop the running agent instead
        #[arg(long, conflicts_with = "unlock")]
        stop: bool,
    },
    /// Unlock the agent (starting it in the background if needed)
    Unlock {
        /// Lock after this many seconds without a request (for a new agent)
        #[arg(long, default_value_t = 900, value_name = "SECS")]
        idle_timeout: u64,
    },
    /// Lock the agent: it forgets the keys and every session decision
    Lock,
    /// Which programs may read which items through the agent
    Consent {
        #[command(subcommand)]
        action: ConsentAction,
    },
    /// Print the value a tessera://ITEM[/FIELD] reference points at, and a newline
    Read {
        /// tessera://ITEM[/FIELD]; write a space as %20 and a '/' in a name as %2F
        #[arg(value_name = "REF")]
        reference: String,
    },
    /// Run a command with the tessera:// references in its environment resolved
    ///
    /// Every variable whose whole value is a reference, in the environment or
    /// an env file, is resolved before the command starts; the values are
    /// masked in its output. Exits with the command's exit code (128 + the
    /// signal if a signal killed it).
    Run {
        /// A dotenv file of variables to set (repeat for several; later files win,
        /// and files win over the environment)
        #[arg(long = "env-file", value_name = "FILE")]
        env_files: Vec<PathBuf>,
        /// Pass the command's output through untouched instead of masking secrets
        #[arg(long)]
        no_masking: bool,
        /// The command and its arguments, after `--`
        #[arg(last = true, required = true, value_name = "CMD")]
        command: Vec<OsString>,
    },
    /// Render {{ tessera://... }} placeholders in a template
    Inject {
        /// The template file
        #[arg(short = 'i', long = "in", value_name = "TEMPLATE")]
        input: PathBuf,
        /// Write here (mode 0600, atomically) instead of to standard output
        #[arg(short = 'o', long = "out", value_name = "OUT")]
        output: Option<PathBuf>,
        /// Replace OUT if it exists
        #[arg(long, requires = "output")]
        force: bool,
    },
    /// Preferences: appearance, behaviour, privacy
    Prefs {
        #[command(subcommand)]
        command: PrefsCommand,
    },
    /// Persona profiles, each with its own appearance and filters
    Profile {
        #[command(subcommand)]
        command: ProfileCommand,
    },
}

#[derive(Subcommand)]
pub enum ConsentAction {
    /// List the lasting decisions (always and deny)
    List,
    /// Let PROGRAM read ITEM through the agent without asking
    Allow { program: PathBuf, item: String },
    /// Never let PROGRAM read ITEM through the agent
    Deny { program: PathBuf, item: String },
    /// Forget a decision (by its id from `consent list`); the program is asked again
    Revoke { id: String },
}

#[derive(Subcommand)]
pub enum PrefsCommand {
    /// Every key with its value, default and description
    List {
        /// Show the appearance of this profile [default: the active one]
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
    },
    /// Print one value, such as `tessera prefs get appearance.theme`
    Get {
        key: String,
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
    },
    /// Set one value, such as `tessera prefs set text_size 125%`
    Set {
        key: String,
        #[arg(allow_hyphen_values = true)]
        value: String,
        /// Set an appearance key of this profile [default: the active one]
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
    },
    /// Back to the default: everything, a section (appearance, behaviour, privacy) or one key
    Reset {
        target: Option<String>,
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
    },
    /// Write every preference and profile to a JSON file (no secrets)
    Export { file: PathBuf },
    /// Replace every preference and profile with a file's (all or nothing)
    Import { file: PathBuf },
}

#[derive(Subcommand)]
pub enum ProfileCommand {
    /// Every profile; the active one is marked
    List,
    /// Add a profile with the default appearance
    Create {
        name: String,
    },
    /// Make a profile the active one
    Switch {
        name: String,
    },
    Rename {
        old: String,
        new: String,
    },
    /// Delete a profile (not the last one)
    Delete {
        name: String,
    },
    /// Replace a profile's standing filters (none given: show everything)
    Filters {
        name: String,
        #[arg(long = "tag", value_name = "T")]
        tags: Vec<String>,
        #[arg(long = "kind", value_name = "K")]
        kinds: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error[io.failure]: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => ExitCode::from(code),
        // The reader closed the pipe: stop quietly, as `head` expects.
        Err(_) if output::STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error[{}]: {}", e.code(), e);
            ExitCode::from(1)
        }
    }
}
