#!/usr/bin/env bash
# Installs the system packages evidence needs (OCR, LibreOffice, poppler, Redis for server mode, Chromium for browser tests)
# when they are missing. Runs as root on Debian; elsewhere it only reports what is missing.
set -euo pipefail
need=()
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
if command -v tesseract >/dev/null 2>&1; then
  tesseract --list-langs 2>/dev/null | grep -qx vie || need+=(tesseract-ocr-vie)
else
  need+=(tesseract-ocr-vie)
fi
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)  # server mode: the reading queue (tests start their own)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)  # server mode: the metadata and search (tests start their own)
[ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need+=(fonts-liberation2)
# OpenCV (pulled in by rapidocr-onnxruntime, the second OCR engine) loads libGL and GLib at import
ldconfig -p 2>/dev/null | grep -q 'libGL.so.1' || need+=(libgl1)
ldconfig -p 2>/dev/null | grep -q 'libglib-2.0.so.0' || need+=(libglib2.0-0)
if [ "${EVIDENCE_WITH_BROWSER:-1}" = "1" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "setup: installing system packages: ${need[*]}" >&2
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: cannot install ${need[*]} (need root and apt-get); features using them will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
