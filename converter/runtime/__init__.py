"""The runtime shared by the live proxy and generated servers: build requests, call, shape results, auth.

Copied verbatim into every generated project, so it imports nothing from oa2mcp outside this package:
its inputs are plain data — a tool's binding as `converter.tools.binding_to_json` writes it, and the
security schemes as `converter.tools.security_scheme_to_json` writes them.
"""
