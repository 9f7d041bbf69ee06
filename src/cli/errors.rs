//! How a failed command reaches the user: one `certgen: error: ...` line with
//! the whole cause chain, and a `hint:` line when the fix is obvious. The
//! library states what failed; the command-line wording of a fix is here.

use certgen::error::Expected;
use certgen::{Error, KeyFormat};

use super::output::sanitize_line;

/// Prints an error line and an optional hint on stderr, coloured when asked.
pub fn print_error(color: bool, message: &str, hint: Option<&str>) {
    let (prefix, hint_prefix) = if color {
        ("\x1b[1;31merror:\x1b[0m", "\x1b[1;36mhint:\x1b[0m")
    } else {
        ("error:", "hint:")
    };
    eprintln!("certgen: {prefix} {}", sanitize_line(message));
    if let Some(hint) = hint {
        eprintln!("{hint_prefix} {}", sanitize_line(hint));
    }
}

/// Prints a `hint:` line on its own, after a result that is not an error.
pub fn print_hint(hint: &str) {
    eprintln!("hint: {}", sanitize_line(hint));
}

/// Whether the error is a closed stdout (`certgen list | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    let pipe = Some(std::io::ErrorKind::BrokenPipe);
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().map(std::io::Error::kind) == pipe
            || e.downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == pipe
    })
}

/// An error the command line itself found, with the fix to suggest.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Refusal {
    message: String,
    hint: String,
}

/// Refuses with a message and a hint.
pub fn refuse(message: impl Into<String>, hint: impl Into<String>) -> anyhow::Error {
    Refusal {
        message: message.into(),
        hint: hint.into(),
    }
    .into()
}

/// A `hint:` line for errors with an obvious fix. `command` is the
/// subcommand that failed: some fixes depend on it.
pub fn hint(err: &anyhow::Error, command: &str) -> Option<String> {
    if let Some(r) = err.chain().find_map(|c| c.downcast_ref::<Refusal>()) {
        return Some(r.hint.clone());
    }
    let e = err.chain().find_map(|c| c.downcast_ref::<Error>())?;
    library_hint(e, command)
}

/// The option naming the directory `command` writes outside the PKI
/// directory, if it writes one.
fn written_dir_option(command: &str) -> Option<&'static str> {
    match command {
        "deploy" => Some("--to"),
        "keystore" => Some("--out"),
        _ => None,
    }
}

