//! `certgen csr`: a key and a PKCS#10 request for an outside CA.

use std::path::PathBuf;

use anyhow::{Result, bail};

use certgen::issue::check_bundle_name;
use certgen::keys::check_format;
use certgen::store::{Mode, create_file};
use certgen::{KeyFormat, KeyType, PrivateKey, San, Subject};

use super::{Context, LeafKeyArgs, Status, output, refuse};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Common name.
    #[arg(long, required_unless_present = "subject")]
    cn: Option<String>,
    /// Full subject: /C=US/O=Example/CN=db1 or CN=db1,O=Example,C=US.
    #[arg(long)]
    subject: Option<String>,
    /// subjectAltNames to request (DNS, IP, email, URI); repeatable and comma-separated.
    #[arg(long, value_name = "NAME")]
    san: Vec<String>,
    #[command(flatten)]
    key: LeafKeyArgs,
    /// Where to write the key [default: CN-key.pem]. Must not exist.
    #[arg(long, value_name = "FILE")]
    out_key: Option<PathBuf>,
    /// Where to write the request [default: CN-req.pem]. Must not exist.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let mut subject = match &a.subject {
        Some(s) => Subject::parse(s)?,
        None => Subject::default(),
    };
    if let Some(cn) = &a.cn {
        subject.set_common_name(cn)?;
    }
    let sans = San::parse_list(&a.san)?;
    let key_type: KeyType = a.key.key_type.into();
    let key_format: KeyFormat = a.key.key_format.into();
    check_format(key_type, key_format)?;
    let cn = subject.common_name().unwrap_or("").to_string();
    let default_name = |suffix: &str| -> Result<PathBuf> {
        if check_bundle_name(&cn).is_err() {
            return Err(refuse(
                format!("the CN \"{cn}\" cannot name a file"),
                "give --out and --out-key",
            ));
        }
        Ok(PathBuf::from(format!("{cn}-{suffix}.pem")))
    };
    let out = match a.out {
        Some(p) => p,
        None => default_name("req")?,
    };
    let out_key = match a.out_key {
        Some(p) => p,
        None => default_name("key")?,
    };
    if out == out_key {
        bail!("--out and --out-key name the same file");
    }
    for p in [&out, &out_key] {
        if std::fs::symlink_metadata(p).is_ok() {
            return Err(certgen::Error::Exists(p.clone()).into());
        }
    }
    let key = PrivateKey::generate(key_type)?;
    let request = certgen::csr::create(&subject, &sans, &key)?;
    let key_pem = key.to_pem(key_format)?;
    create_file(&out_key, key_pem.as_bytes(), Mode::Secret)?;
    if let Err(e) = create_file(&out, request.as_bytes(), Mode::Public) {
        // The key was created a moment ago by this process and is useless alone.
        let _ = std::fs::remove_file(&out_key);
        return Err(e.into());
    }
    output::note(
        ctx.quiet,
        &format!("wrote {} and {}", out_key.display(), out.display()),
    );
    Ok(Status::Ok)
}
