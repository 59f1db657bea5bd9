{% import cookiecutter.family_file as family with context -%}
"""{{ family.description }}"""
{{ family.code(cookiecutter.class_name) -}}
