"""Configuration classes, read from the environment.

`DATABASE_URL` unset means an SQLite file in `instance/`; PostgreSQL is reached through
`DATABASE_URL` with the psycopg 3 driver. `SECRET_KEY` comes from the environment; in
development a random key is generated once into `instance/secret_key`, in production the
app refuses to start without one.
"""

import os
import secrets
from datetime import date, timedelta
from pathlib import Path


class ConfigError(RuntimeError):
    """The app cannot start with this configuration."""


def normalise_database_url(url: str) -> str:
    """Send plain PostgreSQL URLs (as hosting providers hand them out) to psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


class Config:
    ENV_NAME = "development"
    TESTING = False

    REGENCY_CODE = os.environ.get("KIM_REGENCY", "33.18")
    REGENCY_NAME = os.environ.get("KIM_REGENCY_NAME", "Kabupaten Pati")

    SQLALCHEMY_ENGINE_OPTIONS = {}
    # A pooled connection idle this long is pinged before a request uses it (one that went
    # away, e.g. with a database restart, is replaced unseen); one used more recently is
    # not, which saves a round trip per request on a busy worker (database.py).
    DB_PING_AFTER_IDLE_SECONDS = _env_float("KIM_DB_PING_AFTER_IDLE", 2.0)
    # PostgreSQL: give up connecting after this many seconds, and cancel any statement that
    # runs longer than this many milliseconds, so no request holds a worker for long (the
    # migrations lift the statement limit for themselves).
    DB_CONNECT_TIMEOUT = _env_int("KIM_DB_CONNECT_TIMEOUT", 3)
    DB_STATEMENT_TIMEOUT_MS = _env_int("KIM_DB_STATEMENT_TIMEOUT_MS", 5000)
    # SQLite: how long a writer waits for the write lock before giving up (503).
    DB_BUSY_TIMEOUT_MS = _env_int("KIM_DB_BUSY_TIMEOUT_MS", 5000)
    # `/healthz` answers 503 when the database gives no answer within this many seconds.
    HEALTH_TIMEOUT = _env_float("KIM_HEALTH_TIMEOUT", 1.5)
    # What a client is told to wait (Retry-After) while the database is unreachable.
    DB_RETRY_AFTER_SECONDS = 30
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # Seconds to wait for Redis (connecting, then each answer) before the rate limits go on
    # in process memory: a frozen Redis must not freeze the site.
    REDIS_TIMEOUT = _env_float("KIM_REDIS_TIMEOUT", 0.2)
    # Reverse proxies in front of the app (nginx, Caddy): with N hops, the client address
    # and scheme are read from the X-Forwarded-For/-Proto headers the last N proxies set.
    # 0 (the default) trusts no header: the socket's peer is the client.
    TRUSTED_PROXIES = _env_int("KIM_TRUSTED_PROXIES", 0)

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    # "Remember me" keeps a person logged in this many days (Flask-Login's default is 365).
    REMEMBER_COOKIE_DURATION = timedelta(days=_env_int("KIM_REMEMBER_DAYS", 30))
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 30

    # The token lives as long as the session: a form left open on a phone for an hour
    # must still submit.
    WTF_CSRF_TIME_LIMIT = None
    # One photo at most UPLOAD_MAX_BYTES; a request carries at most five photos and a form.
    UPLOAD_MAX_BYTES = _env_int("KIM_UPLOAD_MAX_BYTES", 8 * 1024 * 1024)
    # Images with more pixels are refused from their header, before they are decoded
    # (decoding costs about 4 bytes a pixel; phones take about 12 megapixels).
    PHOTO_MAX_PIXELS = _env_int("KIM_PHOTO_MAX_PIXELS", 16_000_000)
    MAX_CONTENT_LENGTH = 5 * UPLOAD_MAX_BYTES + 1024 * 1024
    # A PDF attachment (announcements) at most this many bytes.
    DOCUMENT_MAX_BYTES = _env_int("KIM_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
    # Widths of the stored WebP renditions: a list thumbnail and a full-width view.
    PHOTO_WIDTHS = (320, 1024)
    # Product photos are also shown across a phone screen (about 360 CSS px at 2x).
    PRODUCT_PHOTO_WIDTHS = (320, 640, 1024)
    PRODUCT_MAX_PHOTOS = 5
    # Creating products and uploading photos, per account and (generously) per IP.
    PRODUCT_LIMIT_PER_ACCOUNT = os.environ.get("KIM_PRODUCT_LIMIT_ACCOUNT",
                                               "30 per hour;200 per day")
    PRODUCT_LIMIT_PER_IP = os.environ.get("KIM_PRODUCT_LIMIT_IP", "300 per hour")
    # "Pesan via WhatsApp" clicks counted per browser (a guest: per address) and per IP;
    # over the limit the buyer still reaches WhatsApp, the click is not counted.
    ORDER_CLICK_LIMIT_PER_ACCOUNT = os.environ.get("KIM_ORDER_CLICK_LIMIT_ACCOUNT",
                                                   "30 per hour")
    ORDER_CLICK_LIMIT_PER_IP = os.environ.get("KIM_ORDER_CLICK_LIMIT_IP", "600 per hour")
    # Permits expiring within this many days are announced to the group's managers.
    PERMIT_REMINDER_DAYS = _env_int("KIM_PERMIT_REMINDER_DAYS", 30)
    CATALOG_PAGE_SIZE = 24
    # The catalog's count stops at this many pages' worth ("Lebih dari 1.200 produk");
    # "Muat lebih banyak" goes on by keyset, as cheap at any depth.
    CATALOG_COUNTED_PAGES = 50

    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Villagers share carrier IPs, so per-IP limits stay generous; the tight limits are
    # keyed on the phone number or account being used.
    # Failed logins: per account from one address (or one device that logged in to it
    # before), and per account from anywhere, which a device holding the account's device
    # cookie is exempt from (auth/devices.py): guessing stays slow, the owner is never
    # locked out.
    LOGIN_LIMIT_PER_ACCOUNT_ADDRESS = os.environ.get("KIM_LOGIN_LIMIT_ACCOUNT_IP",
                                                     "5 per minute;20 per hour")
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("KIM_LOGIN_LIMIT_ACCOUNT", "100 per hour")
    DEVICE_COOKIE_DAYS = _env_int("KIM_DEVICE_COOKIE_DAYS", 365)
    # Wrong current passwords on the password change form, per account.
    PASSWORD_CHANGE_LIMIT = os.environ.get("KIM_PASSWORD_LIMIT_ACCOUNT", "5 per minute;20 per hour")
    # Responses compressed by flask-compress: brotli where the browser takes it, else gzip;
    # tiny responses (a fragment that only says "saved") are not worth it.
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_BR_LEVEL = 5
    COMPRESS_LEVEL = 6
    COMPRESS_MIN_SIZE = 500
    # Static files are streamed from disk and left alone (a proxy or CDN compresses them).
    COMPRESS_STREAMS = False
    COMPRESS_MIMETYPES = ["text/html", "text/css", "text/csv", "text/javascript",
                          "application/javascript", "application/json", "image/svg+xml"]
    # `make bench` reads the SQL statements of each response from a header (see query_count).
    QUERY_COUNT_HEADER = os.environ.get("KIM_QUERY_COUNT_HEADER") == "1"
    # The public statistics are recomputed at most this often per process and filter.
    STATS_CACHE_SECONDS = _env_int("KIM_STATS_CACHE_SECONDS", 300)
    # The officers' dashboard figures are shared this long (the lists stay fresh).
    DASHBOARD_CACHE_SECONDS = _env_int("KIM_DASHBOARD_CACHE_SECONDS", 60)
    # Guests' public pages are kept this long in the shared response cache (0: off); any
    # committed write makes every kept page stale at once (response_cache.py).
    RESPONSE_CACHE_SECONDS = _env_int("KIM_RESPONSE_CACHE_SECONDS", 30)
    # Regions of pages kept rendered for everyone else (common/fragments.py; 0: off): longer
    # than guests' pages, whose expiry then finds the regions still there (any write ends
    # both). Without REDIS_URL it is off unless set: workers without a shared cache miss
    # each other's writes.
    FRAGMENT_CACHE_SECONDS = 60
    # ... and a proxy in front may keep them this long (`Cache-Control: s-maxage`).
    PROXY_CACHE_SECONDS = _env_int("KIM_PROXY_CACHE_SECONDS", 10)
    # A guest's chosen language lives in a cookie of its own, not in a session.
    LANGUAGE_COOKIE = "kim_lang"
    LOGIN_LIMIT_PER_IP = os.environ.get("KIM_LOGIN_LIMIT_IP", "300 per hour")
    REGISTER_LIMIT_PER_PHONE = os.environ.get("KIM_REGISTER_LIMIT_PHONE", "5 per hour")
    REGISTER_LIMIT_PER_IP = os.environ.get("KIM_REGISTER_LIMIT_IP", "100 per hour")

    # Join requests notify every pengurus of the group, so they are limited per account.
    JOIN_LIMIT_PER_ACCOUNT = os.environ.get("KIM_JOIN_LIMIT_ACCOUNT", "10 per hour")
    JOIN_LIMIT_PER_IP = os.environ.get("KIM_JOIN_LIMIT_IP", "300 per hour")

    # Publishing and relaying announcements: tight per account, generous per IP.
    INFO_POST_LIMIT_PER_ACCOUNT = os.environ.get("KIM_INFO_LIMIT_ACCOUNT", "30 per hour")
    INFO_POST_LIMIT_PER_IP = os.environ.get("KIM_INFO_LIMIT_IP", "600 per hour")

    PASSWORD_MIN_LENGTH = 8

    # Password help. A reset code (issued by an officer) is valid this many hours; this many
    # wrong codes for one phone number lock that number's reset for RESET_LOCK_MINUTES.
    RESET_CODE_HOURS = _env_int("KIM_RESET_CODE_HOURS", 24)
    RESET_FAILURE_LIMIT = _env_int("KIM_RESET_FAILURE_LIMIT", 5)
    RESET_LOCK_MINUTES = _env_int("KIM_RESET_LOCK_MINUTES", 60)
    # A reset link sent by email is valid this many minutes; a link that verifies a new
    # email address, this many hours.
    RESET_LINK_MINUTES = _env_int("KIM_RESET_LINK_MINUTES", 60)
    EMAIL_VERIFY_HOURS = _env_int("KIM_EMAIL_VERIFY_HOURS", 48)
    # "Forgot password" requests per phone/email typed and per IP.
    FORGOT_LIMIT_PER_ACCOUNT = os.environ.get("KIM_FORGOT_LIMIT_ACCOUNT", "3 per hour")
    FORGOT_LIMIT_PER_IP = os.environ.get("KIM_FORGOT_LIMIT_IP", "60 per hour")

    # Question threads (PRODUCT.md §4): due dates in working days.
    VERIFY_DUE_WORKDAYS = _env_int("KIM_VERIFY_DUE_WORKDAYS", 3)
    ANSWER_DUE_WORKDAYS = _env_int("KIM_ANSWER_DUE_WORKDAYS", 10)
    # An answered thread closes itself this many days after the last activity; the asker
    # may reopen it once within the same number of days of the answer.
    THREAD_AUTO_CLOSE_DAYS = _env_int("KIM_THREAD_AUTO_CLOSE_DAYS", 14)
    THREAD_REOPEN_DAYS = _env_int("KIM_THREAD_REOPEN_DAYS", 14)
    # Petugas of an agency (OPD) answer and note only the threads assigned to their agency;
    # "0" lets them act on every thread like Diskominfo's officers.
    AGENCY_OFFICERS_SCOPED = os.environ.get("KIM_AGENCY_OFFICERS_SCOPED", "1") != "0"
    # An overdue step escalates to the agency's officers and the admins this many working
    # days after its due date (`flask escalate`, daily).
    ESCALATE_AFTER_WORKDAYS = _env_int("KIM_ESCALATE_AFTER_WORKDAYS", 2)
    # Posting limits, keyed on the account (tight) and on the address (generous: villagers
    # share carrier IPs).
    ASK_LIMIT_PER_ACCOUNT = os.environ.get("KIM_ASK_LIMIT_ACCOUNT", "5 per hour;20 per day")
    REPLY_LIMIT_PER_ACCOUNT = os.environ.get("KIM_REPLY_LIMIT_ACCOUNT",
                                             "20 per 10 minutes;100 per day")
    POST_LIMIT_PER_IP = os.environ.get("KIM_POST_LIMIT_IP", "300 per hour")
    # Moderation (PRODUCT.md §4b): distinct open reports that hide an item until reviewed;
    # reports per account (on top of one per item).
    REPORT_HIDE_THRESHOLD = _env_int("KIM_REPORT_HIDE_THRESHOLD", 3)
    REPORT_LIMIT_PER_ACCOUNT = os.environ.get("KIM_REPORT_LIMIT_ACCOUNT", "20 per hour")
    # New accounts are limited until trusted: for this many hours after registering a
    # villager may ask this many questions and may report only if allowed (officers and
    # admins are trusted from the start).
    NEW_ACCOUNT_HOURS = _env_int("KIM_NEW_ACCOUNT_HOURS", 24)
    NEW_ACCOUNT_QUESTIONS = _env_int("KIM_NEW_ACCOUNT_QUESTIONS", 2)
    NEW_ACCOUNT_MAY_REPORT = os.environ.get("KIM_NEW_ACCOUNT_MAY_REPORT", "0") == "1"
    # Cuti bersama: collective-leave days set yearly by the government, ISO dates.
    COLLECTIVE_LEAVE_DAYS = tuple(
        date.fromisoformat(day.strip())
        for day in os.environ.get("KIM_COLLECTIVE_LEAVE", "").split(",")
        if day.strip()
    )
    HSTS = False

    # Email (optional): with KIM_SMTP_HOST set, notifications are also queued as email for
    # people who gave an address and opted in; `flask send-mail` sends the queue.
    MAIL_SERVER = os.environ.get("KIM_SMTP_HOST") or None
    MAIL_PORT = _env_int("KIM_SMTP_PORT", 587)
    MAIL_USERNAME = os.environ.get("KIM_SMTP_USER") or None
    MAIL_PASSWORD = os.environ.get("KIM_SMTP_PASSWORD") or None
    # "starttls" (port 587), "ssl" (port 465) or "none" (a relay on the same machine).
    MAIL_SECURITY = os.environ.get("KIM_SMTP_SECURITY", "starttls")
    MAIL_FROM = os.environ.get("KIM_MAIL_FROM", "Portal KIM <noreply@localhost>")
    MAIL_TIMEOUT = _env_int("KIM_SMTP_TIMEOUT", 20)
    # After this many failed attempts an email is marked failed (kept; `send-mail
    # --requeue-failed` queues it again). Waits between attempts double up to 6 hours.
    MAIL_MAX_ATTEMPTS = _env_int("KIM_MAIL_MAX_ATTEMPTS", 10)
    # The public address of the portal (e.g. https://kim.patikab.go.id): every absolute link
    # (emails, WhatsApp texts, Open Graph) is built from it, never from the request's Host
    # header. Required in production; in development it defaults to the request's host.
    SITE_URL = ""

    def __init__(self, instance_path: str | None = None):
        self.instance_path = Path(instance_path or "instance")
        url = os.environ.get("DATABASE_URL")
        if url:
            self.SQLALCHEMY_DATABASE_URI = normalise_database_url(url)
        else:
            self.SQLALCHEMY_DATABASE_URI = "sqlite:///" + str(
                (self.instance_path / "kim.sqlite3").resolve()
            )
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        self.FRAGMENT_CACHE_SECONDS = _env_int(
            "KIM_FRAGMENT_CACHE_SECONDS", self.FRAGMENT_CACHE_SECONDS if self.REDIS_URL else 0)
        self.RATELIMIT_STORAGE_OPTIONS = {
            "socket_connect_timeout": self.REDIS_TIMEOUT,
            "socket_timeout": self.REDIS_TIMEOUT,
        }
        self.UPLOAD_DIR = os.environ.get("KIM_UPLOAD_DIR") or str(self.instance_path / "uploads")
        # Where uploads are kept (common/storage.py): "local" (UPLOAD_DIR) or "s3".
        self.STORAGE = os.environ.get("KIM_STORAGE", "local")
        self.S3_BUCKET = os.environ.get("KIM_S3_BUCKET") or None
        self.S3_ENDPOINT_URL = os.environ.get("KIM_S3_ENDPOINT_URL") or None
        self.S3_REGION = os.environ.get("KIM_S3_REGION") or None
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or self._development_secret()
        self.SITE_URL = os.environ.get("KIM_SITE_URL", "").strip().rstrip("/")

    def _development_secret(self) -> str:
        key_file = self.instance_path / "secret_key"
        if key_file.exists():
            return key_file.read_text().strip()
        self.instance_path.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True

    def __init__(self, instance_path: str | None = None):
        super().__init__(instance_path)
        if not self.SITE_URL.startswith(("https://", "http://")):
            raise ConfigError(
                "KIM_SITE_URL must be set when KIM_ENV=production "
                "(the public address, e.g. https://kim.example.go.id)"
            )

    def _development_secret(self) -> str:
        raise ConfigError("SECRET_KEY must be set when KIM_ENV=production")


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    WTF_CSRF_ENABLED = False
    # Still Argon2id, but cheap: the suite hashes and verifies thousands of passwords.
    ARGON2_PARAMETERS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}

    def __init__(self, instance_path: str | None = None):
        super().__init__(instance_path)
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            os.environ.get("TEST_DATABASE_URL", "sqlite://")
        )
        self.SECRET_KEY = "test-secret-key"  # noqa: S105  # nosec B105
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.STATS_CACHE_SECONDS = 0
        self.RESPONSE_CACHE_SECONDS = 0
        self.DASHBOARD_CACHE_SECONDS = 0
        # The fragment tests switch it on; KIM_TEST_FRAGMENT_CACHE_SECONDS runs the whole
        # suite with it (every page's regions then kept and served from the second GET on).
        self.FRAGMENT_CACHE_SECONDS = _env_int("KIM_TEST_FRAGMENT_CACHE_SECONDS", 0)

    def _development_secret(self) -> str:
        return "test-secret-key"


def config_for_environment(instance_path: str) -> Config:
    if os.environ.get("KIM_ENV") == "production":
        return ProductionConfig(instance_path)
    return Config(instance_path)
