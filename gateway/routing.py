"""`GatewayRoute`: the route class of every router. What a request must be before any route
reads it is checked here, once:

- a route with a JSON body takes `application/json` (charset, if named, UTF-8) and nothing
  else (415); the body is strict UTF-8 without a BOM, valid JSON without NaN/Infinity,
  duplicate keys or nesting deeper than MAX_DEPTH (400);
- no string anywhere in the body (keys too), in the path or in the query holds a control or
  bidi character (422 naming the field; gateway.schemas.base says which).

The field schemas (gateway.schemas.base) refuse the same characters and document it; this is
what reaches the places no field schema does (mapping keys, a parameter declared as plain
str). Each route's possible problem responses are documented here too, from what it takes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine, Iterator
from email.message import Message
from typing import Annotated, Any

from fastapi import Query, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from gateway.errors import BadRequest, InvalidInput, UnsupportedMediaType, problem_responses
from gateway.schemas.base import LINE_PATTERN, refused_character

# Deep enough for every request model (a fee standard: object > list > object > list > object),
# shallow enough that no parser recursion is ever near its limit.
MAX_DEPTH = 8
# The longest integer literal taken as a number at all; past int64 anyway, so the field's
# bounds answer 422, and far below Python's int-parsing limit (4300 digits).
MAX_INTEGER_DIGITS = 40
# Free text that may hold line breaks (gateway.schemas.base.Text): the last name in a string's location.
MULTILINE_FIELDS = frozenset({"remarks", "note", "reason", "topic", "yaml_document"})

# The query parameter of every area that narrows a listing to a department ("": all the caller may see).
DepartmentCode = Annotated[str, Query(max_length=20, pattern=LINE_PATTERN, description="a department's code")]


class GatewayRequest(Request):
    """A request whose JSON body is parsed strictly (see the module's docstring)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = strict_json(await self.body())
        return self._json


def strict_json(body: bytes) -> Any:
    if body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        raise BadRequest("the request body starts with a byte order mark (BOM); send UTF-8 without one")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the request body is not UTF-8") from None
    too_deep(text)
    try:
        value = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
            parse_int=_integer,
            parse_float=_number,
        )
    except json.JSONDecodeError as error:
        raise BadRequest(f"the request body is not valid JSON: {error.msg} at character {error.pos}") from None
    violations = [
        {"field": ".".join(map(str, path)) or "body", "message": reason} for path, reason in _refused_strings(value, ())
    ]
    if violations:
        raise InvalidInput(violations)
    return value


def too_deep(text: str) -> None:
    """Refuse nesting past MAX_DEPTH before parsing: json.loads recurses once per level."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise BadRequest(f"the request body nests deeper than {MAX_DEPTH} levels")
        elif char in "]}":
            depth -= 1


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            # Which one would win differs between parsers: a reviewer and the service could read two values.
            raise BadRequest(f"the request body names the key {json.dumps(key)[:80]} twice")
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise BadRequest(f"the request body holds {name}, which is not JSON")


def _integer(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise BadRequest(f"the request body holds an integer longer than {MAX_INTEGER_DIGITS} digits")
    return int(literal)


def _number(literal: str) -> float | int:
    # JSON has numbers, not ints and floats: 3.0 is the integer 3 (as JSON Schema says), 3.5 is
    # not one. No request field is a float (money is integer fen), so this is the only reading.
    value = float(literal)
    return int(value) if value.is_integer() else value


def _refused_strings(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        multiline = bool(path) and path[-1] in MULTILINE_FIELDS
        reason = refused_character(value, multiline=multiline)
        if reason:
            yield path, reason
    elif isinstance(value, dict):
        for key, item in value.items():
            reason = refused_character(key)
            if reason:
                yield (*path, "[key]"), reason
            else:
                yield from _refused_strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _refused_strings(item, (*path, index))


def _is_json(content_type: str) -> bool:
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return message.get_content_type() == "application/json" and (
        charset is None or str(charset).lower().replace("-", "") == "utf8"
    )


def _refused_parameters(request: Request, query_names: frozenset[str]) -> list[dict[str, str]]:
    # Only the parameters the route declares: another one is never read, so never stored.
    found = {}
    for name, value in request.path_params.items():
        reason = refused_character(str(value))
        if reason:
            found[f"path.{name}"] = reason
    for name, value in request.query_params.multi_items():
        reason = refused_character(value) if name in query_names else None
        if reason:
            found[f"query.{name}"] = reason
    return [{"field": field, "message": message} for field, message in found.items()]


def _query_names(dependant: Dependant) -> Iterator[str]:
    yield from (str(p.alias) for p in dependant.query_params)
    for sub in dependant.dependencies:
        yield from _query_names(sub)


class GatewayRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        if path.startswith("/api/"):
            documented = problem_responses(body=self.body_field is not None, responses=self.responses)
            self.responses = {**documented, **self.responses}

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        takes_body = self.body_field is not None
        query_names = frozenset(_query_names(self.dependant))

        async def strict_handler(request: Request) -> Response:
            request = GatewayRequest(request.scope, request.receive)
            refused = _refused_parameters(request, query_names)
            if refused:
                raise InvalidInput(refused)
            if takes_body and await request.body():
                content_type = request.headers.get("content-type", "")
                if not _is_json(content_type):
                    raise UnsupportedMediaType("send the body as application/json (UTF-8)")
                await request.json()  # parsed and checked here, read again from the cache by FastAPI
            return await handler(request)

        return strict_handler
