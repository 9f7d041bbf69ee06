# Sourced by the interop scripts (not run): "hosts" on this machine, each an
# sshd of its own on a free 127.0.0.1 port with a temporary host key, all
# logging root in with one temporary client key and reached through one
# ssh_config, as certgen reaches other machines.
#
#   free_port                  prints a free TCP port on 127.0.0.1
#   sshd_hosts_init DIR        the client key, authorized_keys, known_hosts
#                              and ssh_config in DIR; then
#                              CERTGEN_SSH="ssh -F DIR/ssh_config" reaches
#                              each host by its name
#   sshd_host NAME [--user USER:ID:HOME] [--hosts LINE]
#                              starts host NAME (ssh alias NAME, its files in
#                              DIR/NAME); with --user its sshd runs in a
#                              mount namespace whose /etc/passwd and
#                              /etc/group also hold USER (uid and gid ID,
#                              home HOME), who then exists on that host only;
#                              with --hosts, that namespace's /etc/hosts also
#                              holds LINE (e.g. "127.0.0.1 db1 db2")
#   sshd_hosts_stop            stops every sshd started
#
# The caller runs as root (sshd logs root in), with `set -euo pipefail` and a
# fail function (fail MESSAGE).

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

sshd_dir=
declare -gA sshd_pid=()
declare -gA sshd_port=()

sshd_hosts_init() {
    sshd_dir=$1
    mkdir -p "$sshd_dir" /run/sshd
    ssh-keygen -q -t ed25519 -N '' -f "$sshd_dir/client_key"
    cp "$sshd_dir/client_key.pub" "$sshd_dir/authorized_keys"
    : >"$sshd_dir/known_hosts"
    : >"$sshd_dir/ssh_config"
}

sshd_host() {
    local name=$1 user= hosts_line=
    shift
    while (($#)); do
        case $1 in
        --user) user=$2; shift 2 ;;
        --hosts) hosts_line=$2; shift 2 ;;
        *) fail "sshd_host: unknown option $1" ;;
        esac
    done
    local d=$sshd_dir/$name port
    mkdir -p "$d"
    ssh-keygen -q -t ed25519 -N '' -f "$d/host_key"
    port=$(free_port)
    cat >"$d/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $d/host_key
AuthorizedKeysFile $sshd_dir/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PidFile $d/sshd.pid
EOF
    local run=(/usr/sbin/sshd -D -f "$d/sshd_config" -E "$d/sshd.log")
    if [[ -n $user ]]; then
        local u=${user%%:*} rest=${user#*:}
        local id=${rest%%:*} home=${rest#*:}
        { cat /etc/passwd; echo "$u:x:$id:$id::$home:/bin/sh"; } >"$d/passwd"
        { cat /etc/group; echo "$u:x:$id:"; } >"$d/group"
        { cat /etc/hosts; [[ -z $hosts_line ]] || echo "$hosts_line"; } >"$d/hosts"
        # unshare and sh exec: the pid is sshd's, inside the namespace.
        # shellcheck disable=SC2016
        unshare -m --propagation private sh -c \
            'mount --bind "$0/passwd" /etc/passwd && mount --bind "$0/group" /etc/group &&
             mount --bind "$0/hosts" /etc/hosts && exec "$@"' "$d" "${run[@]}" </dev/null >/dev/null 2>&1 &
    else
        "${run[@]}" </dev/null >/dev/null 2>&1 &
    fi
    sshd_pid[$name]=$!
    sshd_port[$name]=$port
    local up=
    for _ in $(seq 1 200); do
        if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=yes; break; fi
        kill -0 "${sshd_pid[$name]}" 2>/dev/null || break
        sleep 0.025
    done
    [[ -n $up ]] || fail "sshd of host $name did not start: $(cat "$d/sshd.log" 2>/dev/null)"
    echo "[127.0.0.1]:$port $(cat "$d/host_key.pub")" >>"$sshd_dir/known_hosts"
    cat >>"$sshd_dir/ssh_config" <<EOF
Host $name
  HostName 127.0.0.1
  Port $port
  User root
  IdentityFile $sshd_dir/client_key
  IdentitiesOnly yes
  UserKnownHostsFile $sshd_dir/known_hosts
  StrictHostKeyChecking yes
EOF
}

sshd_hosts_stop() {
    local name
    for name in "${!sshd_pid[@]}"; do
        kill "${sshd_pid[$name]}" 2>/dev/null || true
        wait "${sshd_pid[$name]}" 2>/dev/null || true
    done
    sshd_pid=()
}
