"""The attendance service: fingerprint punches now; leave-post registration, leave and duty later."""
