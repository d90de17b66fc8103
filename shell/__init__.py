"""The user-facing shell: the wirehouse command line and what it prints; nothing of ours imports it."""
