//! `check-expiry --format prometheus` and `status --format prometheus`: the
//! text exposition format read by node_exporter's textfile collector.
//!
//! The format wants each metric family's samples together under its `# HELP`
//! and `# TYPE` lines, so check-expiry's first family streams and the others
//! are held until the scan ends. `status` has its own families
//! (`certgen_pki_...`), so that both reports can sit in one textfile
//! directory without two samples of one series.

use std::io::{self, Write};

use time::OffsetDateTime;

use certgen::expiry::{Finding, Level, Source, Tally};
use certgen::status::{PkiStatus, Role, State};

use super::exit::{Status, worst, worst_of};
use super::expiry_report::Report;
use super::output::sanitize;

const NOT_AFTER: &str = "certgen_certificate_not_after_timestamp_seconds";
const EXPIRY: &str = "certgen_certificate_expiry_seconds";
const UNKNOWN: &str = "certgen_check_expiry_unknown";
const CRL_NEXT_UPDATE: &str = "certgen_crl_next_update_timestamp_seconds";
const CRL_LEFT: &str = "certgen_crl_next_update_seconds";
const REVOKED: &str = "certgen_certificate_revoked";

pub struct Prometheus {
    now: OffsetDateTime,
    header_done: bool,
    expiry_lines: Vec<String>,
    unknown_lines: Vec<String>,
    /// CRLs: nextUpdate, and seconds left to it.
    crl_lines: Vec<String>,
    crl_left_lines: Vec<String>,
    /// Certificates the PKI's index records as revoked or superseded.
    revoked_lines: Vec<String>,
}

impl Prometheus {
    pub fn new(now: OffsetDateTime) -> Prometheus {
        Prometheus {
            now,
            header_done: false,
            expiry_lines: Vec::new(),
            unknown_lines: Vec::new(),
            crl_lines: Vec::new(),
            crl_left_lines: Vec::new(),
            revoked_lines: Vec::new(),
        }
    }

    fn not_after_header(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.header_done {
            self.header_done = true;
            family(
                out,
                NOT_AFTER,
                "When the certificate expires (its notAfter), as a Unix time.",
            )?;
        }
        Ok(())
    }
}

