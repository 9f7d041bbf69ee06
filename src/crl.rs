//! Certificate revocation lists from the index, as `openssl ca -gencrl`
//! makes them: v2, every `R` line with its date and reason, sorted by
//! serial, a CRL number kept in `crlnumber` (the next number, in hex, as
//! openssl keeps it), and the CA's key identifier; one CRL per CA that
//! certificates may chain to (during a CA changeover, the old root's too),
//! each listing what its CA issued.
//!
//! One concept a file: `entries` (index lines as CRL entries), `number`
//! (`crlnumber`), `scope` (which serials each CA's CRL lists), `published`
//! (the CRLs a file holds), `sign` (signing them), `due` (when a file is due
//! to be written anew) and `publish` (writing the file).

mod due;
mod entries;
mod number;
mod publish;
mod published;
mod scope;
mod sign;

pub use due::{Wanted, why_due};
pub use entries::revoked_entries;
pub use number::CRL_NUMBER;
pub use publish::{CRL_FILE, CrlMade, DEFAULT_VALIDITY, Request, generate, signers, stage_rewrite};
pub use published::{Published, parse as parse_published, read as read_published};
pub use scope::{Scope, Which};
pub use sign::{Signed, Signer, listed, pem_of, sign_all};
