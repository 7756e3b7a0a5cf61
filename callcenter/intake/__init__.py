"""Reports that reach the hotline without a call: the public website form (and the app,
built on the same rules), waiting in the web queue until an agent takes them."""
