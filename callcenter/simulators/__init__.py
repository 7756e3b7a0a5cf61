"""Stand-ins for the outside systems the 1300 system talks to, for the demo, tests and benchmarks.

Never imported by production code (an import-linter contract): each one imitates a system
from outside (`asterisk`: the PBX's AMI and its FastAGI side), never our own code.
"""
