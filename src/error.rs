//! The library's error type: one variant per step that can fail, carrying the
//! values involved and the underlying error as its source, so the binary can
//! print one precise line and pick a hint by matching on the variant.
//!
//! Messages state what happened in the library's terms; how to fix it with
//! the command line (which flag to pass) is the binary's business.

use std::fmt;
use std::path::PathBuf;

use time::{Duration, OffsetDateTime};

use crate::duration::format_duration;
use crate::key_type::{KeyFormat, KeyType};
use crate::kind::Kind;
use crate::serial::Serial;

/// An underlying error of any type, kept as a source.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

impl From<crate::serial::BadSerial> for Error {
    fn from(e: crate::serial::BadSerial) -> Error {
        Error::BadSerial(e.0)
    }
}

/// Why a line of the index could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BadLine {
    #[error("{0} fields instead of 6")]
    Fields(usize),
    #[error("unknown status \"{0}\"")]
    Status(String),
    #[error("bad time \"{0}\"")]
    Time(String),
    #[error("bad serial \"{0}\"")]
    Serial(String),
}

/// What a file or value was expected to hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expected {
    Certificate,
    CertificateRequest,
    Crl,
    PrivateKey,
    PublicKey,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expected::Certificate => "certificate",
            Expected::CertificateRequest => "certificate request",
            Expected::Crl => "CRL",
            Expected::PrivateKey => "private key",
            Expected::PublicKey => "public key",
        })
    }
}

