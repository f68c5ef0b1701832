# shellcheck shell=bash
# Shared by scripts/setup, scripts/test, scripts/lint, scripts/develop and scripts/benchmark.
#
# Home Assistant 2026.x needs Python >= 3.14.2. When no such python is on PATH we build a minimal
# Debian sid root with debootstrap (Debian ships python3.14) and run every tool inside it with chroot.
# Each run mounts proc, a fresh devpts (for PTY tests) and the repository in a private mount
# namespace (unshare -m), so the mounts vanish with the run and never outlive it: the cached root can
# always be deleted safely, and parallel runs do not disturb each other.
# The root and the venvs are cached in the git-ignored .toolchain/ folder.

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLCHAIN_DIR="${CELLAR_TOOLCHAIN_DIR:-$REPO/.toolchain}"
ROOT="$TOOLCHAIN_DIR/sid"
INNER_REPO=/repo # where the repository appears inside the root

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

local_python() {
  local py
  for py in python3.14 python3; do
    if command -v "$py" >/dev/null 2>&1 &&
      "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 14, 2) else 1)' 2>/dev/null; then
      command -v "$py"
      return 0
    fi
  done
  return 1
}

use_chroot() { [ -z "${CELLAR_LOCAL_PYTHON:-}" ]; }

ensure_root() {
  [ -x "$ROOT/usr/bin/python3.14" ] && [ -f "$ROOT/.complete" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "Building the Python 3.14 root needs root (debootstrap, chroot)." >&2
    echo "Run as root, or put a python3.14 >= 3.14.2 on PATH." >&2
    exit 1
  fi
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "Installing debootstrap"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  # Mounts only ever live in private namespaces, so nothing can be mounted here; check anyway.
  if grep -q " $(realpath -m "$ROOT")/" /proc/mounts; then
    echo "Something is mounted under $ROOT; refusing to delete it." >&2
    exit 1
  fi
  rm -rf --one-file-system "$ROOT"
  mkdir -p "$TOOLCHAIN_DIR"
  log "Building a Debian sid root with python3.14 in $ROOT (about a minute)"
  if ! debootstrap --variant=minbase --include=python3.14,python3.14-venv,ca-certificates \
    sid "$ROOT" http://deb.debian.org/debian >"$TOOLCHAIN_DIR/debootstrap.log" 2>&1; then
    tail -20 "$TOOLCHAIN_DIR/debootstrap.log" >&2
    exit 1
  fi
  touch "$ROOT/.complete"
}

sync_host_config() {
  # Downloads inside the root need the host's CA bundle, resolver and pip configuration.
  mkdir -p "$ROOT/etc/ssl/certs" "$ROOT$INNER_REPO"
  cp -fL /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
  cp -fL /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
  if [ -f /etc/pip.conf ]; then cp -f /etc/pip.conf "$ROOT/etc/pip.conf"; fi
  # Local wheel folders named by the host's pip configuration are visible inside the root too.
  local d
  for d in /opt/wheels /opt/pypi /opt/pypi-more; do
    if [ -d "$d" ]; then mkdir -p "$ROOT$d"; fi
  done
}

# in_root VENV CMD...: run CMD in the repository with the venv's bin first on PATH.
in_root() {
  local venv="$1"
  shift
  if ! use_chroot; then
    (cd "$REPO" && PATH="$TOOLCHAIN_DIR/$venv/bin:$PATH" "$@")
    return
  fi
  local binds="" d
  for d in /opt/wheels /opt/pypi /opt/pypi-more; do
    if [ -d "$d" ]; then binds="$binds mount --bind -o ro $d \"\$ROOT$d\";"; fi
  done
  ROOT="$ROOT" REPO="$REPO" INNER_REPO="$INNER_REPO" VENV="$venv" \
    unshare --mount --propagation private -- /bin/bash -c '
    set -e
    mount -t proc proc "$ROOT/proc"
    mkdir -p "$ROOT/dev/pts" "$ROOT/dev/shm"
    mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$ROOT/dev/pts"
    ln -sfn pts/ptmx "$ROOT/dev/ptmx"
    mount -t tmpfs -o mode=1777 tmpfs "$ROOT/dev/shm"
    mount --bind "$REPO" "$ROOT$INNER_REPO"
    '"$binds"'
    exec chroot "$ROOT" /usr/bin/env -i \
      HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" CI="${CI:-}" \
      PATH="/opt/$VENV/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" \
      PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_DEFAULT_TIMEOUT=180 \
      SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
      REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt \
      /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$INNER_REPO" "$@"
  ' bash "$@"
}

venv_dir() {
  if use_chroot; then echo "$ROOT/opt/$1"; else echo "$TOOLCHAIN_DIR/$1"; fi
}

# ensure_venv NAME REQUIREMENTS: create the venv; (re)install when the requirements changed.
ensure_venv() {
  local name="$1" req="$2" dir want
  dir="$(venv_dir "$name")"
  want="$(cat "$REPO/requirements.txt" "$REPO/$req" | sha256sum | cut -d' ' -f1)"
  if [ -f "$dir/.requirements.sha256" ] && [ "$(cat "$dir/.requirements.sha256")" = "$want" ]; then
    return 0
  fi
  log "Installing $req into the '$name' venv (the first time takes a few minutes)"
  if [ ! -x "$dir/bin/python" ]; then
    if use_chroot; then
      chroot "$ROOT" /usr/bin/python3.14 -m venv "/opt/$name"
    else
      "$(local_python)" -m venv "$dir"
    fi
  fi
  in_root "$name" python -m pip install -q --upgrade pip
  in_root "$name" python -m pip install -q -r "$req"
  echo "$want" >"$dir/.requirements.sha256"
}

# ensure_debian_packages PKG...: install Debian packages the tests need (test servers), once.
# Inside the root they come from sid; on a machine with a local python, from the host's apt.
ensure_debian_packages() {
  local stamp want
  want="$*"
  stamp="$(printf '%s' "$want" | sha256sum | cut -c1-12)"
  if use_chroot; then stamp="$ROOT/.debian-$stamp"; else stamp="$TOOLCHAIN_DIR/.debian-$stamp"; fi
  if [ -f "$stamp" ]; then
    return 0
  fi
  log "Installing Debian packages: $want"
  # Machines here may run with a clock behind the archive's Release dates.
  local apt=(apt-get -qq -o Acquire::Check-Valid-Until=false)
  if use_chroot; then
    chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
      sh -c "${apt[*]} update >/dev/null && ${apt[*]} install -y --no-install-recommends $want >/dev/null"
  else
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" update >/dev/null
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends "$@" >/dev/null
  fi
  echo "$want" >"$stamp"
}

prepare() {
  if [ -z "${CELLAR_LOCAL_PYTHON:-}" ] && local_python >/dev/null; then
    export CELLAR_LOCAL_PYTHON=1
  fi
  if use_chroot; then
    ensure_root
    sync_host_config
  fi
}
