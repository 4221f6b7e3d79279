"""The ASGI shapes the plugin's middleware handles: scopes and messages are plain dicts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from datasette import Response

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


async def respond(response: Response, send: Send) -> None:
    """Send a Datasette response (an untyped API) as the answer."""
    await response.asgi_send(send)
