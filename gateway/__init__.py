"""The HTTP gateway: browsers and simple clients in front of the gRPC services."""
