"""Interchange formats: CSV and XLSX readers with row and column errors, the XLSX statement writer."""
