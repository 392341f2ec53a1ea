"""Safety walks (trygghetsvandringar): a planned walk with a checklist, its stops, the walk report and the stops
turned into incidents or measures."""
