//! Every driver's settings for one user of one database, in the order they
//! are printed.

use super::super::database::Database;
use super::super::rails::Adapter;
use super::super::settings::{Bundle, ClientKind, Driver, Input};
use super::conn::{Conn, Protocol};
use super::{cli, dotnet, go, jdbc, node, python};
use crate::error::Result;

/// The drivers of `user` connecting to `database`; `command` is the
/// command line the database's module made for the user, when it made one.
pub fn drivers(
    database: Database,
    input: &Input<'_>,
    user: &Bundle,
    command: Option<&str>,
) -> Result<Vec<Driver>> {
    let conn = Conn::new(database, input, user)?;
    let mut drivers = Vec::new();
    match conn.protocol {
        Protocol::Mysql => drivers.extend(command.map(|c| cli::mysql(&conn, database.client(), c))),
        Protocol::Postgres => {
            drivers.push(cli::psql(&conn));
            drivers.extend(cli::libpq(&conn));
        }
    }
    drivers.extend(jdbc::drivers(&conn));
    drivers.push(node::driver(&conn));
    drivers.push(python::driver(&conn));
    drivers.push(go::driver(&conn));
    drivers.push(dotnet::driver(&conn));
    let adapter = match conn.protocol {
        Protocol::Mysql => Adapter::Mysql2,
        Protocol::Postgres => Adapter::Postgresql,
    };
    let section = adapter.section(&input.server.name, user, Some(conn.port), conn.database)?;
    drivers.push(Driver {
        user: conn.user.to_string(),
        client: ClientKind::Rails,
        driver: adapter.name(),
        title: match adapter {
            Adapter::Mysql2 => "Rails (mysql2 adapter)",
            Adapter::Postgresql => "Rails (postgresql adapter)",
        },
        language: "yaml",
        settings: section.settings,
        connection_string: None,
        text: section.text,
    });
    Ok(drivers)
}
