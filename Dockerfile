# Thurrock Care production image: gunicorn serves the web app; the same image runs the
# Celery worker and beat (see docker-compose.yml). Built from registries only.

# --- Front end: GOV.UK Frontend and MOJ Frontend from npm, our stylesheet compiled with Sass.
FROM node:20-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static/scss static/scss
RUN npm run --silent build:css

# --- Application.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Pango, HarfBuzz and a font for WeasyPrint's PDF reports.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir uv==0.13.8 \
 && uv pip install --system --no-cache -r requirements.lock

COPY . .
COPY --from=frontend /app/node_modules/govuk-frontend/dist node_modules/govuk-frontend/dist
COPY --from=frontend /app/node_modules/@ministryofjustice/frontend/moj node_modules/@ministryofjustice/frontend/moj
COPY --from=frontend /app/static/build static/build

# Hashed, compressed static files for WhiteNoise. The values here exist only for this step.
RUN DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=build \
    DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
 && useradd --system --uid 10001 --home-dir /app thurrock

USER thurrock
EXPOSE 8000
CMD ["gunicorn", "thurrock_care.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
