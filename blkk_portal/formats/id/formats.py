"""How dates and numbers read in Indonesian (DESIGN.md, "Portal pages").

Django's own Indonesian formats abbreviate months ("2 Des. 2026"); the portal writes
them whole, as Indonesian letters do: `22 November 2026`, months as `November 2026`.
Thousands are grouped with a dot only where a template asks for it (the `angka` and
`rupiah` filters): `USE_THOUSAND_SEPARATOR` stays off so years and ids read `2026`.
"""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d-m-Y"
DATETIME_FORMAT = "j F Y, H.i"
SHORT_DATETIME_FORMAT = "d-m-Y H.i"
TIME_FORMAT = "H.i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday
# Typed dates: the browser's date picker sends ISO; people type day first.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d %m %Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
