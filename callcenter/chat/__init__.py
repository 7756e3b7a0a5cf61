"""Chat with the people who write to the hotline: today its LINE Official Account.

A conversation waits in a chat queue by topic and language, as a call waits in a voice
queue; its messages, both ways, are rows here. What comes in arrives through the LINE
webhook (``webhook.py`` stores each event once, ``jobs.py`` applies it after the commit);
what goes out is an outbox row sent by an RQ job (``outbox.py``, ``line_api.py``).
The wire format is parsed and built in pure code (``line_protocol.py``), apart from I/O.
"""
