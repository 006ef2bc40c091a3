#!/usr/bin/env bash
# sqlmap on every search and filter parameter of the portal (issue 16) — run before each release.
#
#   scripts/sqlmap.sh                 # level 2, risk 1, every target below
#   SQLMAP_LEVEL=3 SQLMAP_RISK=2 scripts/sqlmap.sh
#   DATABASE_URL=postgres://… scripts/sqlmap.sh   # against PostgreSQL (an empty database it may fill)
#   SQLMAP_ONLY=/api/ scripts/sqlmap.sh           # only the targets whose line contains that text
#
# It seeds the demo into a private folder (var/sqlmap: its own SQLite database unless DATABASE_URL is set), starts
# the development server on SQLMAP_PORT, opens a session for a demo member, company correspondent, professional
# and an administrator (the staff session is made on the server side with a confirmed second factor: sqlmap tests
# parameters, not the login), then runs sqlmap in batch mode on each parameter. Exit status 1 if sqlmap reports
# an injectable parameter; the logs stay in var/sqlmap/output, and the count of requests the server answered is
# printed at the end (from its log).
#
# sqlmap is the one pinned in requirements.lock (dev extra: .venv/bin/sqlmap); SQLMAP=/path/to/sqlmap picks another
# (Debian's `apt-get install sqlmap` works too). SQLMAP_TARGET_SECONDS caps each target (600 s by default).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$PWD/.venv/bin"
PORT="${SQLMAP_PORT:-8765}"
LEVEL="${SQLMAP_LEVEL:-2}"
RISK="${SQLMAP_RISK:-1}"
CAP="${SQLMAP_TARGET_SECONDS:-600}"
export VAR_DIR="$PWD/var/sqlmap" DJANGO_ENV=development ANTIVIRUS=none
mkdir -p "$VAR_DIR/output"
: >"$VAR_DIR/output/run.log"

SQLMAP="${SQLMAP:-}"
if [ -z "$SQLMAP" ]; then
  if [ -x "$BIN/sqlmap" ]; then SQLMAP="$BIN/sqlmap"; elif command -v sqlmap >/dev/null 2>&1; then SQLMAP=sqlmap; fi
fi
if [ -z "$SQLMAP" ]; then
  echo "sqlmap is not installed: pip install -r requirements.lock (or apt-get install sqlmap)" >&2
  exit 2
fi

$BIN/python manage.py migrate --noinput -v0
$BIN/python manage.py seed_demo >/dev/null
$BIN/python manage.py runserver "127.0.0.1:$PORT" --noreload >"$VAR_DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 1; done

# One session cookie per profile: "label name=value" lines (the project's session cookie name).
$BIN/python - >"$VAR_DIR/sessions.txt" <<'PY'
import json, os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmutuelle.settings")
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils.module_loading import import_string
from django_otp.plugins.otp_totp.models import TOTPDevice
from accounts.models import User
from content.selectors import terms_accepted, terms_current
from content.services import terms_accept

accounts = json.loads((settings.VAR_DIR / "demo-accounts.json").read_text())["accounts"]
store = import_string(settings.SESSION_ENGINE + ".SessionStore")
def first(test):
    return next((entry for entry in accounts if test(entry)), None)

