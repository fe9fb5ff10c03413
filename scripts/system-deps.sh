#!/usr/bin/env bash
# Install the Debian packages a command needs when they are missing:
#   gettext  -> msgfmt, to compile the Korean/English catalogs
#   chromium -> /usr/bin/chromium for the browser tests, and a Korean font so the
#               screenshots they save show Hangul
#   dovecot-imapd -> /usr/sbin/dovecot, the IMAP server the inbound e-mail tests start
set -euo pipefail
need=()
for what in "$@"; do
  case "$what" in
    gettext) command -v msgfmt >/dev/null 2>&1 || need+=(gettext) ;;
    chromium)
      [ -x /usr/bin/chromium ] || need+=(chromium)
      [ -d /usr/share/fonts/truetype/nanum ] || need+=(fonts-nanum)
      ;;
    dovecot-imapd) [ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd) ;;
    *) echo "system-deps: unknown package group '$what'" >&2; exit 2 ;;
  esac
done
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${need[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "Please install: ${need[*]} (apt-get install ${need[*]})" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
