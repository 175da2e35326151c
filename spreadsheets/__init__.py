"""Files in and out: a list as CSV or XLSX (writing), a CSV or XLSX file read into rows of text with what was
wrong with it (reading), and the columns a resource has in such a file (columns). Knows nothing of the database
but the models' columns."""
