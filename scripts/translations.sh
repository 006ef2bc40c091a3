#!/usr/bin/env bash
# Refresh the catalogues from the code (msgids are English; French is translated in locale/fr).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py makemessages -l fr -l en --no-obsolete --no-location \
  --ignore=.venv --ignore=var --ignore=node_modules --ignore="*/tests/*" --ignore=static/vendor
.venv/bin/python manage.py compilemessages --ignore=.venv --verbosity 0
