"""Local trial settings: the embedded defaults, no environment needed.

SQLite in the project folder, uploads in ./uploads, e-mail to the console. Any
setting can still be overridden from the environment or a `.env` file.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env(
    "SECRET_KEY", default="local-only-insecure-key-do-not-use-in-production-0123456789"
)
SIMPLE_JWT["SIGNING_KEY"] = env("JWT_SECRET", default="") or SECRET_KEY  # noqa: F405
