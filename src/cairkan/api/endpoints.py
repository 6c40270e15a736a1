"""The API's endpoints, mounted from one module per resource. Errors are
``{"code", "message", "field", "details"}`` with a 4xx status, never a 500."""

from __future__ import annotations

from cairkan.api import errors  # noqa: F401  (registers the problem handlers)
from cairkan.api.core import api
from cairkan.api.routers import auth, claims, drafts, eligibility, face, member, uploads

# Mounted in the order the OpenAPI document has always listed them.
for module in (auth, member, eligibility, drafts, uploads, claims, face):
    api.add_router("", module.router)

__all__ = ["api"]
