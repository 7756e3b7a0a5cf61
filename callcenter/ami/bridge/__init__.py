"""The AMI bridge process: the one program that holds a link to each Asterisk node.

Everything here does I/O (sockets, Redis, the database); the pure AMI code it drives lives
one level up in `callcenter.ami`. Started as `python -m callcenter.ami.bridge` (or
`callcenter bridge`); nothing outside `callcenter.ami` imports it (an import-linter
contract), others send PBX commands through `callcenter.ami.client`.
"""