/// Errors from the certgen library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // --- Files and the PKI directory ---
    /// Reading or writing a file failed.
    #[error("{action} {path}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file that should not be overwritten is already there.
    #[error("{0} already exists")]
    Exists(PathBuf),
    /// A path is a symbolic link where certgen writes a regular file or directory.
    #[error("{0} is a symbolic link; certgen does not write through links")]
    Symlink(PathBuf),
    /// A path where certgen needs a directory is something else.
    #[error("{0} is not a directory")]
    NotADirectory(PathBuf),
    /// A path where certgen writes a file is something else.
    #[error("{0} is not a regular file")]
    NotAFile(PathBuf),
    /// The PKI directory has no CA yet.
    #[error("no CA in {0}")]
    NoCa(PathBuf),
    /// A new CA would leave valid certificates of the old one without issuer.
    #[error(
        "a new CA would orphan {count} valid certificate{}; revoke them or wait for them to expire",
        if *count == 1 { "" } else { "s" }
    )]
    WouldOrphan { count: usize },
    /// `--parent` names the PKI directory itself, perhaps by another spelling.
    #[error("the parent {parent} is the PKI directory {dir} itself")]
    ParentIsSelf { parent: PathBuf, dir: PathBuf },
    /// Another process replaced the CA between loading it and taking the lock.
    #[error("the CA was replaced while this command ran")]
    CaReplaced,
    /// A line of the index could not be read.
    #[error("index {path} line {line}")]
    Index {
        path: PathBuf,
        line: usize,
        #[source]
        source: BadLine,
    },
    /// A serial number is not hexadecimal.
    #[error("\"{0}\" is not a hexadecimal serial number")]
    BadSerial(String),
    /// A new certificate's serial is already in the index.
    #[error("serial {0} is already in the index")]
    DuplicateSerial(Serial),
    /// The operating system's random number generator failed.
    #[error("the random number generator failed")]
    Random(#[from] aws_lc_rs::error::Unspecified),
    /// The archive directory's name could not be formatted from the time.
    #[error("naming the archive directory failed")]
    ArchiveName(#[source] time::error::Format),

    // --- Reading certificates, requests and keys ---
    /// PEM data with broken base64 or a missing END line.
    #[error("{what}: malformed PEM")]
    Pem {
        what: String,
        #[source]
        source: BoxError,
    },
    /// Data that is neither PEM text nor DER.
    #[error("{what}: neither PEM nor DER")]
    NotPemOrDer { what: String },
    /// An empty file where something was expected.
    #[error("{what}: the file is empty")]
    Empty { what: String },
    /// PEM text without a single PEM block.
    #[error("{what}: no PEM block found")]
    NoPemBlock { what: String },
    /// PEM data without the object looked for (perhaps with another one instead).
    #[error("{what}: {}", missing(*expected, *found))]
    Missing {
        what: String,
        expected: Expected,
        found: Option<Expected>,
    },
    /// An object that does not parse.
    #[error("{what}: not a valid {expected}")]
    Malformed {
        what: String,
        expected: Expected,
        #[source]
        source: Option<BoxError>,
    },
    /// Bytes after the end of a DER object.
    #[error("{what}: {bytes} bytes of trailing data after the {expected}")]
    TrailingData {
        what: String,
        expected: Expected,
        bytes: usize,
    },
    /// A passphrase-protected key, which certgen does not decrypt here.
    #[error("{what}: the private key is encrypted")]
    EncryptedKey { what: String },
    /// A CSR's signature does not verify with its own public key.
    #[error("the CSR's signature does not verify: it was altered or corrupted")]
    BadCsrSignature,
    /// A CSR asks for a kind of subjectAltName certgen does not put in certificates.
    #[error("the CSR asks for a subjectAltName certgen does not sign: {kind}")]
    UnsupportedSan { kind: String },
    /// A CSR asks for an IP address that is neither IPv4 nor IPv6.
    #[error("the CSR asks for an IP address of {0} bytes (IPv4 has 4, IPv6 16)")]
    BadSanIp(usize),
    /// A certificate used as a CA lacks basicConstraints CA:TRUE.
    #[error("{0} is not a CA certificate (basicConstraints CA:TRUE is missing)")]
    NotACa(String),
    /// An RSA key that is read (described, matched) but too large to sign with.
    #[error(
        "{key}: an RSA key of {bits} bits is read, but certgen signs only with RSA keys of up to 8192 bits"
    )]
    KeyTooLargeToSign { key: String, bits: usize },
    /// rcgen cannot sign with this CA certificate and key.
    #[error("{what}: cannot sign with this CA")]
    CaUnusable {
        what: String,
        #[source]
        source: rcgen::Error,
    },

    // --- Requests ---
    /// A server certificate would have no name for clients to check.
    #[error("\"{name}\" is not a DNS name or IP address, and the certificate has no other name")]
    NoServerName { name: String },
    /// A server certificate for a CSR that names no host.
    #[error("a server certificate needs the names clients connect to, and the CSR has none")]
    CsrWithoutNames,
    /// A client certificate for a CSR with an empty subject and no names.
    #[error(
        "a client certificate needs a subject or a subjectAltName to name its user, and the CSR has neither"
    )]
    CsrNamesNoOne,
    /// Subject attributes shared by client certificates hold a CN.
    #[error("the subject of client certificates must not hold a CN: the CN is each user's name")]
    CnInClientSubject,

    // --- Names ---
    /// A subject, subjectAltName, host or bundle name is not acceptable.
    #[error("invalid {what} \"{value}\": {reason}")]
    InvalidName {
        what: &'static str,
        value: String,
        reason: String,
    },
    /// A checked name that rcgen still cannot encode.
    #[error("\"{value}\" cannot be encoded in a certificate")]
    NameEncoding {
        value: String,
        #[source]
        source: rcgen::Error,
    },
    /// The same bundle name twice in one batch.
    #[error("{0} is named twice")]
    DuplicateName(String),

    // --- Keys ---
    /// A key type name certgen does not know.
    #[error(
        "unknown key type \"{0}\" (expected one of rsa2048, rsa3072, rsa4096, ecdsa-p256, ecdsa-p384, ed25519)"
    )]
    UnknownKeyType(String),
    /// A key format name certgen does not know.
    #[error("unknown key format \"{0}\" (expected pkcs8, pkcs1 or sec1)")]
    UnknownKeyFormat(String),
    /// A key format that cannot hold this type of key.
    #[error("the {format} key format holds only {}, not {key}", format.holds())]
    KeyFormatMismatch { format: KeyFormat, key: String },
    /// A key read in PKCS#1 or SEC1 form, which rcgen cannot write out again.
    #[error("only keys generated by certgen or read as PKCS#8 can be re-encoded")]
    KeyNotReencodable,
    /// Key generation failed.
    #[error("generating a {key_type} key failed")]
    KeyGeneration {
        key_type: KeyType,
        #[source]
        source: BoxError,
    },
    /// Writing a key in another encoding failed.
    #[error("re-encoding the key as {format} failed")]
    KeyEncoding {
        format: KeyFormat,
        #[source]
        source: BoxError,
    },
    /// An encrypted key, and no passphrase to open it with.
    #[error("no passphrase for {what}: none was given, and there is no terminal to ask for one")]
    NoPassphrase { what: String },
    /// The passphrase does not decrypt the key.
    #[error("{what}: wrong passphrase")]
    WrongPassphrase { what: String },
    /// An empty passphrase, which would protect nothing.
    #[error("the passphrase from {from} is empty")]
    EmptyPassphrase { from: String },
    /// Reading a passphrase failed.
    #[error("reading the passphrase from {from}")]
    PassphraseRead {
        from: String,
        #[source]
        source: std::io::Error,
    },
    /// The passphrase typed to confirm differs from the first.
    #[error("the passphrases typed differ")]
    PassphraseMismatch,
    /// A key to be encrypted in another form than PKCS#8.
    #[error("an encrypted key is always PKCS#8, not {0}")]
    EncryptedNeedsPkcs8(KeyFormat),
    /// Encrypting a key failed.
    #[error("encrypting the private key failed")]
    KeyEncryption(#[source] BoxError),
    /// Removing the passphrase of a key that has none.
    #[error("{what} is not encrypted")]
    NotEncrypted { what: String },
    /// A private key does not belong to the certificate it is used with.
    #[error("the private key {key} does not match the certificate {cert}")]
    KeyMismatch { key: String, cert: String },

    // --- Issuing ---
    /// A CA profile in a leaf request: CA certificates come only with their own key.
    #[error(
        "a CA certificate is never issued from a request; an intermediate CA is created with its own key"
    )]
    LeafIsCa,
    /// An intermediate deeper than the parent's pathLenConstraint allows.
    #[error("{}", path_len(*limit, *requested))]
    PathLen { limit: u32, requested: u8 },
    /// A requested validity of zero or less.
    #[error("the validity must be longer than zero, not {}", format_duration(*requested))]
    ValidityNotPositive { requested: Duration },
    /// A requested validity beyond [`crate::duration::MAX_DURATION`].
    #[error("a validity of {} is more than 100 years", format_duration(*requested))]
    ValidityTooLong { requested: Duration },
    /// The CA is past its notAfter.
    #[error("the CA certificate expired on {}", crate::rfc3339::format(*not_after))]
    CaExpired { not_after: OffsetDateTime },
    /// The CA is before its notBefore.
    #[error("the CA certificate is not valid before {}", crate::rfc3339::format(*not_before))]
    CaNotYetValid { not_before: OffsetDateTime },
    /// A leaf with the CA's own subject.
    #[error(
        "the subject {subject} equals the CA's; clients would take the certificate for the CA itself"
    )]
    SubjectIsCa { subject: String },
    /// rcgen could not make or sign a certificate.
    #[error("signing the certificate failed")]
    Signing(#[source] rcgen::Error),
    /// rcgen could not make or sign a certificate request.
    #[error("making the certificate request failed")]
    CsrCreation(#[source] rcgen::Error),

    // --- Revocation ---
    /// A serial that no index line records.
    #[error("no certificate with serial {0} in the index")]
    NotInIndex(Serial),
    /// A certificate that is already revoked.
    #[error("certificate {serial} is already revoked{}", revoked_since(*at, reason.as_deref()))]
    AlreadyRevoked {
        serial: Serial,
        at: Option<OffsetDateTime>,
        reason: Option<String>,
    },
    /// A bundle name found neither under servers/ nor under users/.
    #[error("no server or user bundle named \"{0}\"")]
    NoSuchBundle(String),
    /// A bundle name found under both servers/ and users/.
    #[error("both a server and a user bundle are named \"{0}\"")]
    AmbiguousBundle(String),
    /// A revoked index line whose date or reason cannot be put in a CRL.
    #[error("index line of {serial}: cannot read the revocation \"{field}\"")]
    BadRevocation { serial: Serial, field: String },
    /// The CRL number file holds something else than a hexadecimal number.
    #[error("{path}: not a hexadecimal CRL number")]
    BadCrlNumber { path: PathBuf },
    /// The CRL number file holds a number a CRL may not carry: RFC 5280
    /// allows CRL numbers of up to 20 octets.
    #[error("{path}: the CRL number is longer than the 20 octets RFC 5280 allows")]
    CrlNumberTooLong { path: PathBuf },
    /// rcgen could not make or sign the CRL.
    #[error("signing the CRL failed")]
    CrlSigning(#[source] rcgen::Error),
    /// `crl --within` as long as the CRL's lifetime: it would be due at once.
    #[error(
        "--within {} is not shorter than the CRL's lifetime ({}): every run would be due",
        format_duration(*within),
        format_duration(*validity)
    )]
    WindowNotShorter {
        within: Duration,
        validity: Duration,
    },
    /// A CA changeover whose old CA key is not kept where `crl` signs with it.
    #[error(
        "the CA changeover in {dir} keeps no key of the old CA (ca-old-key.pem and ca-old-cert.pem), which signs the old CA's CRL"
    )]
    NoOldCaKey { dir: PathBuf },
    /// A list of serials (`ca-retired.txt`) with a line that is not one.
    #[error("{path}: a line is not a serial number in hex")]
    BadSerialList { path: PathBuf },

    // --- Deploying ---
    /// A CRL file without a CRL of a CA the deployed CA file trusts.
    #[error(
        "{crl} holds no CRL of {ca}, a CA the deployed CA file trusts: a server that checks it would refuse that CA's certificates"
    )]
    CrlLacksCa { crl: PathBuf, ca: String },
    /// A CRL file whose CRL of a trusted CA is not current.
    #[error(
        "the CRL of {ca} in {crl} is not current ({}): a server that checks it would refuse every certificate of that CA",
        crl_dates(*this_update, *next_update)
    )]
    CrlNotCurrent {
        crl: PathBuf,
        ca: String,
        this_update: OffsetDateTime,
        next_update: Option<OffsetDateTime>,
    },
    /// A directory given as a deployed copy of a bundle that holds none of
    /// the certificate files deploy writes.
    #[error("{dir} holds no {kind} certificate under a name deploy writes ({names})")]
    NoDeployedCertificate {
        dir: PathBuf,
        kind: &'static str,
        names: String,
    },
    /// A directory given as a deployed copy of a bundle that holds the
    /// certificate files of several layouts.
    #[error("{dir} holds several {kind} certificates under names deploy writes ({names})")]
    SeveralDeployedCertificates {
        dir: PathBuf,
        kind: &'static str,
        names: String,
    },
    /// No bundle of that name to deploy.
    #[error("no {kind} bundle \"{name}\" in {dir}")]
    NoBundle {
        kind: &'static str,
        name: String,
        dir: PathBuf,
    },
    /// A bundle without one of its files.
    #[error("{0} is missing: the bundle is incomplete")]
    IncompleteBundle(PathBuf),
    /// A certificate that no CA of the CA file signed.
    #[error("{cert} was not issued by a CA in {ca}")]
    NotIssuedBy { cert: String, ca: String },
    /// A certificate the index records as revoked (or superseded).
    #[error("certificate {serial} is revoked{}", revoked_since(*at, reason.as_deref()))]
    CertRevoked {
        serial: Serial,
        at: Option<OffsetDateTime>,
        reason: Option<String>,
    },
    /// A certificate past its notAfter.
    #[error("{what} expired on {}", crate::rfc3339::format(*not_after))]
    CertExpired {
        what: String,
        not_after: OffsetDateTime,
    },
    /// A deployment directory inside the PKI directory.
    #[error("{dir} is inside the PKI directory {pki}")]
    InsidePki { dir: PathBuf, pki: PathBuf },
    /// Two bundles of one `keystore` command whose files would go to the
    /// same directory.
    #[error("{dir} would hold the keystores of both {first} and {second}")]
    OutDirShared {
        dir: PathBuf,
        first: String,
        second: String,
    },
    /// An output directory that is no longer the one checked: moved, or
    /// replaced by a link, while the command ran.
    #[error(
        "{dir} changed while this command ran (now {now}, checked as {checked}): nothing was written"
    )]
    OutDirChanged {
        dir: PathBuf,
        checked: PathBuf,
        now: String,
    },
    /// A deployment directory whose parent does not exist.
    #[error("{parent} does not exist: only the last directory of {dir} is created")]
    MissingParent { dir: PathBuf, parent: PathBuf },
    /// An owner name that is not a user of this system.
    #[error("no user \"{0}\" on this system")]
    UnknownUser(String),
    /// A group name that is not a group of this system.
    #[error("no group \"{0}\" on this system")]
    UnknownGroup(String),
    /// Looking up a user or group failed.
    #[error("looking up the user or group \"{name}\" failed")]
    OwnerLookup {
        name: String,
        #[source]
        source: std::io::Error,
    },
    /// Changing the owner or group is not permitted to this process.
    #[error("changing the owner of files to {owner} is not permitted: {why}")]
    ChownNotPermitted { owner: String, why: &'static str },
    /// A journal that names paths outside its directory, or not as certgen
    /// writes them: it is never replayed.
    #[error("{path} is not a journal certgen wrote ({reason}); it was not replayed")]
    BadJournal { path: PathBuf, reason: String },
    /// The ssh client could not reach the other machine, or the command
    /// there failed.
    #[error("ssh to {target}: {reason}")]
    Ssh { target: String, reason: String },
    /// The other machine refused a deployment (what certgen's script there
    /// found).
    #[error("{target}: {reason}")]
    RemoteRefused { target: String, reason: String },
    /// An inventory certgen cannot use.
    #[error("{path}: {reason}")]
    BadInventory { path: String, reason: String },
    /// The reload command failed.
    #[error("the reload command {command:?} failed: {reason}")]
    ReloadFailed { command: String, reason: String },
    /// The server could not be asked what it serves.
    #[error("could not confirm what {endpoint} serves: {reason}")]
    ConfirmFailed { endpoint: String, reason: String },
    /// After a reload the server still serves another certificate.
    #[error("{endpoint} still serves serial {served}, not the deployed {deployed}")]
    StillServing {
        endpoint: String,
        served: String,
        deployed: String,
    },
    /// A deployment directory (or a directory above it, or an entry of
    /// certgen's in it) that someone other than the user deploying could
    /// change under certgen.
    #[error("{dir} is not safe to deploy into: {reason}")]
    UnsafeDeployDir { dir: PathBuf, reason: String },
    /// `--owner` names someone other than the owner of the deployment
    /// directory that root deploys into as that owner.
    #[error("{dir} belongs to {user}, who deploys into it: --owner {owner} {why}")]
    OwnerNotDirOwner {
        dir: PathBuf,
        user: String,
        owner: String,
        why: &'static str,
    },
    /// Taking on the identity of the deployment directory's owner failed.
    #[error("acting as {user}, the owner of {dir}, failed")]
    SwitchUser {
        dir: PathBuf,
        user: String,
        #[source]
        source: std::io::Error,
    },
    /// Another process holds a deployment directory's lock.
    #[error("{path} is held by another process: gave up after {seconds} seconds")]
    Locked { path: PathBuf, seconds: u64 },

    // --- Keystores ---
    /// A keystore password that PKCS#12 cannot carry, or that keytool refuses.
    #[error("the keystore password from {from} {reason}")]
    KeystorePassword { from: String, reason: &'static str },
    /// Encoding a keystore or truststore failed.
    #[error("encoding the PKCS#12 {what} failed")]
    Pkcs12 {
        what: &'static str,
        #[source]
        source: BoxError,
    },

    // --- Verification ---
    /// Nothing to verify against.
    #[error("no trusted CA certificate was given")]
    NoTrustAnchor,

    // --- Durations, times and thresholds ---
    /// A duration that does not parse.
    #[error(
        "\"{0}\" is not a duration: expected a number of days, or a number with d, w, h, m or s (30d, 2w, 12h)"
    )]
    BadDuration(String),
    /// A duration longer than [`crate::duration::MAX_DURATION`].
    #[error("\"{0}\" is more than 100 years")]
    DurationTooLong(String),
    /// A time that does not parse.
    #[error(
        "\"{0}\" is not a time: expected RFC 3339 (2026-11-22T13:50:01Z), a date (2026-11-22) or Unix seconds"
    )]
    BadTime(String),
    /// Unix seconds outside the range of dates.
    #[error("\"{value}\" is out of the range of dates")]
    TimeOutOfRange {
        value: String,
        #[source]
        source: time::error::ComponentRange,
    },
    /// A negative check-expiry threshold.
    #[error("a threshold cannot be negative")]
    NegativeThreshold,
    /// A critical window wider than the warning window.
    #[error(
        "the critical threshold ({}) is longer than the warning threshold ({})",
        format_duration(*crit),
        format_duration(*warn)
    )]
    CriticalAboveWarning { warn: Duration, crit: Duration },

    // --- Renewal and CA rotation ---
    /// `--reuse-key` with a key type or format: the kept key has its own.
    #[error(
        "a kept key keeps its type and format: --reuse-key takes no --key-type or --key-format"
    )]
    ReuseKeyWithKeyOptions,
    /// A bundle to renew whose certificate the index records as revoked.
    #[error("{} holds certificate {serial}, which is revoked", kind.rel_dir(name))]
    BundleRevoked {
        kind: Kind,
        name: String,
        serial: Serial,
    },
    /// A bundle to renew whose certificate a renewal or `--force` replaced
    /// (the bundle was put back by hand, from `old_keys/` or a backup).
    #[error(
        "{} holds certificate {serial}, which was superseded: another certificate replaced it",
        kind.rel_dir(name)
    )]
    BundleSuperseded {
        kind: Kind,
        name: String,
        serial: Serial,
    },
    /// A bundle to renew that another command replaced after it was read.
    #[error("{bundle} was replaced by another command while this one ran")]
    BundleChanged { bundle: String },
    /// A bundle to renew whose certificate another CA issued.
    #[error("{cert} was not issued by this CA (its issuer is {issuer})")]
    NotIssuedHere { cert: PathBuf, issuer: String },
    /// A bundle `setup` would keep whose certificate neither the CA nor a
    /// root of `ca-bundle.pem` issued (`ca` is the CA's subject, `None` when
    /// setup is to create the CA).
    #[error(
        "{bundle} holds a certificate issued by {issuer} {}: keeping it would mix CAs",
        match .ca { Some(ca) => format!("that does not chain to this directory's CA ({ca})"), None => "and the directory has no CA yet".to_string() }
    )]
    KeptFromOtherCa {
        bundle: PathBuf,
        kind: Kind,
        name: String,
        issuer: String,
        ca: Option<String>,
    },
    /// A certificate whose key is of a type certgen does not generate.
    #[error("{cert}: certgen makes no {key} key to replace it")]
    UnknownLeafKey { cert: PathBuf, key: String },
    /// A certificate with a subjectAltName certgen does not issue.
    #[error("{cert}: certgen does not issue the subjectAltName {san}")]
    SanNotReissued { cert: PathBuf, san: String },
    /// `rotate-ca` in the directory of an intermediate CA.
    #[error("{0} holds an intermediate CA (ca-chain.pem); rotate-ca replaces a root CA")]
    RotateIntermediate(PathBuf),
    /// `rotate-ca` while a changeover is not finished.
    #[error("a CA changeover is in progress: {0} exists")]
    RotationInProgress(PathBuf),
    /// `rotate-ca --finish` without a changeover.
    #[error("no CA changeover to finish: {0} does not exist")]
    NoRotation(PathBuf),
    /// `rotate-ca --finish` while valid certificates still need the old root.
    #[error(
        "{count} valid certificate{} still chain{} to the old CA: {files}",
        if *count == 1 { "" } else { "s" },
        if *count == 1 { "s" } else { "" }
    )]
    StillChainsToOld { count: usize, files: String },
    /// A certificate whose extendedKeyUsage names neither a server nor a client.
    #[error("{cert}: neither serverAuth nor clientAuth in its extendedKeyUsage")]
    NoLeafProfile { cert: PathBuf },

    // --- Database settings ---
    /// A path or name that a database's settings file cannot hold as it is.
    #[error("{what} \"{value}\" cannot be written in {file}: {reason}")]
    UnsafeConfigValue {
        what: String,
        value: String,
        file: &'static str,
        reason: &'static str,
    },
    /// A `REQUIRE` clause asked of a target that has no SQL accounts.
    #[error("{target} has no SQL accounts to tie to certificates")]
    NoSqlAccounts { target: &'static str },
    /// A `REQUIRE` clause the target's accounts cannot take.
    #[error("{target} accounts cannot REQUIRE {clause}: they take REQUIRE {takes}")]
    RequireUnsupported {
        target: &'static str,
        clause: &'static str,
        takes: String,
    },
}

