"""Reports the ministry publishes, computed in SQL."""
