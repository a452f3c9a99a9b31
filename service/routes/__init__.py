"""The HTTP routes, by what they serve: `checks` (claims, questions, texts, searches; health, readiness,
metrics) and `documents` (adding, listing, deleting). `deps` holds what routes share: the components and
the bounded queue from `app.state`, the token guards, and the documented error responses. The app itself is
assembled in service/api.py."""
