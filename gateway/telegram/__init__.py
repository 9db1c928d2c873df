"""Control from Telegram: the owner's commands by long polling the Bot API (no inbound port).

`commands.py` (with `replies.py`, its texts) turns a chat's text into a reply and knows no
HTTP; `wire.py` is the Bot API's JSON; `client.py` its HTTP calls; `poller.py` the loop the
gateway's lifespan runs."""
