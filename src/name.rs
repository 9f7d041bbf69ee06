//! Names: subjects in the OpenSSL slash form of the recipes and in RFC 4514,
//! typed subjectAltNames, and the `X509_NAME_oneline` strings MySQL and MariaDB
//! compare in `REQUIRE SUBJECT ... AND ISSUER ...`.
//!
//! One concept a file, each using only those listed before it: `attrs` (the
//! attribute types a subject may hold), `chars` (characters named for
//! messages), `oneline`, `subject` and `san`.

mod attrs;
mod chars;
mod oneline;
mod san;
mod subject;

pub use attrs::AttrType;
pub use chars::describe_char;
pub use oneline::oneline;
pub use san::{San, check_dns};
pub use subject::Subject;
