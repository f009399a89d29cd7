"""Django settings for an archive home, read once from the environment.

``ROSHAN_HOME`` picks the folder (default ``./roshan-home``); ``ROSHAN_DATABASE_URL`` switches
from the embedded SQLite file to PostgreSQL (``postgresql://user@host:5432/db``).

SQLite runs in WAL mode (readers never block the one writer) and opens every transaction
IMMEDIATE, so a read-then-append sequence such as the custody chain is serialised between
processes. Security: login on every page, CSRF, session expiry, no framing, and cookies marked
Secure whenever the request came over HTTPS (``access.SecureCookiesOnHttps``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from roshan.archive.home import Home

HOME = Home.from_env()
BASE_DIR = Path(__file__).resolve().parent


def _secret_key() -> str:
    try:
        return HOME.django_secret.read_text().strip()
    except OSError:
        # No home yet (``roshan init`` will write one); sessions then last one process.
        return secrets.token_urlsafe(50)


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("ROSHAN_DEBUG") == "1"
ALLOWED_HOSTS = [
    "127.0.0.1",
    "localhost",
    "[::1]",
    *filter(None, os.environ.get("ROSHAN_HOSTS", "").split(",")),
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "roshan.archive.apps.ArchiveConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # above the session and CSRF middleware, so it sees the cookies they set on the way out
    "roshan.archive.access.SecureCookiesOnHttps",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "roshan.archive.access.AccessLogMiddleware",
]

ROOT_URLCONF = "roshan.archive.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ]
        },
    }
]
WSGI_APPLICATION = "roshan.archive.wsgi.application"

_url = os.environ.get("ROSHAN_DATABASE_URL")
if _url:
    DATABASES = {"default": dj_database_url.parse(_url, conn_max_age=0)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(HOME.database),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
                "transaction_mode": "IMMEDIATE",
                "timeout": float(os.environ.get("ROSHAN_DB_TIMEOUT", "20")),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "admin:login"

LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", "فارسی"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# no-referrer makes Chromium send "Origin: null" on the login POST, which CSRF then refuses.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Request logs would carry client addresses; the access log below records users, never addresses.
    "loggers": {"django.request": {"level": "ERROR"}, "django.server": {"level": "ERROR"}},
}
