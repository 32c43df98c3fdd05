#!/usr/bin/env bash
# Installs Debian's headless Chromium (and Thai fonts for readable screenshots) for the
# report's browser tests. Without it those tests skip with a reason; nothing else needs it.
set -u
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: not root or no apt-get; the browser tests will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-thai-tlwg; } >/tmp/install-browser.log 2>&1; then
  echo "install-browser: apt-get failed (see /tmp/install-browser.log); the browser tests will be skipped" >&2
fi
exit 0