wanted = {
    "member": first(lambda entry: entry["profile"] == "member"),
    "company": first(lambda entry: entry["profile"] == "company"),
    "professional": first(lambda entry: entry["profile"] == "professional"),
    "staff": first(lambda entry: "administrator" in entry.get("roles", ())),
}
for label, account in wanted.items():
    if account is None:
        continue
    user = User.objects.get(username=account["username"])
    terms = terms_current()  # the first-login step would answer every page with a redirect to the terms
    if terms is not None and not terms_accepted(user=user, terms=terms):
        terms_accept(actor=user, terms=terms)
    session = store()
    session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), "accounts.backends.IdentifierBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if user.is_staff:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="sqlmap", confirmed=True
        )
        session["otp_device_id"] = device.persistent_id
    session.create()
    print(label, f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
PY

# "profile URL" lines: the parameters sqlmap tries are those of the query string.
TARGETS=(
  "anonymous /help/faq/?q=lunettes&category="
  "member /space/network/?specialty=&place=Paris"
  "member /requests/?status=open&page=1"
  "member /space/contributions/?contract=x&page=1"
  "company /space/company/employees/?q=Martin&contract=&page=1"
  "professional /space/professional/invoices/?status=received&page=1"
  "staff /backoffice/users/?q=martin"
  "staff /backoffice/claims/?status=submitted&age=&page=1"
  "staff /backoffice/requests/?kind=&status=open&assignment=&overdue="
  "staff /backoffice/contributions/?status=&quarter=2026-Q1&contract=C&overdue="
  "staff /backoffice/professionals/invoices/?status=received&page=1"
  "staff /backoffice/professionals/messages/?status=open"
  "staff /backoffice/privacy/?status=&kind=&overdue=&mine=&closed="
  "staff /backoffice/privacy/accesses/?staff=admin&person=1&page=1"
  "staff /backoffice/privacy/evidence/?actor=admin&action=claim&target_type=claims.claim&target_id=1"
  # The API's search and filter parameters (the session cookie is one of the API's two ways in).
  "anonymous /api/faq?q=lunettes&category=&page=1&page_size=10"
  "member /api/requests?status=open&page=1&page_size=10"
  "member /api/claims/eligibility?beneficiary=x&care_date=2026-11-02&category=T_GP&practitioner=Dr&country=FR&amount=30&currency=EUR"
  "member /api/reimbursements?page=1&page_size=10"
  "company /api/company/employees?q=Martin&contract=&status=&sort=name&order=asc&page=1&page_size=10"
  "professional /api/professional/invoices?status=received&service_from=2026-01-01&service_to=2026-12-31&page=1"
)
# SQLMAP_ONLY=/api/ runs the targets whose line contains that text.
if [ -n "${SQLMAP_ONLY:-}" ]; then
  kept=()
  for target in "${TARGETS[@]}"; do [[ "$target" == *"$SQLMAP_ONLY"* ]] && kept+=("$target"); done
  TARGETS=("${kept[@]}")
fi
found=0
capped=0
for target in "${TARGETS[@]}"; do
  read -r who url <<<"$target"
  cookie=""
  if [ "$who" != anonymous ]; then
    sid=$(awk -v w="$who" '$1 == w {print $2}' "$VAR_DIR/sessions.txt")
    cookie="--cookie=$sid"
  fi
  echo "== sqlmap $who $url"
  started=$SECONDS
  if ! timeout "$CAP" "$SQLMAP" -u "http://127.0.0.1:$PORT$url" ${cookie:+"$cookie"} --batch --level "$LEVEL" --risk "$RISK" \
      --output-dir "$VAR_DIR/output" --flush-session --skip="om_session,om_csrftoken" --disable-coloring --answers="follow=N" 2>&1 \
      | tee -a "$VAR_DIR/output/run.log" | grep -E "is vulnerable|injectable|all tested parameters|WARNING.*404"; then
    :
  fi
  if ((SECONDS - started >= CAP)); then echo "   stopped at the ${CAP} s cap: not every test ran"; capped=$((capped + 1)); fi
  if grep -q "is vulnerable\|might be injectable\|appears to be injectable" "$VAR_DIR/output/run.log"; then found=1; fi
done
echo "sqlmap: ${#TARGETS[@]} targets ($capped stopped at the cap), $(grep -c '" [0-9]\{3\} ' "$VAR_DIR/server.log" || true) requests answered by the server"
[ "$found" = 0 ] && echo "sqlmap: no injectable parameter" || { echo "sqlmap: see $VAR_DIR/output/run.log"; exit 1; }
