# syntax=docker/dockerfile:1
# One image for the web (gunicorn + WhiteNoise), the Celery worker and beat;
# docker-compose.yml chooses the command.  Configuration comes from the
# environment at run time (see .env.example); nothing secret is built in.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=jiaotong.settings \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media \
    WEB_CONCURRENCY=2

WORKDIR /app

# The locked dependencies, every file checked against its hash.  The lock also
# names the development machine's local mirrors (--find-links, --extra-index-url);
# in the image the same pinned files come from PyPI, so those lines are dropped.
COPY requirements.lock /tmp/requirements.lock
RUN grep -vE '^--(find-links|extra-index-url|index-url)' /tmp/requirements.lock \
        > /tmp/requirements.txt \
 && pip install --require-hashes -r /tmp/requirements.txt \
 && rm /tmp/requirements.lock /tmp/requirements.txt

COPY . .

# Hashed, compressed static files for WhiteNoise.  Settings refuse to load with
# DEBUG off and no SECRET_KEY, so this build step gets a throwaway one; the
# running containers get the real key from the environment.
RUN DEBUG=0 SECRET_KEY=collectstatic-only-not-a-secret \
    AUDIT_HMAC_KEYS=build:collectstatic-only-not-a-secret-0123456789 \
    python manage.py collectstatic --noinput -v0

# Run as an unprivileged user; it owns only the media directory (a volume).
RUN useradd --system --user-group --uid 10001 --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin jiaotong \
 && mkdir -p /app/media /var/lib/jiaotong/audit-checkpoints \
 && chown jiaotong:jiaotong /app/media /var/lib/jiaotong/audit-checkpoints
USER jiaotong

EXPOSE 8000
# gunicorn reads the number of workers from WEB_CONCURRENCY.
CMD ["gunicorn", "jiaotong.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
