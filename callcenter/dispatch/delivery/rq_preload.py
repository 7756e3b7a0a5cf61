"""Given to ``rq worker -c callcenter.dispatch.delivery.rq_preload``: do the jobs' slow start once.

RQ forks a work horse per job and the horse inherits what the parent has loaded. Without
this, every alert paid about half a second in its horse: importing SQLAlchemy, the models,
psycopg and httpx's transport, configuring the mappers, loading the CA store, and a first
garbage collection walking every object inherited from the parent (``gc.freeze`` puts
those out of the collector's sight). No engine or connection is made here: those must not
cross a fork. It defines no UPPER-CASE names, which RQ would read as settings.
"""

import gc

import httpx
import psycopg  # noqa: F401
import sqlalchemy.dialects.postgresql.psycopg  # noqa: F401
from sqlalchemy.orm import configure_mappers

import callcenter.dispatch.channels.console
import callcenter.dispatch.channels.email
import callcenter.dispatch.channels.http
import callcenter.dispatch.channels.line
import callcenter.dispatch.channels.sms
import callcenter.dispatch.channels.voice
import callcenter.dispatch.delivery.jobs

configure_mappers()
# Building a transport imports httpcore and h11; the context is the CA store, loaded once.
httpx.HTTPTransport(verify=callcenter.dispatch.channels.http.tls_context()).close()
gc.freeze()
