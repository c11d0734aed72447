"""What every request passes before a route sees it: the Host header (a DNS-rebinding page must
not drive a local server), the body size (announced or streamed in chunks), and, for writes and
deletes, an API token when the server has any."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import unprocessable

bearer = HTTPBearer(auto_error=False, description="one of the server's STOSIM_API_TOKENS")


def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """Writes and deletes need a token when the server has tokens; reads never do."""
    tokens: list[str] = request.app.state.settings.api_tokens
    if not tokens:
        return
    given = credentials.credentials.encode() if credentials else b""
    if not any(secrets.compare_digest(given, token.encode()) for token in tokens):
        raise HTTPException(
            status_code=401,
            detail="this server needs an API token for writes: 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )


class BodyLimit:
    """413 for a request body over `limit` bytes, whether announced by Content-Length or sent in
    chunks; the body is read at most up to the limit, then handed to the app."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"request body larger than {self.limit:,} bytes"
        await JSONResponse({"detail": detail}, 413, headers={"Connection": "close"})(
            scope, receive, send
        )


def refuse_nul(value: Any, path: str = "") -> None:
    """422 naming the first field whose text (or key) holds a NUL character: no store keeps it
    (PostgreSQL refuses it in text), and no scenario needs it."""
    if isinstance(value, str):
        if "\x00" in value:
            raise unprocessable([(path, "text must not contain a NUL character (\\u0000)")])
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_nul(str(key), f"{path}.{key}".strip(".").replace("\x00", "\\u0000"))
            refuse_nul(item, f"{path}.{key}".strip("."))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            refuse_nul(item, f"{path}.{i}".strip("."))
