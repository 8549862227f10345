#!/bin/sh
# Mounts one container's volumes inside the current, private mount namespace, without writing the host's
# file system. Usage: pod-mounts.sh STATE_DIR PLAN_FILE; each plan line is "ro|rw<TAB>source<TAB>mountPath",
# or "dir<TAB>-<TAB>path" for a directory that must exist (the container's workingDir).
#
# A mount point that does not exist is never created on the host: its nearest existing parent is replaced,
# in this namespace only, by a directory under STATE_DIR (a "mirror") holding bind mounts of the parent's
# entries plus the new directory. When a path's first component is missing (e.g. /app), / itself is
# mirrored and mounted over the root at the end; processes that join the namespace (nsenter) see it.
set -eu
state=$1
plan=$2
tab=$(printf '\t')
nl='
'
owned=$nl
n=0
root=

is_owned() { case "$owned" in *"$nl$1$nl"*) return 0 ;; esac; return 1; }
own() { owned="$owned$1$nl"; }

# An entry that another process removed between the listing and its mount (a shared /tmp, where other programs'
# temp dirs come and go) is left out, as a listing a moment later would have; any other failure stays one.
gone() {
  if [ -e "$1" ] || [ -L "$1" ]; then return 1; fi
  rm -rf "$2"
}

# Replaces directory $1 by a mirror of its entries, then mounts the mirror over it.
mirror() {
  n=$((n + 1))
  m="$state/m$n"
  mkdir -p "$m"
  for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
    [ -e "$e" ] || [ -L "$e" ] || continue
    b=${e##*/}
    if [ -L "$e" ]; then
      cp -P "$e" "$m/$b" || gone "$e" "$m/$b"
    elif [ -d "$e" ]; then
      mkdir "$m/$b"
      mount --rbind "$e" "$m/$b" || gone "$e" "$m/$b"
    else
      : >"$m/$b"
      mount --bind "$e" "$m/$b" || gone "$e" "$m/$b"
    fi
  done
  if [ "$1" = "/" ]; then
    root=$m
  else
    mount --rbind "$m" "$1"
  fi
  own "${1%/}"
}

# Sets $p to the parent of $1 (no subshell: forks are what this script costs on a busy machine).
parent() {
  p=${1%/*}
  if [ -z "$p" ] || [ "$p" = "$root" ]; then
    p=${root:-/}
  fi
}

ensure_dir() {
  [ -d "$1" ] && return 0
  parent "$1"
  ensure_dir "$p"
  parent "$1"
  is_owned "$p" || mirror "$p"
  mkdir "$1"
  own "$1"
}

ensure_file() {
  [ -e "$1" ] && return 0
  parent "$1"
  ensure_dir "$p"
  parent "$1"
  is_owned "$p" || mirror "$p"
  : >"$1"
  own "$1"
}

# A first path component that does not exist means mirroring / before anything else.
while IFS=$tab read -r mode src target; do
  top=${target#/}
  top=/${top%%/*}
  [ -e "$top" ] || [ -n "$root" ] || mirror /
done <"$plan"
[ -n "$root" ] && own "$root"

while IFS=$tab read -r mode src target; do
  t=$root$target
  t=${t%/}
  if [ "$mode" = dir ]; then ensure_dir "$t"; continue; fi
  if [ -d "$src" ]; then ensure_dir "$t"; else ensure_file "$t"; fi
  mount --rbind "$src" "$t"
  if [ "$mode" = ro ]; then mount -o remount,bind,ro "$t"; fi
done <"$plan"

if [ -n "$root" ]; then
  mount --rbind "$root" /
fi
