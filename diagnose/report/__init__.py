"""The report: Diagnosis -> template context -> HTML -> PDF.

`render.write_report` is the entry point; WeasyPrint is imported only in `pdf.py`, so the
rest of the package (and `diagnose --help`) never pays for it.
"""