fn library_hint(e: &Error, command: &str) -> Option<String> {
    match e {
        // Never --force here: it would give a revoked user a certificate again.
        Error::BundleRevoked { kind, name, .. } => {
            let account = match kind {
                certgen::kind::Kind::User => " and prints the change to the account",
                certgen::kind::Kind::Server => "",
            };
            return Some(format!(
                "a revoked certificate is not renewed; if the {noun} gets no certificate any more, `certgen retire {noun} {name}` archives the bundle{account}",
                noun = kind.noun()
            ));
        }
        Error::BundleSuperseded { kind, name, .. } => {
            return Some(format!(
                "the bundle was put back after another certificate replaced it (`certgen list` shows the valid one); `certgen retire {} {name}` archives it",
                kind.noun()
            ));
        }
        _ => {}
    }
    // The directory a command writes outside the PKI directory, and its option.
    if let Some(out) = written_dir_option(command) {
        let hint = match e {
            Error::InsidePki { .. } => Some(format!(
                "{out} is the directory the server, client or application reads, outside the PKI directory"
            )),
            Error::MissingParent { .. } => {
                Some(format!("create it first, or choose another {out}"))
            }
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::PermissionDenied => {
                Some(format!(
                    "{command} reads the PKI directory and writes {out}: run it as a user who may do both, usually root"
                ))
            }
            // The link may be the directory written, or in the PKI directory.
            Error::Symlink(_) => Some(format!(
                "certgen does not write through links: point {out} (or --dir, for a link in the PKI directory) at the real directory"
            )),
            _ => None,
        };
        if hint.is_some() {
            return hint;
        }
    }
    if let Error::KeptFromOtherCa { kind, name, ca, .. } = e {
        let issue = match kind {
            certgen::kind::Kind::Server => "issue-server",
            certgen::kind::Kind::User => "issue-client",
        };
        return Some(match ca {
            Some(_) => format!(
                "`certgen {issue} {name} --force` reissues it under this CA and keeps its names, subject and lifetime; `setup --force` reissues every bundle setup names"
            ),
            None => "restore the CA that issued it, or pass --force to reissue the bundles setup names under the CA it creates".to_string(),
        });
    }
    let text = match e {
        Error::Exists(_) => match command {
            "csr" => "csr never overwrites: choose another --out or --out-key",
            "sign" => {
                "sign never overwrites: choose another --out, or leave it out to print the certificate"
            }
            "init-ca" => {
                "pass --force to move the existing CA to old_keys/<timestamp>/ and replace it"
            }
            "keystore" => {
                "keystore never replaces files: write to another directory, or move the existing files away first"
            }
            _ => {
                "pass --force to move the existing files to old_keys/<timestamp>/ and replace them"
            }
        },
        Error::NoCa(dir) if command == "init-ca" => {
            return Some(format!(
                "make the parent CA first (`certgen --dir {} init-ca`), or point --parent at the parent CA's directory",
                dir.display()
            ));
        }
        Error::NoCa(dir) => {
            return Some(format!(
                "run `certgen --dir {} init-ca` first, or point --dir (or CERTGEN_DIR) at your PKI directory",
                dir.display()
            ));
        }
        Error::KeyMismatch { .. } | Error::NotIssuedBy { .. } | Error::IncompleteBundle(_)
            if command == "deploy" =>
        {
            "issue the bundle again with issue-server or issue-client --force, then deploy it"
        }
        Error::NoBundle { .. } if command == "retire" => {
            "`certgen list` shows the bundles this CA issued, by file (servers/NAME, users/NAME)"
        }
        Error::NoBundle { .. } => {
            "`certgen list` shows the bundles; make one with issue-server or issue-client"
        }
        Error::CertRevoked { .. } => {
            "if the server or user keeps a certificate, issue a new bundle in its place with issue-server or issue-client --force and deploy that; if not, `certgen retire` archives the bundle"
        }
        Error::CertExpired { .. } => {
            "`certgen renew NAME` issues a new certificate with the same names; then deploy it"
        }
        Error::NotInIndex(_) if command == "deploy" => {
            "this CA's index does not record the bundle's certificate; check --dir, or issue the bundle again with --force"
        }
        Error::OutDirChanged { .. } => {
            "run it again; for a directory in another user's home, make it (or its parent) root's until the files are written"
        }
        Error::OutDirShared { .. } => {
            "give each bundle a directory of its own: {user} (or {server}) in --out, and no `..` after it"
        }
        Error::UnknownUser(_) | Error::UnknownGroup(_) => {
            "create it first (useradd, groupadd), or give a numeric id"
        }
        Error::ChownNotPermitted { .. } => "run deploy as root, or leave out --owner",
        Error::BadJournal { .. } => {
            "someone who may write that directory planted or damaged it: inspect it, then remove it"
        }
        Error::UnsafeDeployDir { .. } => {
            "give the directory and those above it to root or the directory's owner, without group or other write access (see docs/deploy.md)"
        }
        Error::OwnerNotDirOwner { .. } => {
            "leave out --owner, or give --owner the directory's owner and one of their groups"
        }
        Error::Locked { .. } => {
            "wait for the other deploy to finish; if none runs, whoever holds the lock file is not certgen"
        }
        Error::KeyMismatch { .. } => {
            "the CA's key and certificate must be a pair; restore the right key from old_keys/ or a backup"
        }
        Error::Io { source, .. } if source.kind() == std::io::ErrorKind::PermissionDenied => {
            "check the directory's owner and permissions, or choose another --dir"
        }
        Error::Symlink(_) => "remove the link, or point --dir at the real directory",
        Error::CaReplaced => "run the command again",
        Error::WouldOrphan { .. } => {
            "to replace a CA that still vouches for certificates without downtime, use `certgen rotate-ca` (see docs/rotation.md)"
        }
        Error::RotateIntermediate(_) => {
            "make a new intermediate in another directory with `certgen init-ca --intermediate --parent DIR`, and issue there"
        }
        Error::RotationInProgress(_) => {
            "finish it first: `certgen renew --all`, then `certgen rotate-ca --finish`"
        }
        Error::NoRotation(_) => "`certgen rotate-ca` starts one",
        Error::StillChainsToOld { .. } => {
            "renew the bundles (servers/, users/) with `certgen renew --all`; re-sign the others (`certgen sign`, intermediate CAs) with the new CA or revoke them (`certgen revoke --serial HEX --reason superseded`); then run `certgen rotate-ca --finish` again"
        }
        Error::ParentIsSelf { .. } => {
            "--parent must be another PKI directory than --dir: the root CA's directory"
        }
        Error::NoPassphrase { .. } => {
            "give the CA key's passphrase with --passphrase-file FILE or CERTGEN_CA_PASSPHRASE, or run certgen at a terminal to be asked"
        }
        Error::EncryptedNeedsPkcs8(_) => "leave out --key-format: an encrypted key is PKCS#8",
        Error::NotEncrypted { .. } => "`certgen ca passphrase` without --remove encrypts it",
        Error::EncryptedKey { .. } => "decrypt it first: openssl pkey -in KEY -out PLAIN",
        Error::Malformed {
            expected: Expected::PrivateKey,
            ..
        } => "certgen reads private keys as PEM, or as DER in PKCS#8, PKCS#1 or SEC1 form",
        Error::KeyFormatMismatch {
            format: KeyFormat::Pkcs1,
            ..
        } => "choose an RSA --key-type (rsa2048, rsa3072, rsa4096), or --key-format pkcs8",
        Error::KeyFormatMismatch {
            format: KeyFormat::Sec1,
            ..
        } => "choose --key-type ecdsa-p256 or ecdsa-p384, or --key-format pkcs8",
        Error::LeafIsCa => {
            "an intermediate CA is made with `certgen --dir NEWDIR init-ca --intermediate --parent DIR`"
        }
        Error::PathLen { limit: 0, .. } => {
            "make the intermediate under a CA created with --path-len 1 or more"
        }
        Error::PathLen { limit, .. } => {
            return Some(format!("pass --path-len {} or less", limit - 1));
        }
        Error::ValidityNotPositive { .. } | Error::ValidityTooLong { .. } => {
            "--days takes a number of days, or 30d, 2w, 12h: more than zero, at most 100 years"
        }
        Error::CaExpired { .. } => {
            "make a new CA with `certgen init-ca --force` (the old one moves to old_keys/), then reissue the certificates"
        }
        Error::CaNotYetValid { .. } => "check this machine's clock",
        Error::SubjectIsCa { .. } if command == "sign" => {
            "the CSR's subject must differ from the CA's; make a new CSR with another CN"
        }
        Error::SubjectIsCa { .. } => "give the certificate another CN (or --subject) than the CA's",
        Error::DuplicateName(_) => "name each server or user once",
        Error::NoServerName { .. } if command == "setup" => {
            "the first --host must be a DNS name or IP address clients connect to: it names the server"
        }
        Error::NoServerName { .. } => "give the names clients connect to with --san",
        Error::CsrWithoutNames => "give them with --san",
        Error::CsrNamesNoOne => {
            "make a new CSR with the user's name as CN, or give a name with --san"
        }
        Error::CnInClientSubject => "leave CN out of --subject; each certificate gets CN=USER",
        Error::InvalidName {
            what: "host name", ..
        } => "give the names clients connect to, e.g. --host db1.example.com,10.0.0.5",
        Error::InvalidName {
            what: "TLS account",
            ..
        } => "leave it out of --tls-account",
        Error::InvalidName { what: "name", .. } => {
            "server and user names are letters, digits and . _ - @ * : + =, not starting with . or -"
        }
        Error::BadCsrSignature => "ask for the CSR again: it changed after it was signed",
        Error::NotInIndex(_) => {
            "`certgen list` shows the serials this CA issued; check --dir (or CERTGEN_DIR)"
        }
        Error::NoSuchBundle(_) if command == "renew" => {
            "`certgen list` shows the bundles this CA issued, by file (servers/NAME, users/NAME)"
        }
        Error::NotIssuedHere { .. } => {
            "renew re-issues only this CA's certificates: if the bundle is still used, replace it with issue-server or issue-client --force; a bundle of a CA rotated out that nothing uses is archived with `certgen retire`"
        }
        Error::NoSuchBundle(_) => {
            "`certgen list` shows what this CA issued; revoke a certificate without a bundle with --serial"
        }
        Error::NoDeployedCertificate { .. } | Error::SeveralDeployedCertificates { .. } => {
            "name the certificate file the server reads: --deployed FILE"
        }
        Error::AlreadyRevoked { reason, .. }
            if !reason
                .as_deref()
                .is_some_and(|r| r.eq_ignore_ascii_case("keyCompromise")) =>
        {
            "nothing to do; `certgen crl` writes a CRL that lists it (if its key leaked, revoke it with --reason keyCompromise: that keeps its date and revokes the bundle's other certificates of the key)"
        }
        Error::AlreadyRevoked { .. } => "nothing to do; `certgen crl` writes a CRL that lists it",
        Error::BadRevocation { .. } => {
            "fix the line's revocation field (YYMMDDHHMMSSZ,reason), as `openssl ca -revoke` writes it"
        }
        Error::CrlLacksCa { .. } | Error::CrlNotCurrent { .. } => {
            "run `certgen crl` (it writes a current CRL of each CA certificates may chain to), then deploy again"
        }
        Error::NoOldCaKey { .. } => {
            "rotate-ca archived the old CA's key and certificate as old_keys/<time>/ca-key.pem and ca-cert.pem: copy them to ca-old-key.pem (mode 0600) and ca-old-cert.pem in the PKI directory"
        }
        Error::BadSerialList { .. } => {
            "the file holds one serial a line, in hex, as rotate-ca --finish writes it; fix the line"
        }
        Error::BadCrlNumber { .. } => {
            "the file holds the next CRL number in hex (e.g. 01); fix or remove it"
        }
        Error::CriticalAboveWarning { .. } => "--crit must not be longer than --warn",
        Error::NoSqlAccounts { target: "postgres" } => {
            "the pg_hba.conf cert lines config prints require each user's certificate"
        }
        Error::NoSqlAccounts { .. } => "leave --require out",
        Error::RequireUnsupported { .. } => {
            "use --require x509: any certificate of the CA the server trusts (config singlestore --require x509 also sets ssl_ca_for_client_cert)"
        }
        Error::UnsafeConfigValue { what, .. } if what == "user" => {
            "leave that user out, or give it its own settings by hand"
        }
        Error::UnsafeConfigValue { .. } => {
            "keep the files (--dir, --deploy-dir or --client-deploy-dir) under a path that file can hold"
        }
        _ => return None,
    };
    Some(text.to_string())
}
