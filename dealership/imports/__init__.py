"""Bringing a dealership's data over from its old system (issue 18): customers with their cars, the labour and parts
catalogue, opening stock and service history, from .xlsx or .csv files.

- `reading`: a file into rows of text (openpyxl for .xlsx; .csv in UTF-8 or GB18030), or a refusal of the whole file.
- `kinds`: each kind's columns, how a cell is cleaned, its key, and how its rows are written (in batches, one query
  per batch for the existing keys).
- `engine`: the dry run (every refused row with its row, column, value and message) and the write (one transaction
  per file, an upsert by key, so the same file twice changes nothing).
- `services`, `tasks`: the ImportRun record, and the Celery tasks that check and write it.
"""
