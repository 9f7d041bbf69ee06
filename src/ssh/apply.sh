# certgen's transaction in a deployment directory over SSH. Arguments:
# DIR STAMP MKDIR(- or the owner for a new DIR, or "self") then, per file,
# (STAMP "-" only makes DIR)
# NAME OWNER(- or UID:GID) MODE SIZE. Standard input: each file's bytes in
# that order, then the line "commit". The new set is staged and synced in
# .ssh-stage/ before the journal .ssh-txn names it; from then on every run
# completes it (the replaced files are linked into old_keys/STAMP/ first,
# then the staged ones renamed over them), so a run killed at any point
# leaves the old set or, once the next run has finished it, the new one.
set -uf
umask 077
dir=$1 stamp=$2 mkd=$3
shift 3
journaled= locked=
fail() {
    printf 'error %s\n' "$*"
    [ -n "$locked" ] && [ -z "$journaled" ] && [ -d .ssh-stage ] && [ ! -L .ssh-stage ] && rm -rf .ssh-stage
    exit 3
}
if [ ! -e "$dir" ] && [ ! -L "$dir" ]; then
    [ "$mkd" = - ] && fail "$dir does not exist"
    mkdir -m 755 -- "$dir" || fail "cannot create $dir"
    [ "$mkd" = self ] || chown -- "$mkd" "$dir" || fail "cannot give $dir to $mkd"
    echo created
fi
[ "$stamp" = - ] && exit 0
[ -L "$dir" ] && fail "$dir is a symbolic link"
cd -P -- "$dir" || fail "cannot enter $dir"
since=
while ! mkdir .ssh-lock 2>/dev/null; do
    [ -L .ssh-lock ] && fail "$dir/.ssh-lock is a symbolic link"
    pid=
    [ -f .ssh-lock/pid ] && [ ! -L .ssh-lock/pid ] && { pid=$(head -c 32 .ssh-lock/pid 2>/dev/null) || pid=; }
    now=$(date +%s)
    age=$((now - $(stat -c %Y .ssh-lock 2>/dev/null || echo "$now")))
    # Stale: its holder is gone, or was killed between making it and
    # writing its pid (ten seconds on, which a live holder never takes).
    if { [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; } || { [ -z "$pid" ] && [ "$age" -gt 10 ]; }; then
        rm -rf .ssh-lock
        continue
    fi
    # A live holder is waited for 3 seconds; a lock without a pid until it
    # is stale. Timed by the clock, not by tries: a try takes longer than
    # its sleep on a loaded host. In whole seconds: more than 3 is 3 to 4 s.
    [ -n "$since" ] || since=$now
    limit=3
    [ -z "$pid" ] && limit=15
    # A run without files only clears what a killed run left: a live
    # holder is finishing its own transaction.
    [ "$#" -eq 0 ] && [ -n "$pid" ] && { echo busy; exit 0; }
    [ $((now - since)) -gt "$limit" ] && fail "another deployment holds $dir/.ssh-lock"
    sleep 0.1
done
trap 'rm -rf .ssh-lock' EXIT
trap 'exit 4' HUP INT TERM PIPE
echo $$ >.ssh-lock/pid
locked=1
sync_dir() { sync -- "$@" 2>/dev/null || sync; }
finish() {
    [ -e .ssh-txn ] || return 0
    journaled=1
    [ -f .ssh-txn ] && [ ! -L .ssh-txn ] || fail "$dir/.ssh-txn is not a regular file"
    archive=
    names=
    while read -r k v; do
        case $k in
            archive) archive=$v ;;
            file) names="$names $v" ;;
        esac
    done <<JOURNAL
