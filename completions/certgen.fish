# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_certgen_global_optspecs
    string join \n dir= q/quiet color= h/help V/version
end

function __fish_certgen_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_certgen_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_certgen_using_subcommand
    set -l cmd (__fish_certgen_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c certgen -n "__fish_certgen_needs_command" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_needs_command" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_needs_command" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_needs_command" -s h -l help -d 'Print help'
complete -c certgen -n "__fish_certgen_needs_command" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "init-ca" -d 'Create the CA (key + self-signed v3 certificate), or an intermediate'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "csr" -d 'Make a key and a certificate signing request for an outside CA'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "sign" -d 'Sign a CSR with the CA, applying a server or client profile'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "issue-server" -d 'Issue a key and certificate for a database server'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "issue-client" -d 'Issue keys and client certificates for database users'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "setup" -d 'CA, server and client certificates and the config for one database, in one go'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "config" -d 'Print the settings, SQL and commands a database needs for existing bundles'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "ca" -d 'Maintain the CA key: change or remove its passphrase'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "deploy" -d 'Copy a server or user bundle where the database reads it: layout, owner, modes'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "keystore" -d 'Write PKCS#12 keystores and a PKCS#8 key of bundles, for Java and .NET drivers'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "verify" -d 'Check that a certificate chains to a trusted CA, for a host and purpose'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "check-expiry" -d 'Check certificate and CRL expiry: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "status" -d 'The PKI at a glance: CA and changeover, CRLs, each bundle\'s state; Nagios exit codes'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "inspect" -d 'Summarise certificates, CSRs, keys (never the secret) and CRLs'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "list" -d 'List what the CA issued (index.txt): status, expiry, serial, subject, file'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "revoke" -d 'Mark a certificate revoked in the index (openssl ca -revoke)'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "retire" -d 'Retire a server or user: revoke and archive its bundle, print the account change'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "crl" -d 'Write a CRL of the revoked certificates, signed by the CA (openssl ca -gencrl)'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "renew" -d 'New certificates (and keys) for bundles, with the names of those they replace'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "rotate-ca" -d 'Roll the CA over: a new root, trusted beside the old one until --finish'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "rollout" -d 'Deploy what changed to every host of an inventory over SSH, reload, confirm'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "man" -d 'Write man pages'
complete -c certgen -n "__fish_certgen_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c certgen -n "__fish_certgen_using_subcommand init-ca" -l cn -d 'Common name of the CA (ignored when --subject has a CN)' -r
complete -c certgen -n "__fish_certgen_using_subcommand init-ca" -l subject -d 'Full subject: /C=US/O=Example/CN=Example CA or CN=Example CA,O=Example,C=US' -r
complete -c certgen -n "__fish_certgen_using_subcommand init-ca" -l key-type -d 'Key type of the CA key' -r -f -a "rsa2048\t''
rsa3072\t''
rsa4096\t''
ecdsa-p256\t''
ecdsa-p384\t''
ed25519\t''"
complete -c certgen -n "__fish_certgen_using_subcommand init-ca" -l key-format -d 'Encoding of the CA key file' -r -f -a "pkcs8\t'BEGIN PRIVATE KEY (default)'
pkcs1\t'BEGIN RSA PRIVATE KEY, for MySQL 5.x built with yaSSL'
sec1\t'BEGIN EC PRIVATE KEY'"
complete -c certgen -n "__fish_certgen_using_subcommand init-ca" -l days -d 'Lifetime: a number of days, or 30d, 2w, 12h [default: 3650 days]' -r
complete -c certgen -n "__fish_certgen_using_subcommand init-ca" -l path-len -d 'Limit on intermediates below this CA (pathLenConstraint); intermediates default to 0' -r
complete -c certgen -n "__fish_certgen_using_subcommand init-ca" -l parent -d 'The parent PKI directory, for --intermediate' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand init-ca" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c certgen -n "__fish_certgen_using_subcommand init-ca" -l passphrase-file -d 'Read the CA key\'s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand init-ca" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand init-ca" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand init-ca" -l intermediate -d 'Make an intermediate CA signed by the CA in --parent'
complete -c certgen -n "__fish_certgen_using_subcommand init-ca" -l force -d 'Replace an existing CA; its files move to old_keys/<timestamp>/ first'
complete -c certgen -n "__fish_certgen_using_subcommand init-ca" -l encrypt -d 'Encrypt the CA key with a passphrase (PKCS#8, scrypt + AES-256-CBC): from --passphrase-file, else CERTGEN_CA_PASSPHRASE, else asked twice on the terminal'
complete -c certgen -n "__fish_certgen_using_subcommand init-ca" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand init-ca" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certgen -n "__fish_certgen_using_subcommand init-ca" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand csr" -l cn -d 'Common name (ignored when --subject has a CN)' -r
complete -c certgen -n "__fish_certgen_using_subcommand csr" -l subject -d 'Full subject: /C=US/O=Example/CN=db1 or CN=db1,O=Example,C=US' -r
complete -c certgen -n "__fish_certgen_using_subcommand csr" -l san -d 'subjectAltNames to request (DNS, IP, email, URI); repeatable and comma-separated' -r
complete -c certgen -n "__fish_certgen_using_subcommand csr" -l key-type -d 'Key type of the new key' -r -f -a "rsa2048\t''
rsa3072\t''
rsa4096\t''
ecdsa-p256\t''
ecdsa-p384\t''
ed25519\t''"
complete -c certgen -n "__fish_certgen_using_subcommand csr" -l key-format -d 'Encoding of the new key file' -r -f -a "pkcs8\t'BEGIN PRIVATE KEY (default)'
pkcs1\t'BEGIN RSA PRIVATE KEY, for MySQL 5.x built with yaSSL'
sec1\t'BEGIN EC PRIVATE KEY'"
complete -c certgen -n "__fish_certgen_using_subcommand csr" -l out-key -d 'Where to write the key [default: CN-key.pem]. Must not exist' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand csr" -l out -d 'Where to write the request [default: CN-req.pem]. Must not exist' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand csr" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand csr" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand csr" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand csr" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certgen -n "__fish_certgen_using_subcommand csr" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand sign" -l profile -d 'What the certificate is for. A CA certificate is never made from a CSR' -r -f -a "server\t'serverAuth'
client\t'clientAuth'
server-client\t'serverAuth and clientAuth, for cluster nodes'"
complete -c certgen -n "__fish_certgen_using_subcommand sign" -l days -d 'Lifetime: a number of days, or 30d, 2w, 12h [default: 825 days for servers, 1825 for clients]' -r
complete -c certgen -n "__fish_certgen_using_subcommand sign" -l san -d 'subjectAltNames to add to those the CSR asks for; repeatable and comma-separated' -r
complete -c certgen -n "__fish_certgen_using_subcommand sign" -l out -d 'Write the certificate here (must not exist) instead of to stdout' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand sign" -l format -d 'Output format of the report (with --out) or the certificate' -r -f -a "text\t''
json\t''"
complete -c certgen -n "__fish_certgen_using_subcommand sign" -l passphrase-file -d 'Read the CA key\'s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand sign" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand sign" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand sign" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certgen -n "__fish_certgen_using_subcommand sign" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand issue-server" -l san -d 'More names clients use to reach it (DNS, IPv4/IPv6); repeatable and comma-separated [with --force: default the replaced certificate\'s]' -r
complete -c certgen -n "__fish_certgen_using_subcommand issue-server" -l subject -d 'Subject attributes (/C=US/O=Example); CN defaults to NAME [with --force: default the replaced certificate\'s]' -r
complete -c certgen -n "__fish_certgen_using_subcommand issue-server" -l key-type -d 'Key type of the new key [default: rsa2048; with --force: the replaced key\'s]' -r -f -a "rsa2048\t''
rsa3072\t''
rsa4096\t''
ecdsa-p256\t''
ecdsa-p384\t''
ed25519\t''"
complete -c certgen -n "__fish_certgen_using_subcommand issue-server" -l key-format -d 'Encoding of the new key file [default: pkcs8; with --force: the replaced key file\'s]' -r -f -a "pkcs8\t'BEGIN PRIVATE KEY (default)'
pkcs1\t'BEGIN RSA PRIVATE KEY, for MySQL 5.x built with yaSSL'
sec1\t'BEGIN EC PRIVATE KEY'"
complete -c certgen -n "__fish_certgen_using_subcommand issue-server" -l days -d 'Lifetime: a number of days, or 30d, 2w, 12h [default: 825 days; with --force: the replaced certificate\'s]' -r
complete -c certgen -n "__fish_certgen_using_subcommand issue-server" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c certgen -n "__fish_certgen_using_subcommand issue-server" -l passphrase-file -d 'Read the CA key\'s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand issue-server" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand issue-server" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand issue-server" -l client-auth -d 'Add clientAuth, for cluster nodes that also connect to each other (with --force, a replaced certificate\'s clientAuth is kept without it)'
complete -c certgen -n "__fish_certgen_using_subcommand issue-server" -l force -d 'Replace an existing bundle (the old files move to old_keys/<timestamp>/): names, subject, lifetime, key type and key format no flag gives are kept from the certificate it replaces. For routine renewal, use `certgen renew`'
complete -c certgen -n "__fish_certgen_using_subcommand issue-server" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand issue-server" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certgen -n "__fish_certgen_using_subcommand issue-server" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand issue-client" -l from -d 'Read more user names from FILE (one per line, # comments; - for stdin)' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand issue-client" -l subject -d 'Subject attributes shared by all users (/C=US/O=Example); the CN is the user name [with --force: default the replaced certificate\'s subject]' -r
complete -c certgen -n "__fish_certgen_using_subcommand issue-client" -l san -d 'subjectAltNames to add to every certificate (an email address, say) [with --force: default the replaced certificate\'s]' -r
complete -c certgen -n "__fish_certgen_using_subcommand issue-client" -l key-type -d 'Key type of the new key [default: rsa2048; with --force: the replaced key\'s]' -r -f -a "rsa2048\t''
rsa3072\t''
rsa4096\t''
ecdsa-p256\t''
ecdsa-p384\t''
ed25519\t''"
complete -c certgen -n "__fish_certgen_using_subcommand issue-client" -l key-format -d 'Encoding of the new key file [default: pkcs8; with --force: the replaced key file\'s]' -r -f -a "pkcs8\t'BEGIN PRIVATE KEY (default)'
pkcs1\t'BEGIN RSA PRIVATE KEY, for MySQL 5.x built with yaSSL'
sec1\t'BEGIN EC PRIVATE KEY'"
complete -c certgen -n "__fish_certgen_using_subcommand issue-client" -l days -d 'Lifetime: a number of days, or 30d, 2w, 12h [default: 1825 days; with --force: the replaced certificate\'s]' -r
complete -c certgen -n "__fish_certgen_using_subcommand issue-client" -l sql-host -d 'The host part of the account in the printed statements' -r
complete -c certgen -n "__fish_certgen_using_subcommand issue-client" -l db -d 'The database the accounts are on: the printed statement is the one it takes (`config` prints the same) [default: mysql, whose statement MariaDB takes too]' -r -f -a "mysql\t''
mariadb\t''
singlestore\t''"
complete -c certgen -n "__fish_certgen_using_subcommand issue-client" -l require -d 'How the printed statements tie each account to TLS [default: subject; ssl with --db singlestore, whose accounts take ssl or x509]' -r -f -a "ssl\t'REQUIRE SSL: any TLS connection'
x509\t'REQUIRE X509: any certificate from a CA the server trusts'
subject\t'REQUIRE SUBJECT ... AND ISSUER ...: this user\'s certificate'"
complete -c certgen -n "__fish_certgen_using_subcommand issue-client" -l sql-out -d 'Also write the printed SQL to FILE, for an administrator to run (`mariadb < FILE`); FILE must not exist: certgen never replaces it' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand issue-client" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c certgen -n "__fish_certgen_using_subcommand issue-client" -l passphrase-file -d 'Read the CA key\'s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand issue-client" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand issue-client" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand issue-client" -l force -d 'Replace existing bundles (the old files move to old_keys/<timestamp>/): subject, names, lifetime, key type and key format no flag gives are kept from each certificate replaced. For routine renewal, use `certgen renew`'
complete -c certgen -n "__fish_certgen_using_subcommand issue-client" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand issue-client" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certgen -n "__fish_certgen_using_subcommand issue-client" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l host -d 'Names clients use to reach the server (repeatable, comma-separated); the first also names servers/NAME. localhost adds 127.0.0.1 and ::1' -r
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l user -d 'Database users to issue client certificates for (repeatable, comma-separated)' -r
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l key-type -d 'Key type of the new key' -r -f -a "rsa2048\t''
rsa3072\t''
rsa4096\t''
ecdsa-p256\t''
ecdsa-p384\t''
ed25519\t''"
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l key-format -d 'Encoding of the new key file' -r -f -a "pkcs8\t'BEGIN PRIVATE KEY (default)'
pkcs1\t'BEGIN RSA PRIVATE KEY, for MySQL 5.x built with yaSSL'
sec1\t'BEGIN EC PRIVATE KEY'"
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l ca-key-type -d 'Key type of the CA key, when the CA is created' -r -f -a "rsa2048\t''
rsa3072\t''
rsa4096\t''
ecdsa-p256\t''
ecdsa-p384\t''
ed25519\t''"
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l ca-cn -d 'Common name of the CA, when the CA is created' -r
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l require -d 'How the printed SQL ties each account to TLS [default: subject for mysql and mariadb, ssl for singlestore]' -r -f -a "ssl\t'REQUIRE SSL: any TLS connection'
x509\t'REQUIRE X509: any certificate from a CA the server trusts'
subject\t'REQUIRE SUBJECT ... AND ISSUER ...: this user\'s certificate'"
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l sql-host -d 'The host part of the accounts in the printed SQL' -r
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l deploy-dir -d 'The server\'s files are in DIR, as `certgen deploy server NAME --to DIR` puts them, instead of in the PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l client-deploy-dir -d 'The users\' files are in DIR, as `certgen deploy user USER --to DIR` puts them; {user} in DIR stands for each user\'s name (e.g. \'/home/{user}/.postgresql\')' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l layout -d 'The file names in --deploy-dir and --client-deploy-dir' -r -f -a "plain\t''
mysql\t''
postgres\t''
engineyard\t''"
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l tls-account -d 'An existing account without a certificate that must log in over TLS (ALTER USER ... REQUIRE SSL), such as root, which ADD AGGREGATOR, ADD LEAF and SingleStore Tools log in as (repeatable, comma-separated)' -r
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l port -d 'The port clients connect to [default: the database\'s, 3306 or 5432]' -r
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l database -d 'The database the drivers connect to [default: none for the MySQL family; for PostgreSQL the user\'s name, libpq\'s default]' -r
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l keystore-dir -d 'The directory `certgen keystore user USER --out DIR` wrote each user\'s keystores to, for the JDBC settings; {user} in DIR stands for each user\'s name (e.g. \'/home/{user}/jdbc\')' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l client -d 'Print the settings of these clients, each verifying the server and presenting the user\'s certificate (repeatable, comma-separated) [default: the command line in text; every client in JSON]' -r -f -a "cli\t'The command-line client: mysql, mariadb or psql, over TCP'
libpq\t'libpq\'s connection string and URI (PostgreSQL)'
jdbc\t'MySQL Connector/J, MariaDB Connector/J, pgJDBC (needs --keystore-dir)'
node\t'Node.js mysql2, pg'
python\t'Python PyMySQL, psycopg'
go\t'Go go-sql-driver/mysql, pgx'
dotnet\t'.NET MySqlConnector, Npgsql'
rails\t'Rails\' database.yml (mysql2, postgresql adapters)'"
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l sql-out -d 'Also write the printed SQL to FILE, for an administrator to run (`mariadb < FILE`); FILE must not exist: certgen never replaces it' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l format -d 'Output format: the settings and SQL as text, or every bundle and the settings as JSON' -r -f -a "text\t''
json\t''"
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l passphrase-file -d 'Read the CA key\'s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l aggregators-only -d 'TLS for clients on the aggregators only (the master and child aggregators), not between the nodes: no ssl_ca, and the sdb-admin commands for the aggregators\' IDs'
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l ops -d 'Also serve MemSQL Ops\' web UI with the server certificate (memsql-ops ssl-set-cert)'
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l force -d 'Reissue server and client certificates that exist (the old ones are archived). Without it, existing ones are kept if they chain to the CA (else setup refuses), and a server certificate lacking a --host is reissued'
complete -c certgen -n "__fish_certgen_using_subcommand setup" -l encrypt -d 'Encrypt the key of the CA setup creates with a passphrase (as `init-ca --encrypt` does); an existing CA\'s key is changed with `certgen ca passphrase`'
complete -c certgen -n "__fish_certgen_using_subcommand setup" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand setup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certgen -n "__fish_certgen_using_subcommand setup" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand config" -l server -d 'The server bundle (servers/NAME) [default: the only one]' -r
complete -c certgen -n "__fish_certgen_using_subcommand config" -l user -d 'User bundles to print client settings and SQL for (repeatable, comma-separated) [default: every one under users/]' -r
complete -c certgen -n "__fish_certgen_using_subcommand config" -l require -d 'How the printed SQL ties each account to TLS [default: subject for mysql and mariadb, ssl for singlestore]' -r -f -a "ssl\t'REQUIRE SSL: any TLS connection'
x509\t'REQUIRE X509: any certificate from a CA the server trusts'
subject\t'REQUIRE SUBJECT ... AND ISSUER ...: this user\'s certificate'"
complete -c certgen -n "__fish_certgen_using_subcommand config" -l sql-host -d 'The host part of the accounts in the printed SQL' -r
complete -c certgen -n "__fish_certgen_using_subcommand config" -l deploy-dir -d 'The server\'s files are in DIR, as `certgen deploy server NAME --to DIR` puts them, instead of in the PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand config" -l client-deploy-dir -d 'The users\' files are in DIR, as `certgen deploy user USER --to DIR` puts them; {user} in DIR stands for each user\'s name (e.g. \'/home/{user}/.postgresql\')' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand config" -l layout -d 'The file names in --deploy-dir and --client-deploy-dir' -r -f -a "plain\t''
mysql\t''
postgres\t''
engineyard\t''"
complete -c certgen -n "__fish_certgen_using_subcommand config" -l tls-account -d 'An existing account without a certificate that must log in over TLS (ALTER USER ... REQUIRE SSL), such as root, which ADD AGGREGATOR, ADD LEAF and SingleStore Tools log in as (repeatable, comma-separated)' -r
complete -c certgen -n "__fish_certgen_using_subcommand config" -l port -d 'The port clients connect to [default: the database\'s, 3306 or 5432]' -r
complete -c certgen -n "__fish_certgen_using_subcommand config" -l database -d 'The database the drivers connect to [default: none for the MySQL family; for PostgreSQL the user\'s name, libpq\'s default]' -r
complete -c certgen -n "__fish_certgen_using_subcommand config" -l keystore-dir -d 'The directory `certgen keystore user USER --out DIR` wrote each user\'s keystores to, for the JDBC settings; {user} in DIR stands for each user\'s name (e.g. \'/home/{user}/jdbc\')' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand config" -l client -d 'Print the settings of these clients, each verifying the server and presenting the user\'s certificate (repeatable, comma-separated) [default: the command line in text; every client in JSON]' -r -f -a "cli\t'The command-line client: mysql, mariadb or psql, over TCP'
libpq\t'libpq\'s connection string and URI (PostgreSQL)'
jdbc\t'MySQL Connector/J, MariaDB Connector/J, pgJDBC (needs --keystore-dir)'
node\t'Node.js mysql2, pg'
python\t'Python PyMySQL, psycopg'
go\t'Go go-sql-driver/mysql, pgx'
dotnet\t'.NET MySqlConnector, Npgsql'
rails\t'Rails\' database.yml (mysql2, postgresql adapters)'"
complete -c certgen -n "__fish_certgen_using_subcommand config" -l sql-out -d 'Also write the printed SQL to FILE, for an administrator to run (`mariadb < FILE`); FILE must not exist: certgen never replaces it' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand config" -l format -d 'Output format: the settings as text, or every path and statement as JSON' -r -f -a "text\t''
json\t''"
complete -c certgen -n "__fish_certgen_using_subcommand config" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand config" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand config" -l aggregators-only -d 'TLS for clients on the aggregators only (the master and child aggregators), not between the nodes: no ssl_ca, and the sdb-admin commands for the aggregators\' IDs'
complete -c certgen -n "__fish_certgen_using_subcommand config" -l ops -d 'Also serve MemSQL Ops\' web UI with the server certificate (memsql-ops ssl-set-cert)'
complete -c certgen -n "__fish_certgen_using_subcommand config" -l disable -d 'Print what turns TLS off again instead: each account back to REQUIRE NONE, every setting reset (sdb-admin update-config --reset), MemSQL Ops\' web UI without TLS with --ops; give the options the settings were printed with'
complete -c certgen -n "__fish_certgen_using_subcommand config" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand config" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certgen -n "__fish_certgen_using_subcommand config" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand ca; and not __fish_seen_subcommand_from passphrase help" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand ca; and not __fish_seen_subcommand_from passphrase help" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand ca; and not __fish_seen_subcommand_from passphrase help" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand ca; and not __fish_seen_subcommand_from passphrase help" -s h -l help -d 'Print help'
complete -c certgen -n "__fish_certgen_using_subcommand ca; and not __fish_seen_subcommand_from passphrase help" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand ca; and not __fish_seen_subcommand_from passphrase help" -f -a "passphrase" -d 'Encrypt the CA key with a new passphrase, or remove it with --remove. The key stays the same; the old key file is archived in old_keys/<timestamp>/'
complete -c certgen -n "__fish_certgen_using_subcommand ca; and not __fish_seen_subcommand_from passphrase help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c certgen -n "__fish_certgen_using_subcommand ca; and __fish_seen_subcommand_from passphrase" -l new-passphrase-file -d 'Read the new passphrase from the first line of FILE [else from CERTGEN_CA_NEW_PASSPHRASE, else asked twice on the terminal]' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand ca; and __fish_seen_subcommand_from passphrase" -l passphrase-file -d 'Read the CA key\'s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand ca; and __fish_seen_subcommand_from passphrase" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c certgen -n "__fish_certgen_using_subcommand ca; and __fish_seen_subcommand_from passphrase" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand ca; and __fish_seen_subcommand_from passphrase" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand ca; and __fish_seen_subcommand_from passphrase" -l remove -d 'Store the key unencrypted'
complete -c certgen -n "__fish_certgen_using_subcommand ca; and __fish_seen_subcommand_from passphrase" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand ca; and __fish_seen_subcommand_from passphrase" -s h -l help -d 'Print help'
complete -c certgen -n "__fish_certgen_using_subcommand ca; and __fish_seen_subcommand_from passphrase" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "passphrase" -d 'Encrypt the CA key with a new passphrase, or remove it with --remove. The key stays the same; the old key file is archived in old_keys/<timestamp>/'
complete -c certgen -n "__fish_certgen_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c certgen -n "__fish_certgen_using_subcommand deploy" -l to -d 'The directory the server or client reads (created if missing; its parent must exist): a local DIR, or [USER@]HOST:DIR or ssh://[USER@]HOST[:PORT]/DIR on another machine, reached with the system\'s ssh client' -r
complete -c certgen -n "__fish_certgen_using_subcommand deploy" -l layout -d 'The file names to give the CA, certificate, key and CRL' -r -f -a "plain\t'ca-cert.pem, server-cert.pem, server-key.pem (client-*.pem for a user), crl.pem'
mysql\t'ca.pem, server-cert.pem, server-key.pem (client-*.pem for a user), crl.pem'
postgres\t'root.crt, server.crt, server.key (postgresql.crt, postgresql.key for a user), root.crl'
engineyard\t'root.crt, mysql.crt, mysql.key, root.crl, for a Rails database.yml'
kubernetes\t'A kubernetes.io/tls Secret manifest (tls.crt, tls.key, ca.crt, ca.crl) written to --to FILE, or to standard output with --to - (for kubectl apply -f -)'"
complete -c certgen -n "__fish_certgen_using_subcommand deploy" -l owner -d 'Give the files (and DIR, when it is created) to USER and GROUP: names or numeric ids; USER alone also sets USER\'s login group. Without it, replaced files keep their owner, group and mode. Run as root for a DIR of another user, deploy writes DIR as that user: USER must be them, GROUP one of theirs' -r
complete -c certgen -n "__fish_certgen_using_subcommand deploy" -l ssh-command -d 'The ssh command and its options, as rsync\'s -e takes it ("ssh -F ./ssh_config"); BatchMode=yes is added: nothing prompts' -r
complete -c certgen -n "__fish_certgen_using_subcommand deploy" -l ssh-persist -d 'How long each host\'s shared connection stays open after certgen\'s last session on it, in seconds, so that the next command reuses it (0: no sharing of certgen\'s own). Where the ssh configuration sets ControlMaster or ControlPath for a host, that is used instead; `ControlMaster no` cannot be told from no setting, so turn certgen\'s off with 0' -r
complete -c certgen -n "__fish_certgen_using_subcommand deploy" -l reload -d 'After a deployment that changed files, make DATABASE serve them: its reload (MariaDB FLUSH SSL, MySQL ALTER INSTANCE RELOAD TLS, PostgreSQL pg_reload_conf(); a restart for SingleStore and Manticore) run where the files are, then --confirm' -r -f -a "mysql\t''
mariadb\t''
singlestore\t''
manticore\t''
postgres\t''"
complete -c certgen -n "__fish_certgen_using_subcommand deploy" -l reload-command -d 'The command --reload runs instead of the database\'s own (through sh -c, on the machine of --to)' -r
complete -c certgen -n "__fish_certgen_using_subcommand deploy" -l confirm -d 'The server to ask, after the reload, which certificate it serves, until it is the one deployed ([mysql://|postgres://|tls://]HOST:PORT); default: the host of --to at the database\'s port' -r
complete -c certgen -n "__fish_certgen_using_subcommand deploy" -l confirm-timeout -d 'How long --confirm waits for the server to serve the deployed certificate' -r
complete -c certgen -n "__fish_certgen_using_subcommand deploy" -l secret-name -d 'With --layout kubernetes: the Secret\'s name (default: NAME-tls)' -r
complete -c certgen -n "__fish_certgen_using_subcommand deploy" -l namespace -d 'With --layout kubernetes: the Secret\'s namespace (default: kubectl\'s)' -r
complete -c certgen -n "__fish_certgen_using_subcommand deploy" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c certgen -n "__fish_certgen_using_subcommand deploy" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand deploy" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand deploy" -l group-readable -d 'Make the key 0640, readable by its group, instead of 0600'
complete -c certgen -n "__fish_certgen_using_subcommand deploy" -l no-confirm -d 'Do not connect to the server after the reload'
complete -c certgen -n "__fish_certgen_using_subcommand deploy" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand deploy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certgen -n "__fish_certgen_using_subcommand deploy" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand keystore" -l out -d 'The directory to write keystore.p12, truststore.p12 and the .pk8 key to (created if missing; its parent must exist); {user} in DIR stands for each user\'s name, {server} for each server\'s (e.g. \'/home/{user}/jdbc\'). Files already there are never replaced' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand keystore" -l alias -d 'The alias of the key entry [default: user for a user, the only alias pgJDBC reads; server for a server]' -r
complete -c certgen -n "__fish_certgen_using_subcommand keystore" -l password-file -d 'Read the password of the keystores and the truststores from the first line of FILE [else asked twice on the terminal]: 6 or more printable ASCII characters, as Java requires' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand keystore" -l password-env -d 'Read the password from the environment variable VAR' -r
complete -c certgen -n "__fish_certgen_using_subcommand keystore" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c certgen -n "__fish_certgen_using_subcommand keystore" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand keystore" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand keystore" -l all -d 'Every user (or server) bundle; those whose certificate is revoked, superseded, expired, of another CA or not in the index are skipped with a note. --out must hold {user} (or {server})'
complete -c certgen -n "__fish_certgen_using_subcommand keystore" -l legacy -d 'The legacy profile (3DES, HMAC-SHA1) for Java 8 before 8u301, Java 11 before 11.0.12 and older Windows [default: AES-256-CBC, PBKDF2-HMAC-SHA256, HMAC-SHA256, which OpenSSL 3, Java 11.0.12+ and current .NET read]'
complete -c certgen -n "__fish_certgen_using_subcommand keystore" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand keystore" -s h -l help -d 'Print help'
complete -c certgen -n "__fish_certgen_using_subcommand keystore" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand verify" -l ca -d 'Trusted roots, one or more in one file [default: DIR/ca-bundle.pem, else DIR/ca-cert.pem]' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand verify" -l chain -d 'Untrusted intermediates, in any order' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand verify" -l host -d 'The DNS name or IP address clients connect to' -r
complete -c certgen -n "__fish_certgen_using_subcommand verify" -l purpose -d 'What the certificate must be good for' -r -f -a "server\t'TLS server (extendedKeyUsage serverAuth)'
client\t'TLS client (extendedKeyUsage clientAuth)'"
complete -c certgen -n "__fish_certgen_using_subcommand verify" -l at -d 'Verify as of this time (RFC 3339, a date for its midnight UTC, or Unix seconds) instead of now' -r
complete -c certgen -n "__fish_certgen_using_subcommand verify" -l key -d 'A private key that must belong to the certificate' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand verify" -l crl -d 'Check revocation: the CRL of the certificate\'s issuer (PEM or DER) must verify with the issuer\'s key, be current, and not list the certificate' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand verify" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c certgen -n "__fish_certgen_using_subcommand verify" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand verify" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand verify" -l strict -d 'Give the verdict of the strictest clients (rustls, Go, Java, browsers) instead of OpenSSL\'s'
complete -c certgen -n "__fish_certgen_using_subcommand verify" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certgen -n "__fish_certgen_using_subcommand verify" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand check-expiry" -l connect -d 'Check the chain a live server serves (repeatable; IPv6 as [::1]:5432); a mysql://, postgres:// or tls:// prefix sets the protocol for that server' -r
complete -c certgen -n "__fish_certgen_using_subcommand check-expiry" -l starttls -d 'How to start TLS with the --connect servers without a prefix: auto picks mysql on ports 3306, 3307 and 9306, postgres on 5432, plain TLS (none) elsewhere' -r -f -a "auto\t'By the port: 3306, 3307, 9306 mysql; 5432 postgres; else none, then mysql or postgres as the server answers'
mysql\t'The MySQL protocol\'s SSLRequest (MySQL, MariaDB, SingleStore, Manticore)'
postgres\t'PostgreSQL\'s SSLRequest'
none\t'TLS from the first byte'"
complete -c certgen -n "__fish_certgen_using_subcommand check-expiry" -l sni -d 'The server name to send (SNI) and, with --ca, to check; default: the HOST of --connect when it is a DNS name' -r
complete -c certgen -n "__fish_certgen_using_subcommand check-expiry" -l timeout -d 'Give up on a server after this long to look it up and connect, and again for the handshake (10s, 2m)' -r
complete -c certgen -n "__fish_certgen_using_subcommand check-expiry" -l ca -d 'Also validate each served chain and host name against the roots in FILE: CRITICAL when it fails' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand check-expiry" -l expect -d 'The servers should serve the current certificate of the PKI\'s server bundle NAME: WARNING "deploy needed" or "reload needed" (--deployed tells which) when they serve another' -r
complete -c certgen -n "__fish_certgen_using_subcommand check-expiry" -l deployed -d 'The copy of the certificate the servers read: the file, or the directory deploy wrote (--to). WARNING "reload needed" when they serve another certificate; with --expect, "deploy needed" when it is not the PKI\'s current one' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand check-expiry" -l db -d 'The database behind --connect, for the reload statement of --expect and --deployed; default: those the protocol is spoken by' -r -f -a "mysql\t''
mariadb\t''
singlestore\t''
manticore\t''
postgres\t''"
complete -c certgen -n "__fish_certgen_using_subcommand check-expiry" -l warn -d 'WARNING when a certificate expires (a CRL\'s nextUpdate falls) within this time (30d, 2w, 12h, or days)' -r
complete -c certgen -n "__fish_certgen_using_subcommand check-expiry" -l crit -d 'CRITICAL when a certificate (a CRL) expires within this time, has expired, or is not yet valid' -r
complete -c certgen -n "__fish_certgen_using_subcommand check-expiry" -l at -d 'Check as of this time instead of now (RFC 3339, a date for its midnight UTC, or Unix seconds)' -r
complete -c certgen -n "__fish_certgen_using_subcommand check-expiry" -l format -d 'Output format' -r -f -a "text\t'A table; with --quiet only the problems, and nothing when all is well'
json\t'One JSON document (see docs/check-expiry.md)'
nagios\t'A Nagios plugin status line with performance data'
prometheus\t'Prometheus text exposition format (node_exporter textfile collector)'"
complete -c certgen -n "__fish_certgen_using_subcommand check-expiry" -l output -d 'Write the report to FILE atomically instead of stdout (for node_exporter\'s textfile collector)' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand check-expiry" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand check-expiry" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand check-expiry" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand check-expiry" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certgen -n "__fish_certgen_using_subcommand check-expiry" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand status" -l warn -d 'WARNING when a certificate expires (a CRL\'s nextUpdate falls) within this time (30d, 2w, 12h, or days); also the window in which the CRL file is due' -r
complete -c certgen -n "__fish_certgen_using_subcommand status" -l crit -d 'CRITICAL when a certificate (a CRL) expires within this time, has expired, or is not yet valid' -r
complete -c certgen -n "__fish_certgen_using_subcommand status" -l at -d 'Check as of this time instead of now (RFC 3339, a date for its midnight UTC, or Unix seconds)' -r
complete -c certgen -n "__fish_certgen_using_subcommand status" -l format -d 'Output format' -r -f -a "text\t'A table; with --quiet only the problems, and nothing when all is well'
json\t'One JSON document (see docs/status.md)'
nagios\t'A Nagios plugin status line with performance data'
prometheus\t'Prometheus text exposition format (node_exporter textfile collector)'"
complete -c certgen -n "__fish_certgen_using_subcommand status" -l output -d 'Write the report to FILE atomically instead of stdout (for node_exporter\'s textfile collector)' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand status" -l inventory -d 'Also look at the hosts of this inventory (see `certgen rollout`), read-only over SSH: the serial each holds and the one its server serves; flags a host that needs a deploy or a reload, or serves a revoked certificate' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand status" -l ssh-command -d 'The ssh command and its options, as rsync\'s -e takes it ("ssh -F ./ssh_config"); BatchMode=yes is added: nothing prompts' -r
complete -c certgen -n "__fish_certgen_using_subcommand status" -l ssh-persist -d 'How long each host\'s shared connection stays open after certgen\'s last session on it, in seconds, so that the next command reuses it (0: no sharing of certgen\'s own). Where the ssh configuration sets ControlMaster or ControlPath for a host, that is used instead; `ControlMaster no` cannot be told from no setting, so turn certgen\'s off with 0' -r
complete -c certgen -n "__fish_certgen_using_subcommand status" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand status" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand status" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certgen -n "__fish_certgen_using_subcommand status" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand inspect" -l at -d 'Compute days left as of this time instead of now (RFC 3339, a date for its midnight UTC, or Unix seconds)' -r
complete -c certgen -n "__fish_certgen_using_subcommand inspect" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c certgen -n "__fish_certgen_using_subcommand inspect" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand inspect" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand inspect" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand inspect" -s h -l help -d 'Print help'
complete -c certgen -n "__fish_certgen_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand list" -l expiring -d 'Only certificates whose notAfter falls within this time (30d, 2w, 12h, or days), already expired ones included; revoked ones are left out' -r
complete -c certgen -n "__fish_certgen_using_subcommand list" -l status -d 'Only certificates in this state' -r -f -a "valid\t''
revoked\t''
expired\t''"
complete -c certgen -n "__fish_certgen_using_subcommand list" -l at -d 'Judge expiry as of this time instead of now (RFC 3339, a date for its midnight UTC, or Unix seconds)' -r
complete -c certgen -n "__fish_certgen_using_subcommand list" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c certgen -n "__fish_certgen_using_subcommand list" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand list" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand list" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand list" -s h -l help -d 'Print help'
complete -c certgen -n "__fish_certgen_using_subcommand list" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand revoke" -l serial -d 'The serial number of the certificate to revoke (hex, as `certgen list` shows it)' -r
complete -c certgen -n "__fish_certgen_using_subcommand revoke" -l reason -d 'Why, as recorded in the index and the CRL; keyCompromise also revokes the bundle\'s other certificates of the same key, and may replace another reason (superseded)' -r -f -a "unspecified\t''
keyCompromise\t''
caCompromise\t''
affiliationChanged\t''
superseded\t''
cessationOfOperation\t''"
complete -c certgen -n "__fish_certgen_using_subcommand revoke" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c certgen -n "__fish_certgen_using_subcommand revoke" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand revoke" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand revoke" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand revoke" -s h -l help -d 'Print help'
complete -c certgen -n "__fish_certgen_using_subcommand revoke" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand retire" -l reason -d 'Why, as recorded in the index and the CRL; a certificate already revoked keeps its date and reason' -r -f -a "unspecified\t''
keyCompromise\t''
caCompromise\t''
affiliationChanged\t''
superseded\t''
cessationOfOperation\t''"
complete -c certgen -n "__fish_certgen_using_subcommand retire" -l sql-host -d 'The host part of the account in the printed statements' -r
complete -c certgen -n "__fish_certgen_using_subcommand retire" -l sql-out -d 'Also write the printed SQL to FILE, for an administrator to run (`mariadb < FILE`); FILE must not exist: certgen never replaces it' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand retire" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c certgen -n "__fish_certgen_using_subcommand retire" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand retire" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand retire" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand retire" -s h -l help -d 'Print help'
complete -c certgen -n "__fish_certgen_using_subcommand retire" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand crl" -l days -d 'Time until nextUpdate, when clients need a newer CRL: a number of days, or 30d, 2w, 12h [default: 90 days]' -r
complete -c certgen -n "__fish_certgen_using_subcommand crl" -l within -d 'For cron: write only when due (a trusted root without a CRL in the file, a nextUpdate within DURATION, or revocations it does not list yet, a renewal\'s superseded certificates waiting for the next write); otherwise write nothing. Shorter than --days' -r
complete -c certgen -n "__fish_certgen_using_subcommand crl" -l out -d 'Where to write the CRL (PEM) [default: DIR/crl.pem]' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand crl" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c certgen -n "__fish_certgen_using_subcommand crl" -l passphrase-file -d 'Read the CA key\'s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand crl" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand crl" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand crl" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand crl" -s h -l help -d 'Print help'
complete -c certgen -n "__fish_certgen_using_subcommand crl" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand renew" -l server -d 'The server bundle NAME (servers/NAME); repeatable' -r
complete -c certgen -n "__fish_certgen_using_subcommand renew" -l user -d 'The user bundle NAME (users/NAME); repeatable' -r
complete -c certgen -n "__fish_certgen_using_subcommand renew" -l within -d 'Only certificates that expire within DURATION (30d, 2w, 12h); exit 0 when none does' -r
complete -c certgen -n "__fish_certgen_using_subcommand renew" -l days -d 'Lifetime: a number of days, or 30d, 2w, 12h [default: the replaced certificate\'s]' -r
complete -c certgen -n "__fish_certgen_using_subcommand renew" -l san -d 'subjectAltNames instead of the replaced certificate\'s; repeatable and comma-separated' -r
complete -c certgen -n "__fish_certgen_using_subcommand renew" -l subject -d 'Subject instead of the replaced certificate\'s (/O=Example/CN=db1); one bundle only' -r
complete -c certgen -n "__fish_certgen_using_subcommand renew" -l profile -d 'Profile instead of the replaced certificate\'s' -r -f -a "server\t'serverAuth'
client\t'clientAuth'
server-client\t'serverAuth and clientAuth, for cluster nodes'"
complete -c certgen -n "__fish_certgen_using_subcommand renew" -l key-type -d 'Key type of the new keys [default: the replaced key\'s]' -r -f -a "rsa2048\t''
rsa3072\t''
rsa4096\t''
ecdsa-p256\t''
ecdsa-p384\t''
ed25519\t''"
complete -c certgen -n "__fish_certgen_using_subcommand renew" -l key-format -d 'Encoding of the new key files [default: the replaced key file\'s]' -r -f -a "pkcs8\t'BEGIN PRIVATE KEY (default)'
pkcs1\t'BEGIN RSA PRIVATE KEY, for MySQL 5.x built with yaSSL'
sec1\t'BEGIN EC PRIVATE KEY'"
complete -c certgen -n "__fish_certgen_using_subcommand renew" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c certgen -n "__fish_certgen_using_subcommand renew" -l passphrase-file -d 'Read the CA key\'s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand renew" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand renew" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand renew" -l all -d 'Every server and user bundle; those whose certificate is revoked, superseded or of another CA are skipped with a note'
complete -c certgen -n "__fish_certgen_using_subcommand renew" -l reuse-key -d 'Keep each bundle\'s key; only the certificate is new'
complete -c certgen -n "__fish_certgen_using_subcommand renew" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand renew" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certgen -n "__fish_certgen_using_subcommand renew" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand rotate-ca" -l cn -d 'Common name of the new CA [default: the old CA\'s subject]' -r
complete -c certgen -n "__fish_certgen_using_subcommand rotate-ca" -l subject -d 'Subject of the new CA (/C=US/O=Example/CN=Example CA) [default: the old CA\'s]' -r
complete -c certgen -n "__fish_certgen_using_subcommand rotate-ca" -l key-type -d 'Key type of the new CA key [default: the old key\'s]' -r -f -a "rsa2048\t''
rsa3072\t''
rsa4096\t''
ecdsa-p256\t''
ecdsa-p384\t''
ed25519\t''"
complete -c certgen -n "__fish_certgen_using_subcommand rotate-ca" -l days -d 'Lifetime of the new CA: a number of days, or 30d, 2w, 12h [default: the old CA\'s]' -r
complete -c certgen -n "__fish_certgen_using_subcommand rotate-ca" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c certgen -n "__fish_certgen_using_subcommand rotate-ca" -l passphrase-file -d 'Read the CA key\'s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand rotate-ca" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand rotate-ca" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand rotate-ca" -l finish -d 'End the changeover: drop the old root from ca-bundle.pem and every bundle\'s ca-cert.pem, and its CRL from crl.pem, once no valid certificate chains to it'
complete -c certgen -n "__fish_certgen_using_subcommand rotate-ca" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand rotate-ca" -s h -l help -d 'Print help'
complete -c certgen -n "__fish_certgen_using_subcommand rotate-ca" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand rollout" -l inventory -d 'The inventory (TOML: hosts, their bundles and directories, the database to reload and the server to confirm; see docs/deploy.md); default: inventory.toml in the PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand rollout" -l canary -d 'Hosts that go alone, one after another, before the rest' -r
complete -c certgen -n "__fish_certgen_using_subcommand rollout" -l parallel -d 'Hosts at once after the canaries' -r
complete -c certgen -n "__fish_certgen_using_subcommand rollout" -l ssh-command -d 'The ssh command and its options, as rsync\'s -e takes it ("ssh -F ./ssh_config"); BatchMode=yes is added: nothing prompts' -r
complete -c certgen -n "__fish_certgen_using_subcommand rollout" -l ssh-persist -d 'How long each host\'s shared connection stays open after certgen\'s last session on it, in seconds, so that the next command reuses it (0: no sharing of certgen\'s own). Where the ssh configuration sets ControlMaster or ControlPath for a host, that is used instead; `ControlMaster no` cannot be told from no setting, so turn certgen\'s off with 0' -r
complete -c certgen -n "__fish_certgen_using_subcommand rollout" -l confirm-timeout -d 'How long a host\'s server has to serve the deployed certificate after the reload' -r
complete -c certgen -n "__fish_certgen_using_subcommand rollout" -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c certgen -n "__fish_certgen_using_subcommand rollout" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand rollout" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand rollout" -l dry-run -d 'Look at every host and print what would change; write, reload and confirm nothing'
complete -c certgen -n "__fish_certgen_using_subcommand rollout" -l no-reload -d 'Deliver the files only: reload no database and confirm nothing (the first delivery, before the servers are set up to read the files; see docs/fleet.md)'
complete -c certgen -n "__fish_certgen_using_subcommand rollout" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand rollout" -s h -l help -d 'Print help'
complete -c certgen -n "__fish_certgen_using_subcommand rollout" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand completions" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand completions" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand completions" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand completions" -s h -l help -d 'Print help'
complete -c certgen -n "__fish_certgen_using_subcommand completions" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand man" -l out -d 'Directory to write certgen.1 and one page per subcommand into' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand man" -l dir -d 'The PKI directory' -r -F
complete -c certgen -n "__fish_certgen_using_subcommand man" -l color -d 'Colour in diagnostics (NO_COLOR in the environment also turns it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c certgen -n "__fish_certgen_using_subcommand man" -s q -l quiet -d 'Print only results and warnings; no progress or status lines'
complete -c certgen -n "__fish_certgen_using_subcommand man" -s h -l help -d 'Print help'
complete -c certgen -n "__fish_certgen_using_subcommand man" -s V -l version -d 'Print version'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "init-ca" -d 'Create the CA (key + self-signed v3 certificate), or an intermediate'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "csr" -d 'Make a key and a certificate signing request for an outside CA'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "sign" -d 'Sign a CSR with the CA, applying a server or client profile'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "issue-server" -d 'Issue a key and certificate for a database server'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "issue-client" -d 'Issue keys and client certificates for database users'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "setup" -d 'CA, server and client certificates and the config for one database, in one go'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "config" -d 'Print the settings, SQL and commands a database needs for existing bundles'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "ca" -d 'Maintain the CA key: change or remove its passphrase'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "deploy" -d 'Copy a server or user bundle where the database reads it: layout, owner, modes'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "keystore" -d 'Write PKCS#12 keystores and a PKCS#8 key of bundles, for Java and .NET drivers'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "verify" -d 'Check that a certificate chains to a trusted CA, for a host and purpose'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "check-expiry" -d 'Check certificate and CRL expiry: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "status" -d 'The PKI at a glance: CA and changeover, CRLs, each bundle\'s state; Nagios exit codes'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "inspect" -d 'Summarise certificates, CSRs, keys (never the secret) and CRLs'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "list" -d 'List what the CA issued (index.txt): status, expiry, serial, subject, file'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "revoke" -d 'Mark a certificate revoked in the index (openssl ca -revoke)'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "retire" -d 'Retire a server or user: revoke and archive its bundle, print the account change'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "crl" -d 'Write a CRL of the revoked certificates, signed by the CA (openssl ca -gencrl)'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "renew" -d 'New certificates (and keys) for bundles, with the names of those they replace'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "rotate-ca" -d 'Roll the CA over: a new root, trusted beside the old one until --finish'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "rollout" -d 'Deploy what changed to every host of an inventory over SSH, reload, confirm'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "man" -d 'Write man pages'
complete -c certgen -n "__fish_certgen_using_subcommand help; and not __fish_seen_subcommand_from init-ca csr sign issue-server issue-client setup config ca deploy keystore verify check-expiry status inspect list revoke retire crl renew rotate-ca rollout completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c certgen -n "__fish_certgen_using_subcommand help; and __fish_seen_subcommand_from ca" -f -a "passphrase" -d 'Encrypt the CA key with a new passphrase, or remove it with --remove. The key stays the same; the old key file is archived in old_keys/<timestamp>/'
