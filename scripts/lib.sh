# shellcheck shell=bash
# Shared by the scripts in this folder: where the toolchain lives and how to run a command inside it.
#
# Home Assistant 2026.10 needs Python >= 3.14.2. Where such a python3.14 is on PATH we use a plain venv in .venv/;
# otherwise (Debian bookworm, these machines and CI) a Debian forky chroot in .toolchain/forky with a venv at /opt/venv.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLCHAIN_DIR=${QUECTEL_TOOLCHAIN_DIR:-$REPO/.toolchain}
CHROOT=$TOOLCHAIN_DIR/forky
HOST_VENV=$REPO/.venv

# Two Home Assistant releases, each pinned in its own requirements file and installed in its own venv: the pinned one
# (phcc's; the unit tests, the browser walk, scripts/develop) and the newest one (scripts/test's second mypy run and
# the end-to-end stage's second run; built only when scripts/test first needs it).
pinned_ha_version() { sed -n 's/^homeassistant==\([^ #]*\).*/\1/p' "$1"; }
HA_VERSION=$(pinned_ha_version "$REPO/requirements_test.txt")
HA_NEWEST_VERSION=$(pinned_ha_version "$REPO/requirements_ha_newest.txt")
# The second venv: inside the chroot, or next to .venv/.
CHROOT_NEWEST_VENV=/opt/venv-ha-newest
HOST_NEWEST_VENV=$REPO/.venv-ha-newest

step_started=0
step() { step_started=$(date +%s); printf '==> %s\n' "$*"; }
step_done() { printf '    done in %ss\n' "$(( $(date +%s) - step_started ))"; }

# A python3.14 on PATH that is new enough for Home Assistant, or nothing.
host_python() {
  local candidate
  for candidate in python3.14 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 14, 2) else 1)' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

toolchain_mode() {
  if [ -n "${QUECTEL_IN_TOOLCHAIN:-}" ]; then echo inside
  elif host_python >/dev/null; then echo venv
  else echo chroot
  fi
}

# Refresh what the chroot takes from the host at every run: the proxy's CA (rewritten at each boot), DNS, hosts.
chroot_refresh_host_files() {
  mkdir -p "$CHROOT/usr/local/share/ca-certificates"
  rm -f "$CHROOT"/usr/local/share/ca-certificates/*.crt
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$CHROOT/usr/local/share/ca-certificates/"
  fi
  cp /etc/resolv.conf "$CHROOT/etc/resolv.conf" 2>/dev/null || true
  cp /etc/hosts "$CHROOT/etc/hosts" 2>/dev/null || true
  if [ -x "$CHROOT/usr/sbin/update-ca-certificates" ]; then
    chroot "$CHROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin update-ca-certificates >/dev/null 2>&1 || true
  fi
}

_mounted_work=""
_mounted_proc=""
_copied_work=""
_chroot_cleanup() {
  if [ -n "$_mounted_proc" ]; then
    # Mounts stack, so concurrent runs each remove only one layer.
    umount "$_mounted_proc" 2>/dev/null || umount -l "$_mounted_proc" 2>/dev/null || true
    _mounted_proc=""
  fi
  if [ -n "$_mounted_work" ]; then
    umount "$_mounted_work" 2>/dev/null || umount -l "$_mounted_work" 2>/dev/null || true
    rmdir "$_mounted_work" 2>/dev/null || true
    _mounted_work=""
  fi
  if [ -n "$_copied_work" ]; then
    # Copy-mode only: this folder holds no mount (we never bound anything there).
    rm -rf "$_copied_work"
    _copied_work=""
  fi
}

# Run "$@" inside the toolchain, in the repository's root. Exits with the command's status.
in_toolchain() {
  local mode
  mode=$(toolchain_mode)
  case "$mode" in
    inside)
      (cd "$REPO" && "$@")
      ;;
    venv)
      (cd "$REPO" && QUECTEL_IN_TOOLCHAIN=1 PATH="$HOST_VENV/bin:$PATH" VIRTUAL_ENV="$HOST_VENV" \
        QUECTEL_HA_NEWEST_VENV="$HOST_NEWEST_VENV" "$@")
      ;;
    chroot)
      chroot_refresh_host_files
      # Each run gets its own mount point, so a simulator and a test run can share the chroot.
      local work_id work
      work_id="run-$$-$RANDOM"
      work="$CHROOT/work/$work_id"
      mkdir -p "$work"
      trap _chroot_cleanup EXIT
      trap 'exit 130' INT TERM
      # psutil (mypy, Home Assistant) reads /proc.
      if mount -t proc proc "$CHROOT/proc" 2>/dev/null; then _mounted_proc=$CHROOT/proc; fi
      if mount --bind "$REPO" "$work" 2>/dev/null; then
        _mounted_work=$work
      else
        echo "warning: bind mount failed; copying the repository into the chroot (outputs stay there)" >&2
        _copied_work=$work
        tar -C "$REPO" --exclude=./.toolchain --exclude=./.venv -cf - . | tar -C "$work" -xf -
      fi
      local status=0
      chroot "$CHROOT" /usr/bin/env -i \
        HOME=/root LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM="${TERM:-dumb}" CI="${CI:-}" \
        PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        VIRTUAL_ENV=/opt/venv QUECTEL_IN_TOOLCHAIN=1 QUECTEL_HOST_REPO="$REPO" \
        QUECTEL_HA_NEWEST_VENV="$CHROOT_NEWEST_VENV" \
        PIP_CERT=/etc/ssl/certs/ca-certificates.crt SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
        PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_DEFAULT_TIMEOUT=180 PYTHONDONTWRITEBYTECODE=1 \
        /bin/bash -c 'cd "$0" && exec "$@"' "/work/$work_id" "$@" || status=$?
      _chroot_cleanup
      trap - EXIT INT TERM
      return "$status"
      ;;
  esac
}

# Each venv carries a stamp: the hash of its requirements file and scripts/setup, written when its install finished.
stamp_matches() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }
requirements_hash() {
  cat "$REPO/requirements_test.txt" "$REPO/scripts/setup" | sha256sum | cut -d' ' -f1
}
newest_requirements_hash() {
  cat "$REPO/requirements_ha_newest.txt" "$REPO/scripts/setup" | sha256sum | cut -d' ' -f1
}
main_venv_stamp() {
  case "$(toolchain_mode)" in
    venv) echo "$HOST_VENV/.quectel-stamp" ;;
    chroot) echo "$CHROOT/opt/venv/.quectel-stamp" ;;
  esac
}
newest_venv_stamp() {
  case "$(toolchain_mode)" in
    venv) echo "$HOST_NEWEST_VENV/.quectel-stamp" ;;
    chroot) echo "$CHROOT$CHROOT_NEWEST_VENV/.quectel-stamp" ;;
  esac
}

# True when the main venv exists and matches its requirements file (so a script can skip setup).
toolchain_ready() {
  [ "$(toolchain_mode)" = inside ] && return 0
  stamp_matches "$(main_venv_stamp)" "$(requirements_hash)"
}

# True when the newest release's venv does too. Only scripts/test needs it (mypy against that release, the end-to-end
# stage's second run): `scripts/setup --with-newest` builds it, and scripts/test asks for that on its own.
newest_toolchain_ready() {
  [ "$(toolchain_mode)" = inside ] && return 0
  stamp_matches "$(newest_venv_stamp)" "$(newest_requirements_hash)"
}
