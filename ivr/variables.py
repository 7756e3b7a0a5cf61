"""Channel variables the IVR reads and sets; `asterisk_conf/extensions.conf` uses the same names.

tests/asterisk_conf checks both ways: every name here appears in the dialplan, every
``IVR_*`` / ``DISPATCH_*`` / ``CALLBACK_*`` / ``RRU_*`` / ``HOTLINE_*`` variable of the
dialplan is here, the Originates of the worker set only names known here, and the bridge
tracks exactly ``FOR_THE_BRIDGE``.
"""

# Read by the IVR (set by the dialplan or by the Originate that calls a unit).
HOTLINE_CALL_ID = "HOTLINE_CALL_ID"
DISPATCH_ID = "DISPATCH_ID"
RRU_UNIT = "RRU_UNIT"
# Set by the worker's voice-alert Originate (the alert's idempotency key); the dispatch
# context echoes it in its UserEvent so a PBX log line can be tied to its alert.
DISPATCH_ALERT_KEY = "DISPATCH_ALERT_KEY"

# Set by the hotline flow; the dialplan queues the call with them.
IVR_LANGUAGE = "IVR_LANGUAGE"
IVR_CHOICE = "IVR_CHOICE"
IVR_ISSUE = "IVR_ISSUE"
IVR_PRIORITY = "IVR_PRIORITY"
IVR_QUEUE = "IVR_QUEUE"
IVR_SILENT = "IVR_SILENT"
IVR_CALLBACK = "IVR_CALLBACK"
IVR_ERROR = "IVR_ERROR"

# Set by the dispatch flow: yes (accepted), no (declined), none (no answer).
DISPATCH_ACK = "DISPATCH_ACK"

# Set by the worker's Originate of a call back; the dialplan's ``callback`` context uses them.
CALLBACK_ID = "CALLBACK_ID"
CALLBACK_QUEUE = "CALLBACK_QUEUE"
# Set by the call-back greeting: yes once the person pressed 1 (then they are queued), no
# otherwise (voicemail, a hang-up, no key): the dialplan hangs up and the worker retries.
CALLBACK_REACHED = "CALLBACK_REACHED"

# Set by the dialplan alone (``enqueue``, inherited by every leg): the queue a caller is in.
# Nothing in this code reads it; it stays for the PBX's own logs and CDRs.
HOTLINE_QUEUE = "HOTLINE_QUEUE"

SET_BY_HOTLINE = (
    IVR_LANGUAGE, IVR_CHOICE, IVR_ISSUE, IVR_PRIORITY, IVR_QUEUE, IVR_SILENT, IVR_CALLBACK,
    IVR_ERROR,
)
# What callcenter.ami tracks from VarSet events (its TRACKED_VARIABLES, but QUEUESTATUS):
# every one the hotline sets. They also reach the bridge in the IvrChoice event's headers.
FOR_THE_BRIDGE = SET_BY_HOTLINE
READ_BY_IVR = (HOTLINE_CALL_ID, DISPATCH_ID, RRU_UNIT)
DIALPLAN_ONLY = (HOTLINE_QUEUE,)
ALL = (
    *READ_BY_IVR, DISPATCH_ALERT_KEY, *SET_BY_HOTLINE, DISPATCH_ACK, CALLBACK_ID,
    CALLBACK_QUEUE, CALLBACK_REACHED, *DIALPLAN_ONLY,
)

# The UserEvent names of the 1300 system (AMI ``Event: UserEvent``, ``UserEvent: <name>``).
EVENT_IVR_RESULT = "IvrChoice"  # sent by the hotline flow; callcenter.ami's tracker reads it
EVENT_DISPATCH_ANSWER = "DispatchAck"  # sent by the dialplan's dispatch context
