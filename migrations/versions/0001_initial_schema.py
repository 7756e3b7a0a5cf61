"""Initial schema: provinces and units, users, queues, calls, cases, dispatches, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 18:16:52.362833
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Rows of these tables are history: the database itself refuses to change or delete them.
APPEND_ONLY = ("audit_events", "case_notes", "case_status_changes", "dispatch_events")

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('case_sequences',
    sa.Column('year_be', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year_be', name=op.f('pk_case_sequences'))
    )
    op.create_table('provinces',
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('name_th', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('region', sa.Enum('north', 'northeast', 'central', 'east', 'west', 'south', name='region', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_provinces'))
    )
    op.create_table('queues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('label_th', sa.String(length=120), nullable=False),
    sa.Column('label_en', sa.String(length=120), nullable=False),
    sa.Column('issue_area', sa.Enum('family_violence', 'teenage_pregnancy', 'human_trafficking', 'child_labour', 'drugs', 'homeless', 'begging', 'children_youth', 'missing_persons', 'older_persons', 'disability', 'welfare', 'other', name='issue_area', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('language', sa.Enum('th', 'en', 'my', 'km', 'lo', name='language', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('service_level_seconds', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_queues')),
    sa.UniqueConstraint('name', name=op.f('uq_queues_name'))
    )
    op.create_table('response_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('province_code', sa.String(length=6), nullable=False),
    sa.Column('name_th', sa.String(length=160), nullable=False),
    sa.Column('name_en', sa.String(length=160), nullable=False),
    sa.Column('duty_phone', sa.String(length=32), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['province_code'], ['provinces.code'], name=op.f('fk_response_units_province_code_provinces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_units')),
    sa.UniqueConstraint('code', name=op.f('uq_response_units_code'))
    )
    with op.batch_alter_table('response_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_units_province_code'), ['province_code'], unique=False)

    op.create_table('unit_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('console', 'sms', 'line', 'email', 'voice', name='alert_channel', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['response_units.id'], name=op.f('fk_unit_contacts_unit_id_response_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_contacts')),
    sa.UniqueConstraint('unit_id', 'position', name=op.f('uq_unit_contacts_unit_id_position'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('agent', 'supervisor', 'unit_member', 'admin', name='role', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('phone_interface', sa.String(length=80), nullable=True),
    sa.Column('totp_secret', sa.String(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(role = 'unit_member') = (unit_id IS NOT NULL)", name=op.f('ck_users_unit_member_has_unit')),
    sa.ForeignKeyConstraint(['unit_id'], ['response_units.id'], name=op.f('fk_users_unit_id_response_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('login', name=op.f('uq_users_login'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_unit_id'), ['unit_id'], unique=False)

    op.create_table('agent_skills',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('queue_id', sa.Integer(), nullable=False),
    sa.Column('penalty', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['queue_id'], ['queues.id'], name=op.f('fk_agent_skills_queue_id_queues'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_agent_skills_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'queue_id', name=op.f('pk_agent_skills'))
    )
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('source_ip', sa.String(length=45), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_events_entity', ['entity_type', 'entity_id'], unique=False)

    op.create_table('calls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('node', sa.String(length=40), nullable=False),
    sa.Column('uniqueid', sa.String(length=64), nullable=False),
    sa.Column('linkedid', sa.String(length=64), nullable=True),
    sa.Column('direction', sa.Enum('inbound', 'outbound', name='call_direction', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('channel', sa.String(length=128), nullable=True),
    sa.Column('caller_number', sa.String(length=40), nullable=True),
    sa.Column('caller_name', sa.String(length=120), nullable=True),
    sa.Column('dialled_number', sa.String(length=40), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ivr_language', sa.String(length=8), nullable=True),
    sa.Column('ivr_choice', sa.String(length=16), nullable=True),
    sa.Column('issue_area', sa.String(length=40), nullable=True),
    sa.Column('priority', sa.Integer(), nullable=True),
    sa.Column('silent', sa.Boolean(), nullable=False),
    sa.Column('queue_name', sa.String(length=64), nullable=True),
    sa.Column('agent_interface', sa.String(length=128), nullable=True),
    sa.Column('agent_name', sa.String(length=120), nullable=True),
    sa.Column('agent_user_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.Enum('in_progress', 'answered', 'abandoned', 'queue_timeout', 'ivr_hangup', 'transferred', 'callback', 'failed', 'interrupted', name='call_outcome', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('hangup_cause', sa.Integer(), nullable=True),
    sa.Column('hangup_cause_text', sa.String(length=80), nullable=True),
    sa.Column('wait_seconds', sa.Integer(), nullable=True),
    sa.Column('talk_seconds', sa.Integer(), nullable=True),
    sa.Column('ended_by', sa.String(length=16), nullable=True),
    sa.Column('disposition', sa.Enum('prank', 'silent', 'information', 'counselling', 'wrong_number', 'missed', name='disposition', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agent_user_id'], ['users.id'], name=op.f('fk_calls_agent_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calls')),
    sa.UniqueConstraint('node', 'uniqueid', name=op.f('uq_calls_node_uniqueid'))
    )
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calls_agent_user_id'), ['agent_user_id'], unique=False)
        batch_op.create_index('ix_calls_caller_number', ['caller_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_calls_linkedid'), ['linkedid'], unique=False)
        batch_op.create_index(batch_op.f('ix_calls_queue_name'), ['queue_name'], unique=False)
        batch_op.create_index('ix_calls_started_at', ['started_at'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('year_be', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('new', 'screening', 'referred', 'dispatched', 'follow_up', 'closed', name='case_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('issue_area', sa.Enum('family_violence', 'teenage_pregnancy', 'human_trafficking', 'child_labour', 'drugs', 'homeless', 'begging', 'children_youth', 'missing_persons', 'older_persons', 'disability', 'welfare', 'other', name='issue_area', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('chi_category', sa.Enum('violence_neglect', 'violence_physical', 'violence_psychological', 'violence_sexual', 'child_labour', 'sexual_exploitation', 'online_abuse', 'mental_health', 'family_relationships', 'other', name='chi_category', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('gbv_type', sa.Enum('rape', 'sexual_assault', 'physical_assault', 'forced_marriage', 'denial_of_resources', 'psychological_abuse', name='gbv_type', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('urgency', sa.Enum('immediate', 'high', 'normal', 'low', name='urgency', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('risk', sa.JSON(), nullable=False),
    sa.Column('target_group', sa.Enum('child', 'woman', 'older_person', 'disabled_person', 'family_member', name='target_group', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('province_code', sa.String(length=6), nullable=True),
    sa.Column('district', sa.String(length=120), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('consent', sa.Enum('given', 'refused', 'not_asked', name='consent', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('legal_basis', sa.Enum('consent', 'vital_interest', 'legal_obligation', 'public_task', name='legal_basis', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('do_not_call_back', sa.Boolean(), nullable=False),
    sa.Column('call_window', sa.String(length=120), nullable=True),
    sa.Column('withhold_caller_id', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_cases_created_by_id_users')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_cases_owner_id_users')),
    sa.ForeignKeyConstraint(['province_code'], ['provinces.code'], name=op.f('fk_cases_province_code_provinces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('number', name=op.f('uq_cases_number')),
    sa.UniqueConstraint('year_be', 'sequence', name=op.f('uq_cases_year_be_sequence'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_cases_status_province', ['status', 'province_code'], unique=False)

    op.create_table('callback_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('queue_name', sa.String(length=64), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'dialling', 'done', 'failed', 'cancelled', name='callback_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_callback_requests_call_id_calls')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_callback_requests'))
    )
    with op.batch_alter_table('callback_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_callback_requests_call_id'), ['call_id'], unique=False)

    op.create_table('case_calls',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('linked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_case_calls_call_id_calls')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_calls_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['linked_by_id'], ['users.id'], name=op.f('fk_case_calls_linked_by_id_users')),
    sa.PrimaryKeyConstraint('case_id', 'call_id', name=op.f('pk_case_calls'))
    )
    with op.batch_alter_table('case_calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_calls_call_id'), ['call_id'], unique=False)

    op.create_table('case_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_case_notes_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_notes_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notes'))
    )
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_notes_case_id'), ['case_id'], unique=False)

    op.create_table('case_persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('victim', 'reporter', 'alleged_perpetrator', name='person_role', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=True),
    sa.Column('nickname', sa.String(length=80), nullable=True),
    sa.Column('gender', sa.Enum('female', 'male', 'gender_diverse', 'unknown', name='gender', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('age_years', sa.Integer(), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('nationality', sa.String(length=2), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('relationship_to_victim', sa.String(length=80), nullable=True),
    sa.Column('has_disability', sa.Boolean(), nullable=False),
    sa.Column('needs_interpreter', sa.Boolean(), nullable=False),
    sa.Column('national_id_digest', sa.String(length=64), nullable=True),
    sa.Column('national_id_last4', sa.String(length=4), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_persons_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_persons'))
    )
    with op.batch_alter_table('case_persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_persons_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_persons_national_id_digest'), ['national_id_digest'], unique=False)

    op.create_table('case_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('new', 'screening', 'referred', 'dispatched', 'follow_up', 'closed', name='from_status', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('to_status', sa.Enum('new', 'screening', 'referred', 'dispatched', 'follow_up', 'closed', name='to_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_status_changes_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_case_status_changes_changed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_status_changes'))
    )
    with op.batch_alter_table('case_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_status_changes_case_id'), ['case_id'], unique=False)

    op.create_table('dispatches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('created', 'alerted', 'acknowledged', 'en_route', 'on_scene', 'completed', 'declined', 'escalated', name='dispatch_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('urgency', sa.Enum('immediate', 'high', 'normal', 'low', name='urgency', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('alerted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('en_route_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('on_scene_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('declined_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decline_reason', sa.String(length=300), nullable=True),
    sa.Column('outcome', sa.String(length=80), nullable=True),
    sa.Column('field_report', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_dispatches_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_dispatches_created_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['response_units.id'], name=op.f('fk_dispatches_unit_id_response_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispatches'))
    )
    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispatches_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_dispatches_unit_status', ['unit_id', 'status'], unique=False)

    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('agency_type', sa.Enum('police', 'hospital_oscc', 'shelter', 'labour_office', 'provincial_office', 'other_hotline', 'ngo', 'other', name='agency_type', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('agency_name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('sent', 'accepted', 'rejected', 'done', 'revoked', name='referral_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_referrals_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_referrals_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_case_id'), ['case_id'], unique=False)

    op.create_table('alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dispatch_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('console', 'sms', 'line', 'email', 'voice', name='alert_channel', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sending', 'delivered', 'failed', 'cancelled', name='alert_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempt_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['unit_contacts.id'], name=op.f('fk_alerts_contact_id_unit_contacts')),
    sa.ForeignKeyConstraint(['dispatch_id'], ['dispatches.id'], name=op.f('fk_alerts_dispatch_id_dispatches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_alerts_idempotency_key'))
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alerts_dispatch_id'), ['dispatch_id'], unique=False)
        batch_op.create_index('ix_alerts_status_next_attempt', ['status', 'next_attempt_at'], unique=False)

    op.create_table('dispatch_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dispatch_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('created', 'alerted', 'acknowledged', 'en_route', 'on_scene', 'completed', 'declined', 'escalated', name='dispatch_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_dispatch_events_actor_id_users')),
    sa.ForeignKeyConstraint(['dispatch_id'], ['dispatches.id'], name=op.f('fk_dispatch_events_dispatch_id_dispatches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispatch_events'))
    )
    with op.batch_alter_table('dispatch_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispatch_events_dispatch_id'), ['dispatch_id'], unique=False)

    op.create_table('alert_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.Column('provider_reference', sa.String(length=120), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], name=op.f('fk_alert_attempts_alert_id_alerts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_attempts'))
    )
    with op.batch_alter_table('alert_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_attempts_alert_id'), ['alert_id'], unique=False)


    create_append_only_guards()

def downgrade() -> None:
    drop_append_only_guards()
    with op.batch_alter_table('alert_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_attempts_alert_id'))

    op.drop_table('alert_attempts')
    with op.batch_alter_table('dispatch_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispatch_events_dispatch_id'))

    op.drop_table('dispatch_events')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_alerts_status_next_attempt')
        batch_op.drop_index(batch_op.f('ix_alerts_dispatch_id'))

    op.drop_table('alerts')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_case_id'))

    op.drop_table('referrals')
    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.drop_index('ix_dispatches_unit_status')
        batch_op.drop_index(batch_op.f('ix_dispatches_case_id'))

    op.drop_table('dispatches')
    with op.batch_alter_table('case_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_status_changes_case_id'))

    op.drop_table('case_status_changes')
    with op.batch_alter_table('case_persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_persons_national_id_digest'))
        batch_op.drop_index(batch_op.f('ix_case_persons_case_id'))

    op.drop_table('case_persons')
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_notes_case_id'))

    op.drop_table('case_notes')
    with op.batch_alter_table('case_calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_calls_call_id'))

    op.drop_table('case_calls')
    with op.batch_alter_table('callback_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_callback_requests_call_id'))

    op.drop_table('callback_requests')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_status_province')
        batch_op.drop_index(batch_op.f('ix_cases_owner_id'))

    op.drop_table('cases')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_index('ix_calls_started_at')
        batch_op.drop_index(batch_op.f('ix_calls_queue_name'))
        batch_op.drop_index(batch_op.f('ix_calls_linkedid'))
        batch_op.drop_index('ix_calls_caller_number')
        batch_op.drop_index(batch_op.f('ix_calls_agent_user_id'))

    op.drop_table('calls')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_entity')
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))

    op.drop_table('audit_events')
    op.drop_table('agent_skills')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_unit_id'))

    op.drop_table('users')
    op.drop_table('unit_contacts')
    with op.batch_alter_table('response_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_units_province_code'))

    op.drop_table('response_units')
    op.drop_table('queues')
    op.drop_table('provinces')
    op.drop_table('case_sequences')


def create_append_only_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
            END $$
            """
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
            )
        return
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def drop_append_only_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION refuse_change()")
        return
    for table in APPEND_ONLY:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER {table}_no_{verb}")
