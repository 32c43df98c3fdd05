#!/usr/bin/env bash
# Installs Debian's headless Chromium (and Thai fonts for readable screenshots) for the
# report's browser tests, and cmark-gfm, a second Markdown renderer the render security
# tests read every output with. Without them those tests skip (or use markdown-it-py
# only) with a reason; nothing else needs them. The browser tests drive Chromium over
# its DevTools pipe with the standard library only: no driver to install.
set -u
need=""
command -v chromium >/dev/null 2>&1 || need="chromium fonts-thai-tlwg"
command -v cmark-gfm >/dev/null 2>&1 || need="$need cmark-gfm"
if [ -z "$need" ]; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: not root or no apt-get; the browser tests will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086  # $need is a list of package names
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends $need; } >/tmp/install-browser.log 2>&1; then
  echo "install-browser: apt-get failed (see /tmp/install-browser.log); the browser tests will be skipped" >&2
fi
exit 0
