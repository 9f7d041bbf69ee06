//! `certgen issue-client USER...`: one key and client certificate per
//! database user, and the SQL that requires it.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use time::Duration;

use certgen::db::{Require, Target};
use certgen::issue::issue_bundles;
use certgen::kind::Kind;
use certgen::lifecycle::{RenewOptions, order_for};
use certgen::pki::open_ca;
use certgen::{San, request};

use super::args::{Format, ReplacingKeyArgs};
use super::bundle::{Account, BundleReport, progress, report_notes};
use super::context::Context;
use super::exit::Status;
use super::in_command::InCommand;
use super::output;
use super::passphrase::PassphraseArgs;
use super::settings::{RequireArg, SqlDbArg};
use super::sql_out::SqlOutArgs;
use super::values;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Database user names; each becomes CN=USER and users/USER/.
    #[arg(value_name = "USER", required_unless_present = "from")]
    users: Vec<String>,
    /// Read more user names from FILE (one per line, # comments; - for stdin).
    #[arg(long, value_name = "FILE")]
    from: Option<PathBuf>,
    /// Subject attributes shared by all users (/C=US/O=Example); the CN is the
    /// user name [with --force: default the replaced certificate's subject].
    #[arg(long)]
    subject: Option<String>,
    /// subjectAltNames to add to every certificate (an email address, say)
    /// [with --force: default the replaced certificate's].
    #[arg(long, value_name = "NAME")]
    san: Vec<String>,
    #[command(flatten)]
    key: ReplacingKeyArgs,
    /// Lifetime: a number of days, or 30d, 2w, 12h [default: 1825 days; with
    /// --force: the replaced certificate's].
    #[arg(long, value_name = "DURATION", value_parser = InCommand(values::lifetime))]
    days: Option<Duration>,
    /// The host part of the account in the printed statements.
    #[arg(long, default_value = "%", value_name = "HOST")]
    sql_host: String,
    /// The database the accounts are on: the printed statement is the one
    /// it takes (`config` prints the same) [default: mysql, whose statement
    /// MariaDB takes too].
    #[arg(long, value_enum, value_name = "DB")]
    db: Option<SqlDbArg>,
    /// How the printed statements tie each account to TLS [default: subject;
    /// ssl with --db singlestore, whose accounts take ssl or x509].
    #[arg(long, value_enum, value_name = "HOW")]
    require: Option<RequireArg>,
    #[command(flatten)]
    sql_out: SqlOutArgs,
    /// Replace existing bundles (the old files move to old_keys/<timestamp>/):
    /// subject, names, lifetime, key type and key format no flag gives are
    /// kept from each certificate replaced. For routine renewal, use `certgen renew`.
    #[arg(long)]
    force: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

