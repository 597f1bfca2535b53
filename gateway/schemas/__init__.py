"""The HTTP shapes of the gateway, one module per API area (= per router): cases, fees,
registers; `base` holds what they share.

The rule, the same in every area: a module holds its pydantic models and, beside them, the
functions that convert between them and the proto messages — `<thing>_out(message)` from
proto to HTTP, `<thing>_in(model)` from HTTP to a proto message. Routers import the names
they use from their area's module and build the request messages themselves.
"""
