"""The 1300 hotline call-center system: domain, records and the Asterisk bridge."""
