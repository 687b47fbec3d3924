"""The Partner Desk window: PySide6 pages over the services; no rules or SQL here."""