fn missing(expected: Expected, found: Option<Expected>) -> String {
    match found {
        Some(found) => format!("holds a {found}, not a {expected}"),
        None => format!("no {expected} found"),
    }
}

fn revoked_since(at: Option<OffsetDateTime>, reason: Option<&str>) -> String {
    let at = at.map(|t| format!(" since {}", crate::rfc3339::format(t)));
    let reason = reason.map(|r| format!(" ({r})"));
    format!("{}{}", at.unwrap_or_default(), reason.unwrap_or_default())
}

/// `valid from DATE to DATE`, for [`Error::CrlNotCurrent`].
fn crl_dates(this_update: OffsetDateTime, next_update: Option<OffsetDateTime>) -> String {
    match next_update {
        Some(n) => format!(
            "valid from {} to {}",
            crate::rfc3339::format(this_update),
            crate::rfc3339::format(n)
        ),
        None => format!("valid from {}", crate::rfc3339::format(this_update)),
    }
}

fn path_len(limit: u32, requested: u8) -> String {
    match limit.checked_sub(1) {
        None => "the parent CA's pathLenConstraint is 0: it signs leaf certificates only, no intermediate CA".into(),
        Some(max) => format!(
            "the parent CA's pathLenConstraint is {limit}, so an intermediate below it may have a pathLenConstraint of at most {max}, not {requested}"
        ),
    }
}

