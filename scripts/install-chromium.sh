#!/usr/bin/env bash
# Installs Debian's chromium (what the status-page browser test drives through
# playwright-core) and a CJK font so the page's Chinese labels render, not boxes.
# Idempotent: does nothing when both are present. Needs root or sudo.
set -euo pipefail

have_font() { dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'ok installed'; }

if command -v chromium >/dev/null 2>&1 && have_font; then
  echo "chromium 已安装 / already installed: $(command -v chromium)"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "需要 apt-get（Debian/Ubuntu）；请手动安装 chromium 与 CJK 字体 / apt-get not found: install chromium and a CJK font by hand" >&2
  exit 1
fi

sudo=''
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "需要 root 或 sudo / needs root or sudo" >&2; exit 1; }
  sudo='sudo'
fi

export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
$sudo apt-get install -y --no-install-recommends chromium fonts-noto-cjk
echo "chromium 已安装 / installed: $(command -v chromium) ($(chromium --version 2>/dev/null || echo '?'))"
