"""Asterisk's manager interface (AMI), the pure part: the wire protocol and call tracking.

No module here opens a socket, reads the clock or touches Redis or the database
(`tests/ami/test_purity.py`), but `client.py`, the small PBX command client the other
processes import. The process that holds the PBX link is the subpackage `bridge`.
"""
