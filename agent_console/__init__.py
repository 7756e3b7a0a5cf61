"""The web console for hotline agents, supervisors and rapid-response units."""
