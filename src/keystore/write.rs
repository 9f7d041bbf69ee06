//! Writing what [`super::prepare`] checked: the stores of every bundle of
//! a batch encoded on every core, then all files created together, with a
//! few syncs for the whole batch (`store::create_together`).

use std::path::PathBuf;

use rayon::prelude::*;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::cert::CertSummary;
use crate::error::{Error, Result};
use crate::index::Index;
use crate::kind::Kind;
use crate::store::{self, Mode, Perms};

use super::pkcs12::{Password, Profile, Sealer};
use super::prepare::{Prepared, recheck_out_dir};

/// What a written file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Keystore,
    Truststore,
    Pk8,
}

/// One file written.
#[derive(Clone, Debug)]
pub struct WrittenFile {
    pub role: Role,
    pub path: PathBuf,
    /// Permission bits.
    pub mode: u32,
}

/// A certificate in a store, under its alias.
#[derive(Clone, Debug)]
pub struct Entry {
    pub alias: String,
    pub certificate: CertSummary,
}

/// What [`write`] wrote for one bundle.
#[derive(Clone, Debug)]
pub struct Written {
    pub kind: Kind,
    pub name: String,
    pub profile: Profile,
    pub certificate: CertSummary,
    /// The key entry's alias.
    pub alias: String,
    /// The key entry's chain: the bundle's certificate, then its issuers.
    pub chain: Vec<CertSummary>,
    /// The truststore's entries.
    pub trusted: Vec<Entry>,
    /// The CA file the truststore was made from.
    pub ca_file: PathBuf,
    pub dir: PathBuf,
    pub created_dir: bool,
    /// Keystore, truststore, `.pk8`, in that order.
    pub files: Vec<WrittenFile>,
}

/// A truststore entry: alias and DER certificate.
type Trusted = (String, Vec<u8>);

/// The files of one bundle, encoded.
struct Encoded {
    keystore: Vec<u8>,
    /// Which of the batch's truststores.
    truststore: usize,
    pk8: Zeroizing<Vec<u8>>,
}

const MODES: [Mode; 3] = [Mode::Secret, Mode::Public, Mode::Secret];
const ROLES: [Role; 3] = [Role::Keystore, Role::Truststore, Role::Pk8];

/// Writes the keystore, the truststore and the `.pk8` key [`super::prepare`]
/// checked, protected by `password`: all three, or none.
pub fn write(prepared: Prepared, password: &Password, now: OffsetDateTime) -> Result<Written> {
    write_all(vec![prepared], password, now, &|| {})?
        .pop()
        .ok_or_else(|| Error::Pkcs12 {
            what: "keystore",
            source: "nothing was written".into(),
        })
}

/// Writes the files of every bundle of `prepared`, all protected by
/// `password`: all of them, or none. The keys derived from the password
/// are derived once for the batch ([`Sealer`]). Bundles that trust the
/// same CA certificates under the same aliases, in the same profile, get
/// the same truststore, encoded once: one password and one content make one
/// file, whoever holds a copy. `progress` is called as each bundle is
/// encoded.
pub fn write_all(
    prepared: Vec<Prepared>,
    password: &Password,
    now: OffsetDateTime,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Written>> {
    // One run, one profile, in practice; but each bundle says its own.
    let mut sealers: Vec<Sealer> = Vec::new();
    let sealer_of: Vec<usize> = prepared
        .iter()
        .map(
            |p| match sealers.iter().position(|s| s.profile() == p.profile) {
                Some(i) => Ok(i),
                None => {
                    sealers.push(Sealer::new(password, p.profile)?);
                    Ok(sealers.len() - 1)
                }
            },
        )
        .collect::<Result<_>>()?;
    let mut trusts: Vec<(&[Trusted], usize)> = Vec::new();
    let trust_of: Vec<usize> = prepared
        .iter()
        .zip(&sealer_of)
        .map(|(p, &sealer)| {
            let this = (p.trusted.as_slice(), sealer);
            trusts.iter().position(|t| *t == this).unwrap_or_else(|| {
                trusts.push(this);
                trusts.len() - 1
            })
        })
        .collect();
    let encode = |((p, &truststore), &sealer): ((&Prepared, &usize), &usize)| -> Result<Encoded> {
        let pk8 = p.key.to_pkcs8_der()?;
        let encoded = Encoded {
            keystore: sealers[sealer].key_store(&p.alias, &pk8, &p.chain)?,
            truststore,
            pk8,
        };
        progress();
        Ok(encoded)
    };
    let (truststores, encoded): (Result<Vec<Vec<u8>>>, Result<Vec<Encoded>>) = rayon::join(
        || {
            trusts
                .par_iter()
                .map(|&(t, sealer)| sealers[sealer].trust_store(t))
                .collect()
        },
        || {
            prepared
                .par_iter()
                .zip(&trust_of)
                .zip(&sealer_of)
                .map(encode)
                .collect()
        },
    );
    let (truststores, encoded) = (truststores?, encoded?);

    // The index may have changed while a password was asked for.
    if let Some(first) = prepared.first() {
        let index = Index::load(&first.index)?;
        for p in &prepared {
            index.check_current(&p.cert_what, &p.certificate, now)?;
        }
    }
    // So may the directories.
    prepared.iter().try_for_each(recheck_out_dir)?;
    let perms = Perms {
        uid: None,
        gid: None,
        mode: 0o755,
    };
    let dirs: Vec<_> = prepared
        .iter()
        .filter(|p| p.created_dir)
        .map(|p| (p.out.as_path(), perms))
        .collect();
    let mut files = Vec::with_capacity(3 * prepared.len());
    for (p, e) in prepared.iter().zip(&encoded) {
        let contents: [&[u8]; 3] = [&e.keystore, &truststores[e.truststore], &e.pk8];
        for ((path, content), mode) in p.paths.iter().zip(contents).zip(MODES) {
            files.push((path.as_path(), content, mode));
        }
    }
    store::create_together(&dirs, &files)?;
    drop(encoded);
    Ok(prepared.into_iter().map(written).collect())
}

/// The report of one bundle written.
fn written(p: Prepared) -> Written {
    let files = ROLES
        .into_iter()
        .zip(p.paths)
        .zip(MODES)
        .map(|((role, path), mode)| WrittenFile {
            role,
            path,
            mode: mode.bits(),
        })
        .collect();
    Written {
        kind: p.kind,
        name: p.name,
        profile: p.profile,
        chain: p.chain_summaries,
        trusted: p
            .trusted
            .into_iter()
            .zip(p.trusted_summaries)
            .map(|((alias, _), certificate)| Entry { alias, certificate })
            .collect(),
        certificate: p.certificate,
        alias: p.alias,
        ca_file: p.ca_file,
        dir: p.out,
        created_dir: p.created_dir,
        files,
    }
}
