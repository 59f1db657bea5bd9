"""Refuse names that would make a broken package (plain `cookiecutter` runs only)."""

import keyword
import re
import sys

project = "{{ cookiecutter.project_name }}"
import_name = "{{ cookiecutter.import_name }}"

if not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?", project):
    sys.exit(f"project name {project!r} is not a valid PEP 508 name")
if not import_name.isidentifier() or keyword.iskeyword(import_name):
    sys.exit(f"import name {import_name!r} is not a Python identifier")
if import_name in sys.stdlib_module_names:
    sys.exit(f"import name {import_name!r} would shadow the standard library")
