//! `certgen csr`: a key and a PKCS#10 request for an outside CA.

use std::path::PathBuf;

use anyhow::{Result, bail};

use certgen::keys::check_format;
use certgen::request;
use certgen::store::{Mode, create_together};
use certgen::{KeyFormat, KeyType, PrivateKey};

use super::args::LeafKeyArgs;
use super::context::Context;
use super::errors::refuse;
use super::exit::Status;
use super::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Common name (ignored when --subject has a CN).
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
    let req = request::csr(a.cn.as_deref(), a.subject.as_deref(), &a.san)?;
    let key_type: KeyType = a.key.key_type.into();
    let key_format: KeyFormat = a.key.key_format.into();
    check_format(key_type, key_format)?;
    let files = req
        .files(a.out_key, a.out)
        .map_err(|e| refuse(e.to_string(), "give --out and --out-key"))?;
    let (out, out_key) = (files.request, files.key);
    if out == out_key {
        bail!("--out and --out-key name the same file");
    }
    for p in [&out, &out_key] {
        if std::fs::symlink_metadata(p).is_ok() {
            return Err(certgen::Error::Exists(p.clone()).into());
        }
    }
    let key = PrivateKey::generate(key_type)?;
    let request = certgen::csr::create(&req.subject, &req.sans, &key)?;
    let key_pem = key.to_pem(key_format)?;
    // The key is useless without its request: both are written, or neither.
    create_together(
        &[],
        &[
            (&out_key, key_pem.as_bytes(), Mode::Secret),
            (&out, request.as_bytes(), Mode::Public),
        ],
    )?;
    output::note(
        ctx.quiet,
        &format!("wrote {} and {}", out_key.display(), out.display()),
    );
    Ok(Status::Ok)
}
