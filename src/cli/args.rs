//! Option types several commands share, and the library values they stand for.

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, ValueEnum};

use certgen::index::Reason;
use certgen::kind::Kind;
use certgen::{KeyFormat, KeyType, Profile};

/// `--format` for commands that print what they made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// `server NAME | user USER`: which kind of bundle a command names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Server,
    User,
}

impl From<KindArg> for Kind {
    fn from(k: KindArg) -> Kind {
        match k {
            KindArg::Server => Kind::Server,
            KindArg::User => Kind::User,
        }
    }
}

/// `--reason`: a revocation reason by its RFC 5280 name, in either
/// spelling openssl reads.
pub fn reason_parser() -> impl TypedValueParser<Value = Reason> {
    PossibleValuesParser::new(Reason::ALL.map(Reason::rfc_name))
        .try_map(|s| Reason::from_name(&s).ok_or("unknown reason"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KeyTypeArg {
    Rsa2048,
    Rsa3072,
    Rsa4096,
    EcdsaP256,
    EcdsaP384,
    Ed25519,
}

impl From<KeyTypeArg> for KeyType {
    fn from(k: KeyTypeArg) -> KeyType {
        match k {
            KeyTypeArg::Rsa2048 => KeyType::Rsa2048,
            KeyTypeArg::Rsa3072 => KeyType::Rsa3072,
            KeyTypeArg::Rsa4096 => KeyType::Rsa4096,
            KeyTypeArg::EcdsaP256 => KeyType::EcdsaP256,
            KeyTypeArg::EcdsaP384 => KeyType::EcdsaP384,
            KeyTypeArg::Ed25519 => KeyType::Ed25519,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KeyFormatArg {
    /// BEGIN PRIVATE KEY (default)
    Pkcs8,
    /// BEGIN RSA PRIVATE KEY, for MySQL 5.x built with yaSSL
    Pkcs1,
    /// BEGIN EC PRIVATE KEY
    Sec1,
}

impl From<KeyFormatArg> for KeyFormat {
    fn from(k: KeyFormatArg) -> KeyFormat {
        match k {
            KeyFormatArg::Pkcs8 => KeyFormat::Pkcs8,
            KeyFormatArg::Pkcs1 => KeyFormat::Pkcs1,
            KeyFormatArg::Sec1 => KeyFormat::Sec1,
        }
    }
}

/// Key options shared by the commands that make leaf keys.
#[derive(Clone, Debug, Args)]
pub struct LeafKeyArgs {
    /// Key type of the new key.
    #[arg(long, value_enum, default_value_t = KeyTypeArg::Rsa2048)]
    pub key_type: KeyTypeArg,
    /// Encoding of the new key file.
    #[arg(long, value_enum, default_value_t = KeyFormatArg::Pkcs8)]
    pub key_format: KeyFormatArg,
}

impl LeafKeyArgs {
    /// The library's options for a batch of `kind` bundles with these keys.
    pub fn batch(&self, kind: certgen::kind::Kind, force: bool) -> certgen::issue::BatchOptions {
        certgen::issue::BatchOptions {
            kind,
            key_type: self.key_type.into(),
            key_format: self.key_format.into(),
            force,
        }
    }
}

/// Key options of the commands whose `--force` keeps what it replaces
/// (`issue-server`, `issue-client`): a flag left out is not said, so the
/// replaced key's type and format are kept.
#[derive(Clone, Debug, Args)]
pub struct ReplacingKeyArgs {
    /// Key type of the new key [default: rsa2048; with --force: the replaced key's].
    #[arg(long, value_enum)]
    pub key_type: Option<KeyTypeArg>,
    /// Encoding of the new key file [default: pkcs8; with --force: the replaced key file's].
    #[arg(long, value_enum)]
    pub key_format: Option<KeyFormatArg>,
}

impl ReplacingKeyArgs {
    /// The type and format of a key made without anything to keep.
    pub fn or_default(&self) -> (KeyType, KeyFormat) {
        (
            self.key_type.unwrap_or(KeyTypeArg::Rsa2048).into(),
            self.key_format.unwrap_or(KeyFormatArg::Pkcs8).into(),
        )
    }

    /// What the command line says, for [`certgen::lifecycle::order_for`].
    pub fn said(&self) -> certgen::lifecycle::RenewOptions {
        certgen::lifecycle::RenewOptions {
            key_type: self.key_type.map(Into::into),
            key_format: self.key_format.map(Into::into),
            ..Default::default()
        }
    }
}

/// `--profile` of `sign` and `renew`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProfileArg {
    /// serverAuth
    Server,
    /// clientAuth
    Client,
    /// serverAuth and clientAuth, for cluster nodes
    ServerClient,
}

impl From<ProfileArg> for Profile {
    fn from(p: ProfileArg) -> Profile {
        match p {
            ProfileArg::Server => Profile::Server,
            ProfileArg::Client => Profile::Client,
            ProfileArg::ServerClient => Profile::ServerClient,
        }
    }
}

/// How `deploy --to HOST:DIR`, `rollout` and `status --inventory` reach
/// other machines.
#[derive(Args, Debug, Clone)]
pub struct SshArgs {
    /// The ssh command and its options, as rsync's -e takes it ("ssh -F ./ssh_config");
    /// BatchMode=yes is added: nothing prompts.
    #[arg(
        long,
        value_name = "COMMAND",
        env = "CERTGEN_SSH",
        default_value = "ssh"
    )]
    ssh_command: String,
    /// How long each host's shared connection stays open after certgen's last session on it,
    /// in seconds, so that the next command reuses it (0: no sharing of certgen's own). Where
    /// the ssh configuration sets ControlMaster or ControlPath for a host, that is used instead;
    /// `ControlMaster no` cannot be told from no setting, so turn certgen's off with 0.
    #[arg(long, value_name = "SECONDS", env = "CERTGEN_SSH_PERSIST", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(0..=86_400))]
    ssh_persist: u64,
}

impl SshArgs {
    /// The ssh client these options describe.
    pub fn ssh(&self) -> certgen::Result<certgen::ssh::Ssh> {
        Ok(certgen::ssh::Ssh::from_command(&self.ssh_command)?.sharing(self.ssh_persist))
    }
}
