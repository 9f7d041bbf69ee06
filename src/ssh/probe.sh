# certgen's read-only look at a deployment directory over SSH. Arguments:
# DIR OWNER-SPEC(or empty) CERT NAME... (the certificate's file name, then
# the layout's file names, which hold no blanks). The certificate file,
# which is public, is printed back (at most 64 KiB) so that certgen can tell
# which one is there. Prints one fact per line; paths come last on their
# line. Needs a POSIX shell and coreutils; runs a handful of programs, each
# over all the paths it looks at.
set -uf
dir=$1 owner=$2 cert=$3
shift 3
names=$*
# id's output in the C locale is "uid=N(name) gid=N(name) ...", the names
# left out where there are none (POSIX).
uid_gid() {
    u=${1#uid=}
    u=${u%%[!0-9]*}
    g=${1#* gid=}
    g=${g%%[!0-9]*}
}
uid_gid "$(LC_ALL=C id)"
printf 'me %s %s\n' "$u" "$g"
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
set --
p=$real
while :; do
    set -- "$@" "$p"
    [ "$p" = / ] && break
    p=${p%/*}
    p=${p:-/}
done
stat -c 'anc %u %a %U %n' -- "$@"
if [ -n "$owner" ]; then
    user=${owner%%:*}
    group=
    case $owner in *:*) group=${owner#*:} ;; esac
    uid=- gid=-
    if [ -n "$user" ]; then
        found=$(LC_ALL=C id -- "$user" 2>/dev/null) || { printf 'nouser %s\n' "$user"; exit 0; }
        uid_gid "$found"
        uid=$u gid=$g
    fi
    if [ -n "$group" ]; then
        case $group in
            *[!0-9]*)
                gid=$(getent group -- "$group") || gid=
                gid=${gid#*:*:}
                gid=${gid%%:*}
                ;;
            *) gid=$group ;;
        esac
        [ -n "$gid" ] || { printf 'nogroup %s\n' "$group"; exit 0; }
    fi
    printf 'owner %s %s\n' "$uid" "$gid"
fi
[ -d "$dir" ] || exit 0
cd -P -- "$dir" || exit 0
set --
for n in .ssh-lock .ssh-txn .ssh-stage old_keys $names; do
    if [ -L "$n" ]; then
        printf 'file %s l\n' "$n"
    elif [ -f "$n" ] || [ -d "$n" ]; then
        set -- "$@" "$n"
    elif [ -e "$n" ]; then
        printf 'file %s o\n' "$n"
    fi
done
if [ "$#" -gt 0 ]; then
    sums=$(sha256sum -- "$@" 2>/dev/null)
    stat -c '%n %u %g %a' -- "$@" | while read -r n uid gid mode; do
        if [ -d "$n" ]; then
            printf 'file %s d %s %s %s\n' "$n" "$uid" "$gid" "$mode"
            continue
        fi
        sum=
        while read -r s f; do
            [ "$f" = "$n" ] && sum=$s
        done <<SUMS
$sums
SUMS
        printf 'file %s f %s %s %s %s\n' "$n" "$uid" "$gid" "$mode" "$sum"
    done
fi
if [ -f "$cert" ] && [ ! -L "$cert" ]; then
    head -c 65536 -- "$cert" | sed 's/^/pem /'
fi
