"""checklist stage."""
