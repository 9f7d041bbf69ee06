//! Extension profiles: what a CA, a server and a client certificate carry, and
//! their default lifetimes. Always X.509 v3.

use rcgen::{BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, KeyUsagePurpose};
use time::Duration;

/// Default lifetime of a CA certificate: 3650 days.
pub const CA_VALIDITY: Duration = Duration::days(3650);
/// Default lifetime of a server certificate: 825 days, the CA/Browser Forum's old maximum.
pub const SERVER_VALIDITY: Duration = Duration::days(825);
/// Default lifetime of a client certificate: 1825 days, `db_user_ssl_keys.sh`'s `expire_in_days`.
pub const CLIENT_VALIDITY: Duration = Duration::days(1825);

/// What a certificate is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// A CA; `path_len` limits the intermediates below it.
    Ca { path_len: Option<u8> },
    /// A TLS server (serverAuth).
    Server,
    /// A TLS client, e.g. a database user (clientAuth).
    Client,
    /// Both, for cluster nodes that dial each other.
    ServerClient,
}

impl Profile {
    pub fn name(self) -> &'static str {
        match self {
            Profile::Ca { .. } => "ca",
            Profile::Server => "server",
            Profile::Client => "client",
            Profile::ServerClient => "server-client",
        }
    }

    pub fn default_validity(self) -> Duration {
        match self {
            Profile::Ca { .. } => CA_VALIDITY,
            Profile::Server | Profile::ServerClient => SERVER_VALIDITY,
            Profile::Client => CLIENT_VALIDITY,
        }
    }

    /// Sets basicConstraints, keyUsage and extendedKeyUsage. Subject and
    /// authority key identifiers are always written.
    ///
    /// `rsa_subject` adds keyEncipherment, which RSA key exchange (TLS 1.2
    /// without ECDHE, still offered by old MySQL clients) needs.
    pub fn apply(self, params: &mut CertificateParams, rsa_subject: bool) {
        params.use_authority_key_identifier_extension = true;
        if let Profile::Ca { path_len } = self {
            params.is_ca = IsCa::Ca(match path_len {
                Some(n) => BasicConstraints::Constrained(n),
                None => BasicConstraints::Unconstrained,
            });
            params.key_usages = vec![
                KeyUsagePurpose::DigitalSignature,
                KeyUsagePurpose::KeyCertSign,
                KeyUsagePurpose::CrlSign,
            ];
            params.extended_key_usages.clear();
            return;
        }
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        if rsa_subject {
            params.key_usages.push(KeyUsagePurpose::KeyEncipherment);
        }
        params.extended_key_usages = match self {
            Profile::Server => vec![ExtendedKeyUsagePurpose::ServerAuth],
            Profile::Client => vec![ExtendedKeyUsagePurpose::ClientAuth],
            _ => vec![
                ExtendedKeyUsagePurpose::ServerAuth,
                ExtendedKeyUsagePurpose::ClientAuth,
            ],
        };
    }
}