$(head -c 65536 .ssh-txn)
JOURNAL
    case $archive in
        old_keys/[0-9]*) ;;
        *) fail "$dir/.ssh-txn is not a journal certgen wrote" ;;
    esac
    case $archive$names in *..* | */*/*) fail "$dir/.ssh-txn is not a journal certgen wrote" ;; esac
    staged= replaced=
    for n in $names; do
        [ -e ".ssh-stage/$n" ] || continue
        staged="$staged .ssh-stage/$n"
        [ -e "$n" ] && [ ! -e "$archive/$n" ] && replaced="$replaced $n"
    done
    if [ -n "$replaced" ]; then
        mkdir -p old_keys "$archive" || fail "cannot create $dir/$archive"
        # shellcheck disable=SC2086 # names hold no blanks
        if ! ln -- $replaced "$archive/" 2>/dev/null; then
            # No hard links here: a whole copy, renamed into the archive.
            for n in $replaced; do
                [ -e "$archive/$n" ] && continue
                cp -p -- "$n" "$archive/.$n.part" && mv -f -- "$archive/.$n.part" "$archive/$n" \
                    || fail "cannot archive $dir/$n"
            done
        fi
        sync_dir $(for n in $replaced; do echo "$archive/$n"; done) "$archive" old_keys
    fi
    if [ -n "$staged" ]; then
        mv -f -- $staged . || fail "cannot rename the new files into place in $dir"
        for n in $staged; do printf 'placed %s\n' "${n#.ssh-stage/}"; done
        # The renames are on disk before the journal that names them goes.
        sync_dir .
    fi
    [ -d "$archive" ] && printf 'archived %s\n' "$archive"
    rm -rf .ssh-txn .ssh-stage
    sync_dir .
}
finish
# Without files to send, a run only completes or clears what an
# interrupted one left: its journal (above), its staging area, its lock.
[ -e .ssh-stage ] && rm -rf .ssh-stage
if [ "$#" -eq 0 ]; then
    echo done
    exit 0
fi
mkdir .ssh-stage || fail "cannot create $dir/.ssh-stage"
names= plan=
while [ "$#" -ge 4 ]; do
    n=$1 who=$2 mode=$3 size=$4
    shift 4
    head -c "$size" >".ssh-stage/$n" || fail "cannot write $dir/.ssh-stage/$n"
    # head stops short of SIZE only at the end of the input: a file cut
    # there is refused by its length, before its owner and mode are given.
    got=$(stat -c %s -- ".ssh-stage/$n") || got=
    [ "$got" = "$size" ] || fail "the connection ended after $got of the $size bytes of $n"
    names="$names $n"
    plan="$plan$n $who $mode
"
done
read -r word || word=
[ "$word" = commit ] || fail "the connection ended before the files were all sent"
# give FIELD COMMAND: each owner (FIELD 2, chown) or mode (FIELD 3, chmod)
# given to all its files at once. Sorted by it, the plan is read once,
# each run of equal values given by one command.
give() {
    field=$1 command=$2 v=-
    sorted=$(printf %s "$plan" | LC_ALL=C sort -k"$field,$field") || return 1
    set --
    while read -r n w m; do
        [ -n "$n" ] || continue
        [ "$field" = 2 ] && x=$w || x=$m
        if [ "$x" != "$v" ]; then
            # "-": left as written.
            [ "$v" = - ] || "$command" -- "$v" "$@" || return 1
            v=$x
            set --
        fi
        set -- "$@" ".ssh-stage/$n"
    done <<PLAN
$sorted
PLAN
    [ "$v" = - ] || "$command" -- "$v" "$@"
}
give 2 chown || fail "cannot give the files in $dir to their owner"
give 3 chmod || fail "cannot set the modes of the files in $dir"
(cd .ssh-stage && sync_dir $names .)
# From here on the transaction finishes even if the connection ends.
trap '' HUP PIPE
archive=old_keys/$stamp
k=1
while [ -e "$archive" ]; do
    k=$((k + 1))
    archive=old_keys/$stamp-$k
done
{
    printf 'archive %s\n' "$archive"
    for n in $names; do printf 'file %s\n' "$n"; done
} >.ssh-txn.new || fail "cannot write $dir/.ssh-txn"
sync_dir .ssh-txn.new
mv -f .ssh-txn.new .ssh-txn || fail "cannot write $dir/.ssh-txn"
sync_dir .
finish
echo done
