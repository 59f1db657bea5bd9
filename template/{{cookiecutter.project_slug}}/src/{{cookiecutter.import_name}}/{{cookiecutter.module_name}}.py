{% import "families/" ~ cookiecutter.family ~ ".jinja" as family -%}
"""{{ family.description }}"""
{{ family.code(cookiecutter.class_name) -}}
