"""The JSON API for native apps (django-ninja); OpenAPI document at /api/docs.

Thin: every endpoint calls the same services as the web pages.
"""
