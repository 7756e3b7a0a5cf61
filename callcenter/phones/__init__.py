"""Agents' and supervisors' SIP phones, served to Asterisk through its Realtime tables."""
