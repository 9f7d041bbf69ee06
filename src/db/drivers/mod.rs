//! What each driver needs to connect as a user: the command-line clients,
//! libpq's strings, JDBC, Node.js, Python, Go and .NET, each as data and as
//! text quoted for its language. Every driver verifies the server's
//! certificate (its CA and its name) and presents the user's.

pub mod all;
pub mod cli;
pub mod conn;
pub mod dotnet;
pub mod go;
pub mod jdbc;
pub mod literal;
pub mod node;
pub mod python;
