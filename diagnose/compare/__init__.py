"""`diagnose compare BEFORE AFTER`: a follow-up audit set against the first.

`load` reads both answer files and diagnoses them with the pipeline; `model.compare`
sets the two `Diagnosis` objects side by side as a `Comparison`; `headline` chooses its
headline from the conditions in `locale/compare.yaml`; `text` and `render` make the
terminal text, the JSON and the HTML/PDF page from it.
"""

FORMATS = ("text", "json", "html", "pdf", "docx")  # what `diagnose compare --format` writes
