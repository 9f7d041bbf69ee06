
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'certgen' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'certgen'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'certgen' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init-ca', 'init-ca', [CompletionResultType]::ParameterValue, 'Create the CA (key + self-signed v3 certificate), or an intermediate')
            [CompletionResult]::new('csr', 'csr', [CompletionResultType]::ParameterValue, 'Make a key and a certificate signing request for an outside CA')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign a CSR with the CA, applying a server or client profile')
            [CompletionResult]::new('issue-server', 'issue-server', [CompletionResultType]::ParameterValue, 'Issue a key and certificate for a database server')
            [CompletionResult]::new('issue-client', 'issue-client', [CompletionResultType]::ParameterValue, 'Issue keys and client certificates for database users')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'CA, server and client certificates and the config for one database, in one go')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Print the settings, SQL and commands a database needs for existing bundles')
            [CompletionResult]::new('ca', 'ca', [CompletionResultType]::ParameterValue, 'Maintain the CA key: change or remove its passphrase')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Copy a server or user bundle where the database reads it: layout, owner, modes')
            [CompletionResult]::new('keystore', 'keystore', [CompletionResultType]::ParameterValue, 'Write PKCS#12 keystores and a PKCS#8 key of bundles, for Java and .NET drivers')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check that a certificate chains to a trusted CA, for a host and purpose')
            [CompletionResult]::new('check-expiry', 'check-expiry', [CompletionResultType]::ParameterValue, 'Check certificate and CRL expiry: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'The PKI at a glance: CA and changeover, CRLs, each bundle''s state; Nagios exit codes')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Summarise certificates, CSRs, keys (never the secret) and CRLs')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List what the CA issued (index.txt): status, expiry, serial, subject, file')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Mark a certificate revoked in the index (openssl ca -revoke)')
            [CompletionResult]::new('retire', 'retire', [CompletionResultType]::ParameterValue, 'Retire a server or user: revoke and archive its bundle, print the account change')
            [CompletionResult]::new('crl', 'crl', [CompletionResultType]::ParameterValue, 'Write a CRL of the revoked certificates, signed by the CA (openssl ca -gencrl)')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'New certificates (and keys) for bundles, with the names of those they replace')
            [CompletionResult]::new('rotate-ca', 'rotate-ca', [CompletionResultType]::ParameterValue, 'Roll the CA over: a new root, trusted beside the old one until --finish')
            [CompletionResult]::new('rollout', 'rollout', [CompletionResultType]::ParameterValue, 'Deploy what changed to every host of an inventory over SSH, reload, confirm')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'certgen;init-ca' {
            [CompletionResult]::new('--cn', '--cn', [CompletionResultType]::ParameterName, 'Common name of the CA (ignored when --subject has a CN)')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Full subject: /C=US/O=Example/CN=Example CA or CN=Example CA,O=Example,C=US')
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key type of the CA key')
            [CompletionResult]::new('--key-format', '--key-format', [CompletionResultType]::ParameterName, 'Encoding of the CA key file')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Lifetime: a number of days, or 30d, 2w, 12h [default: 3650 days]')
            [CompletionResult]::new('--path-len', '--path-len', [CompletionResultType]::ParameterName, 'Limit on intermediates below this CA (pathLenConstraint); intermediates default to 0')
            [CompletionResult]::new('--parent', '--parent', [CompletionResultType]::ParameterName, 'The parent PKI directory, for --intermediate')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA key''s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('--intermediate', '--intermediate', [CompletionResultType]::ParameterName, 'Make an intermediate CA signed by the CA in --parent')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing CA; its files move to old_keys/<timestamp>/ first')
            [CompletionResult]::new('--encrypt', '--encrypt', [CompletionResultType]::ParameterName, 'Encrypt the CA key with a passphrase (PKCS#8, scrypt + AES-256-CBC): from --passphrase-file, else CERTGEN_CA_PASSPHRASE, else asked twice on the terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;csr' {
            [CompletionResult]::new('--cn', '--cn', [CompletionResultType]::ParameterName, 'Common name (ignored when --subject has a CN)')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Full subject: /C=US/O=Example/CN=db1 or CN=db1,O=Example,C=US')
            [CompletionResult]::new('--san', '--san', [CompletionResultType]::ParameterName, 'subjectAltNames to request (DNS, IP, email, URI); repeatable and comma-separated')
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key type of the new key')
            [CompletionResult]::new('--key-format', '--key-format', [CompletionResultType]::ParameterName, 'Encoding of the new key file')
            [CompletionResult]::new('--out-key', '--out-key', [CompletionResultType]::ParameterName, 'Where to write the key [default: CN-key.pem]. Must not exist')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write the request [default: CN-req.pem]. Must not exist')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;sign' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'What the certificate is for. A CA certificate is never made from a CSR')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Lifetime: a number of days, or 30d, 2w, 12h [default: 825 days for servers, 1825 for clients]')
            [CompletionResult]::new('--san', '--san', [CompletionResultType]::ParameterName, 'subjectAltNames to add to those the CSR asks for; repeatable and comma-separated')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write the certificate here (must not exist) instead of to stdout')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format of the report (with --out) or the certificate')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA key''s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;issue-server' {
            [CompletionResult]::new('--san', '--san', [CompletionResultType]::ParameterName, 'More names clients use to reach it (DNS, IPv4/IPv6); repeatable and comma-separated [with --force: default the replaced certificate''s]')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject attributes (/C=US/O=Example); CN defaults to NAME [with --force: default the replaced certificate''s]')
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key type of the new key [default: rsa2048; with --force: the replaced key''s]')
            [CompletionResult]::new('--key-format', '--key-format', [CompletionResultType]::ParameterName, 'Encoding of the new key file [default: pkcs8; with --force: the replaced key file''s]')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Lifetime: a number of days, or 30d, 2w, 12h [default: 825 days; with --force: the replaced certificate''s]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA key''s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('--client-auth', '--client-auth', [CompletionResultType]::ParameterName, 'Add clientAuth, for cluster nodes that also connect to each other (with --force, a replaced certificate''s clientAuth is kept without it)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing bundle (the old files move to old_keys/<timestamp>/): names, subject, lifetime, key type and key format no flag gives are kept from the certificate it replaces. For routine renewal, use `certgen renew`')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;issue-client' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read more user names from FILE (one per line, # comments; - for stdin)')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject attributes shared by all users (/C=US/O=Example); the CN is the user name [with --force: default the replaced certificate''s subject]')
            [CompletionResult]::new('--san', '--san', [CompletionResultType]::ParameterName, 'subjectAltNames to add to every certificate (an email address, say) [with --force: default the replaced certificate''s]')
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key type of the new key [default: rsa2048; with --force: the replaced key''s]')
            [CompletionResult]::new('--key-format', '--key-format', [CompletionResultType]::ParameterName, 'Encoding of the new key file [default: pkcs8; with --force: the replaced key file''s]')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Lifetime: a number of days, or 30d, 2w, 12h [default: 1825 days; with --force: the replaced certificate''s]')
            [CompletionResult]::new('--sql-host', '--sql-host', [CompletionResultType]::ParameterName, 'The host part of the account in the printed statements')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database the accounts are on: the printed statement is the one it takes (`config` prints the same) [default: mysql, whose statement MariaDB takes too]')
            [CompletionResult]::new('--require', '--require', [CompletionResultType]::ParameterName, 'How the printed statements tie each account to TLS [default: subject; ssl with --db singlestore, whose accounts take ssl or x509]')
            [CompletionResult]::new('--sql-out', '--sql-out', [CompletionResultType]::ParameterName, 'Also write the printed SQL to FILE, for an administrator to run (`mariadb < FILE`); FILE must not exist: certgen never replaces it')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA key''s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace existing bundles (the old files move to old_keys/<timestamp>/): subject, names, lifetime, key type and key format no flag gives are kept from each certificate replaced. For routine renewal, use `certgen renew`')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;setup' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Names clients use to reach the server (repeatable, comma-separated); the first also names servers/NAME. localhost adds 127.0.0.1 and ::1')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Database users to issue client certificates for (repeatable, comma-separated)')
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key type of the new key')
            [CompletionResult]::new('--key-format', '--key-format', [CompletionResultType]::ParameterName, 'Encoding of the new key file')
            [CompletionResult]::new('--ca-key-type', '--ca-key-type', [CompletionResultType]::ParameterName, 'Key type of the CA key, when the CA is created')
            [CompletionResult]::new('--ca-cn', '--ca-cn', [CompletionResultType]::ParameterName, 'Common name of the CA, when the CA is created')
            [CompletionResult]::new('--require', '--require', [CompletionResultType]::ParameterName, 'How the printed SQL ties each account to TLS [default: subject for mysql and mariadb, ssl for singlestore]')
            [CompletionResult]::new('--sql-host', '--sql-host', [CompletionResultType]::ParameterName, 'The host part of the accounts in the printed SQL')
            [CompletionResult]::new('--deploy-dir', '--deploy-dir', [CompletionResultType]::ParameterName, 'The server''s files are in DIR, as `certgen deploy server NAME --to DIR` puts them, instead of in the PKI directory')
            [CompletionResult]::new('--client-deploy-dir', '--client-deploy-dir', [CompletionResultType]::ParameterName, 'The users'' files are in DIR, as `certgen deploy user USER --to DIR` puts them; {user} in DIR stands for each user''s name (e.g. ''/home/{user}/.postgresql'')')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'The file names in --deploy-dir and --client-deploy-dir')
            [CompletionResult]::new('--tls-account', '--tls-account', [CompletionResultType]::ParameterName, 'An existing account without a certificate that must log in over TLS (ALTER USER ... REQUIRE SSL), such as root, which ADD AGGREGATOR, ADD LEAF and SingleStore Tools log in as (repeatable, comma-separated)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'The port clients connect to [default: the database''s, 3306 or 5432]')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'The database the drivers connect to [default: none for the MySQL family; for PostgreSQL the user''s name, libpq''s default]')
            [CompletionResult]::new('--keystore-dir', '--keystore-dir', [CompletionResultType]::ParameterName, 'The directory `certgen keystore user USER --out DIR` wrote each user''s keystores to, for the JDBC settings; {user} in DIR stands for each user''s name (e.g. ''/home/{user}/jdbc'')')
            [CompletionResult]::new('--client', '--client', [CompletionResultType]::ParameterName, 'Print the settings of these clients, each verifying the server and presenting the user''s certificate (repeatable, comma-separated) [default: the command line in text; every client in JSON]')
            [CompletionResult]::new('--sql-out', '--sql-out', [CompletionResultType]::ParameterName, 'Also write the printed SQL to FILE, for an administrator to run (`mariadb < FILE`); FILE must not exist: certgen never replaces it')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: the settings and SQL as text, or every bundle and the settings as JSON')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA key''s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('--aggregators-only', '--aggregators-only', [CompletionResultType]::ParameterName, 'TLS for clients on the aggregators only (the master and child aggregators), not between the nodes: no ssl_ca, and the sdb-admin commands for the aggregators'' IDs')
            [CompletionResult]::new('--ops', '--ops', [CompletionResultType]::ParameterName, 'Also serve MemSQL Ops'' web UI with the server certificate (memsql-ops ssl-set-cert)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Reissue server and client certificates that exist (the old ones are archived). Without it, existing ones are kept if they chain to the CA (else setup refuses), and a server certificate lacking a --host is reissued')
            [CompletionResult]::new('--encrypt', '--encrypt', [CompletionResultType]::ParameterName, 'Encrypt the key of the CA setup creates with a passphrase (as `init-ca --encrypt` does); an existing CA''s key is changed with `certgen ca passphrase`')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;config' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The server bundle (servers/NAME) [default: the only one]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User bundles to print client settings and SQL for (repeatable, comma-separated) [default: every one under users/]')
            [CompletionResult]::new('--require', '--require', [CompletionResultType]::ParameterName, 'How the printed SQL ties each account to TLS [default: subject for mysql and mariadb, ssl for singlestore]')
            [CompletionResult]::new('--sql-host', '--sql-host', [CompletionResultType]::ParameterName, 'The host part of the accounts in the printed SQL')
            [CompletionResult]::new('--deploy-dir', '--deploy-dir', [CompletionResultType]::ParameterName, 'The server''s files are in DIR, as `certgen deploy server NAME --to DIR` puts them, instead of in the PKI directory')
            [CompletionResult]::new('--client-deploy-dir', '--client-deploy-dir', [CompletionResultType]::ParameterName, 'The users'' files are in DIR, as `certgen deploy user USER --to DIR` puts them; {user} in DIR stands for each user''s name (e.g. ''/home/{user}/.postgresql'')')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'The file names in --deploy-dir and --client-deploy-dir')
            [CompletionResult]::new('--tls-account', '--tls-account', [CompletionResultType]::ParameterName, 'An existing account without a certificate that must log in over TLS (ALTER USER ... REQUIRE SSL), such as root, which ADD AGGREGATOR, ADD LEAF and SingleStore Tools log in as (repeatable, comma-separated)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'The port clients connect to [default: the database''s, 3306 or 5432]')
            [CompletionResult]::new('--database', '--database', [CompletionResultType]::ParameterName, 'The database the drivers connect to [default: none for the MySQL family; for PostgreSQL the user''s name, libpq''s default]')
            [CompletionResult]::new('--keystore-dir', '--keystore-dir', [CompletionResultType]::ParameterName, 'The directory `certgen keystore user USER --out DIR` wrote each user''s keystores to, for the JDBC settings; {user} in DIR stands for each user''s name (e.g. ''/home/{user}/jdbc'')')
            [CompletionResult]::new('--client', '--client', [CompletionResultType]::ParameterName, 'Print the settings of these clients, each verifying the server and presenting the user''s certificate (repeatable, comma-separated) [default: the command line in text; every client in JSON]')
            [CompletionResult]::new('--sql-out', '--sql-out', [CompletionResultType]::ParameterName, 'Also write the printed SQL to FILE, for an administrator to run (`mariadb < FILE`); FILE must not exist: certgen never replaces it')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: the settings as text, or every path and statement as JSON')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('--aggregators-only', '--aggregators-only', [CompletionResultType]::ParameterName, 'TLS for clients on the aggregators only (the master and child aggregators), not between the nodes: no ssl_ca, and the sdb-admin commands for the aggregators'' IDs')
            [CompletionResult]::new('--ops', '--ops', [CompletionResultType]::ParameterName, 'Also serve MemSQL Ops'' web UI with the server certificate (memsql-ops ssl-set-cert)')
            [CompletionResult]::new('--disable', '--disable', [CompletionResultType]::ParameterName, 'Print what turns TLS off again instead: each account back to REQUIRE NONE, every setting reset (sdb-admin update-config --reset), MemSQL Ops'' web UI without TLS with --ops; give the options the settings were printed with')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;ca' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('passphrase', 'passphrase', [CompletionResultType]::ParameterValue, 'Encrypt the CA key with a new passphrase, or remove it with --remove. The key stays the same; the old key file is archived in old_keys/<timestamp>/')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'certgen;ca;passphrase' {
            [CompletionResult]::new('--new-passphrase-file', '--new-passphrase-file', [CompletionResultType]::ParameterName, 'Read the new passphrase from the first line of FILE [else from CERTGEN_CA_NEW_PASSPHRASE, else asked twice on the terminal]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA key''s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('--remove', '--remove', [CompletionResultType]::ParameterName, 'Store the key unencrypted')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;ca;help' {
            [CompletionResult]::new('passphrase', 'passphrase', [CompletionResultType]::ParameterValue, 'Encrypt the CA key with a new passphrase, or remove it with --remove. The key stays the same; the old key file is archived in old_keys/<timestamp>/')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'certgen;ca;help;passphrase' {
            break
        }
        'certgen;ca;help;help' {
            break
        }
        'certgen;deploy' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The directory the server or client reads (created if missing; its parent must exist): a local DIR, or [USER@]HOST:DIR or ssh://[USER@]HOST[:PORT]/DIR on another machine, reached with the system''s ssh client')
            [CompletionResult]::new('--layout', '--layout', [CompletionResultType]::ParameterName, 'The file names to give the CA, certificate, key and CRL')
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Give the files (and DIR, when it is created) to USER and GROUP: names or numeric ids; USER alone also sets USER''s login group. Without it, replaced files keep their owner, group and mode. Run as root for a DIR of another user, deploy writes DIR as that user: USER must be them, GROUP one of theirs')
            [CompletionResult]::new('--ssh-command', '--ssh-command', [CompletionResultType]::ParameterName, 'The ssh command and its options, as rsync''s -e takes it ("ssh -F ./ssh_config"); BatchMode=yes is added: nothing prompts')
            [CompletionResult]::new('--ssh-persist', '--ssh-persist', [CompletionResultType]::ParameterName, 'How long each host''s shared connection stays open after certgen''s last session on it, in seconds, so that the next command reuses it (0: no sharing of certgen''s own). Where the ssh configuration sets ControlMaster or ControlPath for a host, that is used instead; `ControlMaster no` cannot be told from no setting, so turn certgen''s off with 0')
            [CompletionResult]::new('--reload', '--reload', [CompletionResultType]::ParameterName, 'After a deployment that changed files, make DATABASE serve them: its reload (MariaDB FLUSH SSL, MySQL ALTER INSTANCE RELOAD TLS, PostgreSQL pg_reload_conf(); a restart for SingleStore and Manticore) run where the files are, then --confirm')
            [CompletionResult]::new('--reload-command', '--reload-command', [CompletionResultType]::ParameterName, 'The command --reload runs instead of the database''s own (through sh -c, on the machine of --to)')
            [CompletionResult]::new('--confirm', '--confirm', [CompletionResultType]::ParameterName, 'The server to ask, after the reload, which certificate it serves, until it is the one deployed ([mysql://|postgres://|tls://]HOST:PORT); default: the host of --to at the database''s port')
            [CompletionResult]::new('--confirm-timeout', '--confirm-timeout', [CompletionResultType]::ParameterName, 'How long --confirm waits for the server to serve the deployed certificate')
            [CompletionResult]::new('--secret-name', '--secret-name', [CompletionResultType]::ParameterName, 'With --layout kubernetes: the Secret''s name (default: NAME-tls)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'With --layout kubernetes: the Secret''s namespace (default: kubectl''s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('--group-readable', '--group-readable', [CompletionResultType]::ParameterName, 'Make the key 0640, readable by its group, instead of 0600')
            [CompletionResult]::new('--no-confirm', '--no-confirm', [CompletionResultType]::ParameterName, 'Do not connect to the server after the reload')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;keystore' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'The directory to write keystore.p12, truststore.p12 and the .pk8 key to (created if missing; its parent must exist); {user} in DIR stands for each user''s name, {server} for each server''s (e.g. ''/home/{user}/jdbc''). Files already there are never replaced')
            [CompletionResult]::new('--alias', '--alias', [CompletionResultType]::ParameterName, 'The alias of the key entry [default: user for a user, the only alias pgJDBC reads; server for a server]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password of the keystores and the truststores from the first line of FILE [else asked twice on the terminal]: 6 or more printable ASCII characters, as Java requires')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Read the password from the environment variable VAR')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every user (or server) bundle; those whose certificate is revoked, superseded, expired, of another CA or not in the index are skipped with a note. --out must hold {user} (or {server})')
            [CompletionResult]::new('--legacy', '--legacy', [CompletionResultType]::ParameterName, 'The legacy profile (3DES, HMAC-SHA1) for Java 8 before 8u301, Java 11 before 11.0.12 and older Windows [default: AES-256-CBC, PBKDF2-HMAC-SHA256, HMAC-SHA256, which OpenSSL 3, Java 11.0.12+ and current .NET read]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;verify' {
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Trusted roots, one or more in one file [default: DIR/ca-bundle.pem, else DIR/ca-cert.pem]')
            [CompletionResult]::new('--chain', '--chain', [CompletionResultType]::ParameterName, 'Untrusted intermediates, in any order')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The DNS name or IP address clients connect to')
            [CompletionResult]::new('--purpose', '--purpose', [CompletionResultType]::ParameterName, 'What the certificate must be good for')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Verify as of this time (RFC 3339, a date for its midnight UTC, or Unix seconds) instead of now')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'A private key that must belong to the certificate')
            [CompletionResult]::new('--crl', '--crl', [CompletionResultType]::ParameterName, 'Check revocation: the CRL of the certificate''s issuer (PEM or DER) must verify with the issuer''s key, be current, and not list the certificate')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Give the verdict of the strictest clients (rustls, Go, Java, browsers) instead of OpenSSL''s')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;check-expiry' {
            [CompletionResult]::new('--connect', '--connect', [CompletionResultType]::ParameterName, 'Check the chain a live server serves (repeatable; IPv6 as [::1]:5432); a mysql://, postgres:// or tls:// prefix sets the protocol for that server')
            [CompletionResult]::new('--starttls', '--starttls', [CompletionResultType]::ParameterName, 'How to start TLS with the --connect servers without a prefix: auto picks mysql on ports 3306, 3307 and 9306, postgres on 5432, plain TLS (none) elsewhere')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'The server name to send (SNI) and, with --ca, to check; default: the HOST of --connect when it is a DNS name')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on a server after this long to look it up and connect, and again for the handshake (10s, 2m)')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Also validate each served chain and host name against the roots in FILE: CRITICAL when it fails')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'The servers should serve the current certificate of the PKI''s server bundle NAME: WARNING "deploy needed" or "reload needed" (--deployed tells which) when they serve another')
            [CompletionResult]::new('--deployed', '--deployed', [CompletionResultType]::ParameterName, 'The copy of the certificate the servers read: the file, or the directory deploy wrote (--to). WARNING "reload needed" when they serve another certificate; with --expect, "deploy needed" when it is not the PKI''s current one')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database behind --connect, for the reload statement of --expect and --deployed; default: those the protocol is spoken by')
            [CompletionResult]::new('--warn', '--warn', [CompletionResultType]::ParameterName, 'WARNING when a certificate expires (a CRL''s nextUpdate falls) within this time (30d, 2w, 12h, or days)')
            [CompletionResult]::new('--crit', '--crit', [CompletionResultType]::ParameterName, 'CRITICAL when a certificate (a CRL) expires within this time, has expired, or is not yet valid')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Check as of this time instead of now (RFC 3339, a date for its midnight UTC, or Unix seconds)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE atomically instead of stdout (for node_exporter''s textfile collector)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;status' {
            [CompletionResult]::new('--warn', '--warn', [CompletionResultType]::ParameterName, 'WARNING when a certificate expires (a CRL''s nextUpdate falls) within this time (30d, 2w, 12h, or days); also the window in which the CRL file is due')
            [CompletionResult]::new('--crit', '--crit', [CompletionResultType]::ParameterName, 'CRITICAL when a certificate (a CRL) expires within this time, has expired, or is not yet valid')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Check as of this time instead of now (RFC 3339, a date for its midnight UTC, or Unix seconds)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report to FILE atomically instead of stdout (for node_exporter''s textfile collector)')
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'Also look at the hosts of this inventory (see `certgen rollout`), read-only over SSH: the serial each holds and the one its server serves; flags a host that needs a deploy or a reload, or serves a revoked certificate')
            [CompletionResult]::new('--ssh-command', '--ssh-command', [CompletionResultType]::ParameterName, 'The ssh command and its options, as rsync''s -e takes it ("ssh -F ./ssh_config"); BatchMode=yes is added: nothing prompts')
            [CompletionResult]::new('--ssh-persist', '--ssh-persist', [CompletionResultType]::ParameterName, 'How long each host''s shared connection stays open after certgen''s last session on it, in seconds, so that the next command reuses it (0: no sharing of certgen''s own). Where the ssh configuration sets ControlMaster or ControlPath for a host, that is used instead; `ControlMaster no` cannot be told from no setting, so turn certgen''s off with 0')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;inspect' {
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Compute days left as of this time instead of now (RFC 3339, a date for its midnight UTC, or Unix seconds)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;list' {
            [CompletionResult]::new('--expiring', '--expiring', [CompletionResultType]::ParameterName, 'Only certificates whose notAfter falls within this time (30d, 2w, 12h, or days), already expired ones included; revoked ones are left out')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only certificates in this state')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Judge expiry as of this time instead of now (RFC 3339, a date for its midnight UTC, or Unix seconds)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;revoke' {
            [CompletionResult]::new('--serial', '--serial', [CompletionResultType]::ParameterName, 'The serial number of the certificate to revoke (hex, as `certgen list` shows it)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, as recorded in the index and the CRL; keyCompromise also revokes the bundle''s other certificates of the same key, and may replace another reason (superseded)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;retire' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, as recorded in the index and the CRL; a certificate already revoked keeps its date and reason')
            [CompletionResult]::new('--sql-host', '--sql-host', [CompletionResultType]::ParameterName, 'The host part of the account in the printed statements')
            [CompletionResult]::new('--sql-out', '--sql-out', [CompletionResultType]::ParameterName, 'Also write the printed SQL to FILE, for an administrator to run (`mariadb < FILE`); FILE must not exist: certgen never replaces it')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;crl' {
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Time until nextUpdate, when clients need a newer CRL: a number of days, or 30d, 2w, 12h [default: 90 days]')
            [CompletionResult]::new('--within', '--within', [CompletionResultType]::ParameterName, 'For cron: write only when due (a trusted root without a CRL in the file, a nextUpdate within DURATION, or revocations it does not list yet, a renewal''s superseded certificates waiting for the next write); otherwise write nothing. Shorter than --days')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write the CRL (PEM) [default: DIR/crl.pem]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA key''s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;renew' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The server bundle NAME (servers/NAME); repeatable')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The user bundle NAME (users/NAME); repeatable')
            [CompletionResult]::new('--within', '--within', [CompletionResultType]::ParameterName, 'Only certificates that expire within DURATION (30d, 2w, 12h); exit 0 when none does')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Lifetime: a number of days, or 30d, 2w, 12h [default: the replaced certificate''s]')
            [CompletionResult]::new('--san', '--san', [CompletionResultType]::ParameterName, 'subjectAltNames instead of the replaced certificate''s; repeatable and comma-separated')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject instead of the replaced certificate''s (/O=Example/CN=db1); one bundle only')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile instead of the replaced certificate''s')
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key type of the new keys [default: the replaced key''s]')
            [CompletionResult]::new('--key-format', '--key-format', [CompletionResultType]::ParameterName, 'Encoding of the new key files [default: the replaced key file''s]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA key''s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every server and user bundle; those whose certificate is revoked, superseded or of another CA are skipped with a note')
            [CompletionResult]::new('--reuse-key', '--reuse-key', [CompletionResultType]::ParameterName, 'Keep each bundle''s key; only the certificate is new')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;rotate-ca' {
            [CompletionResult]::new('--cn', '--cn', [CompletionResultType]::ParameterName, 'Common name of the new CA [default: the old CA''s subject]')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Subject of the new CA (/C=US/O=Example/CN=Example CA) [default: the old CA''s]')
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key type of the new CA key [default: the old key''s]')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Lifetime of the new CA: a number of days, or 30d, 2w, 12h [default: the old CA''s]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the CA key''s passphrase from the first line of FILE, when the key is encrypted [else from CERTGEN_CA_PASSPHRASE, else asked on the terminal]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('--finish', '--finish', [CompletionResultType]::ParameterName, 'End the changeover: drop the old root from ca-bundle.pem and every bundle''s ca-cert.pem, and its CRL from crl.pem, once no valid certificate chains to it')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;rollout' {
            [CompletionResult]::new('--inventory', '--inventory', [CompletionResultType]::ParameterName, 'The inventory (TOML: hosts, their bundles and directories, the database to reload and the server to confirm; see docs/deploy.md); default: inventory.toml in the PKI directory')
            [CompletionResult]::new('--canary', '--canary', [CompletionResultType]::ParameterName, 'Hosts that go alone, one after another, before the rest')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'Hosts at once after the canaries')
            [CompletionResult]::new('--ssh-command', '--ssh-command', [CompletionResultType]::ParameterName, 'The ssh command and its options, as rsync''s -e takes it ("ssh -F ./ssh_config"); BatchMode=yes is added: nothing prompts')
            [CompletionResult]::new('--ssh-persist', '--ssh-persist', [CompletionResultType]::ParameterName, 'How long each host''s shared connection stays open after certgen''s last session on it, in seconds, so that the next command reuses it (0: no sharing of certgen''s own). Where the ssh configuration sets ControlMaster or ControlPath for a host, that is used instead; `ControlMaster no` cannot be told from no setting, so turn certgen''s off with 0')
            [CompletionResult]::new('--confirm-timeout', '--confirm-timeout', [CompletionResultType]::ParameterName, 'How long a host''s server has to serve the deployed certificate after the reload')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Look at every host and print what would change; write, reload and confirm nothing')
            [CompletionResult]::new('--no-reload', '--no-reload', [CompletionResultType]::ParameterName, 'Deliver the files only: reload no database and confirm nothing (the first delivery, before the servers are set up to read the files; see docs/fleet.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;completions' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;man' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory to write certgen.1 and one page per subcommand into')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics (NO_COLOR in the environment also turns it off)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and warnings; no progress or status lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certgen;help' {
            [CompletionResult]::new('init-ca', 'init-ca', [CompletionResultType]::ParameterValue, 'Create the CA (key + self-signed v3 certificate), or an intermediate')
            [CompletionResult]::new('csr', 'csr', [CompletionResultType]::ParameterValue, 'Make a key and a certificate signing request for an outside CA')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign a CSR with the CA, applying a server or client profile')
            [CompletionResult]::new('issue-server', 'issue-server', [CompletionResultType]::ParameterValue, 'Issue a key and certificate for a database server')
            [CompletionResult]::new('issue-client', 'issue-client', [CompletionResultType]::ParameterValue, 'Issue keys and client certificates for database users')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'CA, server and client certificates and the config for one database, in one go')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Print the settings, SQL and commands a database needs for existing bundles')
            [CompletionResult]::new('ca', 'ca', [CompletionResultType]::ParameterValue, 'Maintain the CA key: change or remove its passphrase')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Copy a server or user bundle where the database reads it: layout, owner, modes')
            [CompletionResult]::new('keystore', 'keystore', [CompletionResultType]::ParameterValue, 'Write PKCS#12 keystores and a PKCS#8 key of bundles, for Java and .NET drivers')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check that a certificate chains to a trusted CA, for a host and purpose')
            [CompletionResult]::new('check-expiry', 'check-expiry', [CompletionResultType]::ParameterValue, 'Check certificate and CRL expiry: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'The PKI at a glance: CA and changeover, CRLs, each bundle''s state; Nagios exit codes')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Summarise certificates, CSRs, keys (never the secret) and CRLs')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List what the CA issued (index.txt): status, expiry, serial, subject, file')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Mark a certificate revoked in the index (openssl ca -revoke)')
            [CompletionResult]::new('retire', 'retire', [CompletionResultType]::ParameterValue, 'Retire a server or user: revoke and archive its bundle, print the account change')
            [CompletionResult]::new('crl', 'crl', [CompletionResultType]::ParameterValue, 'Write a CRL of the revoked certificates, signed by the CA (openssl ca -gencrl)')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'New certificates (and keys) for bundles, with the names of those they replace')
            [CompletionResult]::new('rotate-ca', 'rotate-ca', [CompletionResultType]::ParameterValue, 'Roll the CA over: a new root, trusted beside the old one until --finish')
            [CompletionResult]::new('rollout', 'rollout', [CompletionResultType]::ParameterValue, 'Deploy what changed to every host of an inventory over SSH, reload, confirm')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'certgen;help;init-ca' {
            break
        }
        'certgen;help;csr' {
            break
        }
        'certgen;help;sign' {
            break
        }
        'certgen;help;issue-server' {
            break
        }
        'certgen;help;issue-client' {
            break
        }
        'certgen;help;setup' {
            break
        }
        'certgen;help;config' {
            break
        }
        'certgen;help;ca' {
            [CompletionResult]::new('passphrase', 'passphrase', [CompletionResultType]::ParameterValue, 'Encrypt the CA key with a new passphrase, or remove it with --remove. The key stays the same; the old key file is archived in old_keys/<timestamp>/')
            break
        }
        'certgen;help;ca;passphrase' {
            break
        }
        'certgen;help;deploy' {
            break
        }
        'certgen;help;keystore' {
            break
        }
        'certgen;help;verify' {
            break
        }
        'certgen;help;check-expiry' {
            break
        }
        'certgen;help;status' {
            break
        }
        'certgen;help;inspect' {
            break
        }
        'certgen;help;list' {
            break
        }
        'certgen;help;revoke' {
            break
        }
        'certgen;help;retire' {
            break
        }
        'certgen;help;crl' {
            break
        }
        'certgen;help;renew' {
            break
        }
        'certgen;help;rotate-ca' {
            break
        }
        'certgen;help;rollout' {
            break
        }
        'certgen;help;completions' {
            break
        }
        'certgen;help;man' {
            break
        }
        'certgen;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
