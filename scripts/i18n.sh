#!/usr/bin/env bash
# Refresh the translations after adding or changing user-visible strings.
#
#   scripts/i18n.sh          re-extract messages into sitebook/locale/*/LC_MESSAGES/django.po,
#                            then compile them to django.mo; prints what is still untranslated
#   scripts/i18n.sh --check  the same, and fail if any message is untranslated or fuzzy (for CI)
#
# After running it, translate the new empty msgstr "" entries (and review any "#, fuzzy" ones,
# then delete the fuzzy flag) in sitebook/locale/zh_Hans/LC_MESSAGES/django.po, run it again,
# and commit both django.po and django.mo.
# Needs GNU gettext (Debian: apt-get install gettext).
set -euo pipefail

check=0
if [[ "${1:-}" == "--check" ]]; then
    check=1
elif [[ $# -gt 0 ]]; then
    echo "usage: $0 [--check]" >&2
    exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/sitebook"

# The settings module creates its data directory on import; keep that out of the user's home.
tmp_data="$(mktemp -d)"
trap 'rm -rf "$tmp_data"' EXIT
export SITEBOOK_DATA_DIR="${SITEBOOK_DATA_DIR:-$tmp_data}"
export DJANGO_SETTINGS_MODULE=sitebook.config.settings

locales=(zh_Hans)
args=()
for locale in "${locales[@]}"; do
    args+=(-l "$locale")
done

# --add-location file: no line numbers, so that unrelated edits do not churn the .po files.
python -m django makemessages "${args[@]}" --ignore 'static/*' --no-obsolete --add-location file
python -m django compilemessages "${args[@]}" --ignore 'static/*'

status=0
for locale in "${locales[@]}"; do
    po="locale/$locale/LC_MESSAGES/django.po"
    stats="$(msgfmt --check --statistics -o /dev/null "$po" 2>&1)"
    echo "$locale: $stats"
    if [[ "$stats" == *untranslated* || "$stats" == *fuzzy* ]]; then
        status=1
    fi
done

if [[ $check -eq 1 && $status -ne 0 ]]; then
    echo "Some messages are untranslated or fuzzy; translate them in the .po file(s) above." >&2
    exit 1
fi