pub fn run(ctx: &Context, a: Args) -> Result<Status> {
    let users = user_names(&a.users, a.from.as_deref())?;
    if users.is_empty() {
        bail!("no user names given");
    }
    certgen::db::mysql::check_account_part("SQL host", &a.sql_host)?;
    let target = a.db.map_or(Target::Mysql, Target::from);
    let require = target
        .require(a.require.map(Require::from))
        .context("--require")?
        .context("every --db has SQL accounts")?;
    a.sql_out.check(None)?;
    let base = request::client_subject(a.subject.as_deref())?;
    let sans = San::parse_list(&a.san)?;
    let said = RenewOptions {
        validity: a.days,
        ..a.key.said()
    };
    let requests = users
        .iter()
        .map(|u| request::client(u, base.as_ref(), &sans, a.days))
        .collect::<certgen::Result<Vec<_>>>()?;
    let ca = open_ca(&ctx.store)?;
    let mut orders = Vec::with_capacity(users.len());
    for (user, request) in users.iter().zip(requests) {
        // With --force, what the command line does not say is kept from the
        // replaced certificate.
        let said = RenewOptions {
            subject: a.subject.is_some().then(|| request.subject.clone()),
            sans: (!a.san.is_empty()).then(|| request.sans.clone()),
            ..said.clone()
        };
        let order = order_for(
            &ctx.store,
            Kind::User,
            user,
            a.force,
            &said,
            || Ok(request),
            a.key.or_default(),
        )?;
        orders.push(order);
    }
    let bar = progress(orders.len(), ctx.quiet, "generating keys");
    let result = issue_bundles(&ctx.store, &ca, orders, ctx.now(), &|| bar.inc(1));
    bar.finish_and_clear();
    let result = result.context("issuing client certificates")?;
    report_notes(ctx.quiet, &result);
    let account = Account {
        target,
        host: &a.sql_host,
        require,
    };
    let reports = result
        .leaves
        .iter()
        .map(|l| BundleReport::new(l, Some(account)))
        .collect::<certgen::Result<Vec<_>>>()?;
    match a.format {
        Format::Json => output::print_json(&reports)?,
        Format::Text => {
            output::note(
                ctx.quiet,
                &format!(
                    "issued {} client certificate{} in {}",
                    reports.len(),
                    if reports.len() == 1 { "" } else { "s" },
                    ctx.store.path("users").display()
                ),
            );
            let sql: Vec<&str> = reports.iter().filter_map(|r| r.sql.as_deref()).collect();
            output::line(&sql.join("\n"))?;
        }
    }
    let sql: Vec<String> = reports.iter().filter_map(|r| r.sql.clone()).collect();
    a.sql_out.write(ctx.quiet, &sql)?;
    Ok(Status::Ok)
}

/// The user names: those on the command line, then those of `--from FILE`
/// (`-` for stdin: one per line, `#` comments and blank lines ignored), each
/// a valid bundle name and given once. The file is read line by line and
/// each name checked as it is read, so memory grows with the distinct names,
/// not with the file, and the first bad or repeated name stops the reading.
fn user_names(users: &[String], from: Option<&Path>) -> Result<Vec<String>> {
    let mut names = Names::default();
    for user in users {
        names.add(user).context(ISSUING)?;
    }
    if let Some(path) = from {
        read_name_list(path, &mut names)?;
    }
    Ok(names.list)
}

const ISSUING: &str = "issuing client certificates";

/// Names in the order given, each once.
#[derive(Default)]
struct Names {
    list: Vec<String>,
    seen: HashSet<String>,
}

impl Names {
    fn add(&mut self, name: &str) -> certgen::Result<()> {
        certgen::bundle::check_name(name)?;
        if !self.seen.insert(name.to_string()) {
            return Err(certgen::Error::DuplicateName(name.to_string()));
        }
        self.list.push(name.to_string());
        Ok(())
    }
}

/// Adds the names of `--from FILE` to `names`, reading at most
/// [`MAX_FILE`](certgen::input::MAX_FILE) bytes.
fn read_name_list(path: &Path, names: &mut Names) -> Result<()> {
    use certgen::input::{MAX_FILE, open_file};
    let (what, input): (String, Box<dyn Read>) = if path.as_os_str() == "-" {
        ("names from stdin".into(), Box::new(std::io::stdin().lock()))
    } else {
        let file = open_file(path, MAX_FILE).with_context(|| format!("reading {}", path.display()));
        (path.display().to_string(), Box::new(file?))
    };
    let reading = || format!("reading {what}");
    let mut input = BufReader::with_capacity(1 << 16, input.take(MAX_FILE + 1));
    let mut line = Vec::new();
    let mut total = 0u64;
    loop {
        line.clear();
        let read = input.read_until(b'\n', &mut line).with_context(reading)?;
        if read == 0 {
            break;
        }
        total += read as u64;
        if total > MAX_FILE {
            bail!(
                "{}: too large (the limit is {} MiB)",
                reading(),
                MAX_FILE >> 20
            );
        }
        let text = std::str::from_utf8(&line)
            .map_err(|_| anyhow::anyhow!("not UTF-8 text"))
            .with_context(reading)?;
        let name = text.split('#').next().unwrap_or("").trim();
        if !name.is_empty() {
            names.add(name).context(ISSUING)?;
        }
    }
    Ok(())
}
