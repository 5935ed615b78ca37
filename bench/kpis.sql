-- The KPI pass written by hand: every figure of DESIGN.md's "Progress report KPIs"
-- for every BLKK, for one calendar month, in one statement of plain PostgreSQL.
--
-- The baseline the ORM's pass (reports/kpis.py, `figures_by_blkk`) is measured
-- against (bench/kpi_sql.py runs it; tests/reports/test_kpi_handwritten.py checks
-- that both give the same figures). Written from the definitions, not from the
-- ORM's SQL: each figure is an aggregate over the rows of its month, grouped by the
-- BLKK the row belongs to, and the latest-row-per-key figures (a BLKK's grade, a
-- venture's stage, a graduate's outcome) are one DISTINCT ON each over the index
-- that orders them.
--
-- Parameters (psycopg's named style): %(first_day)s and %(last_day)s, the month's
-- first and last days. From psql: replace them with date literals.
--
-- One row per BLKK (all of them, active or not), one column per raw count, named as
-- reports/kpis.py names them (`BlkkFigures.counts`): minutes rather than hours, one
-- `outcome:<status>`, `placement:<kind>` and `grade:<grade>` column per choice.
-- National partnerships (no BLKK) are the country's only and are not here.

WITH
-- A BLKK's grade on month end: its latest assessment by then, else the grade it
-- was registered with.
assessed AS (
    SELECT DISTINCT ON (ga.blkk_id) ga.blkk_id, ga.grade
    FROM training_gradeassessment ga
    WHERE ga.assessed_on <= %(last_day)s::date
    ORDER BY ga.blkk_id, ga.assessed_on DESC, ga.id DESC
),
blkks AS (
    SELECT b.id, b.is_active, coalesce(a.grade, b.registered_grade) AS grade
    FROM training_blkk b
    LEFT JOIN assessed a ON a.blkk_id = b.id
),

registered AS (
    SELECT t.blkk_id, count(*) AS n
    FROM training_trainee t
    WHERE t.registered_on BETWEEN %(first_day)s::date AND %(last_day)s::date
    GROUP BY t.blkk_id
),

-- Enrollments completed in the month, at the batch's BLKK.
graduated AS (
    SELECT b.blkk_id, count(*) AS n
    FROM training_enrollment e
    JOIN training_trainingbatch b ON b.id = e.batch_id
    WHERE e.status = 'completed'
      AND e.completed_on BETWEEN %(first_day)s::date AND %(last_day)s::date
    GROUP BY b.blkk_id
),

certified AS (
    SELECT t.blkk_id, count(*) AS n
    FROM training_certification c
    JOIN training_trainee t ON t.id = c.trainee_id
    WHERE c.result = 'competent'
      AND c.issued_on BETWEEN %(first_day)s::date AND %(last_day)s::date
    GROUP BY t.blkk_id
),

-- Each trainee's latest outcome surveyed by month end ...
latest_outcome AS (
    SELECT DISTINCT ON (o.trainee_id) o.trainee_id, o.status
    FROM training_graduateoutcome o
    WHERE o.surveyed_on <= %(last_day)s::date
    ORDER BY o.trainee_id, o.surveyed_on DESC, o.id DESC
),
-- ... counted for the trainees who had completed an enrollment by then.
outcomes AS (
    SELECT t.blkk_id,
           count(*) FILTER (WHERE lo.status = 'employed') AS employed,
           count(*) FILTER (WHERE lo.status = 'self_employed') AS self_employed,
           count(*) FILTER (WHERE lo.status = 'apprenticeship') AS apprenticeship,
           count(*) FILTER (WHERE lo.status = 'migrant_worker') AS migrant_worker,
           count(*) FILTER (WHERE lo.status = 'studying') AS studying,
           count(*) FILTER (WHERE lo.status = 'unemployed') AS unemployed
    FROM latest_outcome lo
    JOIN training_trainee t ON t.id = lo.trainee_id
    WHERE EXISTS (
        SELECT 1
        FROM training_enrollment e
        WHERE e.trainee_id = lo.trainee_id
          AND e.status = 'completed'
          AND e.completed_on <= %(last_day)s::date
    )
    GROUP BY t.blkk_id
),

-- Each venture's stage on month end, from its stage history.
stage_at_end AS (
    SELECT DISTINCT ON (sc.venture_id) sc.venture_id, sc.to_stage
    FROM incubator_stagechange sc
    WHERE sc.changed_on <= %(last_day)s::date
    ORDER BY sc.venture_id, sc.changed_on DESC, sc.id DESC
),
graduated_ventures AS (
    SELECT DISTINCT sc.venture_id
    FROM incubator_stagechange sc
    WHERE sc.to_stage = 'graduated'
      AND sc.changed_on BETWEEN %(first_day)s::date AND %(last_day)s::date
),
-- Ventures with a session in the month, and in the 60 days ending on month end.
mentored_ventures AS (
    SELECT DISTINCT a.venture_id
    FROM mentoring_mentoringsession s
    JOIN mentoring_mentorassignment a ON a.id = s.assignment_id
    WHERE a.venture_id IS NOT NULL
      AND s.held_on BETWEEN %(first_day)s::date AND %(last_day)s::date
),
recently_mentored AS (
    SELECT DISTINCT a.venture_id
    FROM mentoring_mentoringsession s
    JOIN mentoring_mentorassignment a ON a.id = s.assignment_id
    WHERE a.venture_id IS NOT NULL
      AND s.held_on BETWEEN %(last_day)s::date - 59 AND %(last_day)s::date
),
ventures AS (
    SELECT c.blkk_id,
           count(*) FILTER (WHERE active) AS active,
           count(g.venture_id) AS graduated,
           count(*) FILTER (WHERE active AND m.venture_id IS NOT NULL) AS reported,
           count(mv.venture_id) AS mentored,
           count(*) FILTER (WHERE active AND r.venture_id IS NULL) AS at_risk
    FROM (
        SELECT v.id, v.cohort_id,
               coalesce(s.to_stage IN ('pre_incubation', 'incubation',
                                       'post_incubation'), false) AS active
        FROM incubator_venture v
        LEFT JOIN stage_at_end s ON s.venture_id = v.id
    ) v
    JOIN incubator_cohort c ON c.id = v.cohort_id
    LEFT JOIN graduated_ventures g ON g.venture_id = v.id
    LEFT JOIN incubator_venturemetric m
           ON m.venture_id = v.id AND m.period = %(first_day)s::date
    LEFT JOIN mentored_ventures mv ON mv.venture_id = v.id
    LEFT JOIN recently_mentored r ON r.venture_id = v.id
    GROUP BY c.blkk_id
),

metrics AS (
    SELECT c.blkk_id, sum(m.workers) AS workers, sum(m.revenue) AS revenue
    FROM incubator_venturemetric m
    JOIN incubator_venture v ON v.id = m.venture_id
    JOIN incubator_cohort c ON c.id = v.cohort_id
    WHERE m.period = %(first_day)s::date
    GROUP BY c.blkk_id
),

-- A session belongs to its venture's BLKK, or to the BLKK of a BLKK-wide
-- assignment.
sessions AS (
    SELECT coalesce(c.blkk_id, a.blkk_id) AS blkk_id,
           count(*) AS n,
           sum(s.duration_minutes) AS minutes
    FROM mentoring_mentoringsession s
    JOIN mentoring_mentorassignment a ON a.id = s.assignment_id
    LEFT JOIN incubator_venture v ON v.id = a.venture_id
    LEFT JOIN incubator_cohort c ON c.id = v.cohort_id
    WHERE s.held_on BETWEEN %(first_day)s::date AND %(last_day)s::date
    GROUP BY 1
),

-- Instructors marked active now; those of them holding a competency qualification
-- issued by month end and still valid on it.
instructors AS (
    SELECT i.blkk_id,
           count(*) AS active,
           count(*) FILTER (WHERE EXISTS (
               SELECT 1
               FROM training_instructorqualification q
               WHERE q.instructor_id = i.id
                 AND q.kind = 'competency'
                 AND q.issued_on <= %(last_day)s::date
                 AND (q.valid_until IS NULL OR q.valid_until >= %(last_day)s::date)
           )) AS certified
    FROM training_instructor i
    WHERE i.is_active
    GROUP BY i.blkk_id
),

partnerships AS (
    SELECT p.blkk_id, count(*) AS n
    FROM training_partnership p
    WHERE p.blkk_id IS NOT NULL
      AND p.start_date <= %(last_day)s::date
      AND (p.end_date IS NULL OR p.end_date >= %(last_day)s::date)
    GROUP BY p.blkk_id
),

-- Placements started in the month, at the trainee's BLKK.
placements AS (
    SELECT t.blkk_id,
           count(*) FILTER (WHERE p.kind = 'apprenticeship') AS apprenticeship,
           count(*) FILTER (WHERE p.kind = 'employment') AS employment,
           count(*) FILTER (WHERE p.kind = 'migrant_work') AS migrant_work
    FROM training_placement p
    JOIN training_trainee t ON t.id = p.trainee_id
    WHERE p.start_date BETWEEN %(first_day)s::date AND %(last_day)s::date
    GROUP BY t.blkk_id
),

-- Applications received in the month, and accepted in it (whenever received), at
-- the cohort's BLKK.
applications AS (
    SELECT c.blkk_id,
           count(*) FILTER (
               WHERE ap.received_on BETWEEN %(first_day)s::date AND %(last_day)s::date
           ) AS received,
           count(*) FILTER (
               WHERE ap.status = 'accepted'
                 AND ap.decided_on BETWEEN %(first_day)s::date AND %(last_day)s::date
           ) AS accepted
    FROM incubator_cohortapplication ap
    JOIN incubator_cohort c ON c.id = ap.cohort_id
    WHERE ap.received_on BETWEEN %(first_day)s::date AND %(last_day)s::date
       OR ap.decided_on BETWEEN %(first_day)s::date AND %(last_day)s::date
    GROUP BY c.blkk_id
),

-- Assistance handed over in the month (delivered, or in use since), at its BLKK or
-- its venture's cohort's.
assistance AS (
    SELECT coalesce(a.blkk_id, c.blkk_id) AS blkk_id, sum(a.value) AS value
    FROM incubator_assistance a
    LEFT JOIN incubator_venture v ON v.id = a.venture_id
    LEFT JOIN incubator_cohort c ON c.id = v.cohort_id
    WHERE a.status IN ('delivered', 'in_use')
      AND a.delivered_on BETWEEN %(first_day)s::date AND %(last_day)s::date
    GROUP BY 1
)

SELECT b.id AS blkk_id,
       b.is_active::int AS "blkk_count",
       coalesce(registered.n, 0) AS "trainees_registered",
       coalesce(graduated.n, 0) AS "graduates",
       coalesce(certified.n, 0) AS "certified_competent",
       coalesce(outcomes.employed, 0) AS "outcome:employed",
       coalesce(outcomes.self_employed, 0) AS "outcome:self_employed",
       coalesce(outcomes.apprenticeship, 0) AS "outcome:apprenticeship",
       coalesce(outcomes.migrant_worker, 0) AS "outcome:migrant_worker",
       coalesce(outcomes.studying, 0) AS "outcome:studying",
       coalesce(outcomes.unemployed, 0) AS "outcome:unemployed",
       coalesce(ventures.active, 0) AS "ventures_active",
       coalesce(ventures.graduated, 0) AS "ventures_graduated",
       coalesce(metrics.workers, 0) AS "jobs_created",
       coalesce(metrics.revenue, 0) AS "revenue_total",
       coalesce(sessions.n, 0) AS "mentoring_sessions",
       coalesce(sessions.minutes, 0) AS "mentoring_minutes",
       coalesce(ventures.mentored, 0) AS "ventures_mentored",
       coalesce(ventures.at_risk, 0) AS "ventures_at_risk",
       coalesce(ventures.reported, 0) AS "metrics_reported",
       coalesce(instructors.active, 0) AS "instructors_active",
       coalesce(instructors.certified, 0) AS "instructors_certified",
       coalesce(partnerships.n, 0) AS "partnerships_active",
       coalesce(placements.apprenticeship, 0) AS "placement:apprenticeship",
       coalesce(placements.employment, 0) AS "placement:employment",
       coalesce(placements.migrant_work, 0) AS "placement:migrant_work",
       coalesce(applications.received, 0) AS "applications_received",
       coalesce(applications.accepted, 0) AS "applications_accepted",
       coalesce(assistance.value, 0) AS "assistance_delivered_value",
       (b.is_active AND b.grade = 'tumbuh')::int AS "grade:tumbuh",
       (b.is_active AND b.grade = 'berkembang')::int AS "grade:berkembang",
       (b.is_active AND b.grade = 'mandiri')::int AS "grade:mandiri"
FROM blkks b
LEFT JOIN registered ON registered.blkk_id = b.id
LEFT JOIN graduated ON graduated.blkk_id = b.id
LEFT JOIN certified ON certified.blkk_id = b.id
LEFT JOIN outcomes ON outcomes.blkk_id = b.id
LEFT JOIN ventures ON ventures.blkk_id = b.id
LEFT JOIN metrics ON metrics.blkk_id = b.id
LEFT JOIN sessions ON sessions.blkk_id = b.id
LEFT JOIN instructors ON instructors.blkk_id = b.id
LEFT JOIN partnerships ON partnerships.blkk_id = b.id
LEFT JOIN placements ON placements.blkk_id = b.id
LEFT JOIN applications ON applications.blkk_id = b.id
LEFT JOIN assistance ON assistance.blkk_id = b.id
ORDER BY b.id
