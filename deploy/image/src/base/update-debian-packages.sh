#!/usr/bin/env bash
# Moves every pin in debian-packages.txt to the version this machine's apt sources offer now, with that
# version's SHA256 from the package index. Debian keeps only the newest version of a package in a
# release, so the build cannot fetch a pin once a point or security release replaced it: run
#   apt-get update && deploy/image/src/base/update-debian-packages.sh
# on a Debian 12 amd64 machine, review the diff, and build: ImageTarIT starts java, journalctl,
# systemctl and tini in the new image, so a library that a new version needs and the image lacks fails it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
packages=$here/debian-packages.txt

fail() {
  echo "update-debian-packages: $*" >&2
  exit 1
}
[ "$(dpkg --print-architecture)" = amd64 ] || fail "run this on an amd64 Debian 12 machine: the pins are for amd64"

updated=$(mktemp)
trap 'rm -f "$updated"' EXIT
while IFS= read -r line; do
  case $line in
    '' | '#'*)
      echo "$line"
      continue
      ;;
  esac
  read -r name pinned _ <<<"$line"
  version=$(apt-cache policy "$name" | sed -n 's/^  Candidate: //p')
  [ -n "$version" ] && [ "$version" != "(none)" ] ||
    fail "$name: apt offers no version (run apt-get update; is this Debian 12 with its security suite?)"
  sha=$(apt-cache show "$name=$version" | sed -n 's/^SHA256: //p' | head -n 1)
  [ -n "$sha" ] || fail "$name $version: the package index gives no SHA256"
  [ "$version" = "$pinned" ] || echo "update-debian-packages: $name $pinned -> $version" >&2
  echo "$name $version $sha"
done <"$packages" >"$updated"
cp "$updated" "$packages"
