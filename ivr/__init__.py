"""The 1300 IVR, served over FastAGI (``python -m ivr``); see docs/ivr.md.

Pure: ``agi`` (wire protocol), ``flow`` (generator flows), ``flows/`` (the menus and routes),
``prompts``, ``routing``, ``wait``, ``variables``. I/O: ``session`` and ``server`` (the socket
driver), ``adapters`` (Redis and the database behind ``ports``), ``simulator`` (Asterisk's side,
for tests and the benchmark).
"""
