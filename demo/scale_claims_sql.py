"""The claims step of ``seed_scale`` on PostgreSQL: the same claims as :mod:`demo.scale_claims`, made by the database.

Building a million claims as Python objects takes most of an hour on a busy 2-core machine; here two
``INSERT … SELECT … generate_series`` statements make them in a minute or two, with the same shape: ``per_member``
claims per subscriber of a health contract (for them or someone of their family), submitted in the last two years
after the cover started, 1 to 3 care items of categories their product covers, amounts in the category's range,
statuses mixed as :data:`demo.scale_claims.STATUSES`, a partial validation refusing its last item, decided claims
with their dates, four in five of the accepted ones paid. The practitioner, an encrypted column, is one of
:data:`demo.scale_claims.PRACTITIONERS` encrypted once with the current key (every row decrypts). References
``CLS-<member number>-<n>`` as the Python path makes them.
"""

from __future__ import annotations

from datetime import date

from django.db import connection

from claims.choices import ClaimStatus, ItemDecision, RefusalReason
from core import crypto
from demo.scale_claims import COSTS, PRACTITIONERS, STATUSES, ClaimsBuilder

BULK_INDEX_THRESHOLD = 100_000  # claims to add above which the secondary indexes are rebuilt instead of maintained
_STATUS_BOUNDS = []
_total = 0.0
for _status, _weight in STATUSES:
    _total += _weight
    _STATUS_BOUNDS.append((_total, str(_status)))

CLAIMS_SQL = """
CREATE TEMPORARY TABLE seed_claim ON COMMIT DROP AS
WITH family AS (
    SELECT s.id, s.person_id, s.contract_id, s.start_date, c.product_id,
           array_agg(d.person_id) FILTER (WHERE d.id IS NOT NULL) AS dependants
    FROM contracts_affiliation s
    JOIN contracts_contract c ON c.id = s.contract_id
    LEFT JOIN contracts_affiliation d ON d.principal_id = s.id
    WHERE s.principal_id IS NULL AND s.person_id > %(min_person)s
      AND c.product_id = ANY(%(products)s) AND s.start_date < %(today)s
    GROUP BY s.id, s.person_id, s.contract_id, s.start_date, c.product_id
), drawn AS (
    SELECT f.*, k.category_count, p.membership_number, n,
           greatest(f.start_date, %(today)s - 730) AS from_date,
           random() AS status_roll, 1 + floor(random() * 3)::int AS items
    FROM family f JOIN people_person p ON p.id = f.person_id
    JOIN (SELECT product_id, count(*) AS category_count FROM seed_category GROUP BY product_id) k
      ON k.product_id = f.product_id, generate_series(0, %(per_member)s - 1) AS n
), dated AS (
    SELECT d.*,
           d.from_date + floor(random() * (%(today)s - d.from_date + 1))::int AS submitted_on,
           CASE {status_case} END AS raw_status
    FROM drawn d
)
SELECT 'CLS-' || coalesce(membership_number, person_id::text) || '-' || lpad(n::text, 3, '0') AS reference,
       person_id AS member_id,
       (ARRAY[person_id] || coalesce(dependants, '{{}}'))[
           1 + floor(random() * (1 + coalesce(cardinality(dependants), 0)))::int] AS beneficiary_id,
       contract_id, product_id, category_count, from_date, submitted_on, items,
       ((submitted_on + make_time(7 + floor(random() * 16)::int, floor(random() * 60)::int, 0))
           AT TIME ZONE 'Europe/Paris') AS submitted_at,
       CASE WHEN raw_status = %(partial)s AND items = 1 THEN %(validated)s ELSE raw_status END AS status,
       1 + floor(random() * 15)::int AS decided_after, random() < 0.8 AS paid
FROM dated
"""

ITEMS_SQL = """
CREATE TEMPORARY TABLE seed_item ON COMMIT DROP AS
WITH drawn AS (
    SELECT s.reference, s.status, s.items, position, s.from_date, s.submitted_on, s.product_id,
           floor(random() * s.category_count)::int AS pick
    FROM seed_claim s, generate_series(1, s.items) AS position
), picked AS (
    SELECT d.*, c.category_id, c.low, c.high, c.share
    FROM drawn d JOIN seed_category c ON c.product_id = d.product_id AND c.n = d.pick
), priced AS (
    SELECT p.*, round((p.low + random() * (p.high - p.low))::numeric, 2) AS amount,
           greatest(p.from_date, p.submitted_on - floor(random() * 61)::int) AS care_date,
           (p.status = %(partial)s AND p.position = p.items) AS refused_part
    FROM picked p
)
SELECT reference, position, care_date, category_id, amount,
       round(amount * share::numeric, 2) AS compulsory_paid,
       CASE WHEN status = %(rejected)s OR refused_part THEN %(refused)s
            WHEN status = %(in_progress)s THEN %(pending)s ELSE %(accepted)s END AS decision,
       CASE WHEN status = %(rejected)s THEN %(missing)s WHEN refused_part THEN %(not_covered)s ELSE '' END
           AS refusal_reason,
       CASE WHEN status = %(rejected)s OR refused_part THEN 0.00
            WHEN status = %(in_progress)s THEN NULL
            ELSE floor((amount - round(amount * share::numeric, 2)) * (0.4 + random() * 0.55)::numeric * 100) / 100
       END AS reimbursed_amount
FROM priced
"""

