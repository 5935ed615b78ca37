"""The benchmark's markdown: the table of targets first, then every measurement."""

from __future__ import annotations

# The targets (#14), at factor 1.
API_SHARE_OF_RAW = 0.40
P95_MS = 100.0
FLAT_RATIO = 1.5
KPI_RATIO = 1.3
MONTHLY_SECONDS = 60.0
EXPORT_RSS_MB = 100.0


def _ms(value: float) -> str:
    return f"{value:,.1f}"


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _table(header: list[str], rows: list[list], right_from: int = 1) -> str:
    lines = ["| " + " | ".join(header) + " |"]
    lines.append(
        "|"
        + "|".join("---" if i < right_from else "---:" for i in range(len(header)))
        + "|"
    )
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _timed_rows(measure: dict) -> list[dict]:
    """Every request timed for one client (API, deep pages, pages, dashboards)."""
    rows = []
    for part in ("api", "deep", "pages"):
        rows += [row for row in measure.get(part, []) if row.get("runs")]
    rows += [
        row
        for row in measure.get("dashboards", [])
        if not row["label"].startswith("beat")
    ]
    return rows


def _admin_rows(measure: dict) -> list[dict]:
    rows = []
    for row in measure.get("admin", []):
        rows.append(
            {
                "label": f"admin {row['label']} (ministry)",
                "p95_ms": row["portal_p95_ms"],
            }
        )
        rows.append(
            {
                "label": f"admin {row['label']} (province)",
                "p95_ms": row["province_p95_ms"],
            }
        )
    return rows


def summary(results: dict, big: str, small: str) -> tuple[str, list[str]]:
    at_big = results["factors"].get(big, {})
    at_small = results["factors"].get(small, {})
    rows: list[list] = []
    over: list[str] = []
    throughput = at_big.get("throughput")
    if throughput:
        for who in ("ministry", "manager"):
            api = throughput[f"API, {who}"]
            raw = throughput[f"raw SQL, {who}'s rows"]
            rows.append(
                [
                    f"`/api/v1/trainees/` req/s as {who} "
                    "(wrk, 16 connections, gunicorn 2 workers)",
                    f"{api:,.0f}",
                    f"raw SQL view {raw:,.0f}",
                    f"{api / raw:.0%}",
                    f">= {API_SHARE_OF_RAW:.0%}",
                    _met(api / raw >= API_SHARE_OF_RAW),
                ]
            )
    measure = at_big.get("measure")
    if measure:
        timed = _timed_rows(measure) + _admin_rows(measure)
        worst = max(timed, key=lambda row: row["p95_ms"])
        over = [row["label"] for row in timed if row["p95_ms"] >= P95_MS]
        rows.append(
            [
                f"p95 of every page and endpoint, one client ({len(timed)} measured)",
                f"worst {_ms(worst['p95_ms'])} ms ({worst['label']})",
                "",
                f"{len(over)} at or over",
                f"< {P95_MS:.0f} ms",
                _met(not over),
            ]
        )
    small_measure = at_small.get("measure")
    if measure and small_measure:
        ratios = flat_ratios(small_measure, measure)
        if ratios:
            worst_flat = max(ratios, key=lambda row: row[1])
            changed = [
                label for label, _r, q_small, q_big in ratios if q_small != q_big
            ]
            rows.append(
                [
                    f"first pages, factor {small} -> {big} ({len(ratios)} compared)",
                    f"worst {worst_flat[1]:.2f}x ({worst_flat[0]})",
                    f"factor {small}",
                    f"queries changed: {len(changed)}",
                    f"<= {FLAT_RATIO}x, queries constant",
                    _met(worst_flat[1] <= FLAT_RATIO and not changed),
                ]
            )
    kpis = (measure or {}).get("kpis")
    if kpis:
        ratio = kpis["orm_median_ms"] / kpis["sql_median_ms"]
        rows.append(
            [
                f"KPI pass, {kpis['month']}, {kpis['blkks']:,} BLKKs",
                f"{_ms(kpis['orm_median_ms'])} ms",
                f"hand-written SQL {_ms(kpis['sql_median_ms'])} ms",
                f"{ratio:.2f}x; BLKKs differing: {kpis['blkks_differing']}",
                f"<= {KPI_RATIO}x",
                _met(ratio <= KPI_RATIO and kpis["blkks_differing"] == 0),
            ]
        )
    monthly = at_big.get("monthly")
    if monthly:
        rows.append(
            [
                f"monthly run, {monthly['month']}: "
                f"{monthly['reports_with_files']:,} reports with files, "
                f"{monthly['months_stored']} months stored",
                f"{monthly['seconds']:.1f} s",
                "",
                "",
                f"< {MONTHLY_SECONDS:.0f} s",
                _met(monthly["seconds"] < MONTHLY_SECONDS),
            ]
        )
    export = at_big.get("export")
    if export:
        rows.append(
            [
                f"CSV export of every trainee ({export['rows']:,} rows)",
                f"{export['seconds']:.1f} s, peak RSS {export['peak_rss_mb']:.0f} MB",
                "",
                "",
                f"< {EXPORT_RSS_MB:.0f} MB",
                _met(export["peak_rss_mb"] < EXPORT_RSS_MB),
            ]
        )
    header = [
        "figure (factor " + big + ")",
        "measured",
        "baseline",
        "ratio",
        "target",
        "met",
    ]
    return _table(header, rows, right_from=6), over


