"""The venues' user-data streams: listen keys, the websocket sessions that carry an account's
events, and the faults a test can put on them. Venue-neutral; each venue's `userstream.py` says
what the keys look like and how events and heartbeats travel on its wire."""
