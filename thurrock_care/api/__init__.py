"""What every API endpoint shares: who may call it at all (permissions), how errors look
(errors), how lists are paged (pagination), and an OpenAPI schema that tells the truth about
all three (schema: every operation documents the errors it can really answer with).

DRF's settings import `permissions` and `pagination` while rest_framework loads: they import
nothing that loads DRF's views in turn.
"""
