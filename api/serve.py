"""`stosim serve`: check the settings and the store before starting (one line when they are not
usable, not a traceback), warn when the server is reachable beyond this machine without a token,
then hand over to uvicorn."""

from __future__ import annotations

import ipaddress
import sys

from pydantic import ValidationError

from api.db import StoreError, check_reachable, make_engine
from api.settings import Settings


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve anywhere


def warnings(settings: Settings, host: str) -> list[str]:
    """What an operator must hear before the server listens on `host`."""
    if is_loopback(host):
        return []
    found = []
    if not settings.api_tokens:
        found.append(
            f"listening on {host} without an API token: anyone who can reach this machine can "
            "start, cancel and delete runs. Set STOSIM_API_TOKENS to require one for writes."
        )
    if "*" not in settings.allowed_hosts and host not in settings.allowed_hosts:
        found.append(
            f"requests are answered only for Host {', '.join(settings.allowed_hosts)}; set "
            "STOSIM_ALLOWED_HOSTS to the names clients use (or '*')."
        )
    return found


def serve(host: str, port: int) -> None:
    import uvicorn

    from api.main import create_app

    try:
        settings = Settings.from_env()
        engine = make_engine(settings.database_url)
        check_reachable(engine)
        engine.dispose()
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        sys.exit(f"stosim serve: setting {field}: {first['msg']}")
    except StoreError as exc:
        sys.exit(f"stosim serve: {exc}")
    for warning in warnings(settings, host):
        print(f"warning: {warning}", file=sys.stderr)
    print(
        f"dashboard: http://{host}:{port}/   API docs: http://{host}:{port}/docs", file=sys.stderr
    )
    # no access log: formatting a line per request costs a fifth of a poll of the run list
    uvicorn.run(create_app(settings), host=host, port=port, access_log=False)
