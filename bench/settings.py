"""Production settings plus the benchmark's two reference pages (bench/urls.py). Only the
benchmark's server uses this module; the product never serves the references."""

from thurrock_care.settings import *  # noqa: F403
from thurrock_care.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES = [{**TEMPLATES[0], "DIRS": [BASE_DIR / "templates", BASE_DIR / "bench" / "templates"]}]
