#!/usr/bin/env bash
# Builds an image's base here, without a registry: a jlink'd Java runtime holding only the modules the
# distribution uses (the agent's or the remedy controller's), plus glibc, tini, busybox and journalctl/systemctl taken from pinned Debian packages,
# written as an image tar in `docker save` layout, the layout Jib reads a tar:// base image from.
#
# Set by the module's pom:
#   JDK_HOME   the JDK 25 whose jdeps and jlink make the runtime (the build's toolchain JDK)
#   DIST       the distribution: jdeps reads the jars in its lib/ and, if it has one, plugins/
#   WORK       where to build; the base tar is $WORK/nodemedic-base.tar
#   DEB_CACHE  where fetched .debs are kept between builds (they are checked against their pins)
#   BASE_TAG   the tag written into the tar
#   EXTRA_MODULES  (optional) modules jdeps cannot see because they are found through a service
#              loader, comma separated
# The Debian layer does not depend on DIST: the agent's and the remedy controller's bases share it
# byte for byte, so a node that holds one image pulls that layer of the other for nothing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
packages=$here/debian-packages.txt
uid=65532

fail() {
  echo "build-base: $*" >&2
  exit 1
}

for v in JDK_HOME DIST WORK DEB_CACHE BASE_TAG; do
  [ -n "${!v:-}" ] || fail "$v is not set; run this through the image module's Maven build"
done
for tool in apt-get dpkg dpkg-deb sha256sum tar; do
  command -v "$tool" >/dev/null || fail "$tool not found: the base is made from Debian packages and needs a Debian (or Debian-based) build machine"
done
arch=$(dpkg --print-architecture)
[ "$arch" = amd64 ] || fail "this machine is $arch; the pinned packages in $packages are amd64"
[ -x "$JDK_HOME/bin/jlink" ] || fail "$JDK_HOME/bin/jlink not found: JDK_HOME must be a full JDK 25"
[ -d "$DIST/lib" ] || fail "$DIST has no lib/: build the distribution first (detector-core or remedy-controller: ./mvnw -pl MODULE package)"
extra_modules=${EXTRA_MODULES:-}

mkdir -p "$WORK" "$DEB_CACHE"

