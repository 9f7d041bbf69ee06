
use builtin;
use str;

set edit:completion:arg-completer[certgen] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'certgen'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'certgen'= {
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init-ca 'Create the CA (key + self-signed v3 certificate), or an intermediate'
            cand csr 'Make a key and a certificate signing request for an outside CA'
            cand sign 'Sign a CSR with the CA, applying a server or client profile'
            cand issue-server 'Issue a key and certificate for a database server'
            cand issue-client 'Issue keys and client certificates for database users'
            cand setup 'CA, server and client certificates and the config for one database, in one go'
            cand config 'Print the settings, SQL and commands a database needs for existing bundles'
            cand ca 'Maintain the CA key: change or remove its passphrase'
            cand deploy 'Copy a server or user bundle where the database reads it: layout, owner, modes'
            cand keystore 'Write PKCS#12 keystores and a PKCS#8 key of bundles, for Java and .NET drivers'
            cand verify 'Check that a certificate chains to a trusted CA, for a host and purpose'
            cand check-expiry 'Check certificate and CRL expiry: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN'
            cand status 'The PKI at a glance: CA and changeover, CRLs, each bundle''s state; Nagios exit codes'
            cand inspect 'Summarise certificates, CSRs, keys (never the secret) and CRLs'
            cand list 'List what the CA issued (index.txt): status, expiry, serial, subject, file'
            cand revoke 'Mark a certificate revoked in the index (openssl ca -revoke)'
            cand retire 'Retire a server or user: revoke and archive its bundle, print the account change'
            cand crl 'Write a CRL of the revoked certificates, signed by the CA (openssl ca -gencrl)'
            cand renew 'New certificates (and keys) for bundles, with the names of those they replace'
            cand rotate-ca 'Roll the CA over: a new root, trusted beside the old one until --finish'
            cand rollout 'Deploy what changed to every host of an inventory over SSH, reload, confirm'
            cand completions 'Print a shell completion script'
            cand man 'Write man pages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'certgen;init-ca'= {
            cand --cn 'Common name of the CA (ignored when --subject has a CN)'
            cand --subject 'Full subject: /C=US/O=Example/CN=Example CA or CN=Example CA,O=Example,C=US'
            cand --key-type 'Key type of the CA key'
            cand --key-format 'Encoding of the CA key file'
            cand --days 'Lifetime: a number of days, or 30d, 2w, 12h [default: 3650 days]'
            cand --path-len 'Limit on intermediates below this CA (pathLenConstraint); intermediates default to 0'
            cand --parent 'The parent PKI directory, for --intermediate'
            cand --format 'Output format'
            cand --passphrase-file 'Read the CA key''s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand --intermediate 'Make an intermediate CA signed by the CA in --parent'
            cand --force 'Replace an existing CA; its files move to old_keys/<timestamp>/ first'
            cand --encrypt 'Encrypt the CA key with a passphrase (PKCS#8, scrypt + AES-256-CBC): from --passphrase-file, else CERTGEN_CA_PASSPHRASE, else asked twice on the terminal'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;csr'= {
            cand --cn 'Common name (ignored when --subject has a CN)'
            cand --subject 'Full subject: /C=US/O=Example/CN=db1 or CN=db1,O=Example,C=US'
            cand --san 'subjectAltNames to request (DNS, IP, email, URI); repeatable and comma-separated'
            cand --key-type 'Key type of the new key'
            cand --key-format 'Encoding of the new key file'
            cand --out-key 'Where to write the key [default: CN-key.pem]. Must not exist'
            cand --out 'Where to write the request [default: CN-req.pem]. Must not exist'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;sign'= {
            cand --profile 'What the certificate is for. A CA certificate is never made from a CSR'
            cand --days 'Lifetime: a number of days, or 30d, 2w, 12h [default: 825 days for servers, 1825 for clients]'
            cand --san 'subjectAltNames to add to those the CSR asks for; repeatable and comma-separated'
            cand --out 'Write the certificate here (must not exist) instead of to stdout'
            cand --format 'Output format of the report (with --out) or the certificate'
            cand --passphrase-file 'Read the CA key''s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;issue-server'= {
            cand --san 'More names clients use to reach it (DNS, IPv4/IPv6); repeatable and comma-separated [with --force: default the replaced certificate''s]'
            cand --subject 'Subject attributes (/C=US/O=Example); CN defaults to NAME [with --force: default the replaced certificate''s]'
            cand --key-type 'Key type of the new key [default: rsa2048; with --force: the replaced key''s]'
            cand --key-format 'Encoding of the new key file [default: pkcs8; with --force: the replaced key file''s]'
            cand --days 'Lifetime: a number of days, or 30d, 2w, 12h [default: 825 days; with --force: the replaced certificate''s]'
            cand --format 'Output format'
            cand --passphrase-file 'Read the CA key''s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand --client-auth 'Add clientAuth, for cluster nodes that also connect to each other (with --force, a replaced certificate''s clientAuth is kept without it)'
            cand --force 'Replace an existing bundle (the old files move to old_keys/<timestamp>/): names, subject, lifetime, key type and key format no flag gives are kept from the certificate it replaces. For routine renewal, use `certgen renew`'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;issue-client'= {
            cand --from 'Read more user names from FILE (one per line, # comments; - for stdin)'
            cand --subject 'Subject attributes shared by all users (/C=US/O=Example); the CN is the user name [with --force: default the replaced certificate''s subject]'
            cand --san 'subjectAltNames to add to every certificate (an email address, say) [with --force: default the replaced certificate''s]'
            cand --key-type 'Key type of the new key [default: rsa2048; with --force: the replaced key''s]'
            cand --key-format 'Encoding of the new key file [default: pkcs8; with --force: the replaced key file''s]'
            cand --days 'Lifetime: a number of days, or 30d, 2w, 12h [default: 1825 days; with --force: the replaced certificate''s]'
            cand --sql-host 'The host part of the account in the printed statements'
            cand --db 'The database the accounts are on: the printed statement is the one it takes (`config` prints the same) [default: mysql, whose statement MariaDB takes too]'
            cand --require 'How the printed statements tie each account to TLS [default: subject; ssl with --db singlestore, whose accounts take ssl or x509]'
            cand --sql-out 'Also write the printed SQL to FILE, for an administrator to run (`mariadb < FILE`); FILE must not exist: certgen never replaces it'
            cand --format 'Output format'
            cand --passphrase-file 'Read the CA key''s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand --force 'Replace existing bundles (the old files move to old_keys/<timestamp>/): subject, names, lifetime, key type and key format no flag gives are kept from each certificate replaced. For routine renewal, use `certgen renew`'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;setup'= {
            cand --host 'Names clients use to reach the server (repeatable, comma-separated); the first also names servers/NAME. localhost adds 127.0.0.1 and ::1'
            cand --user 'Database users to issue client certificates for (repeatable, comma-separated)'
            cand --key-type 'Key type of the new key'
            cand --key-format 'Encoding of the new key file'
            cand --ca-key-type 'Key type of the CA key, when the CA is created'
            cand --ca-cn 'Common name of the CA, when the CA is created'
            cand --require 'How the printed SQL ties each account to TLS [default: subject for mysql and mariadb, ssl for singlestore]'
            cand --sql-host 'The host part of the accounts in the printed SQL'
            cand --deploy-dir 'The server''s files are in DIR, as `certgen deploy server NAME --to DIR` puts them, instead of in the PKI directory'
            cand --client-deploy-dir 'The users'' files are in DIR, as `certgen deploy user USER --to DIR` puts them; {user} in DIR stands for each user''s name (e.g. ''/home/{user}/.postgresql'')'
            cand --layout 'The file names in --deploy-dir and --client-deploy-dir'
            cand --tls-account 'An existing account without a certificate that must log in over TLS (ALTER USER ... REQUIRE SSL), such as root, which ADD AGGREGATOR, ADD LEAF and SingleStore Tools log in as (repeatable, comma-separated)'
            cand --port 'The port clients connect to [default: the database''s, 3306 or 5432]'
            cand --database 'The database the drivers connect to [default: none for the MySQL family; for PostgreSQL the user''s name, libpq''s default]'
            cand --keystore-dir 'The directory `certgen keystore user USER --out DIR` wrote each user''s keystores to, for the JDBC settings; {user} in DIR stands for each user''s name (e.g. ''/home/{user}/jdbc'')'
            cand --client 'Print the settings of these clients, each verifying the server and presenting the user''s certificate (repeatable, comma-separated) [default: the command line in text; every client in JSON]'
            cand --sql-out 'Also write the printed SQL to FILE, for an administrator to run (`mariadb < FILE`); FILE must not exist: certgen never replaces it'
            cand --format 'Output format: the settings and SQL as text, or every bundle and the settings as JSON'
            cand --passphrase-file 'Read the CA key''s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand --aggregators-only 'TLS for clients on the aggregators only (the master and child aggregators), not between the nodes: no ssl_ca, and the sdb-admin commands for the aggregators'' IDs'
            cand --ops 'Also serve MemSQL Ops'' web UI with the server certificate (memsql-ops ssl-set-cert)'
            cand --force 'Reissue server and client certificates that exist (the old ones are archived). Without it, existing ones are kept if they chain to the CA (else setup refuses), and a server certificate lacking a --host is reissued'
            cand --encrypt 'Encrypt the key of the CA setup creates with a passphrase (as `init-ca --encrypt` does); an existing CA''s key is changed with `certgen ca passphrase`'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;config'= {
            cand --server 'The server bundle (servers/NAME) [default: the only one]'
            cand --user 'User bundles to print client settings and SQL for (repeatable, comma-separated) [default: every one under users/]'
            cand --require 'How the printed SQL ties each account to TLS [default: subject for mysql and mariadb, ssl for singlestore]'
            cand --sql-host 'The host part of the accounts in the printed SQL'
            cand --deploy-dir 'The server''s files are in DIR, as `certgen deploy server NAME --to DIR` puts them, instead of in the PKI directory'
            cand --client-deploy-dir 'The users'' files are in DIR, as `certgen deploy user USER --to DIR` puts them; {user} in DIR stands for each user''s name (e.g. ''/home/{user}/.postgresql'')'
            cand --layout 'The file names in --deploy-dir and --client-deploy-dir'
            cand --tls-account 'An existing account without a certificate that must log in over TLS (ALTER USER ... REQUIRE SSL), such as root, which ADD AGGREGATOR, ADD LEAF and SingleStore Tools log in as (repeatable, comma-separated)'
            cand --port 'The port clients connect to [default: the database''s, 3306 or 5432]'
            cand --database 'The database the drivers connect to [default: none for the MySQL family; for PostgreSQL the user''s name, libpq''s default]'
            cand --keystore-dir 'The directory `certgen keystore user USER --out DIR` wrote each user''s keystores to, for the JDBC settings; {user} in DIR stands for each user''s name (e.g. ''/home/{user}/jdbc'')'
            cand --client 'Print the settings of these clients, each verifying the server and presenting the user''s certificate (repeatable, comma-separated) [default: the command line in text; every client in JSON]'
            cand --sql-out 'Also write the printed SQL to FILE, for an administrator to run (`mariadb < FILE`); FILE must not exist: certgen never replaces it'
            cand --format 'Output format: the settings as text, or every path and statement as JSON'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand --aggregators-only 'TLS for clients on the aggregators only (the master and child aggregators), not between the nodes: no ssl_ca, and the sdb-admin commands for the aggregators'' IDs'
            cand --ops 'Also serve MemSQL Ops'' web UI with the server certificate (memsql-ops ssl-set-cert)'
            cand --disable 'Print what turns TLS off again instead: each account back to REQUIRE NONE, every setting reset (sdb-admin update-config --reset), MemSQL Ops'' web UI without TLS with --ops; give the options the settings were printed with'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;ca'= {
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand passphrase 'Encrypt the CA key with a new passphrase, or remove it with --remove. The key stays the same; the old key file is archived in old_keys/<timestamp>/'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'certgen;ca;passphrase'= {
            cand --new-passphrase-file 'Read the new passphrase from the first line of FILE [else from CERTGEN_CA_NEW_PASSPHRASE, else asked twice on the terminal]'
            cand --passphrase-file 'Read the CA key''s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]'
            cand --format 'Output format'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand --remove 'Store the key unencrypted'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;ca;help'= {
            cand passphrase 'Encrypt the CA key with a new passphrase, or remove it with --remove. The key stays the same; the old key file is archived in old_keys/<timestamp>/'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'certgen;ca;help;passphrase'= {
        }
        &'certgen;ca;help;help'= {
        }
        &'certgen;deploy'= {
            cand --to 'The directory the server or client reads (created if missing; its parent must exist): a local DIR, or [USER@]HOST:DIR or ssh://[USER@]HOST[:PORT]/DIR on another machine, reached with the system''s ssh client'
            cand --layout 'The file names to give the CA, certificate, key and CRL'
            cand --owner 'Give the files (and DIR, when it is created) to USER and GROUP: names or numeric ids; USER alone also sets USER''s login group. Without it, replaced files keep their owner, group and mode. Run as root for a DIR of another user, deploy writes DIR as that user: USER must be them, GROUP one of theirs'
            cand --ssh-command 'The ssh command and its options, as rsync''s -e takes it ("ssh -F ./ssh_config"); BatchMode=yes is added: nothing prompts'
            cand --ssh-persist 'How long each host''s shared connection stays open after certgen''s last session on it, in seconds, so that the next command reuses it (0: no sharing of certgen''s own). Where the ssh configuration sets ControlMaster or ControlPath for a host, that is used instead; `ControlMaster no` cannot be told from no setting, so turn certgen''s off with 0'
            cand --reload 'After a deployment that changed files, make DATABASE serve them: its reload (MariaDB FLUSH SSL, MySQL ALTER INSTANCE RELOAD TLS, PostgreSQL pg_reload_conf(); a restart for SingleStore and Manticore) run where the files are, then --confirm'
            cand --reload-command 'The command --reload runs instead of the database''s own (through sh -c, on the machine of --to)'
            cand --confirm 'The server to ask, after the reload, which certificate it serves, until it is the one deployed ([mysql://|postgres://|tls://]HOST:PORT); default: the host of --to at the database''s port'
            cand --confirm-timeout 'How long --confirm waits for the server to serve the deployed certificate'
            cand --secret-name 'With --layout kubernetes: the Secret''s name (default: NAME-tls)'
            cand --namespace 'With --layout kubernetes: the Secret''s namespace (default: kubectl''s)'
            cand --format 'Output format'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand --group-readable 'Make the key 0640, readable by its group, instead of 0600'
            cand --no-confirm 'Do not connect to the server after the reload'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;keystore'= {
            cand --out 'The directory to write keystore.p12, truststore.p12 and the .pk8 key to (created if missing; its parent must exist); {user} in DIR stands for each user''s name, {server} for each server''s (e.g. ''/home/{user}/jdbc''). Files already there are never replaced'
            cand --alias 'The alias of the key entry [default: user for a user, the only alias pgJDBC reads; server for a server]'
            cand --password-file 'Read the password of the keystores and the truststores from the first line of FILE [else asked twice on the terminal]: 6 or more printable ASCII characters, as Java requires'
            cand --password-env 'Read the password from the environment variable VAR'
            cand --format 'Output format'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand --all 'Every user (or server) bundle; those whose certificate is revoked, superseded, expired, of another CA or not in the index are skipped with a note. --out must hold {user} (or {server})'
            cand --legacy 'The legacy profile (3DES, HMAC-SHA1) for Java 8 before 8u301, Java 11 before 11.0.12 and older Windows [default: AES-256-CBC, PBKDF2-HMAC-SHA256, HMAC-SHA256, which OpenSSL 3, Java 11.0.12+ and current .NET read]'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;verify'= {
            cand --ca 'Trusted roots, one or more in one file [default: DIR/ca-bundle.pem, else DIR/ca-cert.pem]'
            cand --chain 'Untrusted intermediates, in any order'
            cand --host 'The DNS name or IP address clients connect to'
            cand --purpose 'What the certificate must be good for'
            cand --at 'Verify as of this time (RFC 3339, a date for its midnight UTC, or Unix seconds) instead of now'
            cand --key 'A private key that must belong to the certificate'
            cand --crl 'Check revocation: the CRL of the certificate''s issuer (PEM or DER) must verify with the issuer''s key, be current, and not list the certificate'
            cand --format 'Output format'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand --strict 'Give the verdict of the strictest clients (rustls, Go, Java, browsers) instead of OpenSSL''s'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;check-expiry'= {
            cand --connect 'Check the chain a live server serves (repeatable; IPv6 as [::1]:5432); a mysql://, postgres:// or tls:// prefix sets the protocol for that server'
            cand --starttls 'How to start TLS with the --connect servers without a prefix: auto picks mysql on ports 3306, 3307 and 9306, postgres on 5432, plain TLS (none) elsewhere'
            cand --sni 'The server name to send (SNI) and, with --ca, to check; default: the HOST of --connect when it is a DNS name'
            cand --timeout 'Give up on a server after this long to look it up and connect, and again for the handshake (10s, 2m)'
            cand --ca 'Also validate each served chain and host name against the roots in FILE: CRITICAL when it fails'
            cand --expect 'The servers should serve the current certificate of the PKI''s server bundle NAME: WARNING "deploy needed" or "reload needed" (--deployed tells which) when they serve another'
            cand --deployed 'The copy of the certificate the servers read: the file, or the directory deploy wrote (--to). WARNING "reload needed" when they serve another certificate; with --expect, "deploy needed" when it is not the PKI''s current one'
            cand --db 'The database behind --connect, for the reload statement of --expect and --deployed; default: those the protocol is spoken by'
            cand --warn 'WARNING when a certificate expires (a CRL''s nextUpdate falls) within this time (30d, 2w, 12h, or days)'
            cand --crit 'CRITICAL when a certificate (a CRL) expires within this time, has expired, or is not yet valid'
            cand --at 'Check as of this time instead of now (RFC 3339, a date for its midnight UTC, or Unix seconds)'
            cand --format 'Output format'
            cand --output 'Write the report to FILE atomically instead of stdout (for node_exporter''s textfile collector)'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;status'= {
            cand --warn 'WARNING when a certificate expires (a CRL''s nextUpdate falls) within this time (30d, 2w, 12h, or days); also the window in which the CRL file is due'
            cand --crit 'CRITICAL when a certificate (a CRL) expires within this time, has expired, or is not yet valid'
            cand --at 'Check as of this time instead of now (RFC 3339, a date for its midnight UTC, or Unix seconds)'
            cand --format 'Output format'
            cand --output 'Write the report to FILE atomically instead of stdout (for node_exporter''s textfile collector)'
            cand --inventory 'Also look at the hosts of this inventory (see `certgen rollout`), read-only over SSH: the serial each holds and the one its server serves; flags a host that needs a deploy or a reload, or serves a revoked certificate'
            cand --ssh-command 'The ssh command and its options, as rsync''s -e takes it ("ssh -F ./ssh_config"); BatchMode=yes is added: nothing prompts'
            cand --ssh-persist 'How long each host''s shared connection stays open after certgen''s last session on it, in seconds, so that the next command reuses it (0: no sharing of certgen''s own). Where the ssh configuration sets ControlMaster or ControlPath for a host, that is used instead; `ControlMaster no` cannot be told from no setting, so turn certgen''s off with 0'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;inspect'= {
            cand --at 'Compute days left as of this time instead of now (RFC 3339, a date for its midnight UTC, or Unix seconds)'
            cand --format 'Output format'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;list'= {
            cand --expiring 'Only certificates whose notAfter falls within this time (30d, 2w, 12h, or days), already expired ones included; revoked ones are left out'
            cand --status 'Only certificates in this state'
            cand --at 'Judge expiry as of this time instead of now (RFC 3339, a date for its midnight UTC, or Unix seconds)'
            cand --format 'Output format'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;revoke'= {
            cand --serial 'The serial number of the certificate to revoke (hex, as `certgen list` shows it)'
            cand --reason 'Why, as recorded in the index and the CRL; keyCompromise also revokes the bundle''s other certificates of the same key, and may replace another reason (superseded)'
            cand --format 'Output format'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;retire'= {
            cand --reason 'Why, as recorded in the index and the CRL; a certificate already revoked keeps its date and reason'
            cand --sql-host 'The host part of the account in the printed statements'
            cand --sql-out 'Also write the printed SQL to FILE, for an administrator to run (`mariadb < FILE`); FILE must not exist: certgen never replaces it'
            cand --format 'Output format'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;crl'= {
            cand --days 'Time until nextUpdate, when clients need a newer CRL: a number of days, or 30d, 2w, 12h [default: 90 days]'
            cand --within 'For cron: write only when due (a trusted root without a CRL in the file, a nextUpdate within DURATION, or revocations it does not list yet, a renewal''s superseded certificates waiting for the next write); otherwise write nothing. Shorter than --days'
            cand --out 'Where to write the CRL (PEM) [default: DIR/crl.pem]'
            cand --format 'Output format'
            cand --passphrase-file 'Read the CA key''s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;renew'= {
            cand --server 'The server bundle NAME (servers/NAME); repeatable'
            cand --user 'The user bundle NAME (users/NAME); repeatable'
            cand --within 'Only certificates that expire within DURATION (30d, 2w, 12h); exit 0 when none does'
            cand --days 'Lifetime: a number of days, or 30d, 2w, 12h [default: the replaced certificate''s]'
            cand --san 'subjectAltNames instead of the replaced certificate''s; repeatable and comma-separated'
            cand --subject 'Subject instead of the replaced certificate''s (/O=Example/CN=db1); one bundle only'
            cand --profile 'Profile instead of the replaced certificate''s'
            cand --key-type 'Key type of the new keys [default: the replaced key''s]'
            cand --key-format 'Encoding of the new key files [default: the replaced key file''s]'
            cand --format 'Output format'
            cand --passphrase-file 'Read the CA key''s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand --all 'Every server and user bundle; those whose certificate is revoked, superseded or of another CA are skipped with a note'
            cand --reuse-key 'Keep each bundle''s key; only the certificate is new'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;rotate-ca'= {
            cand --cn 'Common name of the new CA [default: the old CA''s subject]'
            cand --subject 'Subject of the new CA (/C=US/O=Example/CN=Example CA) [default: the old CA''s]'
            cand --key-type 'Key type of the new CA key [default: the old key''s]'
            cand --days 'Lifetime of the new CA: a number of days, or 30d, 2w, 12h [default: the old CA''s]'
            cand --format 'Output format'
            cand --passphrase-file 'Read the CA key''s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand --finish 'End the changeover: drop the old root from ca-bundle.pem and every bundle''s ca-cert.pem, and its CRL from crl.pem, once no valid certificate chains to it'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;rollout'= {
            cand --inventory 'The inventory (TOML: hosts, their bundles and directories, the database to reload and the server to confirm; see docs/deploy.md); default: inventory.toml in the PKI directory'
            cand --canary 'Hosts that go alone, one after another, before the rest'
            cand --parallel 'Hosts at once after the canaries'
            cand --ssh-command 'The ssh command and its options, as rsync''s -e takes it ("ssh -F ./ssh_config"); BatchMode=yes is added: nothing prompts'
            cand --ssh-persist 'How long each host''s shared connection stays open after certgen''s last session on it, in seconds, so that the next command reuses it (0: no sharing of certgen''s own). Where the ssh configuration sets ControlMaster or ControlPath for a host, that is used instead; `ControlMaster no` cannot be told from no setting, so turn certgen''s off with 0'
            cand --confirm-timeout 'How long a host''s server has to serve the deployed certificate after the reload'
            cand --format 'Output format'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand --dry-run 'Look at every host and print what would change; write, reload and confirm nothing'
            cand --no-reload 'Deliver the files only: reload no database and confirm nothing (the first delivery, before the servers are set up to read the files; see docs/fleet.md)'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;completions'= {
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;man'= {
            cand --out 'Directory to write certgen.1 and one page per subcommand into'
            cand --dir 'The PKI directory'
            cand --color 'Colour in diagnostics (NO_COLOR in the environment also turns it off)'
            cand -q 'Print only results and warnings; no progress or status lines'
            cand --quiet 'Print only results and warnings; no progress or status lines'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certgen;help'= {
            cand init-ca 'Create the CA (key + self-signed v3 certificate), or an intermediate'
            cand csr 'Make a key and a certificate signing request for an outside CA'
            cand sign 'Sign a CSR with the CA, applying a server or client profile'
            cand issue-server 'Issue a key and certificate for a database server'
            cand issue-client 'Issue keys and client certificates for database users'
            cand setup 'CA, server and client certificates and the config for one database, in one go'
            cand config 'Print the settings, SQL and commands a database needs for existing bundles'
            cand ca 'Maintain the CA key: change or remove its passphrase'
            cand deploy 'Copy a server or user bundle where the database reads it: layout, owner, modes'
            cand keystore 'Write PKCS#12 keystores and a PKCS#8 key of bundles, for Java and .NET drivers'
            cand verify 'Check that a certificate chains to a trusted CA, for a host and purpose'
            cand check-expiry 'Check certificate and CRL expiry: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN'
            cand status 'The PKI at a glance: CA and changeover, CRLs, each bundle''s state; Nagios exit codes'
            cand inspect 'Summarise certificates, CSRs, keys (never the secret) and CRLs'
            cand list 'List what the CA issued (index.txt): status, expiry, serial, subject, file'
            cand revoke 'Mark a certificate revoked in the index (openssl ca -revoke)'
            cand retire 'Retire a server or user: revoke and archive its bundle, print the account change'
            cand crl 'Write a CRL of the revoked certificates, signed by the CA (openssl ca -gencrl)'
            cand renew 'New certificates (and keys) for bundles, with the names of those they replace'
            cand rotate-ca 'Roll the CA over: a new root, trusted beside the old one until --finish'
            cand rollout 'Deploy what changed to every host of an inventory over SSH, reload, confirm'
            cand completions 'Print a shell completion script'
            cand man 'Write man pages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'certgen;help;init-ca'= {
        }
        &'certgen;help;csr'= {
        }
        &'certgen;help;sign'= {
        }
        &'certgen;help;issue-server'= {
        }
        &'certgen;help;issue-client'= {
        }
        &'certgen;help;setup'= {
        }
        &'certgen;help;config'= {
        }
        &'certgen;help;ca'= {
            cand passphrase 'Encrypt the CA key with a new passphrase, or remove it with --remove. The key stays the same; the old key file is archived in old_keys/<timestamp>/'
        }
        &'certgen;help;ca;passphrase'= {
        }
        &'certgen;help;deploy'= {
        }
        &'certgen;help;keystore'= {
        }
        &'certgen;help;verify'= {
        }
        &'certgen;help;check-expiry'= {
        }
        &'certgen;help;status'= {
        }
        &'certgen;help;inspect'= {
        }
        &'certgen;help;list'= {
        }
        &'certgen;help;revoke'= {
        }
        &'certgen;help;retire'= {
        }
        &'certgen;help;crl'= {
        }
        &'certgen;help;renew'= {
        }
        &'certgen;help;rotate-ca'= {
        }
        &'certgen;help;rollout'= {
        }
        &'certgen;help;completions'= {
        }
        &'certgen;help;man'= {
        }
        &'certgen;help;help'= {
        }
    ]
    $completions[$command]
}
