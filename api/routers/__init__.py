"""One router per domain the API covers; ``api.api`` mounts them."""
