"""Spreadsheet imports: one engine, one kind per thing imported (DESIGN.md,
"Spreadsheet import"; docs/portal.md, "Spreadsheet import").

The contract, for a new kind (enrollments, monthly figures, user accounts):

1. In the app that owns the rows, `imports.py`: subclass `kinds.ImportKind` with
   `name` ("app.things"), `title`, `columns` (`kinds.Column`: API key, the
   portal's label, a parser from `cells`, `required` header, `as_text` in the
   template), `context(owner_key=, by=)` (what the rows go into, refusing a user
   who may not import there with `ImportRefused`), `check(rows, context)` (every
   row's errors in a fixed number of queries, the API's messages, duplicates
   across rows; `Checked.cleaned` when none) and `write(cleaned, context, by=,
   progress=, reason=)` (through the app's services, in bulk, calling `progress`
   every chunk; it runs inside the engine's one transaction).
2. Register an instance with `kinds.register` in the app's `AppConfig.ready`.
3. Pages: upload with `pages.UploadForm` under `pages.bounded_upload`, then
   `services.import_preview`; the job's page with `pages.job_context` and the
   partials in `templates/imports/`; confirm (a POST, outside the request's
   transaction) with `services.import_confirm`; the template download with
   `pages.template_response`. Show a job to its uploader only (`created_by`).

Reading (`reading`) and the cell parsers (`cells`) know nothing of any app;
`services` keeps the job (`models.ImportJob`), runs it in the background
(`tasks.import_job_run`) and reports progress through the cache.
"""
