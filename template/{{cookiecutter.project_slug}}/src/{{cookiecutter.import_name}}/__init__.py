"""{{ cookiecutter.class_name }} distribution, a distkit plugin."""

from .{{ cookiecutter.module_name }} import {{ cookiecutter.class_name }}

__all__ = ["{{ cookiecutter.class_name }}"]
__version__ = "{{ cookiecutter.version }}"