impl Error {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Error::Io {
            action,
            path,
            source,
        }
    }

    /// `Malformed` with the parser's error as its source.
    pub(crate) fn malformed<E: Into<BoxError>>(
        what: impl Into<String>,
        expected: Expected,
    ) -> impl FnOnce(E) -> Self {
        let what = what.into();
        move |source| Error::Malformed {
            what,
            expected,
            source: Some(source.into()),
        }
    }
}

/// Result with the library's error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole cause chain, as the binary prints it.
    fn chain(e: &Error) -> String {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            text.push_str(&format!(": {s}"));
            source = s.source();
        }
        text
    }

    #[test]
    fn rcgen_errors_stay_sources() {
        let e = Error::Signing(rcgen::Error::CouldNotParseCertificate);
        assert_eq!(e.to_string(), "signing the certificate failed");
        let source = std::error::Error::source(&e).map(ToString::to_string);
        assert_eq!(
            source,
            Some(rcgen::Error::CouldNotParseCertificate.to_string())
        );
    }

    #[test]
    fn messages_state_the_values() {
        let e = Error::PathLen {
            limit: 2,
            requested: 2,
        };
        assert!(e.to_string().contains("at most 1, not 2"), "{e}");
        let e = Error::Missing {
            what: "k.pem".into(),
            expected: Expected::PrivateKey,
            found: Some(Expected::Certificate),
        };
        assert_eq!(
            e.to_string(),
            "k.pem: holds a certificate, not a private key"
        );
        let e = Error::malformed("x.der", Expected::CertificateRequest)("truncated");
        assert_eq!(
            chain(&e),
            "x.der: not a valid certificate request: truncated"
        );
        let e = Error::ValidityNotPositive {
            requested: Duration::ZERO,
        };
        assert_eq!(
            e.to_string(),
            "the validity must be longer than zero, not 0 seconds"
        );
    }

    /// Flags are the binary's wording; the library never names one.
    #[test]
    fn no_command_line_wording() {
        let samples = [
            Error::PathLen {
                limit: 0,
                requested: 0,
            },
            Error::PathLen {
                limit: 3,
                requested: 5,
            },
            Error::LeafIsCa,
            Error::KeyFormatMismatch {
                format: KeyFormat::Pkcs1,
                key: "ecdsa-p256".into(),
            },
            Error::ValidityNotPositive {
                requested: Duration::ZERO,
            },
            Error::ValidityTooLong {
                requested: Duration::days(40_000),
            },
            Error::NoPassphrase {
                what: "pki/ca-key.pem".into(),
            },
            Error::EncryptedNeedsPkcs8(KeyFormat::Pkcs1),
            Error::NotEncrypted {
                what: "pki/ca-key.pem".into(),
            },
        ];
        for e in samples {
            let text = e.to_string();
            assert!(!text.contains("--"), "{text}");
            assert!(!text.contains("init-ca"), "{text}");
        }
    }
}
