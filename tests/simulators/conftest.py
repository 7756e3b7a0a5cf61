"""The simulators are tried against the real bridge: its Redis fixture comes from tests/ami."""

from tests.ami.conftest import aredis, published

__all__ = ["aredis", "published"]
