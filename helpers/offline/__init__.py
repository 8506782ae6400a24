"""The offline emulator: an endpoint that behaves like AWS as seen through the real API.

See ARCHITECTURE §2–3. :class:`helpers.offline.endpoint.Endpoint` is the entry point.
"""
