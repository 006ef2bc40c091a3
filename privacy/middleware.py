"""The audience counter as a middleware (SPEC G5): ``privacy.middleware.AudienceMiddleware`` in MIDDLEWARE."""

from privacy.audience import AudienceMiddleware

__all__ = ["AudienceMiddleware"]
