"""Cross-cutting pieces: instance keys, security headers, access helpers, the home page."""
