"""A tiny plugin package for the publishing tests."""

NAME = "fixture"
