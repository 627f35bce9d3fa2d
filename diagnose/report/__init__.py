"""The report: Diagnosis -> template context -> HTML -> PDF.

`render.write_report` is the entry point; WeasyPrint is imported only in `pdf.py` (and in
`raster.py`, which draws a DOCX's charts), so the rest of the package (and
`diagnose --help`) never pays for it.
"""

# The report formats, listed once: `diagnose report --format`, `diagnose batch --format`
# and `render.report_bytes` follow this list (a new format: add it here and its branch there).
FORMATS = ("pdf", "html", "json", "docx")

# The archival and accessible PDFs `--pdf-variant` makes (WeasyPrint's names): tagged, with
# the report's language and title; without the option a plain PDF is written.
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b")

# Who a report is for (`--audience`): the client's report gives every conclusion in words;
# the consultant's adds rule ids, the rulebook's raw conditions with what each evaluated
# to, parameter and question ids. The first is the default.
AUDIENCES = ("client", "consultant")
DEFAULT_AUDIENCE = AUDIENCES[0]
