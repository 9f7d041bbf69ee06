//! The two kinds of bundle a PKI directory holds, `servers/NAME` and
//! `users/USER`, and the names of their files (those of the openssl recipes).

/// A server's key and certificate, in `servers/NAME/`.
pub const SERVER_KEY: &str = "server-key.pem";
pub const SERVER_CERT: &str = "server-cert.pem";
/// A database user's key and certificate, in `users/USER/`.
pub const CLIENT_KEY: &str = "client-key.pem";
pub const CLIENT_CERT: &str = "client-cert.pem";

/// Whether a bundle is for a server or a database user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Server,
    User,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Server, Kind::User];

    /// The directory holding bundles of this kind: `servers` or `users`.
    pub fn parent_dir(self) -> &'static str {
        match self {
            Kind::Server => "servers",
            Kind::User => "users",
        }
    }

    /// `servers/NAME` or `users/NAME`.
    pub fn rel_dir(self, name: &str) -> String {
        format!("{}/{name}", self.parent_dir())
    }

    /// The key and certificate file names of a bundle.
    pub fn file_names(self) -> (&'static str, &'static str) {
        match self {
            Kind::Server => (SERVER_KEY, SERVER_CERT),
            Kind::User => (CLIENT_KEY, CLIENT_CERT),
        }
    }

    /// `server` or `user`, as messages and the command line name it.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Server => "server",
            Kind::User => "user",
        }
    }
}
