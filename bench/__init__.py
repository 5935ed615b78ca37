"""The national-scale benchmark (issue #14): `python -m bench`, docs/PERFORMANCE.md.

Not part of the portal: nothing under the apps imports it. It seeds the dataset with
`manage.py seed_scale`, serves the portal under gunicorn with `bench.settings` (the
production settings plus the baselines: a raw-SQL view and a plain admin), and prints
each figure beside its baseline and target.
"""
