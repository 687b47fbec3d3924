"""The window's main pages, one module (or package) each; `gui/registry.py` lists them in order."""
