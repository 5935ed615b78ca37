# Front-end packages from the npm registry, exactly as package-lock.json pins them;
# the portal serves them itself (whitenoise), as it runs on an intranet.
FROM node:20-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
COPY --from=frontend /app/node_modules ./node_modules
# The catalogue is compiled from the committed .po, then every static file (the
# portal's own and node_modules' under vendor/) is collected, hashed and compressed.
# Both need settings but no real secrets or database.
RUN export DEBUG=false SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    && python manage.py compilemessages -l id --ignore=node_modules \
    && python manage.py collectstatic --noinput

RUN useradd --create-home portal && mkdir -p /app/var && chown portal /app/var
USER portal
EXPOSE 8000
# gunicorn.conf.py: bind, workers, which proxy may report HTTPS, logs as JSON lines.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "blkk_portal.wsgi:application"]
