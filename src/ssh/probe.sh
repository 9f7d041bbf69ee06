# certgen's read-only look at a deployment directory over SSH. Arguments:
# DIR OWNER-SPEC(or empty) CERT NAME... (the certificate's file name, then
# the layout's file names). The certificate file, which is public, is
# printed back (at most 64 KiB) so that certgen can tell which one is there. Prints one
# fact per line; paths come last on their line. Needs a POSIX shell and
# coreutils.
set -u
dir=$1 owner=$2 cert=$3
shift 3
printf 'me %s %s\n' "$(id -u)" "$(id -g)"
if [ -L "$dir" ]; then
    echo 'dir link'
    exit 0
elif [ -d "$dir" ]; then
    echo 'dir yes'
    real=$(cd -P -- "$dir" && pwd -P) || { echo 'dir unreadable'; exit 0; }
elif [ -e "$dir" ]; then
    echo 'dir notdir'
    exit 0
else
    echo 'dir no'
    parent=$(dirname -- "$dir")
    real=$(cd -P -- "$parent" 2>/dev/null && pwd -P) || { echo 'parent missing'; exit 0; }
fi
p=$real
while :; do
    printf 'anc %s %s %s %s\n' $(stat -c '%u %a %U' -- "$p") "$p"
    [ "$p" = / ] && break
    p=$(dirname -- "$p")
done
if [ -n "$owner" ]; then
    user=${owner%%:*}
    group=
    case $owner in *:*) group=${owner#*:} ;; esac
    uid=- gid=-
    if [ -n "$user" ]; then
        uid=$(id -u -- "$user" 2>/dev/null) || { printf 'nouser %s\n' "$user"; exit 0; }
        gid=$(id -g -- "$user")
    fi
    if [ -n "$group" ]; then
        case $group in
            *[!0-9]*) gid=$(getent group -- "$group" | cut -d: -f3) ;;
            *) gid=$group ;;
        esac
        [ -n "$gid" ] || { printf 'nogroup %s\n' "$group"; exit 0; }
    fi
    printf 'owner %s %s\n' "$uid" "$gid"
fi
[ -d "$dir" ] || exit 0
cd -P -- "$dir" || exit 0
for n in .ssh-lock .ssh-txn .ssh-stage old_keys "$@"; do
    if [ -L "$n" ]; then
        printf 'file %s l\n' "$n"
    elif [ -f "$n" ]; then
        sum=$(sha256sum < "$n" | cut -d' ' -f1)
        printf 'file %s f %s %s\n' "$n" "$(stat -c '%u %g %a' -- "$n")" "$sum"
    elif [ -d "$n" ]; then
        printf 'file %s d %s\n' "$n" "$(stat -c '%u %g %a' -- "$n")"
    elif [ -e "$n" ]; then
        printf 'file %s o\n' "$n"
    fi
done
if [ -f "$cert" ] && [ ! -L "$cert" ]; then
    head -c 65536 -- "$cert" | sed 's/^/pem /'
fi