INSERT_CLAIMS_SQL = """
INSERT INTO claims_claim (public_id, created_at, updated_at, reference, submitted_by_id, member_id, beneficiary_id,
    contract_id, channel, status, submitted_at, terms_id, terms_accepted_at, terms_ip, idempotency_key, fingerprint,
    total_claimed, total_reimbursed, has_duplicates, rejection_reason, decision_note, decided_at, decided_by_id,
    originals_requested_at, originals_note, paid_at)
SELECT gen_random_uuid(), now(), now(), s.reference, %(submitter)s, s.member_id, s.beneficiary_id, s.contract_id,
    'web', s.status, s.submitted_at, %(terms)s, s.submitted_at, NULL, s.reference,
    encode(sha256(convert_to(s.reference, 'UTF8')), 'hex'), t.claimed, t.reimbursed, false,
    CASE WHEN s.status = %(rejected)s THEN %(missing)s ELSE '' END, '', d.decided_at, NULL, NULL, '',
    CASE WHEN s.status <> %(rejected)s AND s.paid THEN d.decided_at + interval '3 days' END
FROM seed_claim s
JOIN (SELECT reference, sum(amount) AS claimed, coalesce(sum(reimbursed_amount), 0) AS reimbursed
      FROM seed_item GROUP BY reference) t ON t.reference = s.reference
CROSS JOIN LATERAL (SELECT CASE WHEN s.status <> %(in_progress)s
                                THEN s.submitted_at + s.decided_after * interval '1 day' END AS decided_at) d
"""

INSERT_ITEMS_SQL = """
INSERT INTO claims_careitem (public_id, created_at, updated_at, claim_id, position, care_date, category_id,
    practitioner, country, amount, currency, exchange_rate, rate_date, amount_eur, base_amount, compulsory_paid,
    decision, refusal_reason, staff_comment, reimbursed_amount, explanation, is_duplicate)
SELECT gen_random_uuid(), now(), now(), c.id, i.position, i.care_date, i.category_id,
    (%(practitioners)s::text[])[1 + floor(random() * %(practitioner_count)s)::int], 'FR', i.amount, 'EUR', 1,
    i.care_date, i.amount, i.amount, i.compulsory_paid, i.decision, i.refusal_reason, '', i.reimbursed_amount,
    '{}'::jsonb, false
FROM seed_item i JOIN claims_claim c ON c.reference = i.reference
"""


def _secondary_indexes(cursor, tables: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, definition) of the indexes of ``tables`` that back no constraint (unique and primary keys stay)."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND i.schemaname = "
        "current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [list(tables)],
    )
    return cursor.fetchall()


def claims_sql_fill(*, per_member: int, today: date, min_person: int, seed: float = 0.42) -> tuple[int, int]:
    """``per_member`` claims for every subscriber whose person id is above ``min_person``; (claims, items) made."""
    builder = ClaimsBuilder(per_member, today)
    categories = [
        (product, n, category.pk, *COSTS[category.code])
        for product, found in builder.categories.items()
        for n, category in enumerate(sorted(found, key=lambda c: c.code))
    ]
    if not categories or builder.terms is None:
        return 0, 0
    status_case = (
        " ".join(f"WHEN status_roll < {bound} THEN '{status}'" for bound, status in _STATUS_BOUNDS[:-1])
        + f" ELSE '{_STATUS_BOUNDS[-1][1]}'"
    )
    params = {
        "min_person": min_person,
        "products": sorted({row[0] for row in categories}),
        "today": today,
        "per_member": per_member,
        "submitter": builder.submitter.pk,
        "terms": builder.terms.pk,
        "practitioners": [crypto.encrypt(name.encode()).decode() for name in PRACTITIONERS],
        "practitioner_count": len(PRACTITIONERS),
        "partial": ClaimStatus.PARTIALLY_VALIDATED.value,
        "validated": ClaimStatus.VALIDATED.value,
        "rejected": ClaimStatus.REJECTED.value,
        "in_progress": ClaimStatus.IN_PROGRESS.value,
        "refused": ItemDecision.REFUSED.value,
        "pending": ItemDecision.PENDING.value,
        "accepted": ItemDecision.ACCEPTED.value,
        "missing": RefusalReason.MISSING_DOCUMENTS.value,
        "not_covered": RefusalReason.NOT_COVERED.value,
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed])
        cursor.execute(
            "CREATE TEMPORARY TABLE seed_category (product_id bigint, n int, category_id bigint, low numeric, "
            "high numeric, share float) ON COMMIT DROP"
        )
        cursor.executemany("INSERT INTO seed_category VALUES (%s, %s, %s, %s, %s, %s)", categories)
        cursor.execute(CLAIMS_SQL.format(status_case=status_case), params)
        cursor.execute(ITEMS_SQL, params)
        cursor.execute("SELECT count(*) FROM seed_claim")
        bulk = cursor.fetchone()[0] > BULK_INDEX_THRESHOLD
        indexes = _secondary_indexes(cursor, ("claims_claim", "claims_careitem")) if bulk else []
        for name, _definition in indexes:  # built once at the end: far faster than kept up row by row
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(INSERT_CLAIMS_SQL, params)
        claims = cursor.rowcount
        cursor.execute(INSERT_ITEMS_SQL, params)
        items = cursor.rowcount
        if indexes:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks, before CREATE INDEX
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("DROP TABLE seed_item, seed_claim, seed_category")
    return claims, items