# --- Debian packages: fetched once, then taken from the cache; any other bytes than the pinned are refused.
deb_file() { # name version
  echo "$DEB_CACHE/${1}_${2//:/%3a}_$arch.deb"
}
pinned() {
  grep -v '^[[:space:]]*\(#\|$\)' "$packages"
}
missing() {
  pinned | while read -r name version sha; do
    f=$(deb_file "$name" "$version")
    if ! { [ -f "$f" ] && echo "$sha  $f" | sha256sum --check --status; }; then
      echo "$name=$version"
    fi
  done
}
apt_opts=()
[ "$(id -u)" = 0 ] && apt_opts+=(-o APT::Sandbox::User=root)
mapfile -t wanted < <(missing)
if ((${#wanted[@]})); then
  echo "build-base: fetching ${#wanted[@]} Debian packages into $DEB_CACHE"
  if ! (cd "$DEB_CACHE" && apt-get "${apt_opts[@]}" -qq download "${wanted[@]}"); then
    # The machine's package lists are missing or older than the pins: read fresh ones into the cache
    # from the machine's own apt sources, leaving the machine's apt state alone.
    lists=$DEB_CACHE/apt/lists
    mkdir -p "$lists/partial" "$DEB_CACHE/apt/cache"
    private=(-o "Dir::State::Lists=$lists" -o "Dir::Cache=$DEB_CACHE/apt/cache")
    apt-get "${apt_opts[@]}" "${private[@]}" -qq update
    (cd "$DEB_CACHE" && apt-get "${apt_opts[@]}" "${private[@]}" -qq download "${wanted[@]}") ||
      fail "cannot fetch ${wanted[*]} from this machine's apt sources. Debian may have replaced a pinned version: refresh the pins with $here/update-debian-packages.sh"
  fi
  mapfile -t still < <(missing)
  ((${#still[@]} == 0)) || fail "${still[*]}: the fetched .deb does not match the sha256 in $packages; refusing it"
fi

# --- The Debian layer: only the files the image runs, laid out as Debian 12 does (merged /usr).
debian=$WORK/debian
rootfs=$WORK/rootfs
rm -rf "$debian" "$rootfs"
mkdir -p "$debian"/usr/{bin,sbin,lib,lib64} "$rootfs/usr/bin" "$rootfs/usr/lib/x86_64-linux-gnu" "$rootfs/usr/lib64" "$rootfs/usr/share/doc"
for d in bin sbin lib lib64; do
  ln -s "usr/$d" "$debian/$d"
  ln -s "usr/$d" "$rootfs/$d"
done
mkdir -p "$rootfs/usr/sbin"
pinned | while read -r name version _; do
  dpkg-deb --fsys-tarfile "$(deb_file "$name" "$version")" | tar -x --keep-directory-symlink -C "$debian"
  if [ -f "$debian/usr/share/doc/$name/copyright" ]; then
    mkdir -p "$rootfs/usr/share/doc/$name"
    cp "$debian/usr/share/doc/$name/copyright" "$rootfs/usr/share/doc/$name/"
  fi
done
multiarch=usr/lib/x86_64-linux-gnu
find "$debian/$multiarch" -maxdepth 1 -name '*.so*' \( -type f -o -type l \) -exec cp -P -t "$rootfs/$multiarch" {} +
cp -P "$debian/usr/lib64/ld-linux-x86-64.so.2" "$rootfs/usr/lib64/"
mkdir -p "$rootfs/$multiarch/systemd"
cp -P "$debian/$multiarch"/systemd/libsystemd-shared-*.so "$rootfs/$multiarch/systemd/"
cp -P "$debian"/usr/bin/{busybox,tini,journalctl,systemctl} "$rootfs/usr/bin/"
mkdir -p "$rootfs/usr/lib/locale"
cp -R "$debian/usr/lib/locale/C.utf8" "$rootfs/usr/lib/locale/"
# tini-static stands in for tini on a base image that is not Debian 12 (the registry build).
mkdir -p "$WORK/tini/usr/bin"
cp "$debian/usr/bin/tini-static" "$WORK/tini/usr/bin/tini"

# busybox's applets (sh, sed, find, ... for the launcher and for check scripts) as links to it,
# except where a real program of the same name is already there.
"$rootfs/usr/bin/busybox" --list-full | while read -r applet; do
  case $applet in */*) ;; *) continue ;; esac
  target=$rootfs/usr/${applet#usr/}
  [ -e "$target" ] || [ -L "$target" ] || ln -s /usr/bin/busybox "$target"
done

mkdir -p "$rootfs"/{etc,tmp,root,proc,sys,dev,run,var/tmp,opt/java}
chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
chmod 700 "$rootfs/root"
cat >"$rootfs/etc/passwd" <<EOF
root:x:0:0:root:/root:/bin/sh
nodemedic:x:$uid:$uid:nodemedic:/tmp:/sbin/nologin
EOF
cat >"$rootfs/etc/group" <<EOF
root:x:0:
nodemedic:x:$uid:
EOF
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"

# --- The Java layer: jlink'd from the modules jdeps finds in the distribution's jars. jdeps takes a
# while, so its answer is kept for as long as the jars are the same.
jars=("$DIST"/lib/*.jar)
[ -d "$DIST/plugins" ] && jars+=("$DIST"/plugins/*.jar)
jars_key=$( (sha256sum "${jars[@]}" && echo "extra: $extra_modules") | sha256sum | cut -c1-64)
modules_file=$WORK/modules-$jars_key.txt
if [ ! -f "$modules_file" ]; then
  echo "build-base: finding the modules $DIST uses (jdeps)"
  class_path=$DIST/lib/*
  [ -d "$DIST/plugins" ] && class_path+=:$DIST/plugins/*
  found=$("$JDK_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 -q \
    --class-path "$class_path" "${jars[@]}")
  rm -f "$WORK"/modules-*.txt
  echo "$found${extra_modules:+,$extra_modules}" >"$modules_file"
fi
modules=$(cat "$modules_file")
jdk_release=$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$JDK_HOME/release")
java_key=$(echo "$jdk_release $modules" | sha256sum | cut -c1-64)
java=$WORK/java
if [ "$(cat "$java.key" 2>/dev/null)" != "$java_key" ]; then
  echo "build-base: jlink $jdk_release with $modules"
  rm -rf "$java" "$java.key"
  mkdir -p "$java/opt/java"
  "$JDK_HOME/bin/jlink" --add-modules "$modules" --output "$java/opt/java/openjdk" \
    --strip-debug --no-header-files --no-man-pages
  echo "$java_key" >"$java.key"
fi

# --- The image tar: two layers (Debian files, Java), reproducible (sorted, fixed times and owners).
layer() { # dir out
  (cd "$1" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort) |
    tar -c -C "$1" --no-recursion -f "$2" --format=posix --mtime=@0 --owner=0 --group=0 --numeric-owner \
      --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -T -
}
tarball=$WORK/tarball
rm -rf "$tarball"
mkdir -p "$tarball"
layer "$rootfs" "$tarball/debian.tar"
layer "$java" "$tarball/java.tar"
diff_id() {
  echo "sha256:$(sha256sum "$1" | cut -c1-64)"
}
packages_line=$(pinned | awk '{printf "%s%s=%s", (NR > 1 ? " " : ""), $1, $2}')
cat >"$tarball/config.json" <<EOF
{
  "architecture": "amd64",
  "os": "linux",
  "created": "1970-01-01T00:00:00Z",
  "config": {
    "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "JAVA_HOME=/opt/java/openjdk", "LANG=C.UTF-8"],
    "User": "$uid:$uid",
    "WorkingDir": "/"
  },
  "rootfs": {"type": "layers", "diff_ids": ["$(diff_id "$tarball/debian.tar")", "$(diff_id "$tarball/java.tar")"]},
  "history": [
    {"created": "1970-01-01T00:00:00Z", "created_by": "build-base.sh: Debian 12 files from $packages_line"},
    {"created": "1970-01-01T00:00:00Z", "created_by": "build-base.sh: jlink $jdk_release --add-modules $modules"}
  ]
}
EOF
cat >"$tarball/manifest.json" <<EOF
[{"Config": "config.json", "RepoTags": ["$BASE_TAG"], "Layers": ["debian.tar", "java.tar"]}]
EOF
tar -c -C "$tarball" -f "$WORK/nodemedic-base.tar" --mtime=@0 --owner=0 --group=0 --numeric-owner \
  manifest.json config.json debian.tar java.tar
echo "build-base: $WORK/nodemedic-base.tar ($(du -h "$WORK/nodemedic-base.tar" | cut -f1)): $modules"