def flat_ratios(small: dict, big: dict) -> list[tuple[str, float, int, int]]:
    """(label, big median / small median, queries small, queries big) of every first
    page measured at both factors."""
    before = {row["label"]: row for row in _timed_rows(small)}
    ratios = []
    for row in _timed_rows(big):
        old = before.get(row["label"])
        if old and old["median_ms"] > 0 and "page " not in row["label"]:
            ratios.append(
                (
                    row["label"],
                    row["median_ms"] / old["median_ms"],
                    old["queries"],
                    row["queries"],
                )
            )
    return ratios


def details(results: dict, big: str, small: str) -> str:
    at_big = results["factors"].get(big, {}).get("measure", {})
    at_small = results["factors"].get(small, {}).get("measure", {})
    before = {row["label"]: row for row in _timed_rows(at_small)} if at_small else {}
    text = []
    for title, part in (
        ("API first pages (token auth, 50 rows)", "api"),
        ("API deep pages (following `next`)", "deep"),
        ("Portal pages", "pages"),
        ("Dashboards", "dashboards"),
    ):
        rows = []
        for row in at_big.get(part, []):
            if not row.get("runs") and not row["label"].startswith("beat"):
                rows.append([row["label"], f"({row['status']})", "", "", "", "", ""])
                continue
            old = before.get(row["label"])
            rows.append(
                [
                    row["label"],
                    _ms(row["median_ms"]),
                    _ms(row["p95_ms"]),
                    row["queries"],
                    _ms(row["sql_ms"]),
                    _ms(old["median_ms"]) if old else "",
                    f"{row['median_ms'] / old['median_ms']:.2f}x"
                    if old and old["median_ms"]
                    else "",
                ]
            )
        if rows:
            text.append(f"### {title}\n")
            text.append(
                _table(
                    [
                        "request",
                        "median ms",
                        "p95 ms",
                        "queries",
                        "SQL ms",
                        f"median at {small}",
                        "ratio",
                    ],
                    rows,
                )
            )
    admin = at_big.get("admin", [])
    if admin:
        text.append("### Admin changelists beside a plain Django admin (first page)\n")
        text.append(
            _table(
                [
                    "model",
                    "portal median ms",
                    "portal p95 ms",
                    "plain median ms",
                    "portal / plain",
                    "province median ms",
                    "queries portal / plain / province",
                ],
                [
                    [
                        row["label"],
                        _ms(row["portal_median_ms"]),
                        _ms(row["portal_p95_ms"]),
                        _ms(row["plain_median_ms"]),
                        f"{row['portal_median_ms'] / row['plain_median_ms']:.2f}x",
                        _ms(row["province_median_ms"]),
                        " / ".join(
                            str(row[f"{key}_queries"])
                            for key in ("portal", "plain", "province")
                        ),
                    ]
                    for row in admin
                ],
            )
        )
    return "\n".join(text)


def render(results: dict, big: str, small: str) -> str:
    machine = results["machine"]
    table, over = summary(results, big, small)
    text = [
        f"Measured {machine['date']} on {machine['cpu_model']} "
        f"({machine['cores']} cores), "
        f"Python {machine['python']}, PostgreSQL {machine['postgres']}.\n",
        table,
    ]
    if over:
        text.append("At or over the p95 target: " + "; ".join(over) + ".\n")
    for factor, result in results["factors"].items():
        if result.get("seed_seconds"):
            text.append(f"Seeded factor {factor} in {result['seed_seconds']:.0f} s.\n")
        trainees = result.get("measure", {}).get("trainees")
        if trainees:
            text.append(f"Factor {factor}: {trainees:,} trainees.\n")
    text.append(details(results, big, small))
    return "\n".join(text)
