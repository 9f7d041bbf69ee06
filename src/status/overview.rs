//! Reading a whole PKI directory into one [`PkiStatus`]: every file once,
//! the bundles' certificates in parallel, and again when a writer changed
//! the directory meanwhile, so that a renewal running at the same time is
//! seen before or after, never half done.

use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::time::Duration;

use rayon::prelude::*;
use time::OffsetDateTime;

use super::bundles::{BundleRow, Judge, State};
use super::ca::{CaCert, Changeover, Issuer, Role};
use super::crls::{CrlFile, revoked};
use super::verdict::Verdict;
use crate::error::{Error, Result};
use crate::expiry::Thresholds;
use crate::index::Index;
use crate::pki::{Roots, retired_serials};
use crate::store::{self, Store};

/// How to judge what is read.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// check-expiry's `--warn` and `--crit`.
    pub thresholds: Thresholds,
    pub now: OffsetDateTime,
    /// Whether each bundle's row carries its certificate's whole summary
    /// (names, key, usages, fingerprints), which costs a full parse.
    pub summaries: bool,
}

/// The whole directory.
#[derive(Clone, Debug)]
pub struct PkiStatus {
    pub dir: PathBuf,
    pub checked_at: OffsetDateTime,
    pub thresholds: Thresholds,
    pub ca: CaCert,
    /// Whether the CA is an intermediate (`ca-chain.pem` holds its chain).
    pub intermediate: bool,
    /// A CA changeover in progress.
    pub changeover: Option<Changeover>,
    /// The CRL file, when there is one.
    pub crl: Option<CrlFile>,
    /// Every bundle, servers first, each kind by name.
    pub bundles: Vec<BundleRow>,
}

impl PkiStatus {
    /// Every verdict that raises the status: the CA's, the changeover's,
    /// the CRL file's and the bundles'.
    pub fn problems(&self) -> impl Iterator<Item = &Verdict> {
        self.ca
            .problems()
            .chain(self.changeover.iter().flat_map(Changeover::problems))
            .chain(self.crl.iter().flat_map(CrlFile::problems))
            .chain(self.bundles.iter().flat_map(BundleRow::problems))
    }

    /// How many bundles are in `state`.
    pub fn count(&self, state: State) -> usize {
        self.bundles.iter().filter(|b| b.state == state).count()
    }
}

/// Times the directory is read before what was read is returned as it is,
/// and how long to wait before the second reading (doubled each time).
const READINGS: u32 = 5;
const FIRST_WAIT: Duration = Duration::from_millis(20);

/// Reads the PKI directory of `store` as `options` say. Errors: no CA, a CA
/// certificate, index or retired-serial list that cannot be read. Bundles
/// and a CRL file that cannot be read are UNKNOWN rows.
pub fn read(store: &Store, options: &Options) -> Result<PkiStatus> {
    store.recover()?;
    if !store.has_ca() {
        return Err(Error::NoCa(store.root().to_path_buf()));
    }
    let mut wait = FIRST_WAIT;
    let mut reading = 1;
    loop {
        let before = Stamp::of(store);
        let status = read_once(store, options)?;
        if (before.settled() && Stamp::of(store) == before) || reading == READINGS {
            return Ok(status);
        }
        std::thread::sleep(wait);
        wait *= 2;
        reading += 1;
    }
}

fn read_once(store: &Store, o: &Options) -> Result<PkiStatus> {
    let (thresholds, now) = (o.thresholds, o.now);
    let roots = Roots::read(store)?;
    let ca_path = store.ca_cert();
    let ca_der = roots
        .ca
        .first()
        .ok_or_else(|| Error::io("reading", &ca_path)(std::io::ErrorKind::NotFound.into()))?;
    let ca = CaCert::judged(
        Role::Ca,
        &ca_path.display().to_string(),
        ca_der,
        thresholds,
        now,
    )?;
    let index = Index::load(&store.index())?;
    let crl = CrlFile::read(store, &roots, &revoked(&index.entries), thresholds, now)?;
    let mut changeover = Changeover::read(store, &roots, crl.is_some(), thresholds, now)?;
    let retired = retired_serials(store)?;
    let old: Vec<Vec<u8>> = roots.old().map(<[u8]>::to_vec).collect();
    let judge = Judge::new(
        &index.entries,
        &roots.ca,
        &old,
        &retired,
        thresholds,
        now,
        o.summaries,
    );
    let bundles: Vec<BundleRow> = crate::bundle::all(store)?
        .into_par_iter()
        .map(|id| judge.row(store, id))
        .collect();
    if let Some(c) = &mut changeover {
        c.on_old_ca = bundles
            .iter()
            .filter(|b| {
                b.leaf
                    .as_ref()
                    .is_some_and(|l| l.issued_by == Issuer::OldCa)
                    && matches!(b.state, State::Valid | State::Expiring | State::NotYetValid)
            })
            .count();
    }
    Ok(PkiStatus {
        dir: store.root().to_path_buf(),
        checked_at: now,
        thresholds,
        ca,
        intermediate: std::fs::symlink_metadata(store.path(store::CA_CHAIN)).is_ok(),
        changeover,
        crl,
        bundles,
    })
}

/// What a writer changes when it commits: the files whose identity, size
/// and time tell a reading that something moved under it.
#[derive(Debug, PartialEq, Eq)]
struct Stamp(Vec<Option<FileStamp>>);

/// A file's device, inode, size and modification time.
type FileStamp = (u64, u64, u64, i64, i64);

impl Stamp {
    const FILES: [&str; 5] = [
        store::JOURNAL,
        store::INDEX,
        store::CA_CERT,
        store::CA_BUNDLE,
        crate::crl::CRL_FILE,
    ];

    fn of(store: &Store) -> Stamp {
        Stamp(
            Self::FILES
                .iter()
                .map(|f| {
                    let m = std::fs::symlink_metadata(store.path(f)).ok()?;
                    Some((m.dev(), m.ino(), m.size(), m.mtime(), m.mtime_nsec()))
                })
                .collect(),
        )
    }

    /// No transaction is being published (no journal).
    fn settled(&self) -> bool {
        self.0[0].is_none()
    }
}
