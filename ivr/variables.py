"""Channel variables the IVR reads and sets; `asterisk_conf/extensions.conf` uses the same names.

tests/asterisk_conf checks that every name here appears in the dialplan and every ``IVR_*`` /
``DISPATCH_*`` variable of the dialplan appears here.
"""

# Read by the IVR (set by the dialplan or by the Originate that calls a unit).
HOTLINE_CALL_ID = "HOTLINE_CALL_ID"
DISPATCH_ID = "DISPATCH_ID"
RRU_UNIT = "RRU_UNIT"

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

SET_BY_HOTLINE = (
    IVR_LANGUAGE, IVR_CHOICE, IVR_ISSUE, IVR_PRIORITY, IVR_QUEUE, IVR_SILENT, IVR_CALLBACK,
    IVR_ERROR,
)
READ_BY_IVR = (HOTLINE_CALL_ID, DISPATCH_ID, RRU_UNIT)
ALL = (*READ_BY_IVR, *SET_BY_HOTLINE, DISPATCH_ACK, CALLBACK_ID, CALLBACK_QUEUE)

# The UserEvent names the bridge listens for (AMI ``Event: UserEvent``, ``UserEvent: <name>``).
EVENT_IVR_RESULT = "IvrChoice"  # callcenter.ami.tracker listens for this name
EVENT_DISPATCH_ANSWER = "DispatchAnswer"
