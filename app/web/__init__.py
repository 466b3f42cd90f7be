"""Server-rendered web: templates, static assets (vendored front-end libraries) and the local API docs.

A ground-floor package: it imports no other app package.
"""
