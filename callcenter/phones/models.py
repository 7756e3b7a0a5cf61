"""Asterisk's PJSIP Realtime tables, as Asterisk 22 reads them (ps_endpoints, ps_auths, ps_aors).

Table and column names and column types are those of Asterisk 22's own schema
(contrib/ast-db-manage in Asterisk's source), limited to the columns the hotline's phones
use plus the keys and the two Asterisk filters on (``ps_endpoints.mailboxes``,
``ps_aors.contact``: without them PostgreSQL refuses its queries); Asterisk reads what a
row has and keeps its defaults for the rest
(res_config_pgsql passes a NULL column on as absent). Asterisk's enum types (yes/no
booleans, dtmf_mode, auth_type) are VARCHAR with a CHECK of the same values here:
Asterisk reads them as text either way, and a CHECK works on SQLite too. The one column of
ours, ``ps_endpoints.version``, is dropped by Asterisk's realtime layer as a field it does
not know (res_sorcery_realtime filters unregistered fields).

Column order matters: chan_pjsip applies ``disallow`` then ``allow`` in the order the
database returns them, so ``disallow`` comes first, as in Asterisk's schema.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Enum, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.db import Base

# Asterisk's ast_bool_values.
AST_BOOL = ("0", "1", "off", "on", "false", "true", "no", "yes")
DTMF_MODES = ("rfc4733", "inband", "info", "auto", "auto_info")
AUTH_TYPES = ("md5", "userpass", "google_oauth")


def choice(column: str, values: tuple[str, ...]) -> Enum:
    """One of Asterisk's enum types as VARCHAR + CHECK (a constraint per column)."""
    return Enum(*values, name=f"{column}_values", native_enum=False, create_constraint=True,
                length=max(len(v) for v in values))


def ast_bool(column: str) -> Enum:
    return choice(column, AST_BOOL)


class PsEndpoint(Base):
    __tablename__ = "ps_endpoints"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    transport: Mapped[str | None] = mapped_column(String(40))
    aors: Mapped[str | None] = mapped_column(String(2048))
    auth: Mapped[str | None] = mapped_column(String(255))
    context: Mapped[str | None] = mapped_column(String(40))
    disallow: Mapped[str | None] = mapped_column(String(200))
    allow: Mapped[str | None] = mapped_column(String(200))
    direct_media: Mapped[str | None] = mapped_column(ast_bool("direct_media"))
    dtmf_mode: Mapped[str | None] = mapped_column(choice("dtmf_mode", DTMF_MODES))
    force_rport: Mapped[str | None] = mapped_column(ast_bool("force_rport"))
    rewrite_contact: Mapped[str | None] = mapped_column(ast_bool("rewrite_contact"))
    rtp_symmetric: Mapped[str | None] = mapped_column(ast_bool("rtp_symmetric"))
    device_state_busy_at: Mapped[int | None] = mapped_column(Integer)
    webrtc: Mapped[str | None] = mapped_column(ast_bool("webrtc"))
    dtls_auto_generate_cert: Mapped[str | None] = mapped_column(
        ast_bool("dtls_auto_generate_cert"))
    # Never set for our phones (no voicemail), but res_pjsip_mwi selects on it.
    mailboxes: Mapped[str | None] = mapped_column(String(40))
    # Ours: administrative edits of the phone, so two admins find out (409).
    version: Mapped[int] = mapped_column(default=1, server_default="1")


class PsAuth(Base):
    __tablename__ = "ps_auths"
    __table_args__ = (
        # Phones authenticate with md5_cred; a password in clear never reaches the table.
        CheckConstraint("password IS NULL", name="no_plain_password"),
    )

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    auth_type: Mapped[str | None] = mapped_column(choice("auth_type", AUTH_TYPES))
    md5_cred: Mapped[str | None] = mapped_column(String(40))
    password: Mapped[str | None] = mapped_column(String(80))
    realm: Mapped[str | None] = mapped_column(String(255))
    username: Mapped[str | None] = mapped_column(String(40))


class PsAor(Base):
    __tablename__ = "ps_aors"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    max_contacts: Mapped[int | None] = mapped_column(Integer)
    remove_existing: Mapped[str | None] = mapped_column(ast_bool("remove_existing"))
    qualify_frequency: Mapped[int | None] = mapped_column(Integer)
    # Never set for our phones (contacts come from REGISTER), but res_pjsip selects on it.
    contact: Mapped[str | None] = mapped_column(String(255))