/// Escapes a label value: backslash, double quote and newline, as the format
/// requires, after terminal controls are made visible.
pub fn label(value: &str) -> String {
    sanitize(value)
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The `# HELP` and `# TYPE` lines of a gauge.
pub fn family(out: &mut dyn Write, name: &str, help: &str) -> io::Result<()> {
    writeln!(out, "# HELP {name} {help}")?;
    writeln!(out, "# TYPE {name} gauge")
}

impl Report for Prometheus {
    fn finding(&mut self, out: &mut dyn Write, f: &Finding) -> io::Result<()> {
        // Files are labelled by `path`, servers by `target`.
        let origin = match &f.source {
            Source::File(path) => format!("path=\"{}\"", label(&path.to_string_lossy())),
            Source::Endpoint(target) => format!("target=\"{}\"", label(target)),
        };
        if let Some(crl) = &f.crl {
            let labels = format!(
                "{{{origin},index=\"{}\",issuer=\"{}\",crl_number=\"{}\"}}",
                f.position.unwrap_or(1),
                label(&crl.issuer),
                label(crl.crl_number.as_deref().unwrap_or("")),
            );
            // A CRL without a nextUpdate has no sample: it never lapses.
            if let Some(next) = f.not_after {
                let left = (next - self.now).whole_seconds();
                self.crl_lines.push(format!(
                    "{CRL_NEXT_UPDATE}{labels} {}",
                    next.unix_timestamp()
                ));
                self.crl_left_lines
                    .push(format!("{CRL_LEFT}{labels} {left}"));
            }
            return Ok(());
        }
        let Some(not_after) = f.not_after else {
            self.unknown_lines.push(format!("{UNKNOWN}{{{origin}}} 1"));
            return Ok(());
        };
        let (subject, serial) = match &f.name {
            Some(n) => (label(&n.subject), label(&n.serial.to_string())),
            None => Default::default(),
        };
        let labels = format!(
            "{{{origin},index=\"{}\",subject=\"{subject}\",serial=\"{serial}\"}}",
            f.position.unwrap_or(1),
        );
        self.not_after_header(out)?;
        writeln!(out, "{NOT_AFTER}{labels} {}", not_after.unix_timestamp())?;
        let left = (not_after - self.now).whole_seconds();
        self.expiry_lines.push(format!("{EXPIRY}{labels} {left}"));
        if let Some(r) = &f.revocation {
            let reason = label(r.revocation_reason.as_deref().unwrap_or("unspecified"));
            let labels = format!(
                "{}{}",
                &labels[..labels.len() - 1],
                format_args!(",reason=\"{reason}\"}}")
            );
            self.revoked_lines.push(format!("{REVOKED}{labels} 1"));
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, t: &Tally) -> io::Result<()> {
        if !self.expiry_lines.is_empty() {
            family(
                out,
                EXPIRY,
                "Seconds from the check to notAfter; negative once expired.",
            )?;
            for l in &self.expiry_lines {
                writeln!(out, "{l}")?;
            }
        }
        if !self.revoked_lines.is_empty() {
            family(
                out,
                REVOKED,
                "A certificate the PKI's index records as revoked or superseded (reason): never OK, CRITICAL where deployed or served.",
            )?;
            for l in &self.revoked_lines {
                writeln!(out, "{l}")?;
            }
        }
        if !self.crl_lines.is_empty() {
            family(
                out,
                CRL_NEXT_UPDATE,
                "When the CRL's nextUpdate falls, as a Unix time: past it, servers that check it refuse every certificate of its CA.",
            )?;
            for l in &self.crl_lines {
                writeln!(out, "{l}")?;
            }
            family(
                out,
                CRL_LEFT,
                "Seconds from the check to the CRL's nextUpdate; negative once passed.",
            )?;
            for l in &self.crl_left_lines {
                writeln!(out, "{l}")?;
            }
        }
        family(
            out,
            UNKNOWN,
            "A file or server that could not be checked (unreadable, unparsable, unreachable).",
        )?;
        for l in &self.unknown_lines {
            writeln!(out, "{l}")?;
        }
        self.summary(out, t)
    }
}

impl Prometheus {
    fn summary(&self, out: &mut dyn Write, t: &Tally) -> io::Result<()> {
        let name = "certgen_check_expiry_certificates";
        family(out, name, "Certificates checked, by status.")?;
        for level in [Level::Ok, Level::Warning, Level::Critical] {
            let status = level.name().to_lowercase();
            writeln!(
                out,
                "{name}{{status=\"{status}\"}} {}",
                t.certificates_at(level)
            )?;
        }
        for (status, n) in [("revoked", t.revoked), ("superseded", t.superseded)] {
            if n > 0 {
                writeln!(out, "{name}{{status=\"{status}\"}} {n}")?;
            }
        }
        if t.crls.total() > 0 {
            let name = "certgen_check_expiry_crls";
            family(out, name, "CRLs checked, by status.")?;
            for level in [Level::Ok, Level::Warning, Level::Critical] {
                let status = level.name().to_lowercase();
                writeln!(out, "{name}{{status=\"{status}\"}} {}", t.crls.count(level))?;
            }
        }
        let name = "certgen_check_expiry_status";
        let help = "Worst status of the check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.";
        family(out, name, help)?;
        writeln!(out, "{name} {}", Status::from(worst(t)).code())?;
        let name = "certgen_check_expiry_timestamp_seconds";
        family(out, name, "When the check ran, as a Unix time.")?;
        writeln!(out, "{name} {}", self.now.unix_timestamp())
    }
}

/// `status --format prometheus`: the directory's CA, CRLs and bundles.
pub fn status(out: &mut dyn Write, s: &PkiStatus) -> io::Result<()> {
    let name = "certgen_pki_ca_not_after_timestamp_seconds";
    family(
        out,
        name,
        "When a CA certificate expires (its notAfter), as a Unix time; role ca, or old-ca during a changeover.",
    )?;
    for c in std::iter::once(&s.ca).chain(s.changeover.iter().flat_map(|c| &c.old)) {
        let role = match c.role {
            Role::Ca => "ca",
            Role::OldCa => "old-ca",
        };
        writeln!(
            out,
            "{name}{{role=\"{role}\",subject=\"{}\",serial=\"{}\"}} {}",
            label(&c.cert.subject),
            c.cert.serial,
            c.cert.not_after.unix_timestamp()
        )?;
    }
    let name = "certgen_pki_changeover";
    family(
        out,
        name,
        "1 while a CA changeover (rotate-ca) is in progress.",
    )?;
    writeln!(out, "{name} {}", u8::from(s.changeover.is_some()))?;
    if let Some(c) = &s.changeover {
        let name = "certgen_pki_changeover_bundles_on_old_ca";
        family(
            out,
            name,
            "Valid bundles the old CA issued: renew --all re-issues them before rotate-ca --finish.",
        )?;
        writeln!(out, "{name} {}", c.on_old_ca)?;
    }
    if let Some(f) = &s.crl {
        let path = label(&f.path.to_string_lossy());
        let name = "certgen_pki_crl_next_update_timestamp_seconds";
        family(
            out,
            name,
            "When a CRL of the PKI's CRL file reaches its nextUpdate, as a Unix time.",
        )?;
        for (i, r) in f.crls.iter().enumerate() {
            if let Some(next) = r.crl.next_update {
                writeln!(
                    out,
                    "{name}{{path=\"{path}\",index=\"{}\",issuer=\"{}\",crl_number=\"{}\"}} {}",
                    i + 1,
                    label(&r.crl.issuer),
                    label(r.crl.crl_number.as_deref().unwrap_or("")),
                    next.unix_timestamp()
                )?;
            }
        }
        let name = "certgen_pki_crl_due";
        family(
            out,
            name,
            "1 when the CRL file is due to be written anew (crl --within with the warning window).",
        )?;
        writeln!(
            out,
            "{name}{{path=\"{path}\"}} {}",
            u8::from(f.due.is_some())
        )?;
    }
    let labels = |b: &certgen::status::BundleRow| {
        format!(
            "kind=\"{}\",name=\"{}\"",
            b.id.kind.noun(),
            label(&b.id.name)
        )
    };
    let name = "certgen_pki_bundle_not_after_timestamp_seconds";
    family(
        out,
        name,
        "When a bundle's certificate expires (its notAfter), as a Unix time.",
    )?;
    for b in &s.bundles {
        if let Some(leaf) = &b.leaf {
            writeln!(
                out,
                "{name}{{{},serial=\"{}\",state=\"{}\"}} {}",
                labels(b),
                leaf.serial,
                b.state.name(),
                leaf.not_after.unix_timestamp()
            )?;
        }
    }
    let name = "certgen_pki_bundle_status";
    family(
        out,
        name,
        "A bundle's status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
    )?;
    for b in &s.bundles {
        let worst = worst_of(b.problems().map(|v| v.level));
        writeln!(
            out,
            "{name}{{{},state=\"{}\"}} {}",
            labels(b),
            b.state.name(),
            Status::from(worst).code()
        )?;
    }
    let name = "certgen_pki_bundles";
    family(out, name, "Bundles, by state.")?;
    for st in State::ALL {
        writeln!(out, "{name}{{state=\"{}\"}} {}", st.name(), s.count(st))?;
    }
    let name = "certgen_pki_problems";
    family(out, name, "Problems found, by status.")?;
    for level in [Level::Warning, Level::Critical, Level::Unknown] {
        let n = s.problems().filter(|v| v.level == level).count();
        let status = level.name().to_lowercase();
        writeln!(out, "{name}{{status=\"{status}\"}} {n}")?;
    }
    let name = "certgen_pki_status";
    let help = "Worst status of the PKI: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.";
    family(out, name, help)?;
    let worst = worst_of(s.problems().map(|v| v.level));
    writeln!(out, "{name} {}", Status::from(worst).code())?;
    let name = "certgen_pki_status_timestamp_seconds";
    family(out, name, "When the status was read, as a Unix time.")?;
    writeln!(out, "{name} {}", s.checked_at.unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_escape_invisible_characters_then_as_the_format_requires() {
        let value = "a\u{202e}b\u{200b}c\u{e0041}d\u{2028}\"\\\n";
        assert_eq!(
            label(value),
            r#"a\\u{202e}b\\u{200b}c\\u{e0041}d\\u{2028}\"\\\n"#
        );
    }
}
