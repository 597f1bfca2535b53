"""Typed dependencies for the routers."""

from typing import Annotated

from fastapi import Depends, Request

from gateway.clients import ServiceClients


def _clients(request: Request) -> ServiceClients:
    return request.app.state.clients


Clients = Annotated[ServiceClients, Depends(_clients)]
